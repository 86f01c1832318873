// Bulk actions of the supervision office on many items at once: urge (催办) with a note, open joint supervision
// (联合督办) with a reason. Each item is its own transaction with its own audited event: an item that refuses
// (closed, already under supervision …) is reported by code and reason while the others go through, and nothing is
// ever half-done on one item.
import { AppError, conflict, unprocessable } from '../../errors.ts'
import type { Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import type { AccountActor } from '../auth/permissions.ts'
import { RECTIFYING_STATUSES } from '../closeout/deadlines.ts'
import type { EventsRepo } from '../events/events.repo.ts'
import type { ItemListFilters, ItemsService } from '../items/items.service.ts'
import type { SupervisionService } from '../supervision/supervision.service.ts'

/** At most this many items in one bulk action (selected or matching the filter). */
export const BULK_MAX_ITEMS = 1000

/** Which items a bulk action covers: those named, or every item the caller sees that matches the filter. */
export type BulkTarget = { itemIds: number[] } | { filter: Omit<ItemListFilters, 'cursor' | 'limit' | 'view'> }

export type BulkOutcome =
  | { itemId: number; code: string | null; ok: true; eventId?: number; supervisionId?: number; number?: string }
  | { itemId: number; code: string | null; ok: false; error: { code: string; message: string; reason: string } }

export interface BulkResult {
  action: 'urge' | 'supervise'
  succeeded: number
  refused: number
  outcomes: BulkOutcome[]
}

/** The refusal a person reads, by code (the API's message stays English). */
export const BULK_REASONS: Record<string, string> = {
  ITEM_NOT_FOUND: '未找到该整改任务',
  ITEM_CLOSED: '该任务已销号',
  ITEM_NOT_OPEN: '该任务已不在整改中（已申请销号或在公示中）',
  SUPERVISION_ALREADY_OPEN: '该任务已在联合督办中',
}

interface Deps {
  items: ItemsService
  supervision: SupervisionService
  eventsRepo: EventsRepo
  clock: Clock
  transact: Transact
}

export function createBulkService({ items, supervision, eventsRepo, clock, transact }: Deps) {
  /** The ids a target names, each once, in the order given (or the list's order for a filter). */
  function resolve(actor: AccountActor, target: BulkTarget): number[] {
    let ids: number[]
    if ('itemIds' in target) {
      ids = [...new Set(target.itemIds)]
    } else {
      ids = []
      let cursor: string | undefined
      do {
        const page = items.list(actor, { ...target.filter, limit: 200, cursor })
        ids.push(...page.items.map((i) => i.id))
        cursor = page.nextCursor ?? undefined
      } while (cursor !== undefined && ids.length <= BULK_MAX_ITEMS)
    }
    if (ids.length === 0) throw unprocessable('NO_ITEMS', 'No item is selected or matches the filter')
    if (ids.length > BULK_MAX_ITEMS)
      throw unprocessable('TOO_MANY_ITEMS', `At most ${BULK_MAX_ITEMS} items at once`, { max: BULK_MAX_ITEMS })
    return ids
  }

  function required(text: string, code: string, what: string): string {
    const trimmed = text.trim()
    if (trimmed === '') throw unprocessable(code, `${what} may not be blank`)
    return trimmed
  }

  /** Runs `act` on every item; a refusal (AppError) becomes that item's outcome, anything else stops the run. */
  function each(
    actor: AccountActor,
    ids: number[],
    act: (itemId: number) => Omit<Extract<BulkOutcome, { ok: true }>, 'itemId' | 'code' | 'ok'>,
    action: BulkResult['action'],
  ): BulkResult {
    const outcomes: BulkOutcome[] = ids.map((itemId) => {
      let code: string | null = null
      try {
        code = items.get(actor, itemId).code
        return { itemId, code, ok: true, ...act(itemId) }
      } catch (err) {
        if (!(err instanceof AppError) || err.statusCode >= 500) throw err
        return { itemId, code, ok: false, error: { code: err.code, message: err.message, reason: BULK_REASONS[err.code] ?? '未能完成' } }
      }
    })
    const succeeded = outcomes.filter((o) => o.ok).length
    return { action, succeeded, refused: outcomes.length - succeeded, outcomes }
  }

  return {
    resolve,

    /** 催办: an `urge` event with the note on every item still being rectified. */
    urge(actor: AccountActor, target: BulkTarget, input: { note: string }): BulkResult {
      const note = required(input.note, 'NOTE_REQUIRED', 'The note')
      const ids = resolve(actor, target)
      return each(
        actor,
        ids,
        (itemId) =>
          transact(() => {
            // Read inside the transaction: the status it decides on is the one the event is written against.
            const item = items.get(actor, itemId)
            if (item.status === 'closed') throw conflict('ITEM_CLOSED', 'The item is closed')
            if (!RECTIFYING_STATUSES.includes(item.status))
              throw conflict('ITEM_NOT_OPEN', `Urging is for items still being rectified; this one is ${item.status}`)
            const eventId = eventsRepo.append({
              itemId,
              at: clock.now().toISOString(),
              actor,
              action: 'urge',
              comment: note,
              details: { manual: true, deadline: item.deadline, overdue: item.overdue, daysOverdue: item.daysOverdue },
            })
            return { eventId }
          }),
        'urge',
      )
    },

    /** 联合督办: a notice on every item still being rectified that has none open. */
    supervise(actor: AccountActor, target: BulkTarget, input: { reason: string; replyDueDays?: number | undefined }): BulkResult {
      const reason = required(input.reason, 'REASON_REQUIRED', 'The reason')
      const ids = resolve(actor, target)
      return each(
        actor,
        ids,
        (itemId) => {
          if (items.get(actor, itemId).status === 'closed') throw conflict('ITEM_CLOSED', 'The item is closed')
          const view = supervision.open(actor, itemId, { reason, replyDueDays: input.replyDueDays })
          return { supervisionId: view.id, number: view.number }
        },
        'supervise',
      )
    },
  }
}

export type BulkService = ReturnType<typeof createBulkService>
