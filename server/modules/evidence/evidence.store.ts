import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, type ReadStream } from 'node:fs'
import { open, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileTypeFromFile } from 'file-type'

/** The evidence types accepted, by what the content is (not what the file is called). */
export const ALLOWED_TYPES: Record<string, { fileType: string; mediaType: string }> = {
  pdf: { fileType: 'pdf', mediaType: 'application/pdf' },
  jpg: { fileType: 'jpeg', mediaType: 'image/jpeg' },
  png: { fileType: 'png', mediaType: 'image/png' },
  docx: { fileType: 'docx', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  xlsx: { fileType: 'xlsx', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
}

export interface IncomingFile {
  path: string
  sha256: string
  sizeBytes: number
}

// Scripts open the store too while a server runs (npm run token, import, job), so temporary files carry the
// process that receives them, and a store sweeps only what a process that is gone left behind. The start time
// tells a restarted container's pid 1 from the pid 1 that crashed before it.
const OWNER = `${process.pid}.${Math.round(performance.timeOrigin)}`

function leftBehind(name: string): boolean {
  const match = /^(\d+)\.(\d+)-/.exec(name)
  if (!match) return true
  if (`${match[1]}.${match[2]}` === OWNER) return false
  const pid = Number(match[1])
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return false
  } catch (err) {
    // EPERM: alive, someone else's.
    return (err as NodeJS.ErrnoException).code !== 'EPERM'
  }
}

/**
 * Files live at evidence/<first two hex>/<sha256> under DATA_DIR. An upload is streamed to evidence/.incoming,
 * hashed on the way, flushed to disk, and only then renamed into place, so a crash never leaves a half file
 * where a database row could point.
 */
export function createEvidenceStore(dataDir: string) {
  const root = join(dataDir, 'evidence')
  const incoming = join(root, '.incoming')
  mkdirSync(incoming, { recursive: true })
  // What a dead process left here was cut off by its crash: no row refers to it.
  for (const name of readdirSync(incoming)) if (leftBehind(name)) rmSync(join(incoming, name), { force: true })

  const pathOf = (sha256: string) => join(root, sha256.slice(0, 2), sha256)

  return {
    pathOf,

    /** Streams an upload to a temporary file, hashing and counting it; the stream never sits whole in memory. */
    async receive(source: Readable): Promise<IncomingFile> {
      const path = join(incoming, `${OWNER}-${randomUUID()}`)
      const hash = createHash('sha256')
      let sizeBytes = 0
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk)
          sizeBytes += chunk.length
          done(null, chunk)
        },
      })
      try {
        await pipeline(source, tap, createWriteStream(path, { flags: 'wx' }))
        const handle = await open(path, 'r+')
        try {
          await handle.sync()
        } finally {
          await handle.close()
        }
      } catch (err) {
        await rm(path, { force: true })
        throw err
      }
      return { path, sha256: hash.digest('hex'), sizeBytes }
    },

    /** The accepted type of a received file, or null. */
    async sniff(file: IncomingFile): Promise<{ fileType: string; mediaType: string } | null> {
      const detected = await fileTypeFromFile(file.path)
      return (detected && ALLOWED_TYPES[detected.ext]) ?? null
    },

    /** Moves a received file into the store under its hash (a file already there is the same bytes). */
    async keep(file: IncomingFile): Promise<void> {
      const target = pathOf(file.sha256)
      mkdirSync(join(root, file.sha256.slice(0, 2)), { recursive: true })
      const exists = await stat(target).then(
        () => true,
        () => false,
      )
      if (exists) await rm(file.path, { force: true })
      else await rename(file.path, target)
    },

    async discard(file: IncomingFile): Promise<void> {
      await rm(file.path, { force: true })
    },

    read(sha256: string): ReadStream {
      return createReadStream(pathOf(sha256))
    },
  }
}

export type EvidenceStore = ReturnType<typeof createEvidenceStore>
