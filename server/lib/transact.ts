import type { Sqlite } from '../../db/client.ts'

/** Runs `fn` in one synchronous write transaction; whatever it throws rolls everything back. */
export type Transact = <T>(fn: () => T) => T

export function createTransact(sqlite: Sqlite): Transact {
  // IMMEDIATE takes the write lock up front, so two writers never both read and then fail to upgrade.
  // One wrapper for every call: better-sqlite3 builds (and prepares the BEGIN/COMMIT of) each one it is given.
  const run = sqlite.transaction((fn: () => unknown) => fn())
  return <T>(fn: () => T): T => run.immediate(fn) as T
}
