// exceljs on both sides of the sheet reader: worksheets to plain grids for reading, and the export workbook.
import ExcelJS from 'exceljs'
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

export const EXPORT_COLUMNS = [...COLUMNS, '当前状态', '是否逾期', '逾期天数', '最近进展', '销号日期'] as const
type ExportColumn = (typeof EXPORT_COLUMNS)[number]

const WIDTHS: Record<ExportColumn, number> = {
  序号: 8,
  问题: 42,
  整改目标: 32,
  整改措施: 52,
  牵头单位: 16,
  责任单位: 24,
  完成时限: 18,
  当前状态: 10,
  是否逾期: 10,
  逾期天数: 11,
  最近进展: 40,
  销号日期: 12,
}

export interface ExportRow extends ChecklistColumns {
  status: string
  overdue: boolean
  daysOverdue: number
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

/**
 * The checklist as a workbook in the layout it is imported from: a title row, a note row, the header, and each
 * task area as a merged heading row followed by its items. Reading it back gives the same items.
 */
export async function writeChecklistWorkbook(input: { title: string; note: string; sections: ExportSection[]; created: Date }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  // Fixed metadata: the file says when the checklist was exported, not when the library was called.
  workbook.created = input.created
  workbook.modified = input.created
  workbook.creator = '整改销号'
  const sheet = workbook.addWorksheet('整改清单', { views: [{ state: 'frozen', ySplit: 3 }] })
  // exceljs leaves out a column whose width is its default (9), so no width here is 9.
  sheet.columns = EXPORT_COLUMNS.map((name) => ({ key: name, width: WIDTHS[name] }))
  const lastColumn = EXPORT_COLUMNS.length

  const title = sheet.getRow(1)
  title.getCell(1).value = input.title
  title.getCell(1).font = { bold: true, size: 16 }
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
  title.height = 32
  sheet.mergeCells(1, 1, 1, lastColumn)

  const note = sheet.getRow(2)
  note.getCell(1).value = input.note
  note.getCell(1).alignment = { horizontal: 'right', vertical: 'middle' }
  sheet.mergeCells(2, 1, 2, lastColumn)

  const header = sheet.getRow(3)
  EXPORT_COLUMNS.forEach((name, i) => {
    const cell = header.getCell(i + 1)
    cell.value = name
    cell.font = { bold: true }
    cell.border = BORDER
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } }
  })
  header.height = 22

  let rowNumber = 3
  for (const section of input.sections) {
    if (section.heading !== null) {
      rowNumber++
      const cell = sheet.getRow(rowNumber).getCell(1)
      cell.value = section.heading
      cell.font = { bold: true }
      cell.alignment = { vertical: 'middle' }
      cell.border = BORDER
      sheet.mergeCells(rowNumber, 1, rowNumber, lastColumn)
    }
    for (const item of section.rows) {
      rowNumber++
      const values: Record<ExportColumn, string | number | null> = {
        序号: item.code,
        问题: item.problem,
        整改目标: item.target,
        整改措施: item.measures,
        牵头单位: item.leadUnit,
        责任单位: item.responsibleUnits.join('、'),
        完成时限: item.deadlinePhrase,
        当前状态: item.status,
        是否逾期: item.overdue ? '是' : '否',
        逾期天数: item.overdue ? item.daysOverdue : null,
        最近进展: item.latestProgress,
        销号日期: item.closedOn,
      }
      const row = sheet.getRow(rowNumber)
      EXPORT_COLUMNS.forEach((name, i) => {
        const cell = row.getCell(i + 1)
        cell.value = values[name]
        cell.border = BORDER
        cell.alignment = { vertical: 'top', wrapText: true }
        if (name === '是否逾期' && item.overdue) cell.font = { bold: true, color: { argb: 'FFC00000' } }
      })
    }
  }
  sheet.pageSetup = { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3' }
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
