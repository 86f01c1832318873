import { and, asc, eq, ne, type SQL } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { objections } from '../../../db/schema/index.ts'
import { conflict, notFound, unprocessable } from '../../errors.ts'
import type { Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import type { AccountActor } from '../auth/permissions.ts'
import type { EventsRepo } from '../events/events.repo.ts'
import type { ItemsService } from '../items/items.service.ts'

export type ObjectionRow = typeof objections.$inferSelect
export type ObjectionStatus = ObjectionRow['status']

interface Deps {
  db: Db
  items: ItemsService
  eventsRepo: EventsRepo
  clock: Clock
  transact: Transact
}

export function createObjectionsService({ db, items, eventsRepo, clock, transact }: Deps) {
  const byId = (id: number) => db.select().from(objections).where(eq(objections.id, id)).get()

  return {
    list(filters: { itemId?: number | undefined; status?: ObjectionStatus | undefined }): ObjectionRow[] {
      const where: SQL[] = []
      if (filters.itemId !== undefined) where.push(eq(objections.itemId, filters.itemId))
      if (filters.status !== undefined) where.push(eq(objections.status, filters.status))
      return db
        .select()
        .from(objections)
        .where(and(...where))
        .orderBy(asc(objections.id))
        .all()
    },

    /** Anyone may object while an item's notice runs; the objection holds the close until a supervisor decides. */
    file(itemId: number, input: { contact: string; content: string }): ObjectionRow {
      const record = items.record(itemId)
      if (!record) throw notFound(`Item ${itemId}`, 'ITEM_NOT_FOUND')
      const now = clock.now()
      if (record.status !== 'in_public_notice' || !record.noticeEndsAt || now.getTime() >= new Date(record.noticeEndsAt).getTime()) {
        throw conflict('NOTICE_NOT_OPEN', 'This item is not in public notice now; objections are taken only while the notice runs')
      }
      const contact = input.contact.trim()
      const content = input.content.trim()
      if (contact === '' || content === '')
        throw unprocessable('OBJECTION_INCOMPLETE', 'An objection needs contact details and its content')
      const at = now.toISOString()
      return transact(() => {
        const row = db.insert(objections).values({ itemId, contact, content, status: 'pending', filedAt: at }).returning().get()
        // The event names the objection but not the person: contact details stay out of the audit trail.
        eventsRepo.append({
          itemId,
          at,
          actor: { kind: 'public', name: '公众' },
          action: 'objection_filed',
          details: { objectionId: row.id },
        })
        return row
      })
    },

    /**
     * `uphold` sends the item back to rectification (the uphold_objection action) and settles the other pending
     * objections of that notice with it; `dismiss` records the decision, after which the close may go ahead.
     */
    decide(actor: AccountActor, objectionId: number, input: { decision: 'uphold' | 'dismiss'; comment: string }): ObjectionRow {
      const objection = byId(objectionId)
      if (!objection) throw notFound(`Objection ${objectionId}`, 'OBJECTION_NOT_FOUND')
      if (objection.status !== 'pending')
        throw conflict('OBJECTION_ALREADY_DECIDED', `Objection ${objectionId} was already ${objection.status}`)
      const comment = input.comment.trim()
      if (comment === '') throw unprocessable('COMMENT_REQUIRED', 'A decision on an objection needs a comment')
      const { record, responsible } = items.loadVisible(actor, objection.itemId)
      const at = clock.now().toISOString()
      const settle = (status: ObjectionStatus) =>
        db
          .update(objections)
          .set({ status, decidedAt: at, decidedBy: actor.accountId, decisionComment: comment })
          .where(and(eq(objections.id, objectionId), eq(objections.status, 'pending')))
          .run()
      if (input.decision === 'uphold') {
        items.applyTransition(
          actor,
          record,
          responsible.map((u) => u.id),
          { action: 'uphold_objection', expectedVersion: record.version, comment },
          {
            details: { objectionId },
            within: () => {
              settle('upheld')
              db.update(objections)
                .set({ status: 'superseded', decidedAt: at, decidedBy: actor.accountId, decisionComment: `随异议 ${objectionId} 一并处理` })
                .where(and(eq(objections.itemId, record.id), eq(objections.status, 'pending'), ne(objections.id, objectionId)))
                .run()
            },
          },
        )
      } else {
        transact(() => {
          if (settle('dismissed').changes !== 1)
            throw conflict('OBJECTION_ALREADY_DECIDED', `Objection ${objectionId} was decided meanwhile`)
          eventsRepo.append({ itemId: record.id, at, actor, action: 'objection_dismissed', comment, details: { objectionId } })
        })
      }
      return byId(objectionId)!
    },
  }
}

export type ObjectionsService = ReturnType<typeof createObjectionsService>
