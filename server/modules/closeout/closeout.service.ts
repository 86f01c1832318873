import { AppError, notFound } from '../../errors.ts'
import { endOfLocalDay, localDate, type Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import { createWorkingCalendar, noticePeriod } from '../../lib/working-days.ts'
import type { AccountActor } from '../auth/permissions.ts'
import type { EventsRepo } from '../events/events.repo.ts'
import type { ItemRecord, ItemRow, ItemsRepo } from '../items/items.repo.ts'
import { staleVersion, type ItemsService, type ItemView } from '../items/items.service.ts'
import type { PlansRepo } from '../plans/plans.repo.ts'
import type { CloseoutRepo } from './closeout.repo.ts'
import { SYSTEM_ACTOR, decideTransition, type Actor, type ItemAction } from './state-machine.ts'

export interface TransitionInput {
  action: ItemAction
  expectedVersion: number
  comment?: string | undefined
}

interface Deps {
  repo: CloseoutRepo
  itemsRepo: ItemsRepo
  items: ItemsService
  eventsRepo: EventsRepo
  plansRepo: PlansRepo
  clock: Clock
  transact: Transact
}

export function createCloseoutService({ repo, itemsRepo, items, eventsRepo, plansRepo, clock, transact }: Deps) {
  function refusal(code: number, body: { code: string; message: string; allowedActions?: ItemAction[] }): AppError {
    return new AppError(code as 403 | 409 | 422, body.code, body.message, body.allowedActions ? { allowedActions: body.allowedActions } : undefined)
  }

  /** What an action changes on the item row besides status and version. */
  function effects(record: ItemRecord, action: ItemAction, now: Date): Partial<ItemRow> & { details?: Record<string, unknown> } {
    switch (action) {
      case 'accept': {
        const plan = plansRepo.findById(record.planId)
        const calendar = createWorkingCalendar(repo.calendarOverrides())
        const period = noticePeriod(calendar, localDate(now, record.timezone), plan?.noticeWorkingDays ?? 5)
        const noticeEndsAt = endOfLocalDay(period.lastDay, record.timezone).toISOString()
        return {
          noticeEndsAt,
          noticeCalendarFallback: period.usedFallback,
          details: { noticeFirstDay: period.firstDay, noticeLastDay: period.lastDay, noticeEndsAt, calendarFallback: period.usedFallback },
        }
      }
      case 'close':
        return { closedAt: now.toISOString() }
      case 'uphold_objection':
        return { noticeEndsAt: null, noticeCalendarFallback: false }
      case 'reopen':
        return { rebound: true, closedAt: null, noticeEndsAt: null, noticeCalendarFallback: false, details: { rebound: true } }
      default:
        return {}
    }
  }

  /**
   * Applies one action, deciding through the state machine: the conditional update on (id, version, status) and
   * the event row commit together or not at all. `extra` carries what a calling module records with it.
   * Returns the item as the transaction left it.
   */
  function apply(
    actor: Actor,
    record: ItemRecord,
    responsibleUnitIds: number[],
    input: TransitionInput,
    extra: { details?: Record<string, unknown>; within?: () => void } = {},
  ): ItemRecord {
    const now = clock.now()
    const at = now.toISOString()
    // Reads, decision and write in one IMMEDIATE transaction: no other writer (another process) can file an
    // objection or evidence between the check and the change.
    return transact(() => {
      const evidenceCount = repo.evidenceCount(record.id)
      const decision = decideTransition(
        {
          status: record.status,
          leadUnitId: record.leadUnitId,
          responsibleUnitIds,
          evidenceCount,
          noticeEndsAt: record.noticeEndsAt ? new Date(record.noticeEndsAt) : null,
          pendingObjections: repo.pendingObjections(record.id),
        },
        actor,
        { action: input.action, comment: input.comment },
        now,
      )
      // Who may act is answered before whether the caller's copy is current; both before the status and the rules.
      if (!decision.ok && decision.refusal.statusCode === 403) throw refusal(403, decision.refusal)
      if (record.version !== input.expectedVersion) throw staleVersion(record.version)
      if (!decision.ok) throw refusal(decision.refusal.statusCode, decision.refusal)
      const { details: effectDetails, ...changes } = effects(record, input.action, now)
      const updated = itemsRepo.updateIfCurrent(record.id, input.expectedVersion, { ...changes, status: decision.to, updatedAt: at }, decision.from)
      if (!updated) throw staleVersion(itemsRepo.findRecord(record.id)?.version ?? input.expectedVersion)
      extra.within?.()
      eventsRepo.append({
        itemId: record.id,
        at,
        actor,
        action: input.action,
        fromStatus: decision.from,
        toStatus: decision.to,
        comment: input.comment?.trim() || null,
        details: effectDetails || extra.details ? { ...effectDetails, ...extra.details } : null,
      })
      // The row as updated. Its content and responsible units cannot have changed (an edit bumps the version the
      // update was conditional on); the evidence count is the one read in this transaction.
      return { ...record, ...changes, status: decision.to, version: record.version + 1, updatedAt: at, evidenceCount }
    })
  }

  return {
    apply,

    /** POST /items/:id/transitions */
    transition(actor: AccountActor, itemId: number, input: TransitionInput): ItemView {
      const { record, responsible } = items.loadVisible(actor, itemId)
      return items.viewOf(actor, apply(actor, record, responsible.map((u) => u.id), input))
    },

    /**
     * Closes every item whose notice has ended with no objection pending, as the system.
     * Safe to run twice: a closed item is no longer in notice, and each close is a conditional update.
     */
    closeEndedNotices(now: Date): { closed: number[]; heldByObjection: number[] } {
      const closed: number[] = []
      const heldByObjection: number[] = []
      for (const candidate of repo.noticesEndedBy(now.toISOString())) {
        const record = itemsRepo.findRecord(candidate.id)
        if (!record) continue
        if (repo.pendingObjections(record.id) > 0) {
          heldByObjection.push(record.id)
          continue
        }
        try {
          apply(SYSTEM_ACTOR, record, [], { action: 'close', expectedVersion: record.version })
          closed.push(record.id)
        } catch (err) {
          // Someone (a supervisor) moved it between our read and our write: theirs stands.
          if (!(err instanceof AppError)) throw err
        }
      }
      return { closed, heldByObjection }
    },

    calendarOverrides: () => repo.calendarOverrides(),
    setCalendarOverride(actor: AccountActor, input: { date: string; kind: 'holiday' | 'workday'; note?: string | undefined }) {
      return repo.upsertCalendarOverride({
        date: input.date,
        kind: input.kind,
        note: input.note ?? null,
        createdAt: clock.now().toISOString(),
        createdBy: actor.accountId,
      })
    },
    removeCalendarOverride(date: string): void {
      if (!repo.deleteCalendarOverride(date)) throw notFound(`Calendar override for ${date}`, 'OVERRIDE_NOT_FOUND')
    },
  }
}

export type CloseoutService = ReturnType<typeof createCloseoutService>
