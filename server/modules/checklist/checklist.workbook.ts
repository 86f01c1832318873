// exceljs on both sides of the sheet reader: worksheets to plain grids for reading, and the export workbook.
import ExcelJS from 'exceljs'
import { wrappedLines } from '../../lib/cell-wrap.ts'
import { COLUMNS, type CellRange, type ChecklistColumns, type SheetGrid } from './checklist.sheet.ts'

/** Every worksheet of an .xlsx as a grid of values with its merged ranges. Call only on bytes inspectXlsx passed. */
export async function loadGrids(bytes: Buffer): Promise<SheetGrid[]> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  return workbook.worksheets.map(gridOf)
}

function gridOf(sheet: ExcelJS.Worksheet): SheetGrid {
  const rows: unknown[][] = []
  const merges: CellRange[] = []
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values: unknown[] = []
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      if (cell.isMerged) {
        const master = cell.master
        // Only the top-left cell keeps the value; the ranges themselves come from the sheet's merge list.
        if (master.address !== cell.address) return
      }
      values[col - 1] = cell.value
    })
    rows[rowNumber - 1] = values
  })
  for (let i = 0; i < rows.length; i++) rows[i] ??= []
  const modelMerges = (sheet.model as { merges?: string[] }).merges ?? []
  for (const ref of modelMerges) {
    const range = parseRange(ref)
    if (range) merges.push(range)
  }
  return { name: sheet.name, rows, merges }
}

const CELL_REF = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/

function columnNumber(letters: string): number {
  let n = 0
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64)
  return n
}

function parseRange(ref: string): CellRange | null {
  const [a, b = a] = ref.toUpperCase().split(':') as [string, string?]
  const ma = CELL_REF.exec(a)
  const mb = CELL_REF.exec(b)
  if (!ma || !mb) return null
  const [r1, c1, r2, c2] = [Number(ma[2]), columnNumber(ma[1]!), Number(mb[2]), columnNumber(mb[1]!)]
  return { top: Math.min(r1, r2), left: Math.min(c1, c2), bottom: Math.max(r1, r2), right: Math.max(c1, c2) }
}

// ---------------------------------------------------------------------------------------------------------------
// Export

export const EXPORT_COLUMNS = [...COLUMNS, '备注', '当前状态', '是否逾期', '逾期天数', '最近进展', '销号日期'] as const
type ExportColumn = (typeof EXPORT_COLUMNS)[number]

// Widths in character units (the width of '0' in the sheet's default font). Their sum (139) fits A4 landscape (0.3"
// margins) at 100% where that font is Calibri or 宋体 (7 px a unit), and at about 80% where Calibri is missing and
// LibreOffice measures with DejaVu Sans (9.3 px a unit): wider columns would print smaller. Long texts wrap and the
// rows grow to hold them (rowHeight below, measured by server/lib/cell-wrap.ts).
const WIDTHS: Record<ExportColumn, number> = {
  序号: 5,
  问题: 19,
  整改目标: 15,
  整改措施: 22.5,
  牵头单位: 9.5,
  责任单位: 11,
  完成时限: 10,
  备注: 7.5,
  当前状态: 6,
  是否逾期: 5,
  逾期天数: 5,
  最近进展: 14,
  销号日期: 9.5,
}

/** Points per printed line of 10 pt text in a CJK font (Noto Sans CJK's line gap included), and the cell's padding. */
const LINE_HEIGHT = 15
const ROW_PADDING = 4
const FONT_SIZE = 10

export interface ExportRow extends ChecklistColumns {
  status: string
  overdue: boolean
  daysOverdue: number
  /** The latest report as printed: its month and its text ('2026年11月：已完成…'), or ''. */
  latestProgress: string
  closedOn: string
}

export interface ExportSection {
  /** The heading as printed ('一、环保主体责任落实'), or null for items without a task area. */
  heading: string | null
  rows: ExportRow[]
}

const THIN = { style: 'thin' as const }
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN }

/** A row tall enough for its longest wrapped cell, in points. */
export function rowHeight(values: readonly { text: string; width: number }[]): number {
  const lines = Math.max(1, ...values.map((v) => (v.text === '' ? 1 : wrappedLines(v.text, v.width, FONT_SIZE))))
  return lines * LINE_HEIGHT + ROW_PADDING
}

/**
 * Runs of consecutive rows with the same problem, printed once over them (merged). When the run's codes are P-1, P-2
 * … P-n, its 序号 prints as P over the run too (base), which the import reads back as P-1 … P-n; otherwise each row
 * keeps its own 序号 (base null).
 */
export function problemGroups(rows: readonly ExportRow[]): { start: number; end: number; base: string | null }[] {
  const groups: { start: number; end: number; base: string | null }[] = []
  let i = 0
  while (i < rows.length) {
    let j = i
    while (j + 1 < rows.length && rows[j + 1]!.problem === rows[i]!.problem) j++
    if (j > i) {
      const base = /^(.+)-1$/u.exec(rows[i]!.code)?.[1] ?? null
      const numbered = base !== null && rows.slice(i, j + 1).every((r, k) => r.code === `${base}-${k + 1}`)
      groups.push({ start: i, end: j, base: numbered ? base : null })
    }
    i = j + 1
  }
  return groups
}

/**
 * The checklist as a workbook in the layout it is imported from: a title row, a note row, the header, and each
 * task area as a merged heading row followed by its items; one problem with several measures is printed once over
 * them. Reading it back gives the same items. It prints on A4 landscape, as wide as the page, the header repeated
 * on every page, every row as tall as its text.
 */
export async function writeChecklistWorkbook(input: {
  title: string
  note: string
  sections: ExportSection[]
  created: Date
}): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  // Fixed metadata: the file says when the checklist was exported, not when the library was called.
  workbook.created = input.created
  workbook.modified = input.created
  workbook.creator = '整改销号'
  const sheet = workbook.addWorksheet('整改清单', { views: [{ state: 'frozen', ySplit: 3 }] })
  // exceljs leaves out a column whose width is its default (9), so no width here is 9.
  sheet.columns = EXPORT_COLUMNS.map((name) => ({ key: name, width: WIDTHS[name] }))
  const lastColumn = EXPORT_COLUMNS.length
  const totalWidth = EXPORT_COLUMNS.reduce((w, name) => w + WIDTHS[name], 0)

  const title = sheet.getRow(1)
  title.getCell(1).value = input.title
  title.getCell(1).font = { bold: true, size: 16 }
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
  title.height = Math.max(32, wrappedLines(input.title, totalWidth, 16) * 22 + 8)
  sheet.mergeCells(1, 1, 1, lastColumn)

  const note = sheet.getRow(2)
  note.getCell(1).value = input.note
  note.getCell(1).alignment = { horizontal: 'right', vertical: 'middle' }
  note.height = 18
  sheet.mergeCells(2, 1, 2, lastColumn)

  const header = sheet.getRow(3)
  EXPORT_COLUMNS.forEach((name, i) => {
    const cell = header.getCell(i + 1)
    cell.value = name
    cell.font = { bold: true, size: FONT_SIZE }
    cell.border = BORDER
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } }
  })
  header.height = rowHeight(EXPORT_COLUMNS.map((name) => ({ text: name, width: WIDTHS[name] })))

  let rowNumber = 3
  for (const section of input.sections) {
    if (section.heading !== null) {
      rowNumber++
      const row = sheet.getRow(rowNumber)
      const cell = row.getCell(1)
      cell.value = section.heading
      cell.font = { bold: true, size: FONT_SIZE + 1 }
      cell.alignment = { vertical: 'middle' }
      cell.border = BORDER
      row.height = 20
      sheet.mergeCells(rowNumber, 1, rowNumber, lastColumn)
    }
    const firstRow = rowNumber + 1
    const groups = problemGroups(section.rows)
    const groupOf = (i: number) => groups.find((g) => g.start <= i && i <= g.end)
    const heights: number[] = []
    section.rows.forEach((item, i) => {
      rowNumber++
      const group = groupOf(i)
      const values: Record<ExportColumn, string | number | null> = {
        序号: group?.base ?? item.code,
        问题: item.problem,
        整改目标: item.target,
        整改措施: item.measures,
        牵头单位: item.leadUnit,
        责任单位: item.responsibleUnits.join('、'),
        完成时限: item.deadlinePhrase,
        备注: item.note,
        当前状态: item.status,
        是否逾期: item.overdue ? '是' : '否',
        逾期天数: item.overdue ? item.daysOverdue : null,
        最近进展: item.latestProgress,
        销号日期: item.closedOn,
      }
      const row = sheet.getRow(rowNumber)
      EXPORT_COLUMNS.forEach((name, c) => {
        const cell = row.getCell(c + 1)
        cell.value = values[name]
        cell.border = BORDER
        cell.font = name === '是否逾期' && item.overdue ? { bold: true, size: FONT_SIZE, color: { argb: 'FFC00000' } } : { size: FONT_SIZE }
        cell.alignment = { vertical: 'top', wrapText: true, ...(name === '序号' ? { horizontal: 'center' as const } : {}) }
      })
      // The merged 问题 and 整改目标 of a group are measured over the group's rows below; the others row by row.
      const own = EXPORT_COLUMNS.filter((name) => !(group && (name === '问题' || name === '整改目标')))
      heights.push(rowHeight(own.map((name) => ({ text: String(values[name] ?? ''), width: WIDTHS[name] }))))
    })
    // One problem, several measures: the 序号 shows the problem's number once, 问题 once, 整改目标 once when shared.
    for (const group of groups) {
      const top = firstRow + group.start
      const bottom = firstRow + group.end
      const rows = section.rows.slice(group.start, group.end + 1)
      if (group.base !== null) sheet.mergeCells(top, 1, bottom, 1)
      sheet.mergeCells(top, 2, bottom, 2)
      const sharedTarget = rows.every((r) => r.target === rows[0]!.target)
      if (sharedTarget) sheet.mergeCells(top, 3, bottom, 3)
      // The group's rows together must be as tall as its problem and target; the extra goes to its first row.
      const merged = [
        { text: rows[0]!.problem, width: WIDTHS.问题 },
        ...(sharedTarget ? [{ text: rows[0]!.target, width: WIDTHS.整改目标 }] : []),
      ]
      if (!sharedTarget) {
        rows.forEach((r, k) => {
          heights[group.start + k] = Math.max(heights[group.start + k]!, rowHeight([{ text: r.target, width: WIDTHS.整改目标 }]))
        })
      }
      const need = rowHeight(merged)
      const have = heights.slice(group.start, group.end + 1).reduce((a, b) => a + b, 0)
      if (need > have) heights[group.start] = heights[group.start]! + (need - have)
    }
    heights.forEach((h, i) => {
      sheet.getRow(firstRow + i).height = Math.min(409, h)
    })
  }
  sheet.pageSetup = {
    orientation: 'landscape',
    paperSize: 9,
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: '3:3',
    horizontalCentered: true,
    margins: { left: 0.3, right: 0.3, top: 0.5, bottom: 0.5, header: 0.25, footer: 0.25 },
  }
  sheet.headerFooter = { oddFooter: '第 &P 页，共 &N 页' }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
