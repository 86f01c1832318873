import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { accounts } from './accounts.ts'
import { plans } from './plans.ts'

/**
 * Monthly bulletins (月通报): issued once per plan and month, never changed. Triggers refuse UPDATE and DELETE;
 * publishing is a row in bulletin_publications, so the bulletin itself stays untouched.
 */
export const bulletins = sqliteTable(
  'bulletins',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    period: text('period').notNull(),
    /** The instant the bulletin describes: the end of the month in the plan's zone. */
    asOf: text('as_of').notNull(),
    generatedAt: text('generated_at').notNull(),
    /** SHA-256 of `content`, so a printed copy can be checked against the stored one. */
    contentHash: text('content_hash').notNull(),
    content: text('content').notNull(),
    /** null when the scheduled job issued it. */
    issuedBy: integer('issued_by').references(() => accounts.id),
  },
  (t) => [uniqueIndex('bulletins_plan_period_uq').on(t.planId, t.period)],
)

export const bulletinPublications = sqliteTable('bulletin_publications', {
  bulletinId: integer('bulletin_id')
    .primaryKey()
    .references(() => bulletins.id),
  publishedAt: text('published_at').notNull(),
  publishedBy: integer('published_by')
    .notNull()
    .references(() => accounts.id),
})
