import { asc, desc, eq, sql } from 'drizzle-orm'
import { eventHash, GENESIS_HASH } from './audit-chain.ts'
import { actorColumns } from './audit-actor.ts'
import type { Db } from '../../../db/client.ts'
import { itemEvents, units } from '../../../db/schema/index.ts'
import type { Actor } from '../closeout/state-machine.ts'

export type ItemEventRow = Omit<typeof itemEvents.$inferSelect, 'prevHash' | 'hash'> & { actorUnitName: string | null }

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

  const lastHash = db.select({ hash: itemEvents.hash }).from(itemEvents).orderBy(desc(itemEvents.id)).limit(1).prepare()

  return {
    /**
     * Appends one audit row, chained to the last one; call it inside the (IMMEDIATE) transaction that makes the
     * change it records, so no other writer can append between reading the last hash and inserting.
     */
    append(event: NewItemEvent): number {
      const actor = event.actor
      const fields = {
        itemId: event.itemId,
        at: event.at,
        ...actorColumns(actor),
        action: event.action,
        fromStatus: event.fromStatus ?? null,
        toStatus: event.toStatus ?? null,
        comment: event.comment ?? null,
      }
      const details = event.details ?? null
      const prevHash = lastHash.get()?.hash ?? GENESIS_HASH
      // drizzle stores the json column with JSON.stringify, so this is the text the verifier will read back.
      const hash = eventHash(prevHash, { ...fields, details: details === null ? null : JSON.stringify(details) })
      return db
        .insert(itemEvents)
        .values({ ...fields, details, prevHash, hash })
        .returning({ id: itemEvents.id })
        .get().id
    },
    listForItem(itemId: number): ItemEventRow[] {
      return forItem.all({ itemId })
    },
  }
}

export type EventsRepo = ReturnType<typeof createEventsRepo>
