import { readFileSync } from 'node:fs'
import type ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DISTRICT_FIXTURES, type DistrictFixture } from '../../scripts/district-fixtures.ts'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'
import { exportChecklist, importChecklist, sheetXlsx } from '../helpers/spreadsheets.ts'
import { databaseSnapshot } from '../helpers/snapshot.ts'

// Checklists as districts publish them (scripts/district-fixtures.ts): each imported and checked item by item,
// previewed by the dry run first, exported and imported again unchanged.

let t: TestApp
let f: ReturnType<typeof factories>
let admin: string

beforeAll(async () => {
  t = await createTestApp()
  f = factories(t.app)
  admin = f.token('admin')
})
afterAll(async () => t.close())

interface ItemJson {
  id: number
  code: string
  category: string
  problem: string
  target: string
  measures: string
  leadUnit: { name: string }
  responsibleUnits: { name: string }[]
  deadlineKind: string
  deadline: string | null
  deadlineText: string
  note: string
}

/** The plan's items in id (import) order, as the fixtures describe them. */
async function contentOf(planId: number) {
  const items = (await as(t.app, admin).get(`/api/v1/items?planId=${planId}&limit=200&view=full`)).json().items as ItemJson[]
  return items.map((i) => ({
    code: i.code,
    category: i.category,
    problem: i.problem,
    target: i.target,
    measures: i.measures,
    leadUnit: i.leadUnit.name,
    responsibleUnits: i.responsibleUnits.map((u) => u.name).sort(),
    deadlineKind: i.deadlineKind,
    deadline: i.deadline,
    deadlineText: i.deadlineText,
    note: i.note,
  }))
}

/** A sheet as a reader sees it: each row's cell texts, and the merged ranges. */
function cellsOf(sheet: ExcelJS.Worksheet) {
  const rows: string[][] = []
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    rows[n - 1] = Array.from({ length: sheet.columnCount }, (_, c) => row.getCell(c + 1).text)
  })
  const merges = (sheet.model as { merges?: string[] }).merges ?? []
  return [...rows.map((r) => r ?? []), [...merges].sort()]
}

const expectedOf = (fixture: DistrictFixture) => fixture.items.map((i) => ({ ...i, responsibleUnits: [...i.responsibleUnits].sort() }))

describe.each(DISTRICT_FIXTURES.map((fixture) => [fixture.file, fixture] as const))('%s', (_file, fixture) => {
  const bytes = readFileSync(fixture.path)
  let planId: number

  it('is what scripts/district-fixtures.ts generates', async () => {
    expect((await fixture.build()).equals(bytes)).toBe(true)
  })

  it('the dry run shows every row as it would be imported, and saves nothing', async () => {
    planId = f.plan({ categories: fixture.categories }).id
    const before = databaseSnapshot(t.database.sqlite)
    const res = await importChecklist(t.app, admin, planId, bytes, { query: 'createUnits=true&dryRun=true' })
    expect(res.statusCode, res.body).toBe(200)
    const preview = res.json()
    expect(preview).toMatchObject({ ok: true, created: fixture.items.length, updated: 0, unchanged: 0, errors: [] })
    expect(
      preview.rows.map((r: Record<string, unknown>) => ({ ...r, responsibleUnits: [...(r.responsibleUnits as string[])].sort() })),
    ).toEqual(expectedOf(fixture).map((item) => expect.objectContaining({ ...item, outcome: 'created' })))
    expect([...preview.createdUnits].sort()).toEqual(
      fixture.units.filter((u) => !t.app.services.units.list().some((x) => x.name === u)).sort(),
    )
    expect(databaseSnapshot(t.database.sqlite)).toEqual(before)
    expect(await contentOf(planId)).toEqual([])
  })

  it('imports every item as the sheet means it: codes, task areas, units, deadlines and their wording, notes', async () => {
    const preview = (await importChecklist(t.app, admin, planId, bytes, { query: 'createUnits=true&dryRun=true' })).json()
    const res = await importChecklist(t.app, admin, planId, bytes, { query: 'createUnits=true' })
    expect(res.statusCode, res.body).toBe(201)
    const result = res.json()
    expect(result.created).toBe(fixture.items.length)
    // The dry run said exactly this.
    expect(result.items.map((i: { row: number; code: string; outcome: string }) => [i.row, i.code, i.outcome])).toEqual(
      preview.rows.map((r: { row: number; code: string; outcome: string }) => [r.row, r.code, r.outcome]),
    )
    expect(result.createdUnits.map((u: { name: string }) => u.name)).toEqual(preview.createdUnits)
    expect(await contentOf(planId)).toEqual(expectedOf(fixture))
    // Every unit named, once each, in any of its spellings (markers, spaces, separators).
    const names = new Set(t.app.services.units.list().map((u) => u.name))
    for (const unit of fixture.units) expect(names.has(unit), unit).toBe(true)
  })

  it('exports a sheet that imports into an empty plan as the same items, and the export of that is the same again', async () => {
    const exported = await exportChecklist(t.app, admin, planId)
    expect(exported.res.statusCode).toBe(200)
    const target = f.plan({ categories: fixture.categories }).id
    const again = await importChecklist(t.app, admin, target, exported.res.rawPayload)
    expect(again.statusCode, again.body).toBe(201)
    expect(await contentOf(target)).toEqual(await contentOf(planId))
    // Exported again, the re-imported plan gives the same sheet: every cell, merge and sheet name. Both plans have
    // the same title and are exported at the same instant, so nothing may legitimately differ.
    const second = await exportChecklist(t.app, admin, target)
    expect(second.res.statusCode).toBe(200)
    expect(second.workbook.worksheets.map((s) => s.name)).toEqual(exported.workbook.worksheets.map((s) => s.name))
    expect(cellsOf(second.sheet!)).toEqual(cellsOf(exported.sheet!))
    expect(cellsOf(second.sheet!).length).toBeGreaterThan(fixture.items.length)
    // The codes of one problem's measures are written as the problem's number over its rows, as districts print them.
    const group = fixture.items.find((i) => /-2$/.test(i.code))
    if (group) {
      const base = group.code.replace(/-2$/, '')
      let found = false
      exported.sheet!.eachRow((row) => {
        const cell = row.getCell(1)
        if (cell.text === base && cell.isMerged) found = true
      })
      expect(found, `序号 ${base} merged over its measures`).toBe(true)
    }
  })
})

describe('the deadline as worded', () => {
  it('is shown on the item, dropped when the deadline is changed without new wording, and exported as the plan has it', async () => {
    const hexi = DISTRICT_FIXTURES.find((x) => x.file === 'checklist-hexi.xlsx')!
    const planId = f.plan({ categories: hexi.categories }).id
    expect((await importChecklist(t.app, admin, planId, readFileSync(hexi.path), { query: 'createUnits=true' })).statusCode).toBe(201)
    const listed = (await as(t.app, admin).get(`/api/v1/items?planId=${planId}&limit=200`)).json().items as ItemJson[]
    const [first, second] = listed
    const one = (await as(t.app, admin).get(`/api/v1/items/${first!.id}`)).json()
    expect(one).toMatchObject({ code: '1-1', deadlineKind: 'date', deadline: '2026-12-31', deadlineText: '2026年12月底前', note: '' })

    // A new date without new wording: the old wording no longer says what the deadline is.
    const moved = await as(t.app, admin).patch(`/api/v1/items/${first!.id}`, { deadline: '2027-01-15' }, { 'if-match': `"${one.version}"` })
    expect(moved.statusCode, moved.body).toBe(200)
    expect(moved.json()).toMatchObject({ deadline: '2027-01-15', deadlineText: '' })
    // New wording with it is kept.
    const two = (await as(t.app, admin).get(`/api/v1/items/${second!.id}`)).json()
    const reworded = await as(t.app, admin).patch(
      `/api/v1/items/${second!.id}`,
      { deadline: '2027-06-30', deadlineText: '2027年上半年', note: '延期经区整改办同意' },
      { 'if-match': `"${two.version}"` },
    )
    expect(reworded.json()).toMatchObject({ deadline: '2027-06-30', deadlineText: '2027年上半年', note: '延期经区整改办同意' })

    const { sheet } = await exportChecklist(t.app, admin, planId)
    const deadlines = new Map<string, string>()
    sheet!.eachRow((row) => deadlines.set(row.getCell(4).text, row.getCell(7).text))
    expect(deadlines.get(hexi.items[0]!.measures)).toBe('2027年1月15日前')
    expect(deadlines.get(hexi.items[1]!.measures)).toBe('2027年上半年')
  })
})

describe('task areas', () => {
  const nanshan = DISTRICT_FIXTURES.find((x) => x.file === 'checklist-nanshan.xlsx')!
  const bytes = readFileSync(nanshan.path)

  it('a sheet naming no task area, for a plan with several, is one error that says what to add', async () => {
    const planId = f.plan({ categories: ['大气污染防治', '水污染防治', '土壤污染防治'] }).id
    const before = databaseSnapshot(t.database.sqlite)
    const res = await importChecklist(t.app, admin, planId, bytes, { query: 'createUnits=true' })
    expect(res.statusCode).toBe(422)
    const errors = res.json().details.errors as { row: number | null; column: string | null; message: string }[]
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ row: null, column: null })
    expect(errors[0]!.message).toContain('add a 类别 column')
    expect(errors[0]!.message).toContain('一、大气污染防治')
    expect(databaseSnapshot(t.database.sqlite)).toEqual(before)

    // The dry run lists the same error, and the rows it read.
    const preview = (await importChecklist(t.app, admin, planId, bytes, { query: 'createUnits=true&dryRun=true' })).json()
    expect(preview).toMatchObject({ ok: false, created: 0, createdUnits: [], errors })
    expect(preview.rows.map((r: { code: string; outcome: unknown }) => [r.code, r.outcome])).toEqual(
      nanshan.items.map((i) => [i.code, null]),
    )
    expect(databaseSnapshot(t.database.sqlite)).toEqual(before)
  })

  it('a sheet naming no task area goes into a plan without any as it is', async () => {
    const planId = f.plan({ categories: [] }).id
    const res = await importChecklist(t.app, admin, planId, bytes, { query: 'createUnits=true' })
    expect(res.statusCode, res.body).toBe(201)
    expect(new Set((await contentOf(planId)).map((i) => i.category))).toEqual(new Set(['']))
  })

  it('a column headed 类别 puts each row in its task area; a note under the table over several cells ends it', async () => {
    const planId = f.plan({ categories: ['大气污染防治', '水污染防治'] }).id
    const sheet = await sheetXlsx([
      ['序号', '类别', '问题', '整改目标', '整改措施', '牵头单位', '责任单位', '完成时限'],
      ['1', '大气污染防治', '工地扬尘管控不到位', '工地全面达标', '开展扬尘专项检查', '区住房城乡建设委', '', '2026年第三季度'],
      ['2', '二、水污染防治', '黑臭水体返黑返臭', '水体稳定达标', '实施截污纳管', '区水务局', '', '2026年12月底前'],
      [],
      ['注：', '类别按市整改办下发的分类填写。'],
      [null, '填报人：王某', null, null, null, '联系电话：', '12345678'],
    ])
    const res = await importChecklist(t.app, admin, planId, sheet, { query: 'createUnits=true' })
    expect(res.statusCode, res.body).toBe(201)
    expect((await contentOf(planId)).map((i) => [i.code, i.category, i.problem, i.deadlineText])).toEqual([
      ['1', '大气污染防治', '工地扬尘管控不到位', '2026年第三季度'],
      ['2', '水污染防治', '黑臭水体返黑返臭', '2026年12月底前'],
    ])
  })

  it('a task-area column naming an area the plan lacks is one error per name, with its rows', async () => {
    const hexi = DISTRICT_FIXTURES.find((x) => x.file === 'checklist-hexi.xlsx')!
    const planId = f.plan({ categories: ['大气环境', '水环境'] }).id
    const res = await importChecklist(t.app, admin, planId, readFileSync(hexi.path), { query: 'createUnits=true' })
    expect(res.statusCode).toBe(422)
    const errors = res.json().details.errors as { row: number; column: string; message: string }[]
    expect(errors).toEqual([
      { row: 10, column: '类别', message: '"固体废物与土壤" is not a task area of this plan (大气环境、水环境); also in rows 11, 12' },
    ])
  })
})

describe('the dry run', () => {
  it('lists every error a real import would, and saves nothing', async () => {
    const qinghe = DISTRICT_FIXTURES.find((x) => x.file === 'checklist-qinghe.xlsx')!
    const planId = f.plan({ categories: qinghe.categories }).id
    expect((await importChecklist(t.app, admin, planId, readFileSync(qinghe.path), { query: 'createUnits=true' })).statusCode).toBe(201)
    // Again: every code is already in the plan.
    const before = databaseSnapshot(t.database.sqlite)
    const real = await importChecklist(t.app, admin, planId, readFileSync(qinghe.path))
    const dry = await importChecklist(t.app, admin, planId, readFileSync(qinghe.path), { fields: { dryRun: 'true' } })
    expect(real.statusCode).toBe(422)
    expect(dry.statusCode).toBe(200)
    expect(dry.json().ok).toBe(false)
    expect(dry.json().errors).toEqual(real.json().details.errors)
    expect(dry.json().errors).toHaveLength(qinghe.items.length)
    expect(databaseSnapshot(t.database.sqlite)).toEqual(before)
  })

  it('previews an update: which items would change and which would stay as they are', async () => {
    const hexi = DISTRICT_FIXTURES.find((x) => x.file === 'checklist-hexi.xlsx')!
    const planId = f.plan({ categories: hexi.categories }).id
    expect((await importChecklist(t.app, admin, planId, readFileSync(hexi.path), { query: 'createUnits=true' })).statusCode).toBe(201)
    const first = (await contentOf(planId))[0]!
    const item = (await as(t.app, admin).get(`/api/v1/items?planId=${planId}&limit=1`)).json().items[0]
    const patched = await as(t.app, admin).patch(`/api/v1/items/${item.id}`, { note: '已改' }, { 'if-match': `"${item.version}"` })
    expect(patched.statusCode, patched.body).toBe(200)
    const before = databaseSnapshot(t.database.sqlite)
    const dry = (await importChecklist(t.app, admin, planId, readFileSync(hexi.path), { query: 'mode=update&dryRun=true' })).json()
    expect(dry).toMatchObject({ ok: true, created: 0, updated: 1, unchanged: hexi.items.length - 1 })
    expect(dry.rows.find((r: { code: string }) => r.code === first.code)).toMatchObject({ outcome: 'updated', note: first.note })
    expect(databaseSnapshot(t.database.sqlite)).toEqual(before)
  })

  it('is for those who may import', async () => {
    const planId = f.plan().id
    const res = await importChecklist(t.app, f.token('leader'), planId, readFileSync(DISTRICT_FIXTURES[0]!.path), { query: 'dryRun=true' })
    expect(res.statusCode).toBe(403)
  })
})
