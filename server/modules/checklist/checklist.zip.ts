// The gate an uploaded spreadsheet passes before exceljs sees it. exceljs (through JSZip) inflates every entry of
// the zip into memory, so a small file that unpacks to gigabytes (a zip bomb) would take the process down. Here the
// central directory is read by hand, its declared sizes are checked against the limit, and every entry is then
// inflated with a hard output cap, because the declared sizes are whatever the attacker wrote.
import { inflateRaw } from 'node:zlib'
import { promisify } from 'node:util'

const inflateRawAsync = promisify(inflateRaw) as (buffer: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>

const END_OF_CENTRAL_DIRECTORY = 0x06054b50
const CENTRAL_FILE_HEADER = 0x02014b50
const LOCAL_FILE_HEADER = 0x04034b50
const ZIP64_END_LOCATOR = 0x07064b50
const OLE2_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
// An xlsx holds a dozen or two entries; thousands mean something else is going on.
const MAX_ENTRIES = 2000
/** The widest sheet a checklist could be; merged ranges are bounded by it (and by the row limit). */
export const MAX_COLUMNS = 256

export type XlsxRejection = 'NOT_XLSX' | 'UNPACKED_TOO_LARGE' | 'TOO_MANY_ROWS' | 'MERGES_TOO_LARGE'

export class XlsxRejected extends Error {
  constructor(
    readonly reason: XlsxRejection,
    message: string,
  ) {
    super(message)
    this.name = 'XlsxRejected'
  }
}

export interface XlsxInspection {
  entries: number
  /** Total size of the entries once inflated, in bytes (checked, not merely declared). */
  unpackedBytes: number
  /** The most rows holding a value in any one worksheet, counted in the XML before any parser builds cells. */
  mostRowsInASheet: number
}

interface Entry {
  name: string
  method: number
  compressedSize: number
  uncompressedSize: number
  localHeaderOffset: number
}

function notXlsx(message: string): XlsxRejected {
  return new XlsxRejected('NOT_XLSX', message)
}

function findEndOfCentralDirectory(bytes: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65535; it is searched from the end, as every reader does.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff)
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (bytes.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at
  }
  return -1
}

function readCentralDirectory(bytes: Buffer): Entry[] {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(OLE2_SIGNATURE)) {
    throw notXlsx('The file is an old Excel 97–2003 workbook (.xls); save it as .xlsx and import that')
  }
  const eocd = bytes.length >= 22 ? findEndOfCentralDirectory(bytes) : -1
  if (eocd < 0) throw notXlsx('The file is not an .xlsx spreadsheet (it is not a zip package)')
  if (eocd >= 20 && bytes.readUInt32LE(eocd - 20) === ZIP64_END_LOCATOR) {
    throw notXlsx('The file uses ZIP64, which no checklist within the size limit needs; save it again from Excel or WPS')
  }
  const disk = bytes.readUInt16LE(eocd + 4)
  const cdDisk = bytes.readUInt16LE(eocd + 6)
  const count = bytes.readUInt16LE(eocd + 10)
  const cdSize = bytes.readUInt32LE(eocd + 12)
  const cdOffset = bytes.readUInt32LE(eocd + 16)
  if (disk !== 0 || cdDisk !== 0) throw notXlsx('The file is a multi-part zip archive, not an .xlsx spreadsheet')
  if (count > MAX_ENTRIES) throw notXlsx(`The file packs ${count} entries; an .xlsx spreadsheet has a few dozen`)
  if (cdOffset + cdSize > eocd) throw notXlsx('The file is a damaged zip package (its directory points outside the file)')

  const entries: Entry[] = []
  let at = cdOffset
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || bytes.readUInt32LE(at) !== CENTRAL_FILE_HEADER) {
      throw notXlsx('The file is a damaged zip package (its directory is cut short)')
    }
    const flags = bytes.readUInt16LE(at + 8)
    const method = bytes.readUInt16LE(at + 10)
    const compressedSize = bytes.readUInt32LE(at + 20)
    const uncompressedSize = bytes.readUInt32LE(at + 24)
    const nameLength = bytes.readUInt16LE(at + 28)
    const extraLength = bytes.readUInt16LE(at + 30)
    const commentLength = bytes.readUInt16LE(at + 32)
    const localHeaderOffset = bytes.readUInt32LE(at + 42)
    const name = bytes
      .subarray(at + 46, at + 46 + nameLength)
      .toString('utf8')
      .replace(/^\/+/, '')
    if (flags & 0x1) throw notXlsx('The spreadsheet is encrypted (password-protected); save an unprotected copy and import that')
    if (method !== 0 && method !== 8)
      throw notXlsx(`The zip entry "${name}" uses compression method ${method}, which .xlsx files do not use`)
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      throw notXlsx('The file uses ZIP64, which no checklist within the size limit needs; save it again from Excel or WPS')
    }
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset })
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

/** The compressed bytes of an entry, located the way JSZip locates them (central directory offset + local header). */
function entryData(bytes: Buffer, entry: Entry): Buffer {
  const at = entry.localHeaderOffset
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL_FILE_HEADER) {
    throw notXlsx(`The file is a damaged zip package (entry "${entry.name}" is missing)`)
  }
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28)
  const end = start + entry.compressedSize
  if (end > bytes.length) throw notXlsx(`The file is a damaged zip package (entry "${entry.name}" is cut short)`)
  return bytes.subarray(start, end)
}

// A row element that holds at least one value (<v> for numbers, shared strings and formulas, <is> for inline text).
const ROW_ELEMENT = /<row\b[^>]*?(?:\/>|>([\s\S]*?)<\/row>)/g
const HOLDS_VALUE = /<v[\s>]|<is[\s>]/

function rowsWithValues(xml: string): number {
  let rows = 0
  for (const match of xml.matchAll(ROW_ELEMENT)) if (match[1] !== undefined && HOLDS_VALUE.test(match[1])) rows++
  return rows
}

const MERGE_CELL = /<mergeCell\b[^>]*?\bref="\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?"/g

function columnNumber(letters: string): number {
  let n = 0
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64)
  return n
}

/** How many cells the sheet's merged ranges cover. exceljs creates a cell object for each, so 'A1:XFD1048576' is a bomb too. */
function mergedCells(xml: string): number {
  let cells = 0
  for (const m of xml.matchAll(MERGE_CELL)) {
    const [c1, r1, c2 = c1, r2 = r1] = [
      columnNumber(m[1]!),
      Number(m[2]),
      m[3] ? columnNumber(m[3]) : undefined,
      m[4] ? Number(m[4]) : undefined,
    ]
    cells += (Math.abs(c2 - c1) + 1) * (Math.abs(r2 - r1) + 1)
  }
  return cells
}

/**
 * Checks that `bytes` is an .xlsx package that inflates to at most `maxUnpackedBytes` and has no worksheet with
 * more than `maxSheetRows` rows holding values, nor merged ranges covering more cells than such rows could hold;
 * throws XlsxRejected otherwise. Only then may exceljs read it.
 */
export async function inspectXlsx(bytes: Buffer, limits: { maxUnpackedBytes: number; maxSheetRows: number }): Promise<XlsxInspection> {
  const entries = readCentralDirectory(bytes)
  const names = new Set(entries.map((e) => e.name.toLowerCase()))
  if (!names.has('[content_types].xml') || !names.has('xl/workbook.xml')) {
    throw notXlsx('The file is a zip package but not an .xlsx spreadsheet (it has no workbook); save the checklist as .xlsx')
  }
  const tooLarge = (what: string) =>
    new XlsxRejected(
      'UNPACKED_TOO_LARGE',
      `The spreadsheet ${what} more than ${limits.maxUnpackedBytes} bytes when unpacked (the limit is ten times IMPORT_MAX_BYTES); ` +
        'a checklist is never that large, so the file was not read',
    )
  const declared = entries.reduce((sum, e) => sum + e.uncompressedSize, 0)
  if (declared > limits.maxUnpackedBytes) throw tooLarge('would unpack to')

  let unpacked = 0
  let mostRows = 0
  for (const entry of entries) {
    const data = entryData(bytes, entry)
    let content: Buffer
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.uncompressedSize)
        throw notXlsx(`The file is a damaged zip package (entry "${entry.name}" has two sizes)`)
      content = data
    } else {
      try {
        // Never more than the entry declared, so a lying directory cannot make us inflate past the budget.
        content = await inflateRawAsync(data, { maxOutputLength: Math.max(1, entry.uncompressedSize) })
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw tooLarge('unpacks to')
        throw notXlsx(`The file is a damaged zip package (entry "${entry.name}" cannot be inflated)`)
      }
    }
    if (content.length !== entry.uncompressedSize) {
      throw notXlsx(`The file is a damaged zip package (entry "${entry.name}" is not the size its directory says)`)
    }
    unpacked += content.length
    if (/^xl\/worksheets\/[^/]+\.xml$/i.test(entry.name)) {
      const xml = content.toString('latin1')
      mostRows = Math.max(mostRows, rowsWithValues(xml))
      if (mostRows > limits.maxSheetRows) {
        throw new XlsxRejected(
          'TOO_MANY_ROWS',
          `A worksheet has ${mostRows} rows; at most ${limits.maxSheetRows} are read (IMPORT_MAX_ROWS)`,
        )
      }
      const merged = mergedCells(xml)
      if (merged > limits.maxSheetRows * MAX_COLUMNS) {
        throw new XlsxRejected(
          'MERGES_TOO_LARGE',
          `A worksheet merges ${merged} cells, more than a checklist of ${limits.maxSheetRows} rows has`,
        )
      }
    }
  }
  return { entries: entries.length, unpackedBytes: unpacked, mostRowsInASheet: mostRows }
}
