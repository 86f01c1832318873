import { sql } from 'drizzle-orm'
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { accounts } from './accounts.ts'
import { items } from './items.ts'
import { plans } from './plans.ts'

export const SUPERVISION_STATUSES = ['open', 'acknowledged', 'replied', 'resolved'] as const
/** What opened a supervision: one of the escalation rules, or a supervisor by hand. */
export const SUPERVISION_RULES = ['overdue', 'lagging', 'manual'] as const

/**
 * Urges (催办) sent to an item's lead unit when it passes its deadline: one per item and deadline, so a sweep that
 * runs again, or a second instance, cannot urge twice. An extension gives the item a new deadline, and so a new urge.
 */
export const urges = sqliteTable(
  'urges',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    deadline: text('deadline').notNull(),
    daysOverdue: integer('days_overdue').notNull(),
    urgedAt: text('urged_at').notNull(),
    /** The account that ran the sweep on demand; null for the scheduled job. */
    urgedBy: integer('urged_by').references(() => accounts.id),
  },
  (t) => [uniqueIndex('urges_item_deadline_uq').on(t.itemId, t.deadline)],
)

/** What a supervision notice says about its item, as it stood when the notice was issued (a later edit does not rewrite it). */
export interface SupervisionSubject {
  itemCode: string
  problem: string
  target: string
  leadUnit: { id: number; name: string }
  responsibleUnits: { id: number; name: string }[]
  deadlineKind: 'immediate' | 'date' | 'long_term'
  deadline: string | null
}

/**
 * Joint supervisions (联合督办) and their notices (督办单). The number (year, seq) is allocated in the transaction that
 * inserts the row, so numbers have no gap and no duplicate; rows are never deleted (a trigger refuses it).
 * At most one supervision per item is not yet resolved (partial unique index).
 */
export const supervisions = sqliteTable(
  'supervisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    /** The calendar year of the issue date in the plan's time zone; numbers restart at 1 each year. */
    year: integer('year').notNull(),
    seq: integer('seq').notNull(),
    status: text('status', { enum: SUPERVISION_STATUSES }).notNull(),
    rule: text('rule', { enum: SUPERVISION_RULES }).notNull(),
    /** The condition the rule fired on ('overdue:2018-12-31', 'lagging:2018-11'); null when opened by hand. */
    triggerKey: text('trigger_key'),
    /** Every rule condition that held at opening: once this supervision is resolved they do not fire again. */
    answers: text('answers', { mode: 'json' }).$type<string[]>().notNull(),
    reason: text('reason').notNull(),
    subject: text('subject', { mode: 'json' }).$type<SupervisionSubject>().notNull(),
    issuedOn: text('issued_on').notNull(),
    replyDueOn: text('reply_due_on').notNull(),
    openedAt: text('opened_at').notNull(),
    /** The supervisor who opened it, or who ran the sweep on demand; null for the scheduled job. */
    openedBy: integer('opened_by').references(() => accounts.id),
    acknowledgedAt: text('acknowledged_at'),
    acknowledgedBy: integer('acknowledged_by').references(() => accounts.id),
    /** The latest reply; earlier ones that were sent back stay in the item's events. */
    repliedAt: text('replied_at'),
    repliedBy: integer('replied_by').references(() => accounts.id),
    replyText: text('reply_text'),
    replyEvidenceIds: text('reply_evidence_ids', { mode: 'json' }).$type<number[]>(),
    /** The latest reply came after the reply deadline (in the plan's time zone). */
    replyOverdue: integer('reply_overdue', { mode: 'boolean' }).notNull().default(false),
    sentBackCount: integer('sent_back_count').notNull().default(0),
    resolvedAt: text('resolved_at'),
    resolvedBy: integer('resolved_by').references(() => accounts.id),
    resolutionComment: text('resolution_comment'),
  },
  (t) => [
    uniqueIndex('supervisions_number_uq').on(t.year, t.seq),
    uniqueIndex('supervisions_one_open_per_item_uq').on(t.itemId).where(sql`status != 'resolved'`),
    uniqueIndex('supervisions_item_trigger_uq').on(t.itemId, t.triggerKey),
    index('supervisions_plan_status_idx').on(t.planId, t.status),
  ],
)
