import { asc, eq, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { itemEvents, units } from '../../../db/schema/index.ts'
import type { Actor } from '../closeout/state-machine.ts'

export type ItemEventRow = typeof itemEvents.$inferSelect & { actorUnitName: string | null }

export interface NewItemEvent {
  itemId: number
  at: string
  actor: Actor
  action: string
  fromStatus?: string | null
  toStatus?: string | null
  comment?: string | null
  details?: Record<string, unknown> | null
}

export function createEventsRepo(db: Db) {
  const forItem = db
    .select({
      id: itemEvents.id,
      itemId: itemEvents.itemId,
      at: itemEvents.at,
      actorAccountId: itemEvents.actorAccountId,
      actorName: itemEvents.actorName,
      actorRole: itemEvents.actorRole,
      actorUnitId: itemEvents.actorUnitId,
      actorUnitName: units.name,
      action: itemEvents.action,
      fromStatus: itemEvents.fromStatus,
      toStatus: itemEvents.toStatus,
      comment: itemEvents.comment,
      details: itemEvents.details,
    })
    .from(itemEvents)
    .leftJoin(units, eq(units.id, itemEvents.actorUnitId))
    .where(eq(itemEvents.itemId, sql.placeholder('itemId')))
    .orderBy(asc(itemEvents.id))
    .prepare()

  return {
    /** Appends one audit row; call it inside the transaction that makes the change it records. */
    append(event: NewItemEvent): number {
      const actor = event.actor
      return db
        .insert(itemEvents)
        .values({
          itemId: event.itemId,
          at: event.at,
          actorAccountId: actor.kind === 'account' ? actor.accountId : null,
          actorName: actor.name,
          actorRole: actor.kind === 'account' ? actor.role : actor.kind,
          actorUnitId: actor.kind === 'account' ? actor.unitId : null,
          action: event.action,
          fromStatus: event.fromStatus ?? null,
          toStatus: event.toStatus ?? null,
          comment: event.comment ?? null,
          details: event.details ?? null,
        })
        .returning({ id: itemEvents.id })
        .get().id
    },
    listForItem(itemId: number): ItemEventRow[] {
      return forItem.all({ itemId })
    },
  }
}

export type EventsRepo = ReturnType<typeof createEventsRepo>
