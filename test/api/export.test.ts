import { readFileSync } from 'node:fs'
import type ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE_PATH } from '../../scripts/make-fixture.ts'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'
import { exportChecklist, importChecklist } from '../helpers/spreadsheets.ts'
import { workflowWorld } from '../helpers/workflow.ts'

const HEADERS = [
  '序号',
  '问题',
  '整改目标',
  '整改措施',
  '牵头单位',
  '责任单位',
  '完成时限',
  '备注',
  '当前状态',
  '是否逾期',
  '逾期天数',
  '最近进展',
  '销号日期',
]

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

/** The sheet's rows as cell texts, from the header down. */
function rowsOf(sheet: ExcelJS.Worksheet): string[][] {
  const rows: string[][] = []
  sheet.eachRow((row, n) => {
    if (n < 3) return
    rows.push(HEADERS.map((_, i) => (row.getCell(i + 1).isMerged && i > 0 ? '' : String(row.getCell(i + 1).text ?? ''))))
  })
  return rows
}

interface Comparable {
  code: string
  category: string
  problem: string
  target: string
  measures: string
  leadUnit: { name: string }
  responsibleUnits: { name: string }[]
  deadlineKind: string
  deadline: string | null
}

async function contentOf(token: string, planId: number) {
  const items = (await as(t.app, token).get(`/api/v1/items?planId=${planId}&limit=200&view=full`)).json().items as Comparable[]
  return items.map((i) => ({
    code: i.code,
    category: i.category,
    problem: i.problem,
    target: i.target,
    measures: i.measures,
    lead: i.leadUnit.name,
    responsible: i.responsibleUnits.map((u) => u.name).sort(),
    deadlineKind: i.deadlineKind,
    deadline: i.deadline,
  }))
}

describe('the exported checklist', () => {
  it('has a title row, the bold bordered wrapped header, set widths, heading rows, and the status of each item', async () => {
    const w = workflowWorld(t.app)
    w.f.item(w.plan.id, w.lead.id, { code: '1-1', deadline: '2018-09-30', category: '环保主体责任落实' })
    const reported = await w.itemIn('in_progress', { code: '2-1', deadlineKind: 'long_term', deadline: null })
    const closing = await w.itemIn('in_public_notice', { code: '2-2', deadlineKind: 'immediate', deadline: null })
    const report = await as(t.app, w.tokens.lead).post(`/api/v1/items/${reported.id}/progress-reports`, {
      period: '2018-10',
      text: '已完成排查，正在整改。',
    })
    expect(report.statusCode, report.body).toBe(201)
    const later = await as(t.app, w.tokens.lead).post(`/api/v1/items/${reported.id}/progress-reports`, {
      period: '2018-10',
      text: '更正：已完成排查和一半整改。',
    })
    expect(later.statusCode).toBe(201)
    t.clock.set('2018-11-20T02:00:00.000Z')
    t.app.services.closeout.closeEndedNotices(t.clock.now())
    expect(t.app.services.items.get({ kind: 'account', accountId: 0, name: '', role: 'admin', unitId: null }, closing.id).status).toBe(
      'closed',
    )

    const { res, sheet } = await exportChecklist(t.app, w.tokens.admin, w.plan.id)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    expect(res.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent(`整改措施清单-${w.plan.id}-2018-11-20.xlsx`)}`,
    )
    // Clients that do not read filename* get a name that still says what the file is.
    expect(res.headers['content-disposition']).toContain(`filename="checklist-plan${w.plan.id}-2018-11-20.xlsx"`)
    expect(sheet!.getCell('A1').text).toBe(w.plan.title)
    expect(sheet!.getCell('A1').isMerged).toBe(true)
    expect(sheet!.getCell('A2').text).toContain('共 3 项')
    const header = sheet!.getRow(3)
    expect(HEADERS.map((_, i) => header.getCell(i + 1).text)).toEqual(HEADERS)
    for (let i = 1; i <= HEADERS.length; i++) {
      expect(header.getCell(i).font?.bold).toBe(true)
      expect(header.getCell(i).border?.bottom?.style).toBe('thin')
      expect(header.getCell(i).alignment?.wrapText).toBe(true)
      expect(sheet!.getColumn(i).width).toBeGreaterThanOrEqual(5)
    }

    const rows = rowsOf(sheet!)
    // 2-1 and 2-2 share the factories' problem: printed as one problem with two measures, 序号 2 merged over both
    // (which imports back as 2-1 and 2-2).
    expect(rows.map((r) => r[0])).toEqual(['序号', '一、环保主体责任落实', '1-1', '二、打好污染防治攻坚战', '2', '2'])
    expect(sheet!.getCell('A7').isMerged && sheet!.getCell('B7').isMerged).toBe(true)
    const [, , first, , second, third] = rows
    expect(first!.slice(6)).toEqual(['2018年9月底前', '', '已交办', '是', '51', '', ''])
    // The latest report with its month, so that a printed sheet says how recent it is.
    expect(second!.slice(6)).toEqual(['长期坚持', '', '整改中', '否', '', '2018年10月：更正：已完成排查和一半整改。', ''])
    expect(third!.slice(6, 9)).toEqual(['立行立改', '', '已销号'])
    expect(third![12]).toMatch(/^2018-1[01]-\d{2}$/)
    expect(first![5]).toBe('')
    expect(second![5]).toBe('区住房城乡建设委')
  })

  it('for a unit holds only the items it leads or shares', async () => {
    // workflowWorld names its units, so it gets an app of its own.
    const own = await createTestApp()
    const w = workflowWorld(own.app)
    w.f.item(w.plan.id, w.lead.id, { code: 'A', responsibleUnitIds: [w.partner.id] })
    w.f.item(w.plan.id, w.outsider.id, { code: 'B', responsibleUnitIds: [] })
    w.f.item(w.plan.id, w.partner.id, { code: 'C', responsibleUnitIds: [w.outsider.id] })
    const codes = async (token: string) => {
      const { res, sheet } = await exportChecklist(own.app, token, w.plan.id)
      expect(res.statusCode).toBe(200)
      return rowsOf(sheet!)
        .map((r) => r[0]!)
        .filter((c) => /^[ABC]$/.test(c))
    }
    expect(await codes(w.tokens.lead)).toEqual(['A'])
    expect(await codes(w.tokens.partner)).toEqual(['A', 'C'])
    expect(await codes(w.tokens.outsider)).toEqual(['B', 'C'])
    expect(await codes(w.tokens.leader)).toEqual(['A', 'B', 'C'])
    const { sheet } = await exportChecklist(own.app, w.tokens.outsider, w.plan.id)
    expect(sheet!.getCell('A2').text).toContain('区水务局牵头或参与的事项')
    await own.close()
  })

  it('answers 404 for a plan that does not exist', async () => {
    const admin = factories(t.app).token('admin')
    expect((await exportChecklist(t.app, admin, 99_999)).res.json()).toMatchObject({ statusCode: 404, code: 'PLAN_NOT_FOUND' })
  })
})

describe('printing', () => {
  // What a sheet needs to print legibly, measured independently of how the export works it out: 10 pt text needs
  // at least 12 pt a line, and a CJK character is at least 1.8 character units wide (the width of '0' is 7 px in
  // Calibri or 宋体, a 10 pt character 13.3 px).
  const MIN_LINE_PT = 12
  const CJK_UNITS = 1.8
  const linesAtLeast = (text: string, width: number) =>
    text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil((Array.from(line).length * CJK_UNITS) / width)), 0)

  it('gives every row the height its wrapped text needs, and prints A4 landscape, the header on every page, at 80% or more', async () => {
    const f = factories(t.app)
    const admin = f.token('admin')
    const planId = f.plan({ title: '石景山区贯彻落实北京市环境保护督察反馈意见整改方案' }).id
    expect((await importChecklist(t.app, admin, planId, readFileSync(FIXTURE_PATH), { query: 'createUnits=true' })).statusCode).toBe(201)
    const { sheet } = await exportChecklist(t.app, admin, planId)
    const ws = sheet!

    // A title over the table, as big as a title.
    expect(ws.getCell('A1').text).toBe('石景山区贯彻落实北京市环境保护督察反馈意见整改方案')
    expect(ws.getCell('A1').font?.size).toBeGreaterThanOrEqual(14)

    const widths = HEADERS.map((_, i) => ws.getColumn(i + 1).width!)
    let checked = 0
    ws.eachRow((row, n) => {
      if (n <= 3 || (row.getCell(1).isMerged && row.getCell(HEADERS.length).isMerged)) return // title, header, headings
      for (const column of ['整改目标', '整改措施', '牵头单位', '责任单位', '完成时限', '备注', '最近进展']) {
        const i = HEADERS.indexOf(column)
        // A 整改目标 shared by a problem's measure rows is merged over them: measured with the merges below.
        if (row.getCell(i + 1).isMerged) continue
        const text = row.getCell(i + 1).text
        expect(row.height, `row ${n} ${column}: ${text}`).toBeGreaterThanOrEqual(linesAtLeast(text, widths[i]!) * MIN_LINE_PT)
      }
      checked++
    })
    expect(checked).toBe(48)
    // A problem (and a 整改目标 they share) merged over its measure rows: the rows together hold its text.
    const allMerges = (ws.model as { merges?: string[] }).merges ?? []
    for (const [letter, column] of [
      ['B', '问题'],
      ['C', '整改目标'],
    ] as const) {
      const index = HEADERS.indexOf(column) + 1
      const merges = allMerges.filter((m) => new RegExp(`^${letter}\\d+:${letter}\\d+$`).test(m))
      expect(merges.length, column).toBeGreaterThan(0)
      for (const ref of merges) {
        const [top, bottom] = ref.split(':').map((a) => Number(a.slice(1))) as [number, number]
        let height = 0
        for (let r = top; r <= bottom; r++) height += ws.getRow(r).height!
        const text = ws.getRow(top).getCell(index).text
        expect(height, `${ref} ${column}: ${text}`).toBeGreaterThanOrEqual(linesAtLeast(text, widths[index - 1]!) * MIN_LINE_PT)
      }
    }

    expect(ws.pageSetup).toMatchObject({
      orientation: 'landscape',
      paperSize: 9,
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '3:3',
    })
    // Fit to the page's width, the table prints at 80% or more even where the default font is measured wide: 9.3 px a
    // unit, padding included, as LibreOffice measured it with DejaVu Sans in place of a missing Calibri (its PDF of
    // this export prints a 10 pt character 8.2 pt wide).
    const margins = ws.pageSetup.margins!
    const printableInches = 11.69 - margins.left - margins.right
    const tableInches = widths.reduce((sum, w) => sum + w * 9.3, 0) / 96
    expect(printableInches / tableInches).toBeGreaterThanOrEqual(0.8)
    expect(ws.headerFooter.oddFooter).toContain('&P')
  })
})

describe('round trip', () => {
  it('an exported checklist imports into an empty plan as the same items', async () => {
    const f = factories(t.app)
    const admin = f.token('admin')
    const source = f.plan().id
    const imported = await importChecklist(t.app, admin, source, readFileSync(FIXTURE_PATH), { query: 'createUnits=true' })
    expect(imported.statusCode, imported.body).toBe(201)

    const exported = await exportChecklist(t.app, admin, source)
    expect(exported.res.statusCode).toBe(200)
    const target = f.plan().id
    const again = await importChecklist(t.app, admin, target, exported.res.rawPayload)
    expect(again.statusCode, again.body).toBe(201)
    expect(again.json().created).toBe(48)

    const before = await contentOf(admin, source)
    expect(before).toHaveLength(48)
    expect(await contentOf(admin, target)).toEqual(before)
  })

  it('keeps every deadline kind, dates that end a month or not, and items without responsible units', async () => {
    const f = factories(t.app)
    const admin = f.token('admin')
    const lead = f.unit()
    const other = f.unit()
    const source = f.plan({ categories: ['打好污染防治攻坚战', '环保主体责任落实'] }).id
    const cases = [
      { deadlineKind: 'immediate' as const, deadline: null },
      { deadlineKind: 'date' as const, deadline: '2019-02-28' },
      { deadlineKind: 'date' as const, deadline: '2019-06-15' },
      { deadlineKind: 'long_term' as const, deadline: null },
      { deadlineKind: 'long_term' as const, deadline: '2018-12-31' },
    ]
    cases.forEach((c, i) => {
      f.item(source, lead.id, {
        code: `（一）${i + 1}`,
        category: i % 2 ? '环保主体责任落实' : '打好污染防治攻坚战',
        responsibleUnitIds: i % 2 ? [other.id] : [],
        ...c,
      })
    })
    const exported = await exportChecklist(t.app, admin, source)
    const target = f.plan({ categories: ['打好污染防治攻坚战', '环保主体责任落实'] }).id
    const again = await importChecklist(t.app, admin, target, exported.res.rawPayload)
    expect(again.statusCode, again.body).toBe(201)
    // The sheet groups items by task area, so the import order differs from the creation order.
    const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code)
    const after = (await contentOf(admin, target)).sort(byCode)
    expect(after).toHaveLength(cases.length)
    expect(after).toEqual((await contentOf(admin, source)).sort(byCode))
  })
})
