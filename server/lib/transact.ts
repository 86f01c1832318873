import type { Sqlite } from '../../db/client.ts'

/** Runs `fn` in one synchronous write transaction; whatever it throws rolls everything back. */
export type Transact = <T>(fn: () => T) => T

export function createTransact(sqlite: Sqlite): Transact {
  // IMMEDIATE takes the write lock up front, so two writers never both read and then fail to upgrade.
  return <T>(fn: () => T): T => sqlite.transaction(fn).immediate()
}
