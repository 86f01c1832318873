import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { auditActorColumns } from './events.ts'

/**
 * The admin's audit trail: one row per change an admin makes to units, accounts, plans, imports and the calendar.
 * Changes to items are in item_events as well; this is the record of who changed the service's settings.
 */
export const adminEvents = sqliteTable(
  'admin_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    ...auditActorColumns(),
    /** e.g. unit.create, unit.rename, unit.merge, account.create, account.disable, account.password, account.token */
    action: text('action').notNull(),
    /** What it was done to: 'unit', 'account', 'plan', 'calendar'. */
    subjectKind: text('subject_kind').notNull(),
    subjectId: integer('subject_id'),
    /** A Chinese sentence an admin reads. */
    summary: text('summary').notNull(),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('admin_events_at_idx').on(t.at)],
)
