import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as schema from './schema/index.ts'

export type Db = BetterSQLite3Database<typeof schema>
export type Sqlite = Database.Database

export interface DatabaseHandle {
  db: Db
  sqlite: Sqlite
  close(): void
}

export const MIGRATIONS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations')

/** The database file inside a data directory; the directory holds nothing but this and the evidence store. */
export function databaseFile(dataDir: string): string {
  return join(dataDir, 'zhenggai.db')
}

/**
 * Opens SQLite in WAL mode with foreign keys and a busy timeout, and applies pending migrations.
 * Every entry point (server, scripts, tests) opens the database through here, so none runs on an old schema.
 */
export function openDatabase(file: string, options: { migrate?: boolean } = {}): DatabaseHandle {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const sqlite = new Database(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
  sqlite.pragma('synchronous = NORMAL')
  const db = drizzle(sqlite, { schema })
  if (options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
  return {
    db,
    sqlite,
    close() {
      if (sqlite.open) sqlite.close()
    },
  }
}
