import Database from 'better-sqlite3'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startCheckpointer } from '../../db/checkpointer.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A WAL database whose writer never checkpoints itself, holding `rows` rows of about 1 KB still in the log. */
function databaseWithPendingLog(rows: number) {
  const dir = mkdtempSync(join(tmpdir(), 'checkpointer-'))
  dirs.push(dir)
  const file = join(dir, 'test.db')
  const sqlite = new Database(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('wal_autocheckpoint = 0')
  sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
  const insert = sqlite.prepare('INSERT INTO t (body) VALUES (?)')
  sqlite.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run('整改'.repeat(170) + i)
  })()
  return { file, sqlite }
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (condition()) return true
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return condition()
}

describe('the WAL checkpointer', () => {
  it('copies the log into the database file on its own thread, while the writer never checkpoints', async () => {
    const { file, sqlite } = databaseWithPendingLog(2000)
    // Everything is still in the log: the database file holds the first pages only.
    expect(statSync(file).size).toBeLessThan(64 * 1024)
    const errors: string[] = []
    const checkpointer = startCheckpointer(file, 20, (message) => errors.push(message))
    try {
      expect(await waitFor(() => statSync(file).size > 1_000_000, 10_000)).toBe(true)
      // Later writes are copied too (the file grows again), and the writer reads its own rows throughout.
      const copied = statSync(file).size
      const insert = sqlite.prepare('INSERT INTO t (body) VALUES (?)')
      sqlite.transaction(() => {
        for (let i = 0; i < 2000; i++) insert.run(`后来的一行${i}`.repeat(60))
      })()
      expect(await waitFor(() => statSync(file).size > copied + 1_000_000, 10_000)).toBe(true)
      expect(sqlite.prepare('SELECT count(*) FROM t').pluck().get()).toBe(4000)
    } finally {
      await checkpointer.stop()
      sqlite.close()
    }
    expect(errors).toEqual([])
  })

  it('stops once however often it is asked, and a stopped thread no longer touches the file', async () => {
    const { file, sqlite } = databaseWithPendingLog(10)
    const checkpointer = startCheckpointer(file, 20, () => {})
    await checkpointer.stop()
    await checkpointer.stop()
    const sizeAfterStop = statSync(file).size
    sqlite.transaction(() => {
      for (let i = 0; i < 2000; i++) sqlite.prepare('INSERT INTO t (body) VALUES (?)').run('整改'.repeat(170))
    })()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(statSync(file).size).toBe(sizeAfterStop)
    sqlite.close()
  })

  it('reports a database it cannot open instead of failing silently', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'checkpointer-'))
    dirs.push(dir)
    const errors: string[] = []
    const checkpointer = startCheckpointer(join(dir, 'missing.db'), 20, (message) => errors.push(message))
    expect(await waitFor(() => errors.length > 0, 5000)).toBe(true)
    expect(errors[0]).toMatch(/unable to open|does not exist/i)
    await checkpointer.stop()
  })
})
