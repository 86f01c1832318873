import { AppError, conflict, notFound, unprocessable } from '../../errors.ts'
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts'
import { addDays, localDate, type Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import { canSeeItem, itemScope, type AccountActor } from '../auth/permissions.ts'
import { RECTIFYING_STATUSES } from '../../domain/items.ts'
import { laggingWindow } from '../items/facts.ts'
import type { Actor } from '../../domain/actors.ts'
import { DEFAULT_JOINT_SUPERVISION_AFTER_DAYS, firingTriggers, ruleLabel, type EscalationItem } from '../escalation/rules.ts'
import type { EventsRepo } from '../events/events.repo.ts'
import type { ItemRecord, ItemsService } from '../items/items.service.ts'
import type { PlansRepo } from '../plans/plans.repo.ts'
import {
  DEFAULT_REPLY_DUE_DAYS,
  SUPERVISION_EVENTS,
  SUPERVISION_STATUS_LABELS,
  decideSupervisionAction,
  replyIsOverdue,
  replyStatusOn,
  supervisionActionsFor,
  supervisionNumber,
  supervisionStateAt,
  type ReplyStatus,
  type SupervisionAction,
  type SupervisionRule,
  type SupervisionStatus,
} from './lifecycle.ts'
import { renderSupervisionNotice } from './supervision.html.tsx'
import type { SupervisionListQuery, SupervisionRecord, SupervisionRepo, SupervisionRow } from './supervision.repo.ts'
import type { SupervisionView } from './supervision.types.ts'

export type { SupervisionView } from './supervision.types.ts'

export interface SupervisionListFilters {
  planId?: number | undefined
  itemId?: number | undefined
  status?: SupervisionStatus | undefined
  leadUnitId?: number | undefined
  unitId?: number | undefined
  overdueReply?: boolean | undefined
  cursor?: string | undefined
  limit?: number | undefined
}

/** What the monthly bulletin says about joint supervision in a window; see `supervisionActivity`. */
export interface SupervisionActivity {
  opened: { supervisionId: number; number: string; code: string; leadUnit: string; openedOn: string; reason: string }[]
  resolved: { supervisionId: number; number: string; code: string; leadUnit: string; resolvedOn: string }[]
  open: { supervisionId: number; number: string; code: string; leadUnit: string; replyDueOn: string; replyStatus: ReplyStatus }[]
}

export interface OpenSupervisionInput {
  actor: Actor
  record: ItemRecord
  rule: SupervisionRule
  triggerKey: string | null
  answers: string[]
  reason: string
  replyDueDays: number
  now: Date
}

interface Deps {
  repo: SupervisionRepo
  items: Pick<ItemsService, 'record' | 'responsibleUnits' | 'reportedPeriods'>
  plansRepo: PlansRepo
  eventsRepo: EventsRepo
  clock: Clock
  transact: Transact
}

export function createSupervisionService({ repo, items, plansRepo, eventsRepo, clock, transact }: Deps) {
  /** What the escalation rules read about an item now: its facts with its plan's threshold, and its recent reports. */
  function ruleFacts(record: ItemRecord, now: Date): { item: EscalationItem; reportedPeriods: Set<string> } {
    const item: EscalationItem = {
      status: record.status,
      deadlineKind: record.deadlineKind,
      deadline: record.deadline,
      createdAt: record.createdAt,
      timezone: record.timezone,
      jointSupervisionAfterDays: plansRepo.findById(record.planId)?.jointSupervisionAfterDays ?? DEFAULT_JOINT_SUPERVISION_AFTER_DAYS,
    }
    const periods = laggingWindow(now, record.timezone).periods
    return { item, reportedPeriods: items.reportedPeriods([record.id], periods).get(record.id) ?? new Set() }
  }

  /**
   * Issues a notice on the item: allocates the next number of the issue year, inserts and records the event.
   * Only inside a transaction, after checking that none is open: the number and the row commit together.
   */
  function openWithin(input: OpenSupervisionInput): SupervisionRow {
    const { record, actor, now } = input
    const at = now.toISOString()
    const issuedOn = localDate(now, record.timezone)
    const year = Number(issuedOn.slice(0, 4))
    const seq = repo.nextSeq(year)
    const replyDueOn = addDays(issuedOn, input.replyDueDays)
    const responsible = items.responsibleUnits(record.id)
    const row = repo.insert({
      planId: record.planId,
      itemId: record.id,
      year,
      seq,
      status: 'open',
      rule: input.rule,
      triggerKey: input.triggerKey,
      answers: input.answers,
      reason: input.reason,
      subject: {
        itemCode: record.code,
        problem: record.problem,
        target: record.target,
        leadUnit: { id: record.leadUnitId, name: record.leadUnitName },
        responsibleUnits: responsible,
        deadlineKind: record.deadlineKind,
        deadline: record.deadline,
      },
      issuedOn,
      replyDueOn,
      openedAt: at,
      openedBy: actor.kind === 'account' ? actor.accountId : null,
    })
    eventsRepo.append({
      itemId: record.id,
      at,
      actor,
      action: 'supervision_opened',
      comment: input.reason,
      details: {
        supervisionId: row.id,
        number: supervisionNumber(year, seq),
        rule: input.rule,
        trigger: input.triggerKey,
        answers: input.answers,
        issuedOn,
        replyDueOn,
      },
    })
    return row
  }

  /** The supervision, or 404 when it does not exist or the actor's unit has no part in its item. */
  function loadVisible(actor: AccountActor, id: number): SupervisionRecord {
    const record = repo.findRecord(id)
    const missing = () => notFound(`Supervision ${id}`, 'SUPERVISION_NOT_FOUND')
    if (!record) throw missing()
    const responsibleUnitIds = items.responsibleUnits(record.row.itemId).map((u) => u.id)
    if (!canSeeItem(actor, { leadUnitId: record.itemLeadUnitId, responsibleUnitIds })) throw missing()
    return record
  }

  function views(actor: AccountActor, records: readonly SupervisionRecord[], withSteps: boolean): SupervisionView[] {
    const now = clock.now()
    const accountIds = new Set<number>()
    const evidenceIds = new Set<number>()
    for (const { row } of records) {
      for (const id of [row.openedBy, row.acknowledgedBy, row.repliedBy, row.resolvedBy]) if (id !== null) accountIds.add(id)
      for (const id of row.replyEvidenceIds ?? []) evidenceIds.add(id)
    }
    const names = repo.accountNames([...accountIds])
    const files = repo.evidenceFiles([...evidenceIds])
    const nameOf = (id: number | null) => (id === null ? null : (names.get(id) ?? `#${id}`))
    const events = withSteps ? repo.supervisionEvents([...new Set(records.map((r) => r.row.itemId))], SUPERVISION_EVENTS) : []

    return records.map(({ row, timezone, itemLeadUnitId }) => {
      const view: SupervisionView = {
        id: row.id,
        number: supervisionNumber(row.year, row.seq),
        year: row.year,
        seq: row.seq,
        planId: row.planId,
        itemId: row.itemId,
        status: row.status,
        statusLabel: SUPERVISION_STATUS_LABELS[row.status],
        rule: row.rule,
        ruleLabel: ruleLabel(row.rule),
        reason: row.reason,
        item: {
          code: row.subject.itemCode,
          problem: row.subject.problem,
          target: row.subject.target,
          deadlineKind: row.subject.deadlineKind,
          deadline: row.subject.deadline,
        },
        leadUnit: row.subject.leadUnit,
        responsibleUnits: row.subject.responsibleUnits,
        issuedOn: row.issuedOn,
        replyDueOn: row.replyDueOn,
        openedAt: row.openedAt,
        openedBy: row.openedBy === null ? null : { accountId: row.openedBy, name: nameOf(row.openedBy)! },
        acknowledgedAt: row.acknowledgedAt,
        acknowledgedBy: nameOf(row.acknowledgedBy),
        reply:
          row.repliedAt === null
            ? null
            : {
                text: row.replyText ?? '',
                at: row.repliedAt,
                by: nameOf(row.repliedBy) ?? '',
                evidence: (row.replyEvidenceIds ?? []).map((id) => ({
                  id,
                  fileName: files.get(id)?.fileName ?? '',
                  mediaType: files.get(id)?.mediaType ?? 'application/octet-stream',
                })),
              },
        replyOverdue: row.replyOverdue,
        replyStatus: replyStatusOn(
          { status: row.status, replyDueOn: row.replyDueOn, replied: row.repliedAt !== null, replyOverdue: row.replyOverdue },
          localDate(now, timezone),
        ),
        sentBackCount: row.sentBackCount,
        resolvedAt: row.resolvedAt,
        resolvedBy: nameOf(row.resolvedBy),
        resolutionComment: row.resolutionComment,
        allowedActions: supervisionActionsFor(row.status, actor, itemLeadUnitId),
      }
      if (withSteps) {
        view.steps = events
          .filter((e) => e.itemId === row.itemId && e.details?.supervisionId === row.id)
          .map((e) => ({ at: e.at, action: e.action, actor: e.actorName, comment: e.comment }))
      }
      return view
    })
  }

  function get(actor: AccountActor, id: number): SupervisionView {
    return views(actor, [loadVisible(actor, id)], true)[0]!
  }

  /**
   * Moves a supervision one step through its lifecycle: the decision on the row as it is now, the conditional
   * update and the item event commit together. `step` checks the input and says what else changes.
   */
  function transition(
    actor: AccountActor,
    id: number,
    action: SupervisionAction,
    step: (
      record: SupervisionRecord,
      now: Date,
    ) => { changes: Partial<SupervisionRow>; comment: string | null; details?: Record<string, unknown> },
  ): SupervisionView {
    loadVisible(actor, id)
    const now = clock.now()
    transact(() => {
      const record = repo.findRecord(id)!
      const decision = decideSupervisionAction(record.row.status, actor, record.itemLeadUnitId, action)
      if (!decision.ok) {
        throw new AppError(
          decision.statusCode,
          decision.code,
          decision.message,
          decision.allowedActions ? { allowedActions: decision.allowedActions } : undefined,
        )
      }
      const { changes, comment, details } = step(record, now)
      if (!repo.updateIfStatus(id, decision.from, { ...changes, status: decision.to })) {
        throw conflict('SUPERVISION_CHANGED', `Supervision ${id} changed meanwhile; read it again`)
      }
      eventsRepo.append({
        itemId: record.row.itemId,
        at: now.toISOString(),
        actor,
        action: decision.event,
        comment,
        details: {
          supervisionId: id,
          number: supervisionNumber(record.row.year, record.row.seq),
          from: decision.from,
          to: decision.to,
          ...details,
        },
      })
    })
    return get(actor, id)
  }

  function required(text: string | undefined, code: string, what: string): string {
    const trimmed = text?.trim() ?? ''
    if (trimmed === '') throw unprocessable(code, `${what} may not be blank`)
    return trimmed
  }

  return {
    openWithin,
    ruleFacts,

    /** The rules' view of the item's past supervisions: the open one, and every trigger answered so far. */
    historyOf(itemId: number): { openSupervisionId: number | null; answeredTriggers: Set<string> } {
      const rows = repo.ofItem(itemId)
      return {
        openSupervisionId: rows.find((r) => r.status !== 'resolved')?.id ?? null,
        answeredTriggers: new Set(rows.flatMap((r) => r.answers)),
      }
    },

    /**
     * A supervisor opens joint supervision on an open item by hand. At most one is open per item (409); the
     * rule conditions that hold now are recorded as answered by it, so the sweep does not open another for them.
     */
    open(actor: AccountActor, itemId: number, input: { reason: string; replyDueDays?: number | undefined }): SupervisionView {
      const now = clock.now()
      const id = transact(() => {
        const record = items.record(itemId)
        if (!record) throw notFound(`Item ${itemId}`, 'ITEM_NOT_FOUND')
        if (!RECTIFYING_STATUSES.includes(record.status)) {
          throw conflict('ITEM_NOT_OPEN', `Joint supervision is for items still being rectified; this one is ${record.status}`)
        }
        const open = repo.ofItem(itemId).find((r) => r.status !== 'resolved')
        if (open) {
          throw conflict('SUPERVISION_ALREADY_OPEN', `${supervisionNumber(open.year, open.seq)} is still open on this item`, {
            supervisionId: open.id,
            number: supervisionNumber(open.year, open.seq),
          })
        }
        const reason = required(input.reason, 'REASON_REQUIRED', 'The reason')
        const facts = ruleFacts(record, now)
        const answers = firingTriggers(facts.item, facts.reportedPeriods, now).map((t) => t.key)
        return openWithin({
          actor,
          record,
          rule: 'manual',
          triggerKey: null,
          answers,
          reason,
          replyDueDays: input.replyDueDays ?? DEFAULT_REPLY_DUE_DAYS,
          now,
        }).id
      })
      return get(actor, id)
    },

    get,

    list(
      actor: AccountActor,
      filters: SupervisionListFilters,
    ): { supervisions: SupervisionView[]; nextCursor: string | null; total: number } {
      const limit = filters.limit ?? 50
      const scope = itemScope(actor)
      const query: SupervisionListQuery = {
        planId: filters.planId,
        itemId: filters.itemId,
        status: filters.status,
        leadUnitId: filters.leadUnitId,
        unitId: filters.unitId,
        afterId: filters.cursor !== undefined ? decodeCursor(filters.cursor) : undefined,
        limit: limit + 1,
      }
      if (filters.overdueReply !== undefined) {
        const now = clock.now()
        const byZone = new Map<string, number[]>()
        for (const plan of plansRepo.timezones()) byZone.set(plan.timezone, [...(byZone.get(plan.timezone) ?? []), plan.id])
        query.overdueReply = {
          value: filters.overdueReply,
          todayByPlan: [...byZone].map(([zone, planIds]) => ({ planIds, today: localDate(now, zone) })),
        }
      }
      const { records, total } = repo.list(query, scope.kind === 'unit' ? scope.unitId : null)
      const page = records.slice(0, limit)
      const last = page.at(-1)
      return {
        supervisions: views(actor, page, false),
        nextCursor: records.length > limit && last ? encodeCursor(last.row.id) : null,
        total,
      }
    },

    /** The notice as a printable page (督办单). */
    renderNotice(actor: AccountActor, id: number): string {
      const view = get(actor, id)
      // A supervision's plan exists: the foreign key keeps it.
      const plan = plansRepo.findById(view.planId)!
      return renderSupervisionNotice(view, plan)
    },

    /** The lead unit acknowledges receipt (签收). */
    acknowledge(actor: AccountActor, id: number, input: { comment?: string | undefined }): SupervisionView {
      return transition(actor, id, 'acknowledge', (_, now) => ({
        changes: { acknowledgedAt: now.toISOString(), acknowledgedBy: actor.accountId },
        comment: input.comment?.trim() || null,
      }))
    },

    /** The lead unit replies, pointing at evidence filed on the item; a reply after the deadline is flagged. */
    reply(actor: AccountActor, id: number, input: { text: string; evidenceIds?: number[] | undefined }): SupervisionView {
      return transition(actor, id, 'reply', ({ row, timezone }, now) => {
        const text = required(input.text, 'TEXT_REQUIRED', 'The reply')
        const evidenceIds = [...new Set(input.evidenceIds ?? [])]
        const found = new Set(repo.evidenceOnItem(row.itemId, evidenceIds))
        const foreign = evidenceIds.filter((e) => !found.has(e))
        if (foreign.length > 0) {
          throw unprocessable(
            'EVIDENCE_NOT_ON_ITEM',
            `Evidence ${foreign.join(', ')} is not filed on this item; upload it to the item first`,
            { evidenceIds: foreign },
          )
        }
        const replyOverdue = replyIsOverdue(now, row.replyDueOn, timezone)
        return {
          changes: {
            repliedAt: now.toISOString(),
            repliedBy: actor.accountId,
            replyText: text,
            replyEvidenceIds: evidenceIds,
            replyOverdue,
          },
          comment: text,
          details: { evidenceIds, replyDueOn: row.replyDueOn, replyOverdue },
        }
      })
    },

    /** A supervisor finds the reply insufficient: the lead unit replies again, by a new deadline when one is given. */
    sendBack(actor: AccountActor, id: number, input: { comment: string; replyDueDays?: number | undefined }): SupervisionView {
      return transition(actor, id, 'send_back', ({ row, timezone }, now) => {
        const comment = required(input.comment, 'COMMENT_REQUIRED', 'The comment')
        const replyDueOn = input.replyDueDays === undefined ? row.replyDueOn : addDays(localDate(now, timezone), input.replyDueDays)
        return { changes: { replyDueOn, sentBackCount: row.sentBackCount + 1 }, comment, details: { replyDueOn } }
      })
    },

    /** A supervisor resolves (办结) the supervision with a comment. */
    resolve(actor: AccountActor, id: number, input: { comment: string }): SupervisionView {
      return transition(actor, id, 'resolve', (_, now) => {
        const comment = required(input.comment, 'COMMENT_REQUIRED', 'The comment')
        return { changes: { resolvedAt: now.toISOString(), resolvedBy: actor.accountId, resolutionComment: comment }, comment }
      })
    },

    /**
     * For the monthly bulletin: in the window [from, to) of a plan, the supervisions opened and resolved, and those
     * open as of `to` with where their reply stood then (replayed from the item events, so it never changes later).
     */
    supervisionActivity(planId: number, from: Date, to: Date): SupervisionActivity {
      const plan = plansRepo.findById(planId)
      if (!plan) return { opened: [], resolved: [], open: [] }
      const fromIso = from.toISOString()
      const toIso = to.toISOString()
      const rows = repo.activeInWindow(planId, fromIso, toIso)
      const events = repo.supervisionEvents([...new Set(rows.map((r) => r.itemId))], SUPERVISION_EVENTS, toIso)
      // The date a month-end reader sees: the last day before `to`.
      const lastDay = localDate(new Date(to.getTime() - 1), plan.timezone)
      const activity: SupervisionActivity = { opened: [], resolved: [], open: [] }
      for (const row of rows) {
        const ref = {
          supervisionId: row.id,
          number: supervisionNumber(row.year, row.seq),
          code: row.subject.itemCode,
          leadUnit: row.subject.leadUnit.name,
        }
        if (row.openedAt >= fromIso) activity.opened.push({ ...ref, openedOn: row.issuedOn, reason: row.reason })
        if (row.resolvedAt !== null && row.resolvedAt >= fromIso && row.resolvedAt < toIso) {
          activity.resolved.push({ ...ref, resolvedOn: localDate(new Date(row.resolvedAt), plan.timezone) })
        }
        const state = supervisionStateAt(
          events.filter((e) => e.details?.supervisionId === row.id),
          to,
        )
        if (state && state.status !== 'resolved') {
          activity.open.push({ ...ref, replyDueOn: state.replyDueOn, replyStatus: replyStatusOn(state, lastDay) })
        }
      }
      return activity
    },
  }
}

export type SupervisionService = ReturnType<typeof createSupervisionService>
