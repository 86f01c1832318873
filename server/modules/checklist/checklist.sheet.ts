// Reading a rectification checklist (整改措施清单) from the cells of a worksheet as districts write them: the header
// row under the title rows (its cells may hold line breaks: 完成\n时限), the columns by their Chinese headers in
// whatever order, the task area from heading rows (一、…) or from a column (类别, 任务领域, 问题类型 …), one problem
// over several measure rows (序号 merged down, or repeated on each row: each row is an item coded 3-1, 3-2 …), unit
// lists with their separators and markers such as （牵头）, a 备注 column, and notes under the table (注：…).
//
// Pure: it sees a grid of cell values and merged ranges, not exceljs, not the database. It reports every problem
// it finds with its row and column instead of stopping at the first, and it never guesses: a cell it cannot read
// is an error for the person who wrote the sheet to fix.
import { parseDeadlinePhrase, type ParsedDeadline } from '../import/deadline-phrase.ts'

export const COLUMNS = ['序号', '问题', '整改目标', '整改措施', '牵头单位', '责任单位', '完成时限'] as const
export type ColumnName = (typeof COLUMNS)[number]
/** Columns a sheet may have besides the required ones: the task area and a remark. */
export const OPTIONAL_COLUMNS = ['类别', '备注'] as const
export type OptionalColumnName = (typeof OPTIONAL_COLUMNS)[number]
type AnyColumn = ColumnName | OptionalColumnName
const ALL_COLUMNS: readonly AnyColumn[] = [...COLUMNS, ...OPTIONAL_COLUMNS]

// Other headers seen on real checklists for the same columns. Compared after removing all whitespace (so 完成\n时限
// and 序　号 are found too).
const HEADER_ALIASES: Record<AnyColumn, readonly string[]> = {
  序号: ['序号', '编号'],
  问题: ['问题', '督察反馈问题', '反馈问题', '存在问题', '问题描述', '主要问题', '具体问题', '问题清单', '整改问题', '督察发现问题'],
  整改目标: ['整改目标', '目标', '整改要求', '目标要求'],
  整改措施: ['整改措施', '具体措施', '主要措施', '工作措施', '具体整改措施'],
  牵头单位: ['牵头单位', '牵头责任单位', '牵头部门', '责任牵头单位', '主责单位'],
  责任单位: ['责任单位', '配合单位', '配合部门', '责任部门', '协办单位', '参与单位'],
  完成时限: ['完成时限', '整改时限', '完成时间', '整改期限', '时限', '时限要求', '整改完成时限', '完成期限'],
  类别: ['类别', '任务领域', '领域', '问题类型', '问题类别', '问题分类', '任务类别', '整改领域', '分类', '类型'],
  备注: ['备注'],
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
  /** The 完成时限 cell as written (kept as the item's deadlineText). */
  deadlinePhrase: string
  /** The 备注 cell ('' without one). */
  note: string
}

export interface ChecklistRow extends ChecklistColumns {
  row: number
  /** The heading row above this row, or null when none came before it. */
  heading: CategoryHeading | null
  /** The task area the 类别 column names for this row (as printed, numbering removed); null without the column. */
  categoryCell: string | null
  /** null when the phrase could not be read (an error names it). */
  deadline: ParsedDeadline | null
}

export interface ChecklistSheet {
  sheetName: string
  /** The last row of the header (a header may span two rows). */
  headerRow: number
  rows: ChecklistRow[]
  headings: CategoryHeading[]
  /** The sheet has a task-area column (类别, 任务领域, 问题类型 …). */
  hasCategoryColumn: boolean
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
  note: number
  deadlineText: number
}

const DEFAULT_LIMITS: FieldLimits = { code: 32, problem: 4000, target: 4000, measures: 8000, unitName: 100, note: 2000, deadlineText: 200 }

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
    if (Array.isArray(v.richText)) {
      return cellText((v.richText as { text?: unknown }[]).map((r) => (typeof r.text === 'string' ? r.text : '')).join(''))
    }
    if ('error' in v) return { error: `the cell holds the spreadsheet error ${String(v.error)}` }
    if ('formula' in v || 'sharedFormula' in v) {
      if (v.result === undefined) return { error: 'the cell holds a formula without a computed value; paste it as values' }
      return cellText(v.result)
    }
    if ('text' in v) return cellText(v.text)
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
    this.width = Math.min(
      MAX_COLUMNS,
      grid.rows.reduce((w, r) => Math.max(w, r.length), 0),
    )
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

function columnOf(label: string): AnyColumn | undefined {
  const c = compact(label)
  return ALL_COLUMNS.find((name) => HEADER_ALIASES[name].includes(c))
}

type HeaderResult = { ok: true; headerRow: number; columns: Map<AnyColumn, number> } | { ok: false; found: number; message: string | null }

const requiredCount = (columns: Map<AnyColumn, number>) => COLUMNS.filter((c) => columns.has(c)).length

/** The columns named by the row (or by the row and the one below it, for a two-level header). */
function labelsAt(g: ResolvedGrid, rows: number[]): { columns: Map<AnyColumn, number>; duplicates: AnyColumn[] } {
  const columns = new Map<AnyColumn, number>()
  const duplicates: AnyColumn[] = []
  for (let col = 1; col <= g.width; col++) {
    // The lowest row that names a known column wins: in a two-level header it is the specific one.
    let name: AnyColumn | undefined
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
      const found = requiredCount(columns)
      if (found === COLUMNS.length) {
        if (duplicates.length > 0) {
          return { ok: false, found, message: `row ${row} names the column ${duplicates.join(', ')} twice; keep one` }
        }
        return { ok: true, headerRow: rows[rows.length - 1]!, columns }
      }
      if (found >= 3 && (!best || found > best.found)) {
        best = { row, found, missing: COLUMNS.filter((c) => !columns.has(c)) }
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
const HEADING_PREFIX =
  /^(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+(?:部分|项)\s*[:：、]?)\s*/u

/** The task area a heading row names, without its numbering; null when the text has no heading numbering. */
export function headingText(printed: string): string | null {
  const text = printed.normalize('NFKC').trim()
  const m = HEADING_PREFIX.exec(text)
  if (!m) return null
  const rest = text
    .slice(m[0].length)
    .replace(/[:：]\s*$/u, '')
    .trim()
  return rest === '' ? null : rest
}

// 、，, ；; and line breaks separate units.
const UNIT_SEPARATORS = /[、，,；;\n]+/u
// A role written beside a unit's name: 区水务局（牵头）, 区城管委(配合), 【牵头】. Only these words: a unit's own name may
// hold brackets (区委宣传部（区政府新闻办）).
const ROLE_WORDS =
  '牵头|牵头单位|主责|主办|配合|配合单位|协办|协助|参与|责任单位|负责|按职责分工负责|按职责负责|分别负责|各自负责|按职责分工落实'
const ROLE_MARKER = new RegExp(`[（(【\\[]\\s*(${ROLE_WORDS})\\s*[）)】\\]]`, 'gu')
// …or in front of a list: 牵头：区水务局 / 配合单位：区城管委.
const ROLE_PREFIX = new RegExp(`^(${ROLE_WORDS})\\s*[:：]\\s*`, 'u')
const LEAD_WORDS = new Set(['牵头', '牵头单位', '主责', '主办'])

/** The unit names in a cell, trimmed (full-width spaces too), markers dropped, blanks dropped, in order, each once. */
export function splitUnits(text: string): string[] {
  return readUnitList(text).names
}

/** The names in a unit cell and those marked as the lead one (（牵头）, 牵头：…). */
export function readUnitList(text: string): { names: string[]; markedLead: string[] } {
  const names: string[] = []
  const markedLead: string[] = []
  // A role prefix applies to the names after it until the next one: 牵头：区水务局；配合：区城管委、区交通局.
  let role: string | null = null
  for (const raw of text.split(UNIT_SEPARATORS)) {
    let piece = raw.replace(/\u3000/g, ' ').trim()
    const prefix = ROLE_PREFIX.exec(piece)
    if (prefix) {
      role = prefix[1]!
      piece = piece.slice(prefix[0].length)
    }
    let lead = role !== null && LEAD_WORDS.has(role)
    const name = piece
      .replace(ROLE_MARKER, (_m, word: string) => {
        if (LEAD_WORDS.has(word)) lead = true
        return ''
      })
      .trim()
      .replace(/\s+/g, ' ')
    if (name === '') continue
    if (!names.includes(name)) names.push(name)
    if (lead && !markedLead.includes(name)) markedLead.push(name)
  }
  return { names, markedLead }
}

// A line under the table that is not an item: 注：… / 备注：… / 说明：… / 注1. …, and the sign-off lines.
const NOTE_LINE =
  /^(?:注\s*\d*\s*[:：、.．]|(?:备注|说明|附注|填表说明|填报说明|制表|制表人|填报单位|填报人|审核人|联系人|联系电话)\s*[:：])/u

/** The line is a note under the table, not an item or a heading. */
export function isNoteLine(text: string): boolean {
  return NOTE_LINE.test(text.normalize('NFKC').trim())
}

/**
 * The row is a note under the table: its own cells read left to right make a note line (注：… in any one cell, 注：
 * in one cell and its text in the next, 填报单位：… 联系电话：… spread along the row), starting at the latest in the
 * 问题 column, unless the row reads as an item does, with a lead unit and a deadline that can be read. A row that
 * shows a cell merged down from the row above (a measure row of one problem) is inside the table, never a note: its
 * 整改措施 may well begin 说明：.
 */
function isNoteRow(shown: { text: string; master: { row: number; col: number } }[], row: number, col: Map<AnyColumn, number>): boolean {
  if (shown.some((c) => c.master.row < row)) return false
  const own = [...shown].sort((a, b) => a.master.col - b.master.col)
  const problemColumn = col.get('问题')
  if (own.length === 0 || (problemColumn !== undefined && own[0]!.master.col > problemColumn)) return false
  if (!isNoteLine(own.map((c) => c.text).join(''))) return false
  const cell = (name: AnyColumn) => own.find((c) => c.master.col === col.get(name))?.text
  const lead = cell('牵头单位')
  const deadline = cell('完成时限')
  return !(lead && deadline && parseDeadlinePhrase(deadline).ok)
}

// ---------------------------------------------------------------------------------------------------------------
// The sheet

export interface ReadOptions {
  limits?: FieldLimits
}

/** The 序号 cell of an item row, before the rows of one problem are numbered. */
interface CodeCell {
  /** The 序号 as printed ('' when blank or unreadable). */
  text: string
  /** The first row of the vertical merge it belongs to, or null when not merged down. */
  mergedFrom: number | null
}

/**
 * Reads the items of one worksheet. Every row below the header that shows something is a heading row (one text,
 * numbered like 一、, or merged across columns), a note under the table (注：…), or an item row; item rows are
 * returned even when some of their cells could not be read, so that later checks can still report their other
 * problems.
 *
 * One problem over several measure rows: the rows of a 序号 merged down, the consecutive rows repeating one 序号,
 * and rows whose 序号 and 问题 are both blank right under an item (a merge undone in Excel) are one group; each row
 * is an item coded `<序号>-<n>` in row order and shares the group's 问题 and 整改目标 where its own are blank.
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
      message:
        header.message ??
        `no header row found in sheet "${grid.name}": a row naming the columns ${expected} is needed (title rows above it are fine)`,
    })
    return { sheetName: grid.name, headerRow: 0, rows: [], headings: [], hasCategoryColumn: false, dataRowCount: 0, errors }
  }
  const col = header.columns
  const rows: ChecklistRow[] = []
  const codeCells: CodeCell[] = []
  /** Index in `rows` of the first row of each group of one problem. */
  const groupStart: number[] = []
  const headings: CategoryHeading[] = []
  let heading: CategoryHeading | null = null
  let dataRowCount = 0
  let noteRow: number | null = null
  /** The previous row was an item row (a heading, a note or a blank row ends a group). */
  let afterItem = false

  for (let row = header.headerRow + 1; row <= g.height; row++) {
    const shown = g.shown(row)
    // A row showing only the continuation of ranges merged from above adds nothing of its own.
    if (!shown.some((c) => c.master.row === row)) {
      if (shown.length === 0) afterItem = false
      continue
    }
    const single = shown.length === 1 ? shown[0]! : undefined
    if (isNoteRow(shown, row, col)) {
      noteRow ??= row
      continue
    }
    if (noteRow !== null) {
      // Below a note only more notes: an item down there is most likely a row the note was typed over.
      const itemCells = shown.filter((c) => COLUMNS.some((name) => col.get(name) === c.master.col)).length
      if (itemCells >= 3) {
        dataRowCount++
        errors.push({ row, column: null, message: `row ${row} comes after the note in row ${noteRow}; put the notes below the last item` })
      }
      continue
    }
    dataRowCount++
    if (single) {
      const range = g.range(single.master.row, single.master.col)
      const text = headingText(single.text)
      const spansColumns = range !== undefined && range.right > range.left
      if (text !== null || spansColumns) {
        const column = COLUMNS.find((name) => col.get(name) === single.master.col) ?? null
        heading = { row, column, printed: single.text, text: text ?? single.text }
        headings.push(heading)
        afterItem = false
        continue
      }
    }

    const fail = (column: AnyColumn, message: string) => errors.push({ row, column, message })
    /** The trimmed text of a cell, or null when it holds something unreadable (reported). */
    const read = (column: AnyColumn): string | null => {
      const at = col.get(column)
      if (at === undefined) return ''
      const t = g.text(row, at)
      if ('error' in t) {
        fail(column, t.error)
        return null
      }
      return t.text.trim()
    }

    // The code, as printed. A date here is Excel having turned '3-2' into 3 February: say so rather than guess.
    const codeColumn = col.get('序号')!
    const codeValue = g.value(row, codeColumn)
    const codeRange = g.range(row, codeColumn)
    const mergedFrom = codeRange !== undefined && codeRange.bottom > codeRange.top ? codeRange.top : null
    let code = ''
    if (codeValue instanceof Date) {
      if (mergedFrom === null || mergedFrom === row) {
        fail(
          '序号',
          `序号 is stored as the date ${isoDay(codeValue)}: Excel turns codes such as 3-2 into dates; format the column as text and type the code again`,
        )
      }
    } else {
      code = mergedFrom !== null && mergedFrom !== row ? cellTextOrEmpty(codeValue) : (read('序号') ?? '')
      if (code.includes('\n')) {
        if (mergedFrom === null || mergedFrom === row) fail('序号', `序号 "${code.replace(/\n/g, ' ')}" spans several lines`)
        code = ''
      }
    }
    const ownProblem = read('问题')
    const ownTarget = read('整改目标')

    // Which group of one problem the row belongs to.
    const previous = codeCells[codeCells.length - 1]
    const continues =
      afterItem &&
      previous !== undefined &&
      ((mergedFrom !== null && previous.mergedFrom === mergedFrom) ||
        (mergedFrom === null && previous.mergedFrom === null && code !== '' && code === previous.text) ||
        (mergedFrom === null && code === '' && !(codeValue instanceof Date) && cellTextOrEmpty(codeValue) === '' && ownProblem === ''))
    if (!continues) groupStart.push(rows.length)
    const first = continues ? rows[groupStart[groupStart.length - 1]!] : undefined
    if (continues && code === '') code = previous!.text
    codeCells.push({ text: code, mergedFrom })

    let problem = ownProblem ?? ''
    let target = ownTarget ?? ''
    if (first && problem === '') problem = first.problem
    if (first && target === '') target = first.target
    const measuresCell = read('整改措施')
    const measures = measuresCell ?? ''
    if (ownProblem !== null && problem === '') fail('问题', '问题 is empty')
    if (ownTarget !== null && target === '') fail('整改目标', '整改目标 is empty')
    if (measuresCell === '') fail('整改措施', '整改措施 is empty')
    for (const [column, text, limit] of [
      ['问题', problem, limits.problem],
      ['整改目标', target, limits.target],
      ['整改措施', measures, limits.measures],
    ] as const) {
      if (text.length > limit) fail(column, `${column} is ${text.length} characters long; at most ${limit} are allowed`)
    }

    // Units: one lead unit; when the lead cell names several and marks one （牵头）, that one leads and the others
    // are responsible units; a blank lead cell takes the unit the responsible cell marks as lead.
    const leadCell = read('牵头单位')
    const responsibleCell = read('责任单位')
    const leadList = readUnitList(leadCell ?? '')
    const responsibleList = readUnitList(responsibleCell ?? '')
    let leadUnits = leadList.names
    let responsibleUnits = responsibleList.names
    if (leadUnits.length > 1 && leadList.markedLead.length === 1) {
      const lead = leadList.markedLead[0]!
      responsibleUnits = [...leadUnits.filter((u) => u !== lead), ...responsibleUnits.filter((u) => !leadUnits.includes(u))]
      leadUnits = [lead]
    } else if (leadUnits.length === 0 && responsibleList.markedLead.length === 1) {
      leadUnits = [responsibleList.markedLead[0]!]
      responsibleUnits = responsibleUnits.filter((u) => u !== leadUnits[0])
    }
    if (leadCell !== null && leadUnits.length === 0) fail('牵头单位', '牵头单位 is empty')
    if (leadUnits.length > 1) {
      fail(
        '牵头单位',
        `牵头单位 names ${leadUnits.length} units (${leadUnits.join('、')}); an item has one lead unit: mark it （牵头） or move the others to 责任单位`,
      )
    }
    for (const [column, names] of [
      ['牵头单位', leadUnits],
      ['责任单位', responsibleUnits],
    ] as const) {
      for (const name of names) {
        if (name.length > limits.unitName)
          fail(column, `"${name.slice(0, 20)}…" is longer than a unit name can be (${limits.unitName} characters)`)
      }
    }

    const deadlinePhrase = read('完成时限')
    let deadline: ParsedDeadline | null = null
    if (deadlinePhrase === '') fail('完成时限', '完成时限 is empty')
    else if (deadlinePhrase !== null) {
      const parsed = parseDeadlinePhrase(deadlinePhrase)
      if (parsed.ok) deadline = parsed.value
      else fail('完成时限', parsed.message)
      if (deadlinePhrase.length > limits.deadlineText)
        fail('完成时限', `完成时限 is ${deadlinePhrase.length} characters long; at most ${limits.deadlineText} are allowed`)
    }

    const note = read('备注') ?? ''
    if (note.length > limits.note) fail('备注', `备注 is ${note.length} characters long; at most ${limits.note} are allowed`)
    const categoryText = col.has('类别') ? (read('类别') ?? '') : null
    const categoryCell = categoryText === null ? null : categoryText === '' ? '' : (headingText(categoryText) ?? categoryText)

    rows.push({
      row,
      code,
      heading,
      categoryCell,
      problem,
      target,
      measures,
      leadUnit: leadUnits[0] ?? '',
      responsibleUnits,
      deadlinePhrase: deadlinePhrase ?? '',
      note,
      deadline,
    })
    afterItem = true
  }

  // Number the rows of each group of one problem: 3 → 3-1, 3-2 …; a group of one keeps its 序号 as printed.
  groupStart.forEach((start, i) => {
    const end = groupStart[i + 1] ?? rows.length
    const base = rows[start]!.code
    if (base === '') {
      // Reported once, on the group's first row (its date or multi-line error, if any, is reported already).
      if (!errors.some((e) => e.row === rows[start]!.row && e.column === '序号')) {
        errors.push({ row: rows[start]!.row, column: '序号', message: '序号 is empty; every item needs its code as printed in the plan' })
      }
      return
    }
    if (end - start > 1) for (let k = start; k < end; k++) rows[k]!.code = `${base}-${k - start + 1}`
  })
  const firstRowOfCode = new Map<string, number>()
  for (const r of rows) {
    if (r.code === '') continue
    if (Array.from(r.code).length > limits.code) {
      errors.push({ row: r.row, column: '序号', message: `序号 "${r.code}" is longer than ${limits.code} characters` })
    }
    const seen = firstRowOfCode.get(r.code)
    if (seen !== undefined)
      errors.push({ row: r.row, column: '序号', message: `序号 "${r.code}" is already used in row ${seen}; codes must be unique` })
    else firstRowOfCode.set(r.code, r.row)
  }
  // In row order; a row's own errors before those found across rows (stable sort).
  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0))
  return { sheetName: grid.name, headerRow: header.headerRow, rows, headings, hasCategoryColumn: col.has('类别'), dataRowCount, errors }
}

function cellTextOrEmpty(value: unknown): string {
  const t = cellText(value)
  return 'text' in t ? t.text.trim() : ''
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
    hasCategoryColumn: false,
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
