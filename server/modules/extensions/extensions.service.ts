import { and, asc, eq } from 'drizzle-orm'
import { inJsonArray } from '../../../db/json-list.ts'
import type { Db } from '../../../db/client.ts'
import { extensions } from '../../../db/schema/index.ts'
import { conflict, forbidden, notFound, unprocessable } from '../../errors.ts'
import { localDate, type Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import { isLeadUnit, type AccountActor } from '../auth/permissions.ts'
import { RECTIFYING_STATUSES } from '../../domain/items.ts'
import type { EventsRepo } from '../events/events.repo.ts'
import type { ItemsService } from '../items/items.service.ts'

export type ExtensionRow = typeof extensions.$inferSelect

interface Deps {
  db: Db
  items: ItemsService
  eventsRepo: EventsRepo
  clock: Clock
  transact: Transact
}

export function createExtensionsService({ db, items, eventsRepo, clock, transact }: Deps) {
  const byId = (id: number) => db.select().from(extensions).where(eq(extensions.id, id)).get()
  // The requests on a JSON array of item ids: one statement however many.
  const ofItemList = db
    .select()
    .from(extensions)
    .where(inJsonArray(extensions.itemId, 'ids'))
    .orderBy(asc(extensions.itemId), asc(extensions.id))
    .prepare()

  return {
    list(actor: AccountActor, itemId: number): ExtensionRow[] {
      items.loadVisible(actor, itemId)
      return db.select().from(extensions).where(eq(extensions.itemId, itemId)).orderBy(asc(extensions.id)).all()
    },

    /**
     * The requests on these items, by item (each in id order), in one statement: a lead unit's home page shows
     * those of all its items. Items the actor may not see are left out, as from `pending`; only the items that have
     * requests are looked at for that, so a page of hundreds of items costs one statement and a few reads.
     */
    ofItems(actor: AccountActor, itemIds: readonly number[]): Map<number, ExtensionRow[]> {
      const byItem = new Map<number, ExtensionRow[]>()
      if (itemIds.length === 0) return byItem
      for (const row of ofItemList.all({ ids: JSON.stringify(itemIds) })) {
        const list = byItem.get(row.itemId)
        if (list) list.push(row)
        else byItem.set(row.itemId, [row])
      }
      for (const itemId of byItem.keys()) if (!items.canSee(actor, itemId)) byItem.delete(itemId)
      return byItem
    },

    /** Every request awaiting a decision on an item the actor sees, oldest first (the office's queue). */
    pending(actor: AccountActor): ExtensionRow[] {
      const rows = db.select().from(extensions).where(eq(extensions.status, 'pending')).orderBy(asc(extensions.id)).all()
      return rows.filter((row) => items.canSee(actor, row.itemId))
    },

    /** The lead unit asks, before the deadline passes, for a later one; one request may be pending at a time. */
    request(actor: AccountActor, itemId: number, input: { newDeadline: string; reason: string; progress: string }): ExtensionRow {
      const { record } = items.loadVisible(actor, itemId)
      if (!isLeadUnit(actor, record)) throw forbidden('Only the lead unit may request an extension', 'NOT_LEAD_UNIT')
      if (!RECTIFYING_STATUSES.includes(record.status)) {
        throw conflict('ITEM_NOT_RECTIFYING', `An item that is ${record.status} has no running deadline to extend`)
      }
      if (record.deadline === null || record.deadlineKind === 'long_term') {
        throw unprocessable('NO_DEADLINE', 'This item has no dated deadline to extend')
      }
      const now = clock.now()
      const today = localDate(now, record.timezone)
      if (today > record.deadline) {
        throw unprocessable('EXTENSION_TOO_LATE', `The deadline ${record.deadline} has passed; an extension must be requested before it`)
      }
      if (input.newDeadline <= record.deadline) {
        throw unprocessable('EXTENSION_NOT_LATER', `The new deadline must be after the current one (${record.deadline})`)
      }
      const reason = input.reason.trim()
      const progress = input.progress.trim()
      if (reason === '' || progress === '') throw unprocessable('COMMENT_REQUIRED', 'An extension needs a reason and the progress so far')
      const at = now.toISOString()
      return transact(() => {
        const pending = db
          .select({ id: extensions.id })
          .from(extensions)
          .where(and(eq(extensions.itemId, itemId), eq(extensions.status, 'pending')))
          .get()
        if (pending)
          throw conflict('EXTENSION_PENDING', `Extension request ${pending.id} is still awaiting a decision`, { extensionId: pending.id })
        const row = db
          .insert(extensions)
          .values({
            itemId,
            status: 'pending',
            oldDeadline: record.deadline!,
            newDeadline: input.newDeadline,
            reason,
            progress,
            requestedAt: at,
            requestedBy: actor.accountId,
          })
          .returning()
          .get()
        eventsRepo.append({
          itemId,
          at,
          actor,
          action: 'extension_requested',
          comment: reason,
          details: { extensionId: row.id, oldDeadline: record.deadline, newDeadline: input.newDeadline, progress },
        })
        return row
      })
    },

    /** A supervisor approves (the deadline moves; the old one stays in the events) or rejects. */
    decide(actor: AccountActor, extensionId: number, input: { decision: 'approve' | 'reject'; comment: string }): ExtensionRow {
      const extension = byId(extensionId)
      if (!extension) throw notFound(`Extension ${extensionId}`, 'EXTENSION_NOT_FOUND')
      const { record } = items.loadVisible(actor, extension.itemId)
      if (extension.status !== 'pending') {
        throw conflict('EXTENSION_ALREADY_DECIDED', `Extension ${extensionId} was already ${extension.status}`)
      }
      const comment = input.comment.trim()
      if (comment === '') throw unprocessable('COMMENT_REQUIRED', 'A decision needs a comment')
      const at = clock.now().toISOString()
      transact(() => {
        const decided = db
          .update(extensions)
          .set({
            status: input.decision === 'approve' ? 'approved' : 'rejected',
            decidedAt: at,
            decidedBy: actor.accountId,
            decisionComment: comment,
          })
          .where(and(eq(extensions.id, extensionId), eq(extensions.status, 'pending')))
          .run()
        if (decided.changes !== 1) throw conflict('EXTENSION_ALREADY_DECIDED', `Extension ${extensionId} was decided meanwhile`)
        if (input.decision === 'approve') {
          items.moveDeadline(record.id, extension.newDeadline, at)
        }
        eventsRepo.append({
          itemId: record.id,
          at,
          actor,
          action: input.decision === 'approve' ? 'extension_approved' : 'extension_rejected',
          comment,
          details: {
            extensionId,
            // `changes` has the shape an edit records, so reconstructing an item as of a past date reads one rule.
            ...(input.decision === 'approve'
              ? {
                  oldDeadline: record.deadline,
                  newDeadline: extension.newDeadline,
                  changes: { deadline: { from: record.deadline, to: extension.newDeadline } },
                }
              : {}),
          },
        })
      })
      return byId(extensionId)!
    },
  }
}

export type ExtensionsService = ReturnType<typeof createExtensionsService>
