import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { units } from './units.ts'

/** A person or program with a bearer token; only the token's SHA-256 is kept. */
export const accounts = sqliteTable(
  'accounts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    role: text('role', { enum: ['admin', 'supervisor', 'leader', 'unit'] }).notNull(),
    unitId: integer('unit_id').references(() => units.id),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: text('created_at').notNull(),
    disabledAt: text('disabled_at'),
  },
  (t) => [index('accounts_unit_idx').on(t.unitId)],
)
