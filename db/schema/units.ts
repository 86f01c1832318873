import { integer, sqliteTable, text, type AnySQLiteColumn } from 'drizzle-orm/sqlite-core'

/**
 * A district unit (单位): a bureau, a street office, a town government. Names are unique. A unit merged into another
 * after a reorganisation (机构改革) stays, marked with the unit that took over its items and accounts.
 */
export const units = sqliteTable('units', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  createdAt: text('created_at').notNull(),
  mergedIntoId: integer('merged_into_id').references((): AnySQLiteColumn => units.id),
  mergedAt: text('merged_at'),
})
