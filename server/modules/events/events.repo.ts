import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm'
import { inJsonArray } from '../../../db/json-list.ts'
import { eventHash, GENESIS_HASH } from './audit-chain.ts'
import { actorColumns } from './audit-actor.ts'
import type { Db } from '../../../db/client.ts'
import { itemEvents, units } from '../../../db/schema/index.ts'
import type { Actor } from '../../domain/actors.ts'

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

/** Told of every appended event, inside the transaction that appends it (the notifications module listens). */
export type OnItemEvent = (event: NewItemEvent & { id: number }) => void

export function createEventsRepo(db: Db, onAppended?: OnItemEvent) {
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
  const ph = (name: string) => sql.placeholder(name)
  const insert = db
    .insert(itemEvents)
    .values({
      itemId: ph('itemId'),
      at: ph('at'),
      actorAccountId: ph('actorAccountId'),
      actorName: ph('actorName'),
      actorRole: ph('actorRole'),
      actorUnitId: ph('actorUnitId'),
      action: ph('action'),
      fromStatus: ph('fromStatus'),
      toStatus: ph('toStatus'),
      comment: ph('comment'),
      // Bound as the text that was hashed, not through the json column's own encoding.
      details: sql`${ph('detailsText')}`,
      prevHash: ph('prevHash'),
      hash: ph('hash'),
    })
    .returning({ id: itemEvents.id })
    .prepare()

  // The latest status-changing event of each item (a JSON array of ids: one statement however many), found
  // through the (item_id, id) index.
  const lastStatusChanges = db
    .select({ itemId: itemEvents.itemId, action: itemEvents.action })
    .from(itemEvents)
    .where(
      inArray(
        itemEvents.id,
        db
          .select({ id: sql`max(${itemEvents.id})` })
          .from(itemEvents)
          .where(and(inJsonArray(itemEvents.itemId, 'ids'), isNotNull(itemEvents.toStatus)))
          .groupBy(itemEvents.itemId),
      ),
    )
    .prepare()

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
      const detailsText = event.details ? JSON.stringify(event.details) : null
      const prevHash = lastHash.get()?.hash ?? GENESIS_HASH
      // The stored text is the hashed text, so the verifier reads back exactly what was hashed.
      const hash = eventHash(prevHash, { ...fields, details: detailsText })
      const id = insert.get({ ...fields, detailsText, prevHash, hash })!.id
      onAppended?.({ ...event, id })
      return id
    },
    /** For each of these items that has one, the action of its latest status change (the one that set its status). */
    lastStatusActions(itemIds: readonly number[]): Map<number, string> {
      if (itemIds.length === 0) return new Map()
      return new Map(lastStatusChanges.all({ ids: JSON.stringify(itemIds) }).map((r) => [r.itemId, r.action]))
    },
    listForItem(itemId: number): ItemEventRow[] {
      return forItem.all({ itemId })
    },
  }
}

export type EventsRepo = ReturnType<typeof createEventsRepo>
