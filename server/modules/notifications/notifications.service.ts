import { badRequest, conflict, notFound } from '../../errors.ts'
import { addDays, endOfLocalDay, localDate, localPeriod, type Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import { createWorkingCalendar, type CalendarOverride } from '../../lib/working-days.ts'
import type { AccountActor } from '../auth/permissions.ts'
import type { AdminEventsRepo } from '../admin-events/admin-events.repo.ts'
import type { ChannelRow, DeliveryStatus, NotificationsRepo, Reader } from './notifications.repo.ts'
import {
  EVENT_RULES,
  deadlineApproaching,
  isWithinReminder,
  lastDayWithin,
  messagesForEvent,
  reportDue,
  reportOverdue,
  supervisionReplyDue,
  supervisionReplyOverdue,
  workingDaysUntil,
  type ItemEventFacts,
  type MessageSpec,
  type ReportGap,
} from './rules.ts'
import { createDispatcher, DEFAULT_DISPATCH, type DispatchSettings } from './dispatcher.ts'
import { maskUrl, type Senders } from './senders.ts'
import type { Logger } from 'pino'

export interface NotificationSettings {
  /** Messages to one channel within this many minutes go out as one digest; 0 sends each at once. */
  digestMinutes: number
  /** Where links point: PUBLIC_BASE_URL, or null for the path alone. */
  publicBaseUrl: string | null
  emailConfigured: boolean
}

export type ChannelInput =
  | { kind: 'dingtalk'; url: string; secret?: string | undefined }
  | { kind: 'wecom'; url: string }
  | { kind: 'email'; address: string }

/**
 * A channel already set, kept or changed (the workbench's form): a part left out or blank keeps what is stored, since
 * the robot's token and signing secret are never shown back to be typed again; `secret: null` removes the secret.
 */
export interface ChannelChange {
  id: number
  url?: string | undefined
  address?: string | undefined
  secret?: string | null | undefined
}

/** A channel as the API shows it: the robot's token and the signing secret are never shown back. */
export type ChannelView =
  | { id: number; kind: 'dingtalk'; url: string; hasSecret: boolean; configured: true }
  | { id: number; kind: 'wecom'; url: string; configured: true }
  | { id: number; kind: 'email'; address: string; configured: boolean }

export interface NotificationView {
  id: number
  kind: string
  title: string
  body: string
  itemId: number | null
  /** The plan the message is about (its zone is the one to show times in) and the item's code: for the workbench. */
  planId: number | null
  itemCode?: string | null
  createdAt: string
  readAt: string | null
}

export interface DeliveryView {
  id: number
  status: DeliveryStatus
  attempts: number
  lastError: string | null
  nextAttemptAt: string | null
  createdAt: string
  sentAt: string | null
  channel: { id: number; kind: string; target: string; unitId: number; unitName: string; removed: boolean }
  notification: { id: number; kind: string; title: string; itemId: number | null }
}

export interface ReminderRun {
  ranAt: string
  /** Messages written by this run (a second run the same day writes none). */
  written: { kind: string; dedupeKey: string }[]
}

interface Deps {
  repo: NotificationsRepo
  clock: Clock
  transact: Transact
  calendarOverrides: () => CalendarOverride[]
  settings: NotificationSettings
  /** Where a change of a unit's channels is recorded (the admin trail), in the change's transaction. */
  adminEvents: AdminEventsRepo
}

/** A refusal's failing field, as the other validation errors name theirs (the workbench puts its text beside it). */
const invalid = (index: number, field: 'url' | 'address', message: string) => ({
  fields: [{ field: `body.channels[${index}].${field}`, message }],
})

export const MAX_CHANNELS = 10

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/

const CHANNEL_LABELS: Record<ChannelInput['kind'], string> = { dingtalk: '钉钉机器人', wecom: '企业微信机器人', email: '邮箱' }

export function createNotificationsService({ repo, clock, transact, calendarOverrides, settings, adminEvents }: Deps) {
  // Told when deliveries are written, after the writing transaction has ended (the dispatcher subscribes).
  const queuedListeners = new Set<() => void>()
  let notifyScheduled = false
  function deliveriesQueued(): void {
    if (notifyScheduled || queuedListeners.size === 0) return
    notifyScheduled = true
    // setImmediate runs after the synchronous transaction that wrote them has committed (or rolled back).
    setImmediate(() => {
      notifyScheduled = false
      for (const listener of queuedListeners) listener()
    })
  }

  function link(path: string): string {
    return settings.publicBaseUrl ? settings.publicBaseUrl.replace(/\/+$/, '') + path : path
  }

  /**
   * Writes one message and a delivery for each channel of its recipient, in the caller's transaction. Nothing when a
   * message with the same key exists: that is what makes a job run twice, or an event seen twice, harmless.
   */
  function write(spec: MessageSpec, now: Date): boolean {
    const createdAt = now.toISOString()
    const url = link(spec.path)
    const body = `${spec.body}\n详情：${url}`
    const id = repo.insertNotification({
      recipient: spec.recipient.kind,
      unitId: spec.recipient.kind === 'unit' ? spec.recipient.unitId : null,
      kind: spec.kind,
      title: spec.title,
      body,
      planId: spec.planId,
      itemId: spec.itemId,
      dedupeKey: spec.dedupeKey,
      createdAt,
    })
    if (id === null) return false
    const unitIds = spec.recipient.kind === 'unit' ? [spec.recipient.unitId] : repo.officeUnitIds()
    const channels = repo.activeChannels(unitIds)
    for (const channel of channels) {
      repo.insertDelivery({
        notificationId: id,
        channelId: channel.id,
        payload: { title: spec.title, body: spec.body, link: url },
        status: 'pending',
        attempts: 0,
        nextAttemptAt: digestWindowEnd(channel.id, now),
        createdAt,
      })
    }
    if (channels.length > 0) deliveriesQueued()
    return true
  }

  /** A delivery joins the channel's open window, or opens one that ends `digestMinutes` from now. */
  function digestWindowEnd(channelId: number, now: Date): string {
    const nowIso = now.toISOString()
    if (settings.digestMinutes === 0) return nowIso
    return repo.openDigestWindow(channelId, nowIso) ?? new Date(now.getTime() + settings.digestMinutes * 60_000).toISOString()
  }

  function readerOf(actor: AccountActor): Reader {
    return { accountId: actor.accountId, unitId: actor.unitId, supervisor: actor.role === 'supervisor' }
  }

  function channelView(c: ChannelRow): ChannelView {
    if (c.kind === 'email') return { id: c.id, kind: 'email', address: c.target, configured: settings.emailConfigured }
    if (c.kind === 'dingtalk') return { id: c.id, kind: 'dingtalk', url: maskUrl(c.target), hasSecret: c.secret !== null, configured: true }
    return { id: c.id, kind: 'wecom', url: maskUrl(c.target), configured: true }
  }

  function deliveryView(r: ReturnType<NotificationsRepo['listDeliveries']>[number]): DeliveryView {
    const { delivery: d, channel: c } = r
    return {
      id: d.id,
      status: d.status,
      attempts: d.attempts,
      lastError: d.lastError,
      nextAttemptAt: d.status === 'pending' || d.status === 'failed' ? d.nextAttemptAt : null,
      createdAt: d.createdAt,
      sentAt: d.sentAt,
      channel: {
        id: c.id,
        kind: c.kind,
        target: c.kind === 'email' ? c.target : maskUrl(c.target),
        unitId: c.unitId,
        unitName: r.unitName,
        removed: c.removedAt !== null,
      },
      notification: r.notification,
    }
  }

  /** A change of a stored channel, completed from what is stored; a new channel as given. */
  function resolveChange(entry: ChannelInput | ChannelChange, existing: ChannelRow[], index: number): ChannelInput {
    if (!('id' in entry)) return entry
    const stored = existing.find((c) => c.id === entry.id)
    if (!stored) throw notFound(`channels[${index}]: channel ${entry.id}`, 'CHANNEL_NOT_FOUND')
    const given = (value: string | undefined) => (value !== undefined && value.trim() !== '' ? value : undefined)
    if (stored.kind === 'email') return { kind: 'email', address: given(entry.address) ?? stored.target }
    const url = given(entry.url) ?? stored.target
    if (stored.kind === 'wecom') return { kind: 'wecom', url }
    const secret = entry.secret === null ? undefined : (given(entry.secret) ?? stored.secret ?? undefined)
    return { kind: 'dingtalk', url, secret }
  }

  function checkChannel(input: ChannelInput, index: number): { kind: ChannelInput['kind']; target: string; secret: string | null } {
    if (input.kind === 'email') {
      const address = input.address.trim()
      if (!EMAIL.test(address))
        throw badRequest(
          'INVALID_CHANNEL',
          `channels[${index}]: "${address}" is not an e-mail address`,
          invalid(index, 'address', 'not an e-mail address'),
        )
      return { kind: 'email', target: address, secret: null }
    }
    let url: URL
    try {
      url = new URL(input.url.trim())
    } catch {
      throw badRequest('INVALID_CHANNEL', `channels[${index}]: not a URL`, invalid(index, 'url', 'not a URL'))
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw badRequest(
        'INVALID_CHANNEL',
        `channels[${index}]: the URL must be http or https`,
        invalid(index, 'url', 'must be http or https'),
      )
    const secret = input.kind === 'dingtalk' ? input.secret?.trim() || null : null
    return { kind: input.kind, target: url.toString(), secret }
  }

  return {
    /**
     * The hook the events repository calls for every item event it appends, inside that event's transaction: the
     * messages the event causes are written (or not) together with it. Most actions cause none and cost nothing.
     */
    onItemEvent(event: ItemEventFacts & { at: string }): void {
      if (!(event.action in EVENT_RULES)) return
      const facts = repo.itemFacts(event.itemId)
      if (!facts) return
      const now = new Date(event.at)
      for (const spec of messagesForEvent(event, facts)) write(spec, now)
    },

    /** The sender of the outbox (one per process: the scheduler's, or a test's). */
    dispatcher(options: {
      senders: Senders
      log: Pick<Logger, 'info' | 'warn'>
      random?: () => number
      settings?: Partial<Omit<DispatchSettings, 'digestMinutes'>>
    }) {
      return createDispatcher({
        repo,
        transact,
        clock,
        senders: options.senders,
        log: options.log,
        ...(options.random ? { random: options.random } : {}),
        settings: { ...DEFAULT_DISPATCH, ...options.settings, digestMinutes: settings.digestMinutes },
      })
    },

    onDeliveriesQueued(listener: () => void): () => void {
      queuedListeners.add(listener)
      return () => queuedListeners.delete(listener)
    },

    // ---- an account's messages ----

    /** The newest `limit` messages (older than `beforeId`, to page on), and the count of all unread ones. */
    list(actor: AccountActor, limit = 50, beforeId?: number): { notifications: NotificationView[]; unread: number } {
      const reader = readerOf(actor)
      const rows = repo.listFor(reader, limit, beforeId)
      return {
        notifications: rows.map((r) => ({
          id: r.id,
          kind: r.kind,
          title: r.title,
          body: r.body,
          itemId: r.itemId,
          planId: r.planId,
          itemCode: r.itemCode,
          createdAt: r.createdAt,
          readAt: r.readAt,
        })),
        unread: repo.unreadCount(reader),
      }
    },

    /** How many of the account's messages it has not read (the workbench shows it on every page: one indexed count). */
    unreadCount(actor: AccountActor): number {
      return repo.unreadCount(readerOf(actor))
    },

    /** Marks one message read for this account; another recipient's message is 404. Reading twice keeps the first time. */
    markRead(actor: AccountActor, id: number): NotificationView {
      const reader = readerOf(actor)
      const row = repo.findVisible(reader, id)
      if (!row) throw notFound(`Notification ${id}`, 'NOTIFICATION_NOT_FOUND')
      repo.markRead(id, actor.accountId, clock.now().toISOString())
      return {
        id: row.id,
        kind: row.kind,
        title: row.title,
        body: row.body,
        itemId: row.itemId,
        planId: row.planId,
        createdAt: row.createdAt,
        readAt: repo.readAt(id, actor.accountId),
      }
    },

    markAllRead(actor: AccountActor): { marked: number; unread: number } {
      const reader = readerOf(actor)
      const at = clock.now().toISOString()
      const marked = transact(() => repo.markAllRead(reader, at))
      return { marked, unread: repo.unreadCount(reader) }
    },

    // ---- channels ----

    channels(unitId: number): { channels: ChannelView[] } {
      if (!repo.unitExists(unitId)) throw notFound(`Unit ${unitId}`, 'UNIT_NOT_FOUND')
      return { channels: repo.activeChannels([unitId]).map(channelView) }
    },

    /**
     * Sets where a unit's messages go (the whole list). A channel given again unchanged keeps its row (and its waiting
     * deliveries); the others are retired, and what still waited for them is marked dead when the dispatcher reaches
     * it. A change is recorded in the admin trail in the same transaction (targets masked, secrets never).
     */
    setChannels(actor: AccountActor, unitId: number, entries: (ChannelInput | ChannelChange)[]): { channels: ChannelView[] } {
      const at = clock.now().toISOString()
      transact(() => {
        const unit = repo.unit(unitId)
        if (!unit) throw notFound(`Unit ${unitId}`, 'UNIT_NOT_FOUND')
        if (unit.mergedIntoId !== null)
          throw conflict('UNIT_MERGED', `Unit ${unitId} was merged into unit ${unit.mergedIntoId}; set the channels of that one`)
        if (entries.length > MAX_CHANNELS) throw badRequest('TOO_MANY_CHANNELS', `A unit has at most ${MAX_CHANNELS} channels`)
        const existing = repo.activeChannels([unitId])
        // The same robot or address twice would send everything twice: it is kept once.
        const wanted = entries
          .map((entry, index) => checkChannel(resolveChange(entry, existing, index), index))
          .filter((w, i, all) => all.findIndex((o) => o.kind === w.kind && o.target === w.target && o.secret === w.secret) === i)
        const kept = new Set<number>()
        let added = 0
        for (const w of wanted) {
          const same = existing.find((c) => !kept.has(c.id) && c.kind === w.kind && c.target === w.target && c.secret === w.secret)
          if (same) kept.add(same.id)
          else {
            repo.insertChannel({ unitId, kind: w.kind, target: w.target, secret: w.secret, createdAt: at })
            added++
          }
        }
        const retired = existing.filter((c) => !kept.has(c.id))
        for (const c of retired) repo.retireChannel(c.id, at)
        if (added === 0 && retired.length === 0) return
        const counts = (['dingtalk', 'wecom', 'email'] as const)
          .map((kind) => [kind, wanted.filter((w) => w.kind === kind).length] as const)
          .filter(([, n]) => n > 0)
        adminEvents.append({
          at,
          actor,
          action: 'unit.channels',
          subjectKind: 'unit',
          subjectId: unitId,
          summary:
            counts.length === 0
              ? `清除单位“${unit.name}”的消息渠道`
              : `设置单位“${unit.name}”的消息渠道：${counts.map(([kind, n]) => `${CHANNEL_LABELS[kind]}${n}个`).join('、')}`,
          details: {
            channels: wanted.map((w) => ({
              kind: w.kind,
              target: w.kind === 'email' ? w.target : maskUrl(w.target),
              ...(w.kind === 'dingtalk' ? { signed: w.secret !== null } : {}),
            })),
          },
        })
      })
      return { channels: repo.activeChannels([unitId]).map(channelView) }
    },

    /**
     * What a unit merge does to messages (the units service calls it in the merge's transaction): the merged unit's
     * inbox and channels go to the unit that took it over; a channel the survivor already has (same robot or address,
     * same secret) is retired instead of doubled, and what still waited for it goes to the survivor's twin.
     */
    unitMerged({ fromId, intoId, at }: { fromId: number; intoId: number; at: string }): { channelsMoved: number; channelsMerged: number } {
      repo.moveInbox(fromId, intoId)
      const theirs = repo.activeChannels([intoId])
      let channelsMoved = 0
      let channelsMerged = 0
      for (const c of repo.activeChannels([fromId])) {
        const twin = theirs.find((t) => t.kind === c.kind && t.target === c.target && t.secret === c.secret)
        if (twin) {
          repo.repointWaitingDeliveries(c.id, twin.id)
          repo.retireChannel(c.id, at)
          channelsMerged++
        } else {
          repo.moveChannel(c.id, intoId)
          theirs.push({ ...c, unitId: intoId })
          channelsMoved++
        }
      }
      if (channelsMerged > 0) deliveriesQueued()
      return { channelsMoved, channelsMerged }
    },

    // ---- the outbox, for the admin and the office ----

    deliveries(filter: { status?: DeliveryStatus | undefined; limit?: number | undefined; beforeId?: number | undefined }): {
      deliveries: DeliveryView[]
    } {
      return { deliveries: repo.listDeliveries({ ...filter, limit: filter.limit ?? 100 }).map(deliveryView) }
    },

    /** Sends a waiting, failed or dead delivery again as soon as the dispatcher runs, with a fresh count of tries. */
    retryDelivery(id: number): DeliveryView {
      const now = clock.now().toISOString()
      transact(() => {
        const row = repo.deliveryById(id)
        if (!row) throw notFound(`Delivery ${id}`, 'DELIVERY_NOT_FOUND')
        if (row.status === 'sent') throw conflict('DELIVERY_ALREADY_SENT', `Delivery ${id} was sent at ${row.sentAt}`)
        repo.updateDeliveries([id], { status: 'pending', attempts: 0, nextAttemptAt: now })
      })
      deliveriesQueued()
      return deliveryView(repo.listDeliveries({ limit: 1, id })[0]!)
    },

    // ---- reminders ----

    /**
     * Writes the reminders due on `now`'s date in each plan's zone: deadlines N working days away, the month's report
     * due and overdue, supervision replies due and overdue. Running it twice is safe: each message has a unique key
     * per (rule, subject, date, recipient), so the second run finds every one written and writes nothing.
     */
    runReminders(now: Date): ReminderRun {
      const run: ReminderRun = { ranAt: now.toISOString(), written: [] }
      const calendar = createWorkingCalendar(calendarOverrides())
      const emit = (spec: MessageSpec) => {
        if (write(spec, now)) run.written.push({ kind: spec.kind, dedupeKey: spec.dedupeKey })
      }
      for (const plan of repo.plans()) {
        const today = localDate(now, plan.timezone)
        const n = plan.reminderDays
        // One transaction per plan: a crash leaves whole plans done or not, and a rerun completes the rest.
        transact(() => {
          for (const item of repo.itemsDueBetween(plan.id, addDays(today, -1), lastDayWithin(calendar, today, n))) {
            emit(deadlineApproaching(item, workingDaysUntil(calendar, today, item.deadline)))
          }

          const period = localPeriod(now, plan.timezone)
          const dueOn = `${period}-${String(plan.reportDueDay).padStart(2, '0')}`
          const remind = isWithinReminder(calendar, today, dueOn, n)
          if (remind || today > dueOn) {
            for (const gap of reportGaps(plan, period, dueOn)) emit(today > dueOn ? reportOverdue(gap) : reportDue(gap))
          }

          for (const s of repo.awaitingReply(plan.id)) {
            if (today > s.replyDueOn) emit(supervisionReplyOverdue(s))
            else if (isWithinReminder(calendar, today, s.replyDueOn, n))
              emit(supervisionReplyDue(s, workingDaysUntil(calendar, today, s.replyDueOn)))
          }
        })
      }
      return run
    },
  }

  function reportGaps(plan: { id: number; title: string; timezone: string }, period: string, dueOn: string): ReportGap[] {
    const byUnit = new Map<number, ReportGap>()
    // An item put on the list after the due day owes nothing for that month.
    for (const row of repo.itemsWithoutLeadReport(plan.id, period, endOfLocalDay(dueOn, plan.timezone).toISOString())) {
      let gap = byUnit.get(row.unitId)
      if (!gap) {
        gap = { planId: plan.id, planTitle: plan.title, unitId: row.unitId, period, dueOn, items: [] }
        byUnit.set(row.unitId, gap)
      }
      gap.items.push({ code: row.code, problem: row.problem })
    }
    return [...byUnit.values()]
  }
}

export type NotificationsService = ReturnType<typeof createNotificationsService>
