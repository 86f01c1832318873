import type Database from 'better-sqlite3'

type Sqlite = Database.Database

/**
 * A number that moves whenever the database may have changed since it was last asked: a row written on this
 * connection (SQLite's `total_changes()`, which counts every row an INSERT, UPDATE or DELETE touched, triggers
 * included, whether committed yet or not) or a commit by any other connection (`PRAGMA data_version`): a script,
 * another process, a second connection in this one. Data derived from the database and stamped with the epoch it
 * was read at is current for as long as the epoch stays the same; checking costs two trivial statements instead
 * of re-reading the rows. It may move when nothing relevant changed (a rolled-back write, a write to another
 * table): a cache then misses needlessly, never serves stale data.
 *
 * Read the epoch before reading the data it stamps: a commit between the two then moves the epoch past the stamp.
 * Asking for data_version begins a read transaction (file locks: system calls), so within one stretch of
 * synchronous JavaScript (until the next microtask, and for at most a millisecond) it is asked once: a request's
 * authentication and its read share one look. Kept data is then as of that look; a reader that combines kept data
 * with rows it reads now confirms with `{ fresh: true }` that no other connection committed in between. Writes
 * through this connection are counted on every call, and inside a transaction data_version is asked every time.
 */
export type ChangeEpoch = (options?: { fresh?: boolean }) => number

const LOOK_VALID_MS = 1

export function createChangeEpoch(sqlite: Sqlite): ChangeEpoch {
  const totalChanges = sqlite.prepare<[], number>('SELECT total_changes()').pluck()
  const dataVersion = sqlite.prepare<[], number>('PRAGMA data_version').pluck()
  let changes = -1
  let version = -1
  let epoch = 0
  let lookedAt: number | null = null
  const forgetLook = () => {
    lookedAt = null
  }
  return (options) => {
    const c = totalChanges.get()!
    if (lookedAt === null || options?.fresh || sqlite.inTransaction || performance.now() - lookedAt > LOOK_VALID_MS) {
      const v = dataVersion.get()!
      if (v !== version) {
        version = v
        epoch += 1
      }
      if (sqlite.inTransaction) {
        lookedAt = null
      } else {
        if (lookedAt === null) queueMicrotask(forgetLook)
        lookedAt = performance.now()
      }
    }
    if (c !== changes) {
      changes = c
      epoch += 1
    }
    return epoch
  }
}

/**
 * Values read from the database, each valid for the epoch it was read at; at most `capacity`, the oldest filled
 * leaving first. Fill only outside a transaction (`set` ignores a value read inside one: it may be a write that
 * is then rolled back). Values are shared between callers: they are frozen, so a caller cannot change them.
 */
export function createEpochCache<K, V extends object>(sqlite: Sqlite, capacity: number) {
  const entries = new Map<K, { epoch: number; value: V }>()
  return {
    /** The value if it was read at this epoch. */
    get(key: K, epoch: number): V | undefined {
      const entry = entries.get(key)
      return entry !== undefined && entry.epoch === epoch ? entry.value : undefined
    },
    /** The value whatever its epoch, for what a caller can check itself (an item's texts, by its version). */
    stale(key: K): V | undefined {
      return entries.get(key)?.value
    },
    set(key: K, epoch: number, value: V): V {
      if (sqlite.inTransaction) return value
      deepFreeze(value)
      entries.delete(key)
      if (entries.size >= capacity) entries.delete(entries.keys().next().value!)
      entries.set(key, { epoch, value })
      return value
    },
  }
}

/** Freezes the value and everything it holds, for values shared between callers. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value
  Object.freeze(value)
  for (const inner of Object.values(value)) deepFreeze(inner)
  return value
}
