// Backup and restore of a DATA_DIR: the database and the evidence files it references, as one .tar.gz.
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { databaseFile, openDatabase } from '../db/client.ts'
import { readArchive, writeArchive, type ArchiveSource } from './archive.ts'

export const MANIFEST_NAME = 'manifest.json'
export const DATABASE_NAME = 'zhenggai.db'
const FORMAT = 'zhenggai-backup'
// Copy every page in one backup step: one read transaction, so the copy is one consistent snapshot however
// busy the server is (a multi-step backup restarts whenever another connection writes between steps).
const ALL_PAGES = 0x7fffffff

export interface ManifestFile {
  name: string
  sizeBytes: number
  sha256: string
}

export interface Manifest {
  format: typeof FORMAT
  version: 1
  createdAt: string
  database: ManifestFile
  evidence: ManifestFile[]
  /** Rows per table in the backed-up database, for the operator to compare. */
  rows: Record<string, number>
}

/** A refusal the operator can fix (bad arguments, a non-empty target): the CLIs exit 2 on it. */
export class BackupRefused extends Error {
  override name = 'BackupRefused'
}

/** The archive or the data is not what it should be: the CLIs exit 1 on it. */
export class BackupFailed extends Error {
  override name = 'BackupFailed'
}

export const evidenceName = (sha256: string) => `evidence/${sha256.slice(0, 2)}/${sha256}`

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

function rowCounts(sqlite: Database.Database): Record<string, number> {
  const tables = sqlite
    .prepare(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '\\_\\_%' escape '\\' order by name",
    )
    .pluck()
    .all() as string[]
  return Object.fromEntries(tables.map((t) => [t, sqlite.prepare(`select count(*) from "${t}"`).pluck().get() as number]))
}

/**
 * Takes a consistent backup of a DATA_DIR that a server may be writing to: an online SQLite backup of the
 * database, then every evidence file that snapshot references. Evidence is content-addressed and never rewritten,
 * so files copied after the snapshot are the ones it names. Writes `file` only when everything was read and
 * checked; a referenced file that is missing or damaged fails the backup.
 */
export async function createBackup(dataDir: string, file: string): Promise<Manifest> {
  const source = databaseFile(dataDir)
  if (!existsSync(source)) throw new BackupRefused(`there is no database at ${source}; is DATA_DIR right?`)
  const target = resolve(file)
  if (existsSync(target)) throw new BackupRefused(`${target} already exists; choose a new file name`)
  if (!existsSync(dirname(target))) throw new BackupRefused(`the directory ${dirname(target)} does not exist`)

  const work = mkdtempSync(join(tmpdir(), 'zhenggai-backup-'))
  const partial = `${target}.partial-${process.pid}`
  try {
    const snapshot = join(work, DATABASE_NAME)
    const live = new Database(source, { fileMustExist: true })
    try {
      live.pragma('busy_timeout = 5000')
      await live.backup(snapshot, { progress: () => ALL_PAGES })
    } finally {
      live.close()
    }

    const copy = new Database(snapshot)
    let referenced: { sha256: string; sizeBytes: number }[]
    let rows: Record<string, number>
    try {
      // One self-contained file in the archive: no -wal beside it to lose.
      copy.pragma('journal_mode = DELETE')
      const check = copy.pragma('quick_check', { simple: true })
      if (check !== 'ok') throw new BackupFailed(`the database copy fails its check: ${String(check)}`)
      referenced = copy
        .prepare('select sha256, max(size_bytes) as sizeBytes from evidence group by sha256 order by sha256')
        .all() as typeof referenced
      rows = rowCounts(copy)
    } finally {
      copy.close()
    }

    const problems: string[] = []
    for (const { sha256, sizeBytes } of referenced) {
      const path = join(dataDir, evidenceName(sha256))
      const size = existsSync(path) ? statSync(path).size : null
      if (size === null) problems.push(`${evidenceName(sha256)} is missing`)
      else if (size !== sizeBytes) problems.push(`${evidenceName(sha256)} has ${size} bytes, the database says ${sizeBytes}`)
    }
    if (problems.length > 0)
      throw new BackupFailed(`evidence files the database references are not in the store:\n  ${problems.join('\n  ')}`)

    const manifest: Manifest = {
      format: FORMAT,
      version: 1,
      createdAt: new Date().toISOString(),
      database: { name: DATABASE_NAME, sizeBytes: statSync(snapshot).size, sha256: await sha256OfFile(snapshot) },
      // The name is the hash: the archive writer checks the bytes against it on the way through.
      evidence: referenced.map(({ sha256, sizeBytes }) => ({ name: evidenceName(sha256), sizeBytes, sha256 })),
      rows,
    }
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8')

    function hashed(name: string, path: string, sha256: string): ArchiveSource['content'] {
      return async function* () {
        const hash = createHash('sha256')
        for await (const chunk of createReadStream(path)) {
          hash.update(chunk as Buffer)
          yield chunk as Buffer
        }
        if (hash.digest('hex') !== sha256) throw new BackupFailed(`${name} does not match its hash: the stored file is damaged`)
      }
    }
    const entries: ArchiveSource[] = [
      { name: MANIFEST_NAME, size: manifestBytes.length, content: () => [manifestBytes] },
      { name: DATABASE_NAME, size: manifest.database.sizeBytes, content: hashed(DATABASE_NAME, snapshot, manifest.database.sha256) },
      ...manifest.evidence.map((e) => ({ name: e.name, size: e.sizeBytes, content: hashed(e.name, join(dataDir, e.name), e.sha256) })),
    ]
    await writeArchive(partial, entries)
    await fsyncFile(partial)
    renameSync(partial, target)
    return manifest
  } finally {
    rmSync(partial, { force: true })
    rmSync(work, { recursive: true, force: true })
  }
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

function parseManifest(bytes: Buffer): Manifest {
  let manifest: Manifest
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as Manifest
  } catch {
    throw new BackupFailed('the manifest is not valid JSON')
  }
  const isFile = (f: unknown): f is ManifestFile =>
    typeof f === 'object' &&
    f !== null &&
    typeof (f as ManifestFile).name === 'string' &&
    Number.isSafeInteger((f as ManifestFile).sizeBytes) &&
    /^[0-9a-f]{64}$/.test((f as ManifestFile).sha256)
  if (manifest?.format !== FORMAT || manifest.version !== 1) throw new BackupFailed('this is not a 整改销号 backup (or a newer format)')
  if (!isFile(manifest.database) || manifest.database.name !== DATABASE_NAME) throw new BackupFailed('the manifest names no database')
  if (!Array.isArray(manifest.evidence) || !manifest.evidence.every((e) => isFile(e) && e.name === evidenceName(e.sha256))) {
    throw new BackupFailed('the manifest lists evidence files it cannot vouch for')
  }
  return manifest
}

function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0
}

/**
 * Restores a backup into an empty (or not yet existing) DATA_DIR. Everything is unpacked beside it and checked
 * first — every file against the manifest's hash, the database by migrating it and `PRAGMA integrity_check` —
 * and only then moved in, so a failed restore leaves DATA_DIR as it was.
 */
export async function restoreBackup(file: string, dataDir: string): Promise<Manifest> {
  const archive = resolve(file)
  const target = resolve(dataDir)
  if (!existsSync(archive)) throw new BackupRefused(`${archive} does not exist`)
  if (!isEmptyDir(target)) throw new BackupRefused(`DATA_DIR ${target} is not empty; restore only into an empty or new directory`)
  mkdirSync(dirname(target), { recursive: true })
  // Beside the target, on the same file system, so the final move is a rename.
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}.restoring-`))
  try {
    let manifest: Manifest | null = null
    const expected = new Map<string, ManifestFile>()
    const seen = new Set<string>()
    for await (const entry of readArchive(archive)) {
      if (!manifest) {
        if (entry.name !== MANIFEST_NAME) throw new BackupFailed('the archive does not start with its manifest')
        if (entry.size > 256 * 1024 * 1024) throw new BackupFailed('the manifest is implausibly large')
        const chunks: Buffer[] = []
        for await (const chunk of entry.content) chunks.push(chunk)
        manifest = parseManifest(Buffer.concat(chunks))
        for (const f of [manifest.database, ...manifest.evidence]) expected.set(f.name, f)
        continue
      }
      const want = expected.get(entry.name)
      if (!want) throw new BackupFailed(`the archive holds ${entry.name}, which its manifest does not list`)
      if (seen.has(entry.name)) throw new BackupFailed(`the archive holds ${entry.name} twice`)
      if (entry.size !== want.sizeBytes) throw new BackupFailed(`${entry.name}: ${entry.size} bytes, the manifest says ${want.sizeBytes}`)
      seen.add(entry.name)
      const path = join(staging, entry.name)
      mkdirSync(dirname(path), { recursive: true })
      const hash = createHash('sha256')
      const handle = await open(path, 'wx')
      try {
        for await (const chunk of entry.content) {
          hash.update(chunk)
          await handle.write(chunk)
        }
        await handle.sync()
      } finally {
        await handle.close()
      }
      if (hash.digest('hex') !== want.sha256)
        throw new BackupFailed(`${entry.name} does not match the hash in the manifest: the archive is damaged`)
    }
    if (!manifest) throw new BackupFailed('the archive is empty')
    const missing = [...expected.keys()].filter((name) => !seen.has(name))
    if (missing.length > 0) throw new BackupFailed(`the archive lacks ${missing.length} file(s) its manifest lists, e.g. ${missing[0]}`)

    // Opening migrates a backup taken by an older version to the current schema.
    const database = openDatabase(join(staging, DATABASE_NAME))
    try {
      const integrity = database.sqlite.pragma('integrity_check', { simple: true })
      if (integrity !== 'ok') throw new BackupFailed(`the restored database fails PRAGMA integrity_check: ${String(integrity)}`)
      const foreignKeys = database.sqlite.pragma('foreign_key_check') as unknown[]
      if (foreignKeys.length > 0) throw new BackupFailed(`the restored database has ${foreignKeys.length} broken foreign key(s)`)
      const hashes = database.sqlite.prepare('select distinct sha256 from evidence').pluck().all() as string[]
      const unbacked = hashes.filter((sha) => !seen.has(evidenceName(sha)))
      if (unbacked.length > 0) throw new BackupFailed(`the database references ${unbacked.length} evidence file(s) the archive lacks`)
    } finally {
      database.close()
    }

    if (!isEmptyDir(target)) throw new BackupRefused(`DATA_DIR ${target} was written to during the restore; nothing moved`)
    mkdirSync(target, { recursive: true })
    for (const name of readdirSync(staging)) renameSync(join(staging, name), join(target, name))
    return manifest
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}
