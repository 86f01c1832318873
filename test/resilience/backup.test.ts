import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseFile, openDatabase } from '../../db/client.ts'
import { readArchive, writeArchive, type ArchiveSource } from '../../scripts/archive.ts'
import { BackupFailed, BackupRefused, restoreBackup, type Manifest } from '../../scripts/backup-lib.ts'
import { driveWrites, type Tally } from '../../scripts/crash-lib.ts'
import { checkInvariants, seedWith, sleep, type World } from '../../scripts/resilience-lib.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { runTs } from '../helpers/process.ts'

// Backs up while a stream of writes goes on, restores into an empty DATA_DIR, and compares: the restored data is
// the live data as of one instant — append-only tables a prefix of the live ones, row for row; every item's
// status that of its last restored event; every evidence file restored whole.

let t: TestApp
let base: string
let world: World
const scratch = mkdtempSync(join(tmpdir(), 'zhenggai-backup-test-'))
const archive = join(scratch, 'backup.tar.gz')
const restored = join(scratch, 'restored')
const tally: Tally = { acknowledged: [], cutOff: 0, conflicts: 0, unexpected: [] }
let acknowledgedBeforeBackup = 0
let backupRun: ReturnType<typeof runTs>

beforeAll(async () => {
  // Progress reports are filed for 2025-01, which must have begun.
  t = await createTestApp({ now: new Date().toISOString() })
  world = seedWith(t.app.services, 30)
  base = await t.app.listen({ port: 0, host: '127.0.0.1' })

  let stopped = false
  const writers = Array.from({ length: 6 }, () => driveWrites({ url: base }, world, tally, () => stopped))
  try {
    const until = (n: number) => async () => {
      const deadline = Date.now() + 30_000
      while (tally.acknowledged.length < n && Date.now() < deadline) await sleep(20)
    }
    await until(40)()
    acknowledgedBeforeBackup = tally.acknowledged.length
    backupRun = runTs('scripts/backup.ts', [archive], { DATA_DIR: t.dataDir })
    await backupRun.exited
    // Keep writing after the snapshot, so the live data moves past it.
    await until(tally.acknowledged.length + 30)()
  } finally {
    stopped = true
    await Promise.all(writers)
  }
}, 90_000)

afterAll(async () => {
  await t?.close()
  rmSync(scratch, { recursive: true, force: true })
})

type Row = Record<string, unknown>
const rowsOf = (sqlite: ReturnType<typeof openDatabase>['sqlite'], table: string) =>
  sqlite.prepare(`select * from "${table}" order by id`).all() as Row[]

describe('backup under load, then restore', () => {
  it('npm run backup succeeds while the writes go on', () => {
    expect(tally.unexpected).toEqual([])
    expect(backupRun.stderr()).toBe('')
    expect(backupRun.stdout()).toMatch(/^backed up .* evidence files/m)
    expect(existsSync(archive)).toBe(true)
  })

  it('npm run restore fills an empty DATA_DIR with the data as of the backup', async () => {
    const run = runTs('scripts/restore.ts', [archive], { DATA_DIR: restored })
    expect(await run.exited).toBe(0)
    expect(run.stdout()).toContain('integrity check ok')
    expect(readdirSync(restored).sort()).toEqual(['evidence', 'zhenggai.db'])

    const copy = openDatabase(databaseFile(restored), { migrate: false })
    try {
      // Append-only tables: the restored rows are exactly the live rows up to some id — a prefix, not a sample.
      for (const table of ['item_events', 'evidence', 'progress_reports']) {
        const live = rowsOf(t.database.sqlite, table)
        const back = rowsOf(copy.sqlite, table)
        expect(back.length, `${table} restored`).toBeGreaterThan(0)
        expect(back, `${table} is a prefix of the live table`).toEqual(live.slice(0, back.length))
      }
      const restoredEvents = rowsOf(copy.sqlite, 'item_events').length
      const liveEvents = rowsOf(t.database.sqlite, 'item_events').length
      expect(liveEvents, 'writes went on after the backup').toBeGreaterThan(restoredEvents)
      // Tables nothing wrote to during the stream are identical.
      for (const table of ['units', 'accounts', 'plans'])
        expect(rowsOf(copy.sqlite, table), table).toEqual(rowsOf(t.database.sqlite, table))

      // Every write acknowledged before the backup began is in it; every item agrees with its restored history;
      // every evidence row's file is there with its size and hash.
      const report = await checkInvariants(restored, tally.acknowledged.slice(0, acknowledgedBeforeBackup), {
        itemIds: world.itemIds,
        incomingMustBeEmpty: true,
        database: copy,
      })
      expect(report.problems).toEqual([])
      expect(report.evidenceRows).toBeGreaterThan(0)
      expect(report.orphanFiles).toBe(0)
    } finally {
      copy.close()
    }
  })

  it('refuses a DATA_DIR that is not empty (exit 2) and changes nothing in it', async () => {
    const run = runTs('scripts/restore.ts', [archive], { DATA_DIR: restored })
    expect(await run.exited).toBe(2)
    expect(run.stderr()).toContain('is not empty')
    expect(readdirSync(restored).sort()).toEqual(['evidence', 'zhenggai.db'])
    await expect(restoreBackup(archive, t.dataDir)).rejects.toBeInstanceOf(BackupRefused)
  })

  it('refuses a damaged archive and leaves the target empty', async () => {
    // The same archive with one evidence file's bytes changed (its size kept), so only the hash can tell.
    const damaged = join(scratch, 'damaged.tar.gz')
    const entries: ArchiveSource[] = []
    let flipped = false
    for await (const entry of readArchive(archive)) {
      const chunks: Buffer[] = []
      for await (const chunk of entry.content) chunks.push(chunk)
      const bytes = Buffer.concat(chunks)
      if (!flipped && entry.name.startsWith('evidence/')) {
        bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff
        flipped = true
      }
      entries.push({ name: entry.name, size: bytes.length, content: () => [bytes] })
    }
    expect(flipped).toBe(true)
    await writeArchive(damaged, entries)
    const target = join(scratch, 'from-damaged')
    await expect(restoreBackup(damaged, target)).rejects.toThrow(BackupFailed)
    await expect(restoreBackup(damaged, target)).rejects.toThrow(/does not match the hash/)
    expect(existsSync(target) ? readdirSync(target) : []).toEqual([])
    // Nothing left beside it either.
    expect(readdirSync(scratch).filter((name) => name.includes('restoring'))).toEqual([])

    // A truncated archive is refused too.
    const cut = join(scratch, 'cut.tar.gz')
    const whole = readFileSync(archive)
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)))
    await expect(restoreBackup(cut, join(scratch, 'from-cut'))).rejects.toThrow()
    expect(existsSync(join(scratch, 'from-cut')) ? readdirSync(join(scratch, 'from-cut')) : []).toEqual([])
  })

  it('the manifest lists every file with its hash and the row counts', async () => {
    let manifest: Manifest | null = null
    for await (const entry of readArchive(archive)) {
      const chunks: Buffer[] = []
      for await (const chunk of entry.content) chunks.push(chunk)
      manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Manifest
      break
    }
    expect(manifest).toMatchObject({ format: 'zhenggai-backup', version: 1, database: { name: 'zhenggai.db' } })
    expect(manifest!.database.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(manifest!.evidence.length).toBeGreaterThan(0)
    expect(manifest!.rows.items).toBe(30)
  })
})
