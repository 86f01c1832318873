import { describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import { LIST_MAX_WIDTH, renderBulletinXlsx } from '../../server/modules/bulletins/bulletin.xlsx.ts'
import type { Bulletin } from '../../server/modules/bulletins/bulletin.types.ts'
import { STATUS_LABELS } from '../../server/domain/items.ts'
import { sampleBulletin } from '../fixtures/bulletin-sample.ts'

function copy(changes: Partial<Bulletin> = {}): Bulletin {
  return { ...structuredClone(sampleBulletin), ...changes }
}

const manyOverdue = (n: number): Bulletin['overdue'] =>
  Array.from({ length: n }, (_, i) => ({
    itemId: 1000 + i,
    code: `9-${i + 1}`,
    problem: `逾期问题第${i + 1}项`,
    leadUnit: '区生态环境局',
    deadline: '2018-12-31',
    daysOverdue: 400 - i,
    status: 'in_progress' as const,
  }))

async function read(bulletin: Bulletin) {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load((await renderBulletinXlsx(bulletin)) as unknown as ArrayBuffer)
  return workbook
}

const LIST_SHEETS = ['按牵头单位', '逾期清单', '本月销号', '进展缓慢'] as const
/** The list sheets' tables start under the two title rows. */
const HEADER_ROW = 3

/** Each row's values as a reader sees them: a merged range once, at its first cell. */
const rowsOf = (sheet: ExcelJS.Worksheet, from = 1) => {
  const rows: ExcelJS.CellValue[][] = []
  sheet.eachRow((row, n) => {
    if (n < from) return
    const values = row.values as ExcelJS.CellValue[]
    const shown: ExcelJS.CellValue[] = []
    for (let col = 1; col < values.length; col++) {
      const cell = row.getCell(col)
      if (!cell.isMerged || cell.master.address === cell.address) shown.push(values[col])
    }
    rows.push(shown)
  })
  return rows
}
const tableOf = (sheet: ExcelJS.Worksheet) => rowsOf(sheet, HEADER_ROW)

describe('the bulletin workbook', () => {
  it('has the five sheets, named and ordered', async () => {
    const workbook = await read(sampleBulletin)
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['汇总', '按牵头单位', '逾期清单', '本月销号', '进展缓慢'])
  })

  it('titles every sheet: the bulletin and its month, then the section as the page words it', async () => {
    const workbook = await read(sampleBulletin)
    const b = sampleBulletin
    expect(workbook.getWorksheet('汇总')!.getCell('A1').value).toBe(`${b.planTitle}整改工作月通报（2019年2月）`)
    const headings: Record<(typeof LIST_SHEETS)[number], string> = {
      按牵头单位: '三、按牵头单位（排名）',
      逾期清单: `四、逾期清单（${b.overdue.length}项，按逾期天数排列）`,
      本月销号: `五、本月销号（${b.closedThisMonth.length}项）`,
      进展缓慢: `七、进展缓慢事项和未报送进展的单位　（一）进展缓慢事项（${b.lagging.length}项）`,
    }
    for (const name of LIST_SHEETS) {
      const sheet = workbook.getWorksheet(name)!
      expect(sheet.getCell('A1').value, name).toBe(`${b.planTitle}整改工作月通报（2019年2月）`)
      expect(String(sheet.getCell('A2').value), name).toBe(`${headings[name]}　　统计截至2019-02-28`)
      // The titles span the table, so they print centred over it rather than in its first narrow column.
      expect(sheet.getCell('A1').isMerged).toBe(true)
    }
  })

  it('prints each list on A4 landscape, fitted to the width at 80% or more, with its header row on every page', async () => {
    const workbook = await read(copy({ overdue: manyOverdue(130) }))
    for (const name of LIST_SHEETS) {
      const sheet = workbook.getWorksheet(name)!
      const setup = sheet.pageSetup
      expect(setup, name).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 })
      if (name !== '进展缓慢') expect(setup.printTitlesRow, name).toBe(`${HEADER_ROW}:${HEADER_ROW}`)
      // LibreOffice here takes a column unit as 7 pt (Excel, with Calibri, as 5.25): the widest reading.
      const widthPoints = (sheet.columns ?? []).reduce((sum, c) => sum + (c.width ?? 0), 0) * 7
      const printablePoints = (297 / 25.4) * 72 - ((setup.margins?.left ?? 0.7) + (setup.margins?.right ?? 0.7)) * 72
      expect(Math.min(1, printablePoints / widthPoints), name).toBeGreaterThanOrEqual(0.8)
      expect((sheet.columns ?? []).reduce((sum, c) => sum + (c.width ?? 0), 0)).toBeLessThanOrEqual(LIST_MAX_WIDTH)
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: HEADER_ROW })
    }
  })

  it('gives every row the height its wrapped text needs, so long findings print whole', async () => {
    const long = '城乡结合部地区污水收集管网建设滞后，部分平房区和村庄生活污水未经处理直接排放，'.repeat(8)
    const bulletin = copy()
    bulletin.overdue[0] = { ...bulletin.overdue[0]!, problem: long }
    const workbook = await read(bulletin)
    for (const name of ['逾期清单', '本月销号', '进展缓慢'] as const) {
      const sheet = workbook.getWorksheet(name)!
      const problemColumn = tableOf(sheet)[0]!.indexOf('督察反馈问题') + 1
      const columnPx = (sheet.getColumn(problemColumn).width ?? 0) * 7
      const rows =
        name === '进展缓慢' ? bulletin.lagging.length : name === '逾期清单' ? bulletin.overdue.length : bulletin.closedThisMonth.length
      for (let r = HEADER_ROW + 1; r <= HEADER_ROW + rows; r++) {
        const text = String(sheet.getCell(r, problemColumn).value)
        // A CJK character of a 10-pt font is 13.3 px wide; a line of it needs at least 14 pt.
        const lines = Math.ceil((text.length * 13.3) / columnPx)
        expect(sheet.getRow(r).height, `${name} row ${r}: ${lines} lines`).toBeGreaterThanOrEqual(lines * 14)
        expect(sheet.getCell(r, problemColumn).alignment?.wrapText).toBe(true)
      }
    }
    const overdue = workbook.getWorksheet('逾期清单')!
    expect(overdue.getRow(HEADER_ROW + 1).height).toBeGreaterThanOrEqual(Math.ceil((long.length * 13.3) / (58 * 7)) * 14)
    // …and a row of one short line stays one line high.
    const short = copy({ closedThisMonth: [{ itemId: 1, code: '1-1', problem: '短问题', leadUnit: '区水务局', closedOn: '2019-02-10' }] })
    expect((await read(short)).getWorksheet('本月销号')!.getRow(HEADER_ROW + 1).height).toBeLessThan(24)
  })

  it('gives a long 牵头单位 the lines it wraps to, in the ranking and in the lists', async () => {
    const unit = '北京市石景山区城市管理委员会（区城市管理综合行政执法监督局）五里坨街道办事处联合工作专班'
    const bulletin = copy()
    bulletin.byLeadUnit[0] = { ...bulletin.byLeadUnit[0]!, leadUnit: unit }
    bulletin.overdue[0] = { ...bulletin.overdue[0]!, leadUnit: unit, problem: '短问题' }
    const workbook = await read(bulletin)
    for (const name of ['按牵头单位', '逾期清单'] as const) {
      const sheet = workbook.getWorksheet(name)!
      const column = tableOf(sheet)[0]!.indexOf('牵头单位') + 1
      expect(sheet.getCell(HEADER_ROW + 1, column).value, name).toBe(unit)
      expect(sheet.getCell(HEADER_ROW + 1, column).alignment?.wrapText, name).toBe(true)
      // Independently of how the export measures: a 10-pt CJK character is 13.3 px, a line of it at least 14 pt.
      const lines = Math.ceil((unit.length * 13.3) / ((sheet.getColumn(column).width ?? 0) * 7))
      expect(lines, name).toBeGreaterThan(1)
      expect(sheet.getRow(HEADER_ROW + 1).height, name).toBeGreaterThanOrEqual(lines * 14)
    }
  })

  it('says 本月无 where a section has nothing this month, as the page does, instead of a bare header', async () => {
    const workbook = await read(copy({ overdue: [], closedThisMonth: [], lagging: [], unitsWithoutReport: [], byLeadUnit: [] }))
    for (const name of ['逾期清单', '本月销号', '进展缓慢'] as const) {
      expect(tableOf(workbook.getWorksheet(name)!)[0], name).toEqual(['本月无'])
    }
    const lagging = rowsOf(workbook.getWorksheet('进展缓慢')!, HEADER_ROW)
    expect(lagging).toEqual([['本月无'], ['（二）未报送进展的单位（0个）'], ['本月无']])
    // The ranking's empty state is 无 on the page: no month to speak of.
    expect(tableOf(workbook.getWorksheet('按牵头单位')!)).toEqual([['无']])
  })

  it('has every overdue item, not only the 100 the page prints', async () => {
    const workbook = await read(copy({ overdue: manyOverdue(130) }))
    const rows = tableOf(workbook.getWorksheet('逾期清单')!)
    expect(rows[0]).toEqual(['序号', '编号', '督察反馈问题', '牵头单位', '完成时限', '逾期天数', '状态'])
    expect(rows).toHaveLength(131)
    expect(rows.slice(1).map((r) => r[1])).toEqual(manyOverdue(130).map((o) => o.code))
    expect(rows[130]![5]).toBe(271)
  })

  it('lists the sample overdue items with their days', async () => {
    const workbook = await read(sampleBulletin)
    const rows = tableOf(workbook.getWorksheet('逾期清单')!).slice(1)
    expect(rows.map((r) => [r[1], r[3], r[5], r[6]])).toEqual(
      sampleBulletin.overdue.map((o) => [o.code, o.leadUnit, o.daysOverdue, STATUS_LABELS[o.status]]),
    )
  })

  it('has the ranking as in the bulletin, rates as percentages, and how it is ranked', async () => {
    const workbook = await read(sampleBulletin)
    const sheet = workbook.getWorksheet('按牵头单位')!
    const rows = tableOf(sheet)
    expect(rows[0]).toEqual([
      '排名',
      '牵头单位',
      '牵头任务',
      '已销号',
      '逾期',
      '进展缓慢',
      '完成率',
      '按期销号率',
      '本月已报送',
      '本月应报送',
    ])
    const units = rows.slice(1, 1 + sampleBulletin.byLeadUnit.length)
    expect(units).toEqual(
      sampleBulletin.byLeadUnit.map((u) => {
        const asFraction = (rate: number | null) => (rate === null ? undefined : Number((rate / 100).toFixed(3)))
        return [
          u.rank,
          u.leadUnit,
          u.items,
          u.closed,
          u.overdue,
          u.lagging,
          asFraction(u.completionRate),
          asFraction(u.onTimeRate),
          u.reportsFiled,
          u.reportsExpected,
        ]
      }),
    )
    expect(sheet.getCell(`G${HEADER_ROW + 1}`).numFmt).toBe('0.0%')
    expect(String(rows.at(-1)![0])).toMatch(/^排名依次按完成率/)
  })

  it('summarises totals, change and task areas, and numbers the case-lead section as the page does', async () => {
    const workbook = await read(sampleBulletin)
    const rows = rowsOf(workbook.getWorksheet('汇总')!)
    const find = (label: string) => rows.find((r) => r[0] === label)
    expect(find('已销号')).toEqual(['已销号', 17, 14, 3])
    expect(find('完成率')).toEqual(['完成率', 0.378, 0.311, 6.7])
    expect(find('统计截至')?.[1]).toBe('2019-02-28')
    for (const c of sampleBulletin.byCategory) expect(find(c.category)?.slice(0, 4)).toEqual([c.category, c.items, c.closed, c.overdue])
    expect(find('十一、问题线索办理')).toBeDefined()
  })

  it('lists the lagging items, then the units without a report under their own heading', async () => {
    const workbook = await read(sampleBulletin)
    const rows = tableOf(workbook.getWorksheet('进展缓慢')!)
    const codes = rows.slice(1, 1 + sampleBulletin.lagging.length).map((r) => r[1])
    expect(codes).toEqual(sampleBulletin.lagging.map((l) => l.code))
    expect(rows[sampleBulletin.lagging.length + 1]).toEqual([`（二）未报送进展的单位（${sampleBulletin.unitsWithoutReport.length}个）`])
    const flat = rows.flat()
    for (const unit of sampleBulletin.unitsWithoutReport) expect(flat).toContain(unit.name)
  })
})
