// The bulletin as a spreadsheet for the people who re-sort and filter it: every list in full (the printed page
// cuts the overdue list at 100 rows), numbers as numbers and rates as real percentages.
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
  rows.forEach((r, index) => {
    const row = sheet.getRow(startRow + 1 + index)
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
    })
  })
  return startRow + 1 + rows.length
}

function setWidths<Row>(sheet: ExcelJS.Worksheet, columns: Column<Row>[]): void {
  columns.forEach((c, i) => {
    sheet.getColumn(i + 1).width = c.width
  })
}

function listSheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  return workbook.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
  })
}

const seq = <Row>(): Column<Row> => ({ header: '序号', width: 6, align: 'center', value: (_r, i) => i + 1 })
const code = <Row extends { code: string }>(): Column<Row> => ({ header: '编号', width: 8, align: 'center', value: (r) => r.code })
const problem = <Row extends BulletinItemRef>(): Column<Row> => ({ header: '督察反馈问题', width: 70, wrap: true, value: (r) => r.problem })
const leadUnit = <Row extends { leadUnit: string }>(): Column<Row> => ({ header: '牵头单位', width: 24, wrap: true, value: (r) => r.leadUnit })
const dateColumn = <Row>(header: string, value: (r: Row) => string | null): Column<Row> => ({ header, width: 12, align: 'center', value: (r) => value(r) ?? '' })
const status = (s: ItemStatus) => STATUS_LABELS[s] ?? s

function summarySheet(workbook: ExcelJS.Workbook, b: Bulletin): void {
  const sheet = workbook.addWorksheet('汇总', {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
    pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  })
  sheet.columns = [{ width: 26 }, { width: 14 }, { width: 14 }, { width: 16 }, { width: 14 }]

  sheet.mergeCells('A1:E1')
  const title = sheet.getCell('A1')
  title.value = `${b.planTitle}整改工作月通报`
  title.font = { name: FONT, bold: true, size: 14, color: { argb: 'FFB3261E' } }
  title.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true }
  sheet.getRow(1).height = 36

  const [year, month] = b.period.split('-')
  const facts: [string, string][] = [
    ['通报期', `${year}年${Number(month)}月`],
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
    ...STATUSES.map((s) => ({ label: status(s), now: b.totals.byStatus[s] ?? 0, before: prev ? (prev.byStatus[s] ?? 0) : null, change: diff(b.totals.byStatus[s] ?? 0, prev?.byStatus[s]) })),
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
  const categoryTotal = b.byCategory.reduce(
    (sum, c) => ({ ...sum, items: sum.items + c.items, closed: sum.closed + c.closed, overdue: sum.overdue + c.overdue }),
    { category: '合计', items: 0, closed: 0, overdue: 0, completionRate: b.totals.completionRate },
  )
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
  heading('三、问题线索办理')
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
  const sheet = listSheet(workbook, '按牵头单位')
  const columns: Column<Bulletin['byLeadUnit'][number]>[] = [
    { header: '排名', width: 7, align: 'center', value: (r) => r.rank },
    { header: '牵头单位', width: 30, wrap: true, value: (r) => r.leadUnit },
    { header: '牵头任务', width: 10, value: (r) => r.items },
    { header: '已销号', width: 10, value: (r) => r.closed },
    { header: '逾期', width: 8, value: (r) => r.overdue },
    { header: '进展缓慢', width: 10, value: (r) => r.lagging },
    { header: '完成率', width: 10, numFmt: PERCENT, value: (r) => fraction(r.completionRate) },
    { header: '按期销号率', width: 12, numFmt: PERCENT, value: (r) => fraction(r.onTimeRate) },
    { header: '本月已报送', width: 12, value: (r) => r.reportsFiled },
    { header: '本月应报送', width: 12, value: (r) => r.reportsExpected },
  ]
  setWidths(sheet, columns)
  const end = writeTable(sheet, 1, columns, [...b.byLeadUnit].sort((x, y) => x.rank - y.rank))
  if (end > 2) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: end - 1, column: columns.length } }
}

function overdueSheet(workbook: ExcelJS.Workbook, b: Bulletin): void {
  const sheet = listSheet(workbook, '逾期清单')
  const columns: Column<Bulletin['overdue'][number]>[] = [
    seq(),
    code(),
    problem(),
    leadUnit(),
    dateColumn('完成时限', (r) => r.deadline),
    { header: '逾期天数', width: 10, value: (r) => r.daysOverdue },
    { header: '状态', width: 10, align: 'center', value: (r) => status(r.status) },
  ]
  setWidths(sheet, columns)
  const end = writeTable(sheet, 1, columns, b.overdue)
  if (end > 2) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: end - 1, column: columns.length } }
}

function closedSheet(workbook: ExcelJS.Workbook, b: Bulletin): void {
  const sheet = listSheet(workbook, '本月销号')
  const columns: Column<Bulletin['closedThisMonth'][number]>[] = [seq(), code(), problem(), leadUnit(), dateColumn('销号日期', (r) => r.closedOn)]
  setWidths(sheet, columns)
  writeTable(sheet, 1, columns, b.closedThisMonth)
}

/** Lagging items first; the units that filed no report follow under their own header two rows further down. */
function laggingSheet(workbook: ExcelJS.Workbook, b: Bulletin): void {
  const sheet = listSheet(workbook, '进展缓慢')
  const columns: Column<BulletinItemRef>[] = [seq(), code(), problem(), leadUnit()]
  setWidths(sheet, columns)
  let next = writeTable(sheet, 1, columns, b.lagging) + 1
  const caption = sheet.getCell(next, 1)
  caption.value = '未报送进展的单位'
  caption.font = { name: FONT, bold: true, size: 11 }
  next += 1
  // Same columns as the items above, so the unit name takes 编号 and 问题 merged rather than a narrow column of its own.
  const rows: (string | number)[][] = [['序号', '单位', '牵头在办任务'], ...b.unitsWithoutReport.map((u, i) => [i + 1, u.name, u.openItems])]
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
      cell.font = { name: FONT, size: 10 }
      cell.border = THIN
      cell.alignment = { vertical: 'top', horizontal: col === 1 ? 'center' : col === 4 ? 'right' : 'left' }
    }
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
