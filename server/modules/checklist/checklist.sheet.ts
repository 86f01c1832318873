// Reading a rectification checklist (整改措施清单) from the cells of a worksheet: finding the header row under the
// title rows, the columns by their Chinese headers in whatever order, task-area heading rows (一、…) that set the
// category of the rows below, merged cells (one problem over several measure rows), and the unit lists.
//
// Pure: it sees a grid of cell values and merged ranges, not exceljs, not the database. It reports every problem
// it finds with its row and column instead of stopping at the first, and it never guesses: a cell it cannot read
// is an error for the person who wrote the sheet to fix.
import { parseDeadlinePhrase, type ParsedDeadline } from '../import/deadline-phrase.ts'

export const COLUMNS = ['序号', '问题', '整改目标', '整改措施', '牵头单位', '责任单位', '完成时限'] as const
export type ColumnName = (typeof COLUMNS)[number]

// Other headers seen on real checklists for the same columns. Compared after removing all whitespace.
const HEADER_ALIASES: Record<ColumnName, readonly string[]> = {
  序号: ['序号', '编号'],
  问题: ['问题', '督察反馈问题', '反馈问题', '存在问题', '问题描述'],
  整改目标: ['整改目标'],
  整改措施: ['整改措施'],
  牵头单位: ['牵头单位', '牵头责任单位'],
  责任单位: ['责任单位', '配合单位'],
  完成时限: ['完成时限', '整改时限', '完成时间', '整改期限'],
}

// Title rows come first; a header further down than this is not one.
const HEADER_SEARCH_ROWS = 30
// Cells further right than this are not read: no checklist is that wide, and it bounds the work per row.
const MAX_COLUMNS = 256

/** 1-based, inclusive, as a spreadsheet numbers them. */
export interface CellRange {
  top: number
  left: number
  bottom: number
  right: number
}

export interface SheetGrid {
  name: string
  /** rows[r - 1][c - 1] is the value at row r, column c; a merged range keeps its value in its top-left cell. */
  rows: readonly (readonly unknown[])[]
  merges: readonly CellRange[]
}

/** One problem found in the sheet; row and column are null when it concerns the whole sheet. */
export interface SheetError {
  row: number | null
  column: string | null
  message: string
}

export interface CategoryHeading {
  row: number
  /** The checklist column the heading text stands in, when it is one. */
  column: ColumnName | null
  /** As printed, e.g. '一、打好污染防治攻坚战'. */
  printed: string
  /** Without the numbering: '打好污染防治攻坚战'. */
  text: string
}

/** The texts of one item as the checklist sheet prints them, read by the import and written by the export. */
export interface ChecklistColumns {
  code: string
  problem: string
  target: string
  measures: string
  leadUnit: string
  responsibleUnits: string[]
  deadlinePhrase: string
}

export interface ChecklistRow extends ChecklistColumns {
  row: number
  /** The heading row above this row, or null when none came before it. */
  heading: CategoryHeading | null
  /** null when the phrase could not be read (an error names it). */
  deadline: ParsedDeadline | null
}

export interface ChecklistSheet {
  sheetName: string
  /** The last row of the header (a header may span two rows). */
  headerRow: number
  rows: ChecklistRow[]
  headings: CategoryHeading[]
  /** Non-empty rows below the header: items and headings. */
  dataRowCount: number
  errors: SheetError[]
}

/** Longest text each field may hold, the same bounds the items API enforces. */
export interface FieldLimits {
  code: number
  problem: number
  target: number
  measures: number
  unitName: number
}

const DEFAULT_LIMITS: FieldLimits = { code: 32, problem: 4000, target: 4000, measures: 8000, unitName: 100 }

// ---------------------------------------------------------------------------------------------------------------
// Cells

type CellText = { text: string } | { error: string }

function isoDay(d: Date): string {
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`
}

/** The text a cell shows, from any value exceljs gives (rich text, formulas with results, hyperlinks, dates). */
export function cellText(value: unknown): CellText {
  if (value === null || value === undefined) return { text: '' }
  if (typeof value === 'string') return { text: value.replace(/\r\n?/g, '\n') }
  if (typeof value === 'number' || typeof value === 'boolean') return { text: String(value) }
  if (value instanceof Date) return { text: isoDay(value) }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>
    if (Array.isArray(v['richText'])) {
      return cellText((v['richText'] as { text?: unknown }[]).map((r) => (typeof r.text === 'string' ? r.text : '')).join(''))
    }
    if ('error' in v) return { error: `the cell holds the spreadsheet error ${String(v['error'])}` }
    if ('formula' in v || 'sharedFormula' in v) {
      if (v['result'] === undefined) return { error: 'the cell holds a formula without a computed value; paste it as values' }
      return cellText(v['result'])
    }
    if ('text' in v) return cellText(v['text'])
  }
  return { error: 'the cell holds something that is not text' }
}

/** Whitespace (full-width spaces and line breaks included) removed, for comparing headers. */
function compact(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, '')
}

/** The value every cell shows, merged ranges resolved: each cell of a range shows the range's value. */
class ResolvedGrid {
  readonly height: number
  readonly width: number
  /** For a merged cell, the top-left cell of its range; undefined for a cell that is not merged. */
  private readonly masterOf = new Map<string, { row: number; col: number }>()
  private readonly rangeOf = new Map<string, CellRange>()

  constructor(private readonly grid: SheetGrid) {
    this.height = grid.rows.length
    this.width = Math.min(MAX_COLUMNS, grid.rows.reduce((w, r) => Math.max(w, r.length), 0))
    for (const range of grid.merges) {
      // Only the part of a range inside the sheet's content matters, however far the range claims to reach.
      for (let r = Math.max(1, range.top); r <= Math.min(range.bottom, this.height); r++) {
        for (let c = Math.max(1, range.left); c <= Math.min(range.right, this.width); c++) {
          this.masterOf.set(`${r},${c}`, { row: range.top, col: range.left })
          this.rangeOf.set(`${r},${c}`, range)
        }
      }
    }
  }

  raw(row: number, col: number): unknown {
    return this.grid.rows[row - 1]?.[col - 1]
  }

  master(row: number, col: number): { row: number; col: number } {
    return this.masterOf.get(`${row},${col}`) ?? { row, col }
  }

  range(row: number, col: number): CellRange | undefined {
    return this.rangeOf.get(`${row},${col}`)
  }

  value(row: number, col: number): unknown {
    const m = this.master(row, col)
    return this.raw(m.row, m.col)
  }

  text(row: number, col: number): CellText {
    return cellText(this.value(row, col))
  }

  /** Cells of the row that show something, one per merged range. */
  shown(row: number): { col: number; text: string; master: { row: number; col: number } }[] {
    const seen = new Set<string>()
    const out: { col: number; text: string; master: { row: number; col: number } }[] = []
    for (let col = 1; col <= this.width; col++) {
      const master = this.master(row, col)
      const key = `${master.row},${master.col}`
      if (seen.has(key)) continue
      seen.add(key)
      const t = this.text(row, col)
      if ('error' in t || t.text.trim() !== '') out.push({ col, text: 'error' in t ? '#' : t.text.trim(), master })
    }
    return out
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Header

function columnOf(label: string): ColumnName | undefined {
  const c = compact(label)
  return COLUMNS.find((name) => HEADER_ALIASES[name].includes(c))
}

type HeaderResult =
  | { ok: true; headerRow: number; columns: Map<ColumnName, number> }
  | { ok: false; found: number; message: string | null }

/** The columns named by the row (or by the row and the one below it, for a two-level header). */
function labelsAt(g: ResolvedGrid, rows: number[]): { columns: Map<ColumnName, number>; duplicates: ColumnName[] } {
  const columns = new Map<ColumnName, number>()
  const duplicates: ColumnName[] = []
  for (let col = 1; col <= g.width; col++) {
    // The lowest row that names a known column wins: in a two-level header it is the specific one.
    let name: ColumnName | undefined
    for (const row of rows) {
      const t = g.text(row, col)
      const found = 'text' in t ? columnOf(t.text) : undefined
      if (found) name = found
    }
    if (!name) continue
    const existing = columns.get(name)
    if (existing !== undefined && g.master(rows[rows.length - 1]!, existing).col !== g.master(rows[rows.length - 1]!, col).col) {
      duplicates.push(name)
    }
    if (existing === undefined) columns.set(name, col)
  }
  return { columns, duplicates }
}

function findHeader(g: ResolvedGrid): HeaderResult {
  let best: { row: number; missing: ColumnName[]; found: number } | null = null
  for (let row = 1; row <= Math.min(g.height, HEADER_SEARCH_ROWS); row++) {
    for (const rows of [[row], [row, row + 1]]) {
      if (rows[rows.length - 1]! > g.height) continue
      const { columns, duplicates } = labelsAt(g, rows)
      if (columns.size === COLUMNS.length) {
        if (duplicates.length > 0) {
          return { ok: false, found: columns.size, message: `row ${row} names the column ${duplicates.join(', ')} twice; keep one` }
        }
        return { ok: true, headerRow: rows[rows.length - 1]!, columns }
      }
      if (columns.size >= 3 && (!best || columns.size > best.found)) {
        best = { row, found: columns.size, missing: COLUMNS.filter((c) => !columns.has(c)) }
      }
    }
  }
  if (best) {
    return { ok: false, found: best.found, message: `the header in row ${best.row} has no column ${best.missing.join(', ')}` }
  }
  return { ok: false, found: 0, message: null }
}

// ---------------------------------------------------------------------------------------------------------------
// Headings and units

// 一、 / 一. / （一） / 第一部分 — the numbering in front of a task area.
const HEADING_PREFIX = /^(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+(?:部分|项)\s*[:：、]?)\s*/u

/** The task area a heading row names, without its numbering; null when the text has no heading numbering. */
export function headingText(printed: string): string | null {
  const text = printed.normalize('NFKC').trim()
  const m = HEADING_PREFIX.exec(text)
  if (!m) return null
  const rest = text.slice(m[0].length).replace(/[:：]\s*$/u, '').trim()
  return rest === '' ? null : rest
}

// 、，, ；; and line breaks separate responsible units.
const UNIT_SEPARATORS = /[、，,；;\n]+/u

/** The unit names in a cell, trimmed, blanks dropped, in order, each once. */
export function splitUnits(text: string): string[] {
  const names = text
    .split(UNIT_SEPARATORS)
    .map((s) => s.replace(/\u3000/g, ' ').trim().replace(/\s+/g, ' '))
    .filter((s) => s !== '')
  return [...new Set(names)]
}

// ---------------------------------------------------------------------------------------------------------------
// The sheet

export interface ReadOptions {
  limits?: FieldLimits
}

/**
 * Reads the items of one worksheet. Every row below the header that shows something is either a heading row
 * (one text, numbered like 一、, or merged across columns) or an item row; item rows are returned even when some
 * of their cells could not be read, so that later checks can still report their other problems.
 */
export function readChecklistSheet(grid: SheetGrid, options: ReadOptions = {}): ChecklistSheet {
  const limits = options.limits ?? DEFAULT_LIMITS
  const g = new ResolvedGrid(grid)
  const errors: SheetError[] = []
  const header = findHeader(g)
  if (!header.ok) {
    const expected = COLUMNS.join('、')
    errors.push({
      row: null,
      column: null,
      message: header.message ?? `no header row found in sheet "${grid.name}": a row naming the columns ${expected} is needed (title rows above it are fine)`,
    })
    return { sheetName: grid.name, headerRow: 0, rows: [], headings: [], dataRowCount: 0, errors }
  }
  const col = header.columns
  const rows: ChecklistRow[] = []
  const headings: CategoryHeading[] = []
  let heading: CategoryHeading | null = null
  let dataRowCount = 0
  const firstRowOfCode = new Map<string, number>()

  for (let row = header.headerRow + 1; row <= g.height; row++) {
    const shown = g.shown(row)
    // A row showing only the continuation of ranges merged from above adds nothing of its own.
    if (!shown.some((c) => c.master.row === row)) continue
    dataRowCount++
    const single = shown.length === 1 ? shown[0]! : undefined
    if (single) {
      const range = g.range(single.master.row, single.master.col)
      const text = headingText(single.text)
      const spansColumns = range !== undefined && range.right > range.left
      if (text !== null || spansColumns) {
        const column = COLUMNS.find((name) => col.get(name) === single.master.col) ?? null
        heading = { row, column, printed: single.text, text: text ?? single.text }
        headings.push(heading)
        continue
      }
    }

    const fail = (column: ColumnName, message: string) => errors.push({ row, column, message })
    /** The trimmed text of a cell, or null when it holds something unreadable (reported). */
    const read = (column: ColumnName, required: boolean): string | null => {
      const t = g.text(row, col.get(column)!)
      if ('error' in t) {
        fail(column, t.error)
        return null
      }
      const text = t.text.trim()
      if (required && text === '') fail(column, `${column} is empty`)
      return text
    }

    // The code, as printed. A date here is Excel having turned '3-2' into 3 February: say so rather than guess.
    const codeColumn = col.get('序号')!
    const codeValue = g.value(row, codeColumn)
    const codeRange = g.range(row, codeColumn)
    const codeMerged = codeRange !== undefined && codeRange.bottom > codeRange.top
    let code = ''
    if (codeMerged && codeRange.top !== row) {
      // Reported once, on the first row of the merge.
    } else if (codeValue instanceof Date) {
      fail('序号', `序号 is stored as the date ${isoDay(codeValue)}: Excel turns codes such as 3-2 into dates; format the column as text and type the code again`)
    } else {
      code = read('序号', false) ?? ''
      if (code === '') {
        fail('序号', '序号 is empty; every item needs its code as printed in the plan')
      } else if (codeMerged) {
        fail('序号', `序号 "${code}" is merged over rows ${codeRange.top}–${codeRange.bottom}; each measure row needs its own 序号 (for example ${code}-1, ${code}-2)`)
      } else if (code.includes('\n')) {
        fail('序号', `序号 "${code.replace(/\n/g, ' ')}" spans several lines`)
      } else if (Array.from(code).length > limits.code) {
        fail('序号', `序号 "${code}" is longer than ${limits.code} characters`)
      }
    }

    const problem = read('问题', true) ?? ''
    const target = read('整改目标', true) ?? ''
    const measures = read('整改措施', true) ?? ''
    for (const [column, text, limit] of [
      ['问题', problem, limits.problem],
      ['整改目标', target, limits.target],
      ['整改措施', measures, limits.measures],
    ] as const) {
      if (text.length > limit) fail(column, `${column} is ${text.length} characters long; at most ${limit} are allowed`)
    }

    const leadUnits = splitUnits(read('牵头单位', true) ?? '')
    if (leadUnits.length > 1) {
      fail('牵头单位', `牵头单位 names ${leadUnits.length} units (${leadUnits.join('、')}); an item has one lead unit, the others belong in 责任单位`)
    }
    const responsibleUnits = splitUnits(read('责任单位', false) ?? '')
    for (const [column, names] of [['牵头单位', leadUnits], ['责任单位', responsibleUnits]] as const) {
      for (const name of names) {
        if (name.length > limits.unitName) fail(column, `"${name.slice(0, 20)}…" is longer than a unit name can be (${limits.unitName} characters)`)
      }
    }

    const deadlinePhrase = read('完成时限', true)
    let deadline: ParsedDeadline | null = null
    if (deadlinePhrase) {
      const parsed = parseDeadlinePhrase(deadlinePhrase)
      if (parsed.ok) deadline = parsed.value
      else fail('完成时限', parsed.message)
    }

    if (code !== '') {
      const first = firstRowOfCode.get(code)
      if (first !== undefined) fail('序号', `序号 "${code}" is already used in row ${first}; codes must be unique`)
      else firstRowOfCode.set(code, row)
    }

    rows.push({
      row,
      code,
      heading,
      problem,
      target,
      measures,
      leadUnit: leadUnits[0] ?? '',
      responsibleUnits,
      deadlinePhrase: deadlinePhrase ?? '',
      deadline,
    })
  }
  return { sheetName: grid.name, headerRow: header.headerRow, rows, headings, dataRowCount, errors }
}

/**
 * Reads the checklist of a workbook: the one sheet with a complete header row. Several such sheets would make
 * the choice a guess, so that is an error too.
 */
export function readChecklistWorkbook(grids: readonly SheetGrid[], options: ReadOptions = {}): ChecklistSheet {
  const headers = grids.map((grid) => ({ grid, header: findHeader(new ResolvedGrid(grid)) }))
  const complete = headers.filter((h) => h.header.ok)
  if (complete.length === 1) return readChecklistSheet(complete[0]!.grid, options)
  const sheetError = (sheetName: string, message: string): ChecklistSheet => ({
    sheetName,
    headerRow: 0,
    rows: [],
    headings: [],
    dataRowCount: 0,
    errors: [{ row: null, column: null, message }],
  })
  if (complete.length > 1) {
    const names = complete.map((h) => `"${h.grid.name}"`).join(', ')
    return sheetError(complete[0]!.grid.name, `the sheets ${names} all look like checklists; keep the one to import and remove the others`)
  }
  if (grids.length === 0) return sheetError('', 'the workbook has no worksheet')
  // None is complete: report on the sheet that came closest, which is where the checklist is meant to be.
  const closest = headers.reduce((a, b) => (found(b.header) > found(a.header) ? b : a))
  return readChecklistSheet(closest.grid, options)
}

function found(header: HeaderResult): number {
  return header.ok ? COLUMNS.length : header.found
}
