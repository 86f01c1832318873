import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { items } from './items.ts'

/**
 * Who acted, copied onto an audit row (the item trail and the case-lead trail). A function, so that each table gets
 * its own column builders.
 */
export function auditActorColumns() {
  return {
    /** null for the system (scheduled jobs). */
    actorAccountId: integer('actor_account_id'),
    actorName: text('actor_name').notNull(),
    actorRole: text('actor_role').notNull(),
    actorUnitId: integer('actor_unit_id'),
  }
}

/**
 * The audit trail of an item, one row per change. Append-only: triggers in the migrations refuse UPDATE and DELETE.
 * Actor fields are copied, not only referenced, so the record reads the same after an account changes.
 */
export const itemEvents = sqliteTable(
  'item_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    at: text('at').notNull(),
    ...auditActorColumns(),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    comment: text('comment'),
    /** JSON with what the action changed or carried (edited fields, the new deadline, an evidence id …). */
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
    /** SHA-256 of the previous event's hash and this row: editing or removing any row breaks the chain after it. */
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    index('item_events_item_idx').on(t.itemId, t.id),
    index('item_events_at_idx').on(t.at),
    // The bulletin looks up the few field-changing events after a month's end; without this it scans them all.
    index('item_events_action_at_idx').on(t.action, t.at),
  ],
)
