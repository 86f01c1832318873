// The bulletin as a spreadsheet for the people who re-sort and filter it: every list in full (the printed page
// cuts the overdue list at 100 rows), numbers as numbers and rates as real percentages.
import { chineseMonth } from '../../lib/chinese-date.ts'
import { wrappedLines } from '../../lib/cell-wrap.ts'
import ExcelJS from 'exceljs'
import { STATUSES, STATUS_LABELS, type ItemStatus } from '../../domain/items.ts'
import { beijingDateTime, lastDayCovered } from './bulletin.html.ts'
import { CASE_LEAD_STAGE_LABELS, type Bulletin, type BulletinItemRef, type CaseLeadStage } from './bulletin.types.ts'

export const BULLETIN_SHEETS = ['汇总', '按牵头单位', '逾期清单', '本月销号', '进展缓慢'] as const

const PERCENT = '0.0%'
// Percentage points are not a percentage of anything: a signed number with the unit in the format.
const POINTS = '+0.0"个百分点";-0.0"个百分点";0.0"个百分点"'
const SIGNED = '+0;-0;0'

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE3EC' } }
const SECTION_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF1F3F6' } }
const THIN: Partial<ExcelJS.Borders> = {
  top: { style: 'thin', color: { argb: 'FF8A919C' } },
  left: { style: 'thin', color: { argb: 'FF8A919C' } },
  bottom: { style: 'thin', color: { argb: 'FF8A919C' } },
  right: { style: 'thin', color: { argb: 'FF8A919C' } },
}
const FONT = 'Microsoft YaHei'
const BODY_SIZE = 10
const TITLE_RED = 'FFB3261E'

/** What the page says under a heading with nothing to list (bulletin.html.ts does the same). */
const NONE_THIS_MONTH = '本月无'
const NONE = '无'

// Every list sheet prints with the bulletin's title, the section's heading, then its table: the header row is row 3
// and repeats on every printed page.
const HEADER_ROW = 3

// Row heights: every row with wrapped text gets the height its longest cell needs (lines from server/lib/cell-wrap.ts,
// in Excel's geometry, so LibreOffice, which fits more on a line here, gets rows a little taller than it needs, never
// shorter). One line of 10-pt CJK text needs about 15 pt.
const LINE_POINTS = 15
const ROW_PADDING_POINTS = 3
const MIN_ROW_POINTS = 18

/** Row height in points for the given number of lines at `size` pt. */
function rowPoints(lines: number, size = BODY_SIZE): number {
  return Math.max(MIN_ROW_POINTS, Math.ceil(lines * LINE_POINTS * (size / BODY_SIZE) + ROW_PADDING_POINTS))
}

/** Percent as stored (46.7) → the fraction Excel formats as 46.7%; null stays an empty cell, not a false 0%. */
function fraction(rate: number | null | undefined): number | null {
  return rate === null || rate === undefined ? null : Math.round(rate * 10) / 1000
}

interface Column<Row> {
  header: string
  width: number
  value: (row: Row, index: number) => string | number | null
  numFmt?: string
  /** Long text: wrapped, never cut. */
  wrap?: boolean
  align?: 'left' | 'center' | 'right'
}

function styleHeader(row: ExcelJS.Row): void {
  row.font = { name: FONT, bold: true, size: 10.5 }
  row.height = 20
  row.eachCell((cell) => {
    cell.fill = HEADER_FILL
    cell.border = THIN
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true }
  })
}

/** Writes a header row and the data rows from `startRow`; returns the next free row. */
function writeTable<Row>(sheet: ExcelJS.Worksheet, startRow: number, columns: Column<Row>[], rows: readonly Row[]): number {
  const header = sheet.getRow(startRow)
  columns.forEach((c, i) => {
    header.getCell(i + 1).value = c.header
  })
  styleHeader(header)
  header.height = rowPoints(Math.max(1, ...columns.map((c) => wrappedLines(c.header, c.width))))
  rows.forEach((r, index) => {
    const row = sheet.getRow(startRow + 1 + index)
    let lines = 1
    columns.forEach((c, i) => {
      const cell = row.getCell(i + 1)
      cell.value = c.value(r, index)
      cell.font = { name: FONT, size: 10 }
      cell.border = THIN
      if (c.numFmt) cell.numFmt = c.numFmt
      cell.alignment = {
        vertical: 'top',
        horizontal: c.align ?? (typeof cell.value === 'number' ? 'right' : 'left'),
        wrapText: c.wrap ?? false,
      }
      if (c.wrap && cell.value !== null) lines = Math.max(lines, wrappedLines(String(cell.value), c.width))
    })
    row.height = rowPoints(lines)
  })
  return startRow + 1 + rows.length
}

/** A table, or — with no rows — the page's words for an empty section in one merged row where the table would be. */
function writeTableOrNone<Row>(
  sheet: ExcelJS.Worksheet,
  startRow: number,
  columns: Column<Row>[],
  rows: readonly Row[],
  none = NONE_THIS_MONTH,
): number {
  if (rows.length > 0) return writeTable(sheet, startRow, columns, rows)
  sheet.mergeCells(startRow, 1, startRow, columns.length)
  const cell = sheet.getCell(startRow, 1)
  cell.value = none
  cell.font = { name: FONT, size: BODY_SIZE }
  cell.alignment = { vertical: 'middle', horizontal: 'left', indent: 1 }
  sheet.getRow(startRow).height = MIN_ROW_POINTS + 4
  return startRow + 1
}

function setWidths<Row>(sheet: ExcelJS.Worksheet, columns: Column<Row>[]): void {
  columns.forEach((c, i) => {
    sheet.getColumn(i + 1).width = c.width
  })
}

function periodText(b: Bulletin): string {
  return chineseMonth(b.period)
}

/** The bulletin's title, as on the page and the summary sheet. */
function bulletinTitle(b: Bulletin): string {
  return `${b.planTitle}整改工作月通报`
}

// A4 landscape, the columns fitted to the page's width (they are chosen to fit it at 100%), as many pages down as
// the list needs, the header row on each, and the page number at the foot.
const PRINT_MARGINS: ExcelJS.Margins = { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 }
const LIST_PAGE_SETUP: Partial<ExcelJS.PageSetup> = {
  paperSize: 9,
  orientation: 'landscape',
  fitToPage: true,
  fitToWidth: 1,
  fitToHeight: 0,
  horizontalCentered: true,
  margins: PRINT_MARGINS,
  printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
}

/**
 * A list sheet with its two title rows: the bulletin's title and month, then the section's heading (as the page words
 * it) and the day the figures stand at. Its table starts at HEADER_ROW.
 */
function listSheet<Row>(workbook: ExcelJS.Workbook, name: string, b: Bulletin, heading: string, columns: Column<Row>[]): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0 }],
    pageSetup: LIST_PAGE_SETUP,
    headerFooter: { oddFooter: `&C&"${FONT}"&9${name}　第 &P 页，共 &N 页` },
  })
  setWidths(sheet, columns)
  const totalWidth = columns.reduce((sum, c) => sum + c.width, 0)
  const titleRow = (rowNumber: number, text: string, font: Partial<ExcelJS.Font>, size: number) => {
    sheet.mergeCells(rowNumber, 1, rowNumber, columns.length)
    const cell = sheet.getCell(rowNumber, 1)
    cell.value = text
    cell.font = { name: FONT, size, ...font }
    cell.alignment = { vertical: 'middle', horizontal: rowNumber === 1 ? 'center' : 'left', wrapText: true }
    sheet.getRow(rowNumber).height = rowPoints(wrappedLines(text, totalWidth, size), size) + 4
  }
  titleRow(1, `${bulletinTitle(b)}（${periodText(b)}）`, { bold: true, color: { argb: TITLE_RED } }, 14)
  titleRow(2, `${heading}　　统计截至${lastDayCovered(b)}`, { bold: true }, 11)
  return sheet
}

// A list sheet's columns add up to at most LIST_MAX_WIDTH units, so that it prints on A4 landscape at 100% in Excel
// and at about that in LibreOffice (whose column unit is wider here), with the long texts wrapped.
export const LIST_MAX_WIDTH = 116
const seq = <Row>(): Column<Row> => ({ header: '序号', width: 5, align: 'center', value: (_r, i) => i + 1 })
const code = <Row extends { code: string }>(): Column<Row> => ({ header: '编号', width: 7, align: 'center', value: (r) => r.code })
const problem = <Row extends BulletinItemRef>(): Column<Row> => ({ header: '督察反馈问题', width: 58, wrap: true, value: (r) => r.problem })
const leadUnit = <Row extends { leadUnit: string }>(): Column<Row> => ({
  header: '牵头单位',
  width: 18,
  wrap: true,
  value: (r) => r.leadUnit,
})
const dateColumn = <Row>(header: string, value: (r: Row) => string | null): Column<Row> => ({
  header,
  width: 11,
  align: 'center',
  value: (r) => value(r) ?? '',
})
const status = (s: ItemStatus) => STATUS_LABELS[s] ?? s

function summarySheet(workbook: ExcelJS.Workbook, b: Bulletin): void {
  const sheet = workbook.addWorksheet('汇总', {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
    pageSetup: {
      paperSize: 9,
      orientation: 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: PRINT_MARGINS,
    },
    headerFooter: { oddFooter: `&C&"${FONT}"&9汇总　第 &P 页，共 &N 页` },
  })
  sheet.columns = [{ width: 26 }, { width: 14 }, { width: 14 }, { width: 16 }, { width: 14 }]

  sheet.mergeCells('A1:E1')
  const title = sheet.getCell('A1')
  title.value = `${bulletinTitle(b)}（${periodText(b)}）`
  title.font = { name: FONT, bold: true, size: 14, color: { argb: TITLE_RED } }
  title.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
  sheet.getRow(1).height = Math.max(36, rowPoints(wrappedLines(String(title.value), 84, 14), 14) + 4)

  const facts: [string, string][] = [
    ['通报期', periodText(b)],
    ['统计截至', lastDayCovered(b)],
    ['方案印发', b.planIssuedBy],
    ['生成时间', `${beijingDateTime(b.generatedAt)}（北京时间）`],
    ['内容校验码（SHA-256）', b.contentHash],
  ]
  facts.forEach(([label, value], i) => {
    const row = sheet.getRow(3 + i)
    row.getCell(1).value = label
    row.getCell(1).font = { name: FONT, bold: true, size: 10 }
    sheet.mergeCells(3 + i, 2, 3 + i, 5)
    row.getCell(2).value = value
    row.getCell(2).font = { name: FONT, size: 10 }
  })

  let next = 3 + facts.length + 1
  const heading = (text: string) => {
    const cell = sheet.getCell(next, 1)
    cell.value = text
    cell.font = { name: FONT, bold: true, size: 11 }
    next += 1
  }

  heading('一、总体情况')
  const prev = b.previous
  type TotalsRow = { label: string; now: number | null; before: number | null; change: number | null; fmt?: string; changeFmt?: string }
  const diff = (now: number, before: number | undefined) => (before === undefined ? null : now - before)
  const totalsRows: TotalsRow[] = [
    ...STATUSES.map((s) => ({
      label: status(s),
      now: b.totals.byStatus[s] ?? 0,
      before: prev ? (prev.byStatus[s] ?? 0) : null,
      change: diff(b.totals.byStatus[s] ?? 0, prev?.byStatus[s]),
    })),
    { label: '合计', now: b.totals.items, before: prev?.items ?? null, change: diff(b.totals.items, prev?.items) },
    { label: '逾期', now: b.totals.overdue, before: prev?.overdue ?? null, change: diff(b.totals.overdue, prev?.overdue) },
    { label: '进展缓慢', now: b.totals.lagging, before: prev?.lagging ?? null, change: diff(b.totals.lagging, prev?.lagging) },
    {
      label: '完成率',
      now: fraction(b.totals.completionRate),
      before: fraction(prev?.completionRate),
      change: b.change?.completionRate ?? null,
      fmt: PERCENT,
      changeFmt: POINTS,
    },
  ]
  next = writeTable<TotalsRow>(
    sheet,
    next,
    [
      { header: '指标', width: 26, value: (r) => r.label },
      { header: '本月末', width: 14, value: (r) => r.now },
      { header: '上月末', width: 14, value: (r) => r.before },
      { header: '较上月变化', width: 16, value: (r) => r.change },
    ],
    totalsRows,
  )
  // Formats differ per row (counts, then a rate), so they are set after the shared table writer.
  totalsRows.forEach((r, i) => {
    const row = sheet.getRow(next - totalsRows.length + i)
    row.getCell(2).numFmt = r.fmt ?? '0'
    row.getCell(3).numFmt = r.fmt ?? '0'
    row.getCell(4).numFmt = r.changeFmt ?? SIGNED
    row.getCell(1).fill = SECTION_FILL
  })

  next += 1
  heading('二、按任务领域')
  const categoryTotal = { category: '合计', items: 0, closed: 0, overdue: 0, completionRate: b.totals.completionRate }
  for (const c of b.byCategory) {
    categoryTotal.items += c.items
    categoryTotal.closed += c.closed
    categoryTotal.overdue += c.overdue
  }
  const end = writeTable(
    sheet,
    next,
    [
      { header: '任务领域', width: 26, value: (r) => r.category, wrap: true },
      { header: '任务数', width: 14, value: (r) => r.items },
      { header: '已销号', width: 14, value: (r) => r.closed },
      { header: '逾期', width: 16, value: (r) => r.overdue },
      { header: '完成率', width: 14, numFmt: PERCENT, value: (r) => fraction(r.completionRate) },
    ],
    [...b.byCategory, categoryTotal],
  )
  sheet.getRow(end - 1).font = { name: FONT, bold: true, size: 10 }

  next = end + 1
  // Numbered as on the page, where the lists between are sections 三 to 十 (and sheets of their own here).
  heading('十一、问题线索办理')
  const counts = b.caseLeads ?? { received: 0, under_investigation: 0, handled: 0, disclosed: 0 }
  writeTable(
    sheet,
    next,
    [
      { header: '办理阶段', width: 26, value: (r) => r.label },
      { header: '件数', width: 14, value: (r) => r.count },
    ],
    (Object.keys(CASE_LEAD_STAGE_LABELS) as CaseLeadStage[]).map((s) => ({ label: CASE_LEAD_STAGE_LABELS[s], count: counts[s] })),
  )
}

function leadUnitSheet(workbook: ExcelJS.Workbook, b: Bulletin): void {
  const columns: Column<Bulletin['byLeadUnit'][number]>[] = [
    { header: '排名', width: 6, align: 'center', value: (r) => r.rank },
    { header: '牵头单位', width: 28, wrap: true, value: (r) => r.leadUnit },
    { header: '牵头任务', width: 10, value: (r) => r.items },
    { header: '已销号', width: 9, value: (r) => r.closed },
    { header: '逾期', width: 8, value: (r) => r.overdue },
    { header: '进展缓慢', width: 10, value: (r) => r.lagging },
    { header: '完成率', width: 10, numFmt: PERCENT, value: (r) => fraction(r.completionRate) },
    { header: '按期销号率', width: 12, numFmt: PERCENT, value: (r) => fraction(r.onTimeRate) },
    { header: '本月已报送', width: 11, value: (r) => r.reportsFiled },
    { header: '本月应报送', width: 11, value: (r) => r.reportsExpected },
  ]
  const sheet = listSheet(workbook, '按牵头单位', b, '三、按牵头单位（排名）', columns)
  const end = writeTableOrNone(
    sheet,
    HEADER_ROW,
    columns,
    [...b.byLeadUnit].sort((x, y) => x.rank - y.rank),
    NONE,
  )
  if (b.byLeadUnit.length === 0) return
  sheet.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: end - 1, column: columns.length } }
  note(
    sheet,
    end + 1,
    columns,
    '排名依次按完成率（高→低）、逾期数（少→多）、按期销号率（高→低）确定。按期销号率：本月末前已销号且有明确完成时限的任务中，在时限内申请销号的比例。',
  )
}

/** A line of explanation under a table, across its width. */
function note<Row>(sheet: ExcelJS.Worksheet, rowNumber: number, columns: Column<Row>[], text: string): void {
  sheet.mergeCells(rowNumber, 1, rowNumber, columns.length)
  const cell = sheet.getCell(rowNumber, 1)
  cell.value = text
  cell.font = { name: FONT, size: 9, color: { argb: 'FF5F6670' } }
  cell.alignment = { vertical: 'top', horizontal: 'left', wrapText: true }
  sheet.getRow(rowNumber).height = rowPoints(
    wrappedLines(
      text,
      columns.reduce((sum, c) => sum + c.width, 0),
      9,
    ),
    9,
  )
}

function overdueSheet(workbook: ExcelJS.Workbook, b: Bulletin): void {
  const columns: Column<Bulletin['overdue'][number]>[] = [
    seq(),
    code(),
    problem(),
    leadUnit(),
    dateColumn('完成时限', (r) => r.deadline),
    { header: '逾期天数', width: 9, value: (r) => r.daysOverdue },
    { header: '状态', width: 8, align: 'center', value: (r) => status(r.status) },
  ]
  const sheet = listSheet(workbook, '逾期清单', b, `四、逾期清单（${b.overdue.length}项，按逾期天数排列）`, columns)
  const end = writeTableOrNone(sheet, HEADER_ROW, columns, b.overdue)
  if (b.overdue.length > 0) sheet.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: end - 1, column: columns.length } }
}

function closedSheet(workbook: ExcelJS.Workbook, b: Bulletin): void {
  const columns: Column<Bulletin['closedThisMonth'][number]>[] = [
    seq(),
    code(),
    problem(),
    leadUnit(),
    dateColumn('销号日期', (r) => r.closedOn),
  ]
  const sheet = listSheet(workbook, '本月销号', b, `五、本月销号（${b.closedThisMonth.length}项）`, columns)
  writeTableOrNone(sheet, HEADER_ROW, columns, b.closedThisMonth)
}

/** Lagging items first; the units that filed no report follow under their own heading and header further down. */
function laggingSheet(workbook: ExcelJS.Workbook, b: Bulletin): void {
  const columns: Column<BulletinItemRef>[] = [seq(), code(), problem(), leadUnit()]
  const sheet = listSheet(
    workbook,
    '进展缓慢',
    b,
    `七、进展缓慢事项和未报送进展的单位　（一）进展缓慢事项（${b.lagging.length}项）`,
    columns,
  )
  let next = writeTableOrNone(sheet, HEADER_ROW, columns, b.lagging) + 1
  // The second table has a header of its own: repeating the first one's above it on a later page would mislabel it.
  if (b.unitsWithoutReport.length > 0) delete sheet.pageSetup.printTitlesRow
  sheet.mergeCells(next, 1, next, columns.length)
  const caption = sheet.getCell(next, 1)
  caption.value = `（二）未报送进展的单位（${b.unitsWithoutReport.length}个）`
  caption.font = { name: FONT, bold: true, size: 11 }
  caption.alignment = { vertical: 'middle' }
  sheet.getRow(next).height = MIN_ROW_POINTS + 4
  next += 1
  if (b.unitsWithoutReport.length === 0) {
    writeTableOrNone(sheet, next, columns, [])
    return
  }
  // Same columns as the items above, so the unit name takes 编号 and 问题 merged rather than a narrow column of its own.
  const nameWidth = (columns[1]?.width ?? 0) + (columns[2]?.width ?? 0)
  const rows: (string | number)[][] = [
    ['序号', '单位', '牵头在办任务'],
    ...b.unitsWithoutReport.map((u, i) => [i + 1, u.name, u.openItems]),
  ]
  rows.forEach((values, i) => {
    const rowNumber = next + i
    sheet.mergeCells(rowNumber, 2, rowNumber, 3)
    const row = sheet.getRow(rowNumber)
    row.getCell(1).value = values[0] ?? null
    row.getCell(2).value = values[1] ?? null
    row.getCell(4).value = values[2] ?? null
    if (i === 0) {
      styleHeader(row)
      return
    }
    for (const col of [1, 2, 3, 4]) {
      const cell = row.getCell(col)
      cell.font = { name: FONT, size: BODY_SIZE }
      cell.border = THIN
      cell.alignment = { vertical: 'top', horizontal: col === 1 ? 'center' : col === 4 ? 'right' : 'left', wrapText: col === 2 }
    }
    row.height = rowPoints(wrappedLines(String(values[1] ?? ''), nameWidth))
  })
}

/** The five sheets, in this order: 汇总, 按牵头单位, 逾期清单, 本月销号, 进展缓慢. */
export async function renderBulletinXlsx(bulletin: Bulletin): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = '整改销号'
  workbook.created = new Date(bulletin.generatedAt)
  workbook.modified = new Date(bulletin.generatedAt)
  summarySheet(workbook, bulletin)
  leadUnitSheet(workbook, bulletin)
  overdueSheet(workbook, bulletin)
  closedSheet(workbook, bulletin)
  laggingSheet(workbook, bulletin)
  const data = await workbook.xlsx.writeBuffer()
  return Buffer.from(data as ArrayBuffer)
}
