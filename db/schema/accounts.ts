import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { units } from './units.ts'

/**
 * A person or program with a bearer token; only the token's SHA-256 is kept. A person who signs in to the
 * workbench also has a login name and a password hash (scrypt, salted per password).
 */
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
    login: text('login').unique(),
    passwordHash: text('password_hash'),
    passwordChangedAt: text('password_changed_at'),
  },
  (t) => [index('accounts_unit_idx').on(t.unitId)],
)

/** A signed-in browser: only the SHA-256 of its cookie's random id is kept. Ended sessions stay until pruned. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull().unique(),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id),
    /** The synchronizer token every state-changing form of this session carries. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: text('created_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    /** The absolute end, however much the session is used. */
    expiresAt: text('expires_at').notNull(),
    endedAt: text('ended_at'),
  },
  (t) => [index('sessions_account_idx').on(t.accountId)],
)

/** Failed sign-ins per login name (existing or not), for slowing and locking guessing. */
export const signInFailures = sqliteTable('sign_in_failures', {
  login: text('login').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailedAt: text('last_failed_at').notNull(),
  /** No attempt is judged before this instant. */
  blockedUntil: text('blocked_until'),
})
