import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/** A district unit (单位): a bureau, a street office, a town government. Names are unique. */
export const units = sqliteTable('units', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  createdAt: text('created_at').notNull(),
})
