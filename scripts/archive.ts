// A minimal POSIX ustar writer and reader over gzip, for backups: regular files only, names of at most 100
// bytes, sizes below 8 GiB. Both sides stream, so an evidence store larger than memory archives fine.
import { createReadStream, createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'

const BLOCK = 512
const MAX_SIZE = 8 ** 11 - 1

export interface ArchiveSource {
  /** Path inside the archive, `/`-separated, relative. */
  name: string
  size: number
  /** The bytes; must yield exactly `size` of them. */
  content: () => AsyncIterable<Buffer> | Iterable<Buffer>
}

export interface ArchiveEntry {
  name: string
  size: number
  /** The bytes of this entry; read it (or not) before asking for the next entry. */
  content: AsyncIterable<Buffer>
}

export class ArchiveError extends Error {
  override name = 'ArchiveError'
}

/** Names a reader may write under a target directory: relative, no `..`, no backslashes, no empty segments. */
export function isSafeEntryName(name: string): boolean {
  return (
    name.length > 0 &&
    Buffer.byteLength(name) <= 100 &&
    !name.startsWith('/') &&
    !name.includes('\\') &&
    !name.includes('\0') &&
    name.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..')
  )
}

function octal(value: number, width: number): string {
  // width includes the terminating NUL
  return `${value.toString(8).padStart(width - 1, '0')}\0`
}

function header(name: string, size: number, mtime: Date): Buffer {
  if (!isSafeEntryName(name)) throw new ArchiveError(`cannot archive "${name}": not a short relative path`)
  if (!Number.isInteger(size) || size < 0 || size > MAX_SIZE) throw new ArchiveError(`cannot archive "${name}": size ${size}`)
  const block = Buffer.alloc(BLOCK)
  block.write(name, 0, 100, 'utf8')
  block.write(octal(0o644, 8), 100, 'ascii')
  block.write(octal(0, 8), 108, 'ascii')
  block.write(octal(0, 8), 116, 'ascii')
  block.write(octal(size, 12), 124, 'ascii')
  block.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii')
  block.write('        ', 148, 'ascii')
  block.write('0', 156, 'ascii')
  block.write('ustar\0', 257, 'ascii')
  block.write('00', 263, 'ascii')
  block.write(`${octal(checksum(block), 7)} `, 148, 'ascii')
  return block
}

/** Sum of the header's bytes with the checksum field counted as spaces. */
function checksum(block: Buffer): number {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!
  return sum
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK)

/** Writes the entries, in order, as one .tar.gz at `file` (created or truncated). */
export async function writeArchive(
  file: string,
  entries: Iterable<ArchiveSource> | AsyncIterable<ArchiveSource>,
  mtime = new Date(),
): Promise<void> {
  async function* tar() {
    for await (const entry of entries) {
      yield header(entry.name, entry.size, mtime)
      let written = 0
      for await (const chunk of entry.content()) {
        written += chunk.length
        if (written > entry.size) break
        yield chunk
      }
      // A source that changed under us would make every later header land in the wrong place.
      if (written !== entry.size) throw new ArchiveError(`${entry.name}: expected ${entry.size} bytes, read ${written}`)
      yield padding(entry.size)
    }
    yield Buffer.alloc(2 * BLOCK)
  }
  await pipeline(Readable.from(tar()), createGzip(), createWriteStream(file, { flags: 'w' }))
}

/** Pulls exact byte counts out of a chunked stream. */
class ByteSource {
  private buffer: Buffer = Buffer.alloc(0)
  private ended = false
  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<void> {
    while (this.buffer.length < n && !this.ended) {
      const next = await this.chunks.next()
      if (next.done) this.ended = true
      else this.buffer = this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value])
    }
  }

  /** Exactly n bytes, or fewer only at the end of the stream. */
  async take(n: number): Promise<Buffer> {
    await this.fill(n)
    const out = this.buffer.subarray(0, n)
    this.buffer = this.buffer.subarray(out.length)
    return out
  }

  /** Up to n bytes, at least one unless the stream has ended: whatever is buffered, so nothing grows. */
  async some(n: number): Promise<Buffer> {
    await this.fill(1)
    const out = this.buffer.subarray(0, Math.min(n, this.buffer.length))
    this.buffer = this.buffer.subarray(out.length)
    return out
  }
}

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length)
  const end = raw.indexOf(0)
  return raw.subarray(0, end === -1 ? length : end).toString('utf8')
}

/**
 * The entries of a .tar.gz, in order. Refuses anything but regular files with safe names, and a damaged or
 * truncated archive; each entry's content must be consumed or is skipped when the next one is asked for.
 */
export async function* readArchive(file: string): AsyncGenerator<ArchiveEntry> {
  const gunzipped = createReadStream(file).pipe(createGunzip())
  const source = new ByteSource(gunzipped[Symbol.asyncIterator]() as AsyncIterator<Buffer>)
  try {
    for (;;) {
      const block = await source.take(BLOCK)
      if (block.length < BLOCK) throw new ArchiveError('the archive ends in the middle of a header')
      if (block.every((b) => b === 0)) return
      if (field(block, 257, 6) !== 'ustar') throw new ArchiveError('not a ustar archive')
      const stored = parseInt(field(block, 148, 8).trim(), 8)
      if (stored !== checksum(block)) throw new ArchiveError('a header is damaged (checksum mismatch)')
      const prefix = field(block, 345, 155)
      const name = prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100)
      const type = String.fromCharCode(block[156]!)
      const size = parseInt(field(block, 124, 12).trim() || '0', 8)
      if (type !== '0' && type !== '\0') throw new ArchiveError(`${name}: only regular files are allowed (type "${type}")`)
      if (!isSafeEntryName(name)) throw new ArchiveError(`unsafe entry name "${name}"`)
      if (!Number.isSafeInteger(size) || size < 0) throw new ArchiveError(`${name}: bad size`)

      let remaining = size
      const content = (async function* () {
        while (remaining > 0) {
          const piece = await source.some(Math.min(remaining, 1 << 20))
          if (piece.length === 0) throw new ArchiveError(`the archive ends inside ${name}`)
          remaining -= piece.length
          yield piece
        }
      })()
      yield { name, size, content }
      // Skip what the caller did not read, then the padding to the next header.
      while (remaining > 0) {
        const piece = await source.some(Math.min(remaining, 1 << 20))
        if (piece.length === 0) throw new ArchiveError(`the archive ends inside ${name}`)
        remaining -= piece.length
      }
      const pad = padding(size).length
      if (pad > 0 && (await source.take(pad)).length < pad) throw new ArchiveError(`the archive ends after ${name}`)
    }
  } finally {
    gunzipped.destroy()
  }
}
