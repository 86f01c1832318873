import { AppError, notFound } from '../../errors.ts'
import type { Clock } from '../../lib/time.ts'
import type { AccountActor } from '../auth/permissions.ts'
import type { ItemsService } from '../items/items.service.ts'
import type { CloseoutRepo } from './closeout.repo.ts'
import { SYSTEM_ACTOR } from '../../domain/actors.ts'

export type { TransitionInput } from '../items/items.service.ts'

interface Deps {
  repo: CloseoutRepo
  items: ItemsService
  clock: Clock
}

export function createCloseoutService({ repo, items, clock }: Deps) {
  return {
    /** Kept for callers of the closeout service: the items service applies every close-out action. */
    apply: items.applyTransition,
    transition: items.transition,

    /**
     * Closes every item whose notice has ended with no objection pending, as the system.
     * Safe to run twice: a closed item is no longer in notice, and each close is a conditional update.
     */
    closeEndedNotices(now: Date): { closed: number[]; heldByObjection: number[] } {
      const closed: number[] = []
      const heldByObjection: number[] = []
      for (const candidate of items.noticesEndedBy(now.toISOString())) {
        const record = items.record(candidate.id)
        if (!record) continue
        if (repo.pendingObjections(record.id) > 0) {
          heldByObjection.push(record.id)
          continue
        }
        try {
          items.applyTransition(SYSTEM_ACTOR, record, [], { action: 'close', expectedVersion: record.version })
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
