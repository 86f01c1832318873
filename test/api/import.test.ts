import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE_PATH } from '../../scripts/make-fixture.ts'
import { demoUnits } from '../../scripts/demo-data.ts'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'
import { docx, pdf } from '../helpers/files.ts'
import { CHECKLIST_HEADER as HEADER, importChecklist, manyRows, sheetXlsx, withMergedRange, zipBomb } from '../helpers/spreadsheets.ts'

const FIXTURE = readFileSync(FIXTURE_PATH)
const POLLUTION = '二、打好污染防治攻坚战'

const row = (code: string, overrides: Partial<Record<'problem' | 'target' | 'measures' | 'lead' | 'units' | 'deadline', string>> = {}) => [
  code,
  overrides.problem ?? `施工扬尘管控不到位（${code}）`,
  overrides.target ?? '扬尘治理全部达标',
  overrides.measures ?? '1.开展专项检查；2.建立台账',
  overrides.lead ?? '区生态环境局',
  overrides.units ?? '区住房城乡建设委',
  overrides.deadline ?? '2018年12月底前',
]

let t: TestApp
let f: ReturnType<typeof factories>
let admin: string
let supervisor: string

beforeAll(async () => {
  t = await createTestApp()
  f = factories(t.app)
  for (const name of demoUnits) f.unit(name)
  admin = f.token('admin')
  supervisor = f.token('supervisor')
})
afterAll(async () => t.close())

async function itemsOf(planId: number) {
  const res = await as(t.app, admin).get(`/api/v1/items?planId=${planId}&limit=200&view=full`)
  return res.json().items as {
    id: number
    code: string
    category: string
    problem: string
    measures: string
    deadlineKind: string
    deadline: string | null
    version: number
    leadUnit: { name: string }
    responsibleUnits: { name: string }[]
  }[]
}

async function eventsOf(itemId: number) {
  return (await as(t.app, admin).get(`/api/v1/items/${itemId}/events`)).json() as {
    action: string
    actor: { name: string; role: string }
    details: Record<string, unknown> | null
  }[]
}

function unitCount(): number {
  return (t.database.sqlite.prepare('select count(*) n from units').get() as { n: number }).n
}

describe('importing the sample checklist', () => {
  let planId: number

  it('creates every item, each with its create event, under the task area of its heading', async () => {
    planId = f.plan().id
    const res = await importChecklist(t.app, supervisor, planId, FIXTURE)
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json()
    expect(body).toMatchObject({ created: 48, updated: 0, unchanged: 0, createdUnits: [] })
    expect(body.items[0]).toMatchObject({ row: 5, code: '1-1', outcome: 'created' })

    const items = await itemsOf(planId)
    expect(items).toHaveLength(48)
    const byCode = new Map(items.map((i) => [i.code, i]))
    expect(byCode.get('1-1')).toMatchObject({ category: '环保主体责任落实', deadlineKind: 'long_term', deadline: null })
    expect(byCode.get('1-2')).toMatchObject({ deadlineKind: 'long_term', deadline: '2018-12-31' })
    expect(byCode.get('1-3')).toMatchObject({ leadUnit: { name: '区城市管理委' }, deadlineKind: 'date', deadline: '2018-12-31' })
    expect(byCode.get('1-3')!.responsibleUnits.map((u) => u.name)).toEqual([
      '区生态环境局',
      '五里坨街道办事处',
      '鲁谷街道办事处',
      '苹果园街道办事处',
    ])
    // One problem printed over four measure rows: four items sharing it, each with its own measures and deadline.
    const group = ['2-20', '2-21', '2-22', '2-23'].map((c) => byCode.get(c)!)
    expect(new Set(group.map((i) => i.problem)).size).toBe(1)
    expect(new Set(group.map((i) => i.measures)).size).toBe(4)
    expect(group.map((i) => [i.category, i.deadlineKind, i.deadline])).toEqual([
      ['打好污染防治攻坚战', 'date', '2018-12-31'],
      ['打好污染防治攻坚战', 'date', '2019-06-30'],
      ['打好污染防治攻坚战', 'date', '2019-06-30'],
      ['打好污染防治攻坚战', 'long_term', null],
    ])
    expect(byCode.get('3-13')).toMatchObject({ category: '加强城市治理能力建设', deadlineKind: 'long_term' })

    const events = await eventsOf(byCode.get('2-21')!.id)
    expect(events.map((e) => e.action)).toEqual(['create'])
    expect(events[0]!.actor.role).toBe('supervisor')
  })

  it('refuses the same file a second time, naming every duplicate, and writes nothing', async () => {
    const eventsBefore = (t.database.sqlite.prepare('select count(*) n from item_events').get() as { n: number }).n
    const res = await importChecklist(t.app, admin, planId, FIXTURE)
    expect(res.statusCode).toBe(422)
    const body = res.json()
    expect(body).toMatchObject({ statusCode: 422, code: 'IMPORT_FAILED', error: 'Unprocessable Entity' })
    expect(body.message).toContain('48 errors')
    expect(body.details.errors).toHaveLength(48)
    expect(body.details.errors[0]).toEqual({
      row: 5,
      column: '序号',
      message: expect.stringContaining('序号 "1-1" is already in this plan'),
    })
    expect(body.details.errors[0].message).toContain('mode=update')
    expect(await itemsOf(planId)).toHaveLength(48)
    expect((t.database.sqlite.prepare('select count(*) n from item_events').get() as { n: number }).n).toBe(eventsBefore)
  })

  it('with mode=update, takes the same file again as 48 unchanged items and records nothing', async () => {
    const res = await importChecklist(t.app, admin, planId, FIXTURE, { query: 'mode=update' })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ created: 0, updated: 0, unchanged: 48 })
  })
})

describe('updating through the edit path', () => {
  it('edits the items whose codes exist (an edit event each, listing the changes), creates the new ones', async () => {
    const planId = f.plan().id
    const first = await sheetXlsx([HEADER, [POLLUTION], row('1'), row('2'), row('3')], ['A2:G2'])
    expect((await importChecklist(t.app, admin, planId, first)).statusCode).toBe(201)
    const before = new Map((await itemsOf(planId)).map((i) => [i.code, i]))

    const second = await sheetXlsx(
      [
        HEADER,
        [POLLUTION],
        row('1'),
        row('2', { measures: '1.开展专项检查；2.建立台账；3.每月通报' }),
        row('3', { deadline: '长期坚持', units: '区水务局、区交通局' }),
        row('4'),
      ],
      ['A2:G2'],
    )
    const res = await importChecklist(t.app, supervisor, planId, second, { fields: { mode: 'update' } })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({ created: 1, updated: 2, unchanged: 1 })
    expect(res.json().items.map((i: { code: string; outcome: string }) => [i.code, i.outcome])).toEqual([
      ['1', 'unchanged'],
      ['2', 'updated'],
      ['3', 'updated'],
      ['4', 'created'],
    ])

    const after = new Map((await itemsOf(planId)).map((i) => [i.code, i]))
    expect(after.get('2')!.version).toBe(before.get('2')!.version + 1)
    expect(after.get('3')).toMatchObject({ deadlineKind: 'long_term', deadline: null })
    expect(
      after
        .get('3')!
        .responsibleUnits.map((u) => u.name)
        .sort(),
    ).toEqual(['区交通局', '区水务局'])
    expect((await eventsOf(before.get('1')!.id)).map((e) => e.action)).toEqual(['create'])
    const edits = await eventsOf(before.get('3')!.id)
    expect(edits.map((e) => [e.action, e.actor.role])).toEqual([
      ['create', 'admin'],
      ['edit', 'supervisor'],
    ])
    expect(Object.keys(edits[1]!.details!.changes as object).sort()).toEqual([
      'deadline',
      'deadlineKind',
      'deadlineText',
      'responsibleUnitIds',
    ])
  })

  it('refuses an option given differently in the query and as a field', async () => {
    const planId = f.plan().id
    const sheet = await sheetXlsx([HEADER, [POLLUTION], row('1')], ['A2:G2'])
    const res = await importChecklist(t.app, admin, planId, sheet, { query: 'mode=create', fields: { mode: 'update' } })
    expect(res.statusCode).toBe(400)
    expect((await importChecklist(t.app, admin, planId, sheet, { fields: { colour: 'red' } })).statusCode).toBe(400)
  })
})

describe('all or nothing', () => {
  it('lists every error of the file with its row and column, and imports none of the good rows', async () => {
    const planId = f.plan().id
    const units = unitCount()
    const sheet = await sheetXlsx(
      [
        ['某区整改措施清单'],
        HEADER,
        [POLLUTION],
        row('1'),
        row('2', { deadline: '2019年13月底前' }),
        row('3', { lead: '区环保局' }),
        row('4', { units: '区水务局、区环保局' }),
        ['四、生态文明示范区创建'],
        row('5'),
        row('1'),
      ],
      ['A1:G1', 'A3:G3', 'A8:G8'],
    )
    const res = await importChecklist(t.app, admin, planId, sheet)
    expect(res.statusCode).toBe(422)
    const errors = res.json().details.errors as { row: number | null; column: string | null; message: string }[]
    expect(errors.map((e) => [e.row, e.column])).toEqual([
      [5, '完成时限'],
      [6, '牵头单位'],
      [8, '序号'],
      [10, '序号'],
    ])
    expect(errors[0]!.message).toBe('cannot read deadline "2019年13月底前": month 13 does not exist')
    expect(errors[1]!.message).toBe(
      'unknown unit "区环保局" (also in row 7): no unit has this name; correct it, add the unit first, or import with createUnits=true',
    )
    expect(errors[2]!.message).toContain(
      '"四、生态文明示范区创建" is not a task area of this plan (环保主体责任落实、打好污染防治攻坚战、加强城市治理能力建设)',
    )
    expect(errors[3]!.message).toContain('already used in row 4')
    expect(await itemsOf(planId)).toHaveLength(0)
    expect(unitCount()).toBe(units)
  })

  it('creates unknown units when asked to, and reports them', async () => {
    const planId = f.plan().id
    const sheet = await sheetXlsx(
      [HEADER, [POLLUTION], row('1', { lead: ' 区园林绿化局 ', units: '区生态环境局；区文化和旅游局\n区园林绿化局' })],
      ['A2:G2'],
    )
    const res = await importChecklist(t.app, admin, planId, sheet, { query: 'createUnits=true' })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().createdUnits.map((u: { name: string }) => u.name)).toEqual(['区园林绿化局', '区文化和旅游局'])
    const [item] = await itemsOf(planId)
    // The lead unit named again among the responsible ones is kept once, as the lead.
    expect(item).toMatchObject({ leadUnit: { name: '区园林绿化局' } })
    expect(item!.responsibleUnits.map((u) => u.name)).toEqual(['区生态环境局', '区文化和旅游局'])
    const units = (await as(t.app, admin).get('/api/v1/units')).json() as { name: string }[]
    expect(units.map((u) => u.name)).toContain('区文化和旅游局')
  })

  it('needs a heading above the items when the plan has task areas; takes headings as written when it has none', async () => {
    const sheet = await sheetXlsx([HEADER, row('1'), row('2'), ['一、自定任务'], row('3')], ['A4:G4'])
    const withAreas = await importChecklist(t.app, admin, f.plan().id, sheet)
    expect(withAreas.statusCode).toBe(422)
    const errors = withAreas.json().details.errors as { row: number; message: string }[]
    expect(errors.map((e) => e.row)).toEqual([2, 4])
    expect(errors[0]!.message).toContain('rows 2–3 come before any task-area heading row')
    expect(errors[1]!.message).toContain('the heading "一、自定任务" is not a task area of this plan')
    const planWithout = f.plan({ categories: [] }).id
    const res = await importChecklist(t.app, admin, planWithout, sheet)
    expect(res.statusCode, res.body).toBe(201)
    expect((await itemsOf(planWithout)).map((i) => [i.code, i.category])).toEqual([
      ['1', ''],
      ['2', ''],
      ['3', '自定任务'],
    ])
  })
})

describe('the request', () => {
  it('is for admins and supervisors only', async () => {
    const planId = f.plan().id
    const unit = f.unit()
    for (const token of [f.token('leader'), f.token('unit', unit.id)]) {
      const res = await importChecklist(t.app, token, planId, FIXTURE)
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('ROLE_NOT_PERMITTED')
    }
    expect(await itemsOf(planId)).toHaveLength(0)
  })

  it('answers 404 for a plan that does not exist, 415 without multipart, 400 without a file', async () => {
    expect((await importChecklist(t.app, admin, 99_999, FIXTURE)).json()).toMatchObject({ statusCode: 404, code: 'PLAN_NOT_FOUND' })
    const planId = f.plan().id
    const json = await as(t.app, admin).post(`/api/v1/plans/${planId}/import`, { file: 'x' })
    expect(json.json()).toMatchObject({ statusCode: 415, code: 'NOT_MULTIPART' })
    const boundary = 'b0'
    const empty = await t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${planId}/import`,
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="mode"\r\n\r\ncreate\r\n--${boundary}--\r\n`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${admin}` },
    })
    expect(empty.json()).toMatchObject({ statusCode: 400, code: 'FILE_REQUIRED' })
  })
})

describe('limits', () => {
  let small: TestApp
  let token: string
  let planId: number
  beforeAll(async () => {
    // 10 000 bytes uploaded, so 100 000 unpacked; 10 rows.
    small = await createTestApp({ env: { IMPORT_MAX_BYTES: '10000', IMPORT_MAX_ROWS: '10' } })
    const sf = factories(small.app)
    for (const name of demoUnits) sf.unit(name)
    token = sf.token('admin')
    planId = sf.plan().id
  })
  afterAll(async () => small.close())

  async function refused(content: Buffer) {
    const res = await importChecklist(small.app, token, planId, content)
    const items = small.database.sqlite.prepare('select count(*) n from items').get() as { n: number }
    const units = small.database.sqlite.prepare('select count(*) n from units').get() as { n: number }
    expect(items.n, 'nothing written').toBe(0)
    expect(units.n).toBe(demoUnits.length)
    return { status: res.statusCode, code: res.json().code as string, message: res.json().message as string }
  }

  it('refuses a file over the size limit', async () => {
    expect(FIXTURE.length).toBeGreaterThan(10_000)
    expect(await refused(FIXTURE)).toMatchObject({
      status: 413,
      code: 'FILE_TOO_LARGE',
      message: expect.stringContaining('IMPORT_MAX_BYTES'),
    })
  })

  it('refuses what is not an .xlsx', async () => {
    expect(await refused(pdf())).toMatchObject({ status: 415, code: 'NOT_XLSX', message: expect.stringContaining('not an .xlsx') })
    expect(await refused(await docx())).toMatchObject({ status: 415, code: 'NOT_XLSX' })
  })

  it('refuses a zip bomb before unpacking it', async () => {
    const bomb = await zipBomb(2_000_000)
    expect(bomb.length).toBeLessThan(10_000)
    expect(await refused(bomb)).toMatchObject({ status: 413, code: 'UNPACKED_TOO_LARGE' })
    expect(await refused(await withMergedRange('A1:XFD1048576'))).toMatchObject({ status: 413, code: 'MERGES_TOO_LARGE' })
  })

  it('refuses more rows than IMPORT_MAX_ROWS, whether the sheet is huge or just over', async () => {
    const huge = await manyRows(300)
    expect(huge.length).toBeLessThan(10_000)
    expect(await refused(huge)).toMatchObject({ status: 413, code: 'TOO_MANY_ROWS' })
    const justOver = await sheetXlsx([HEADER, [POLLUTION], ...Array.from({ length: 10 }, (_, i) => row(String(i + 1)))], ['A2:G2'])
    expect(await refused(justOver)).toMatchObject({
      status: 413,
      code: 'TOO_MANY_ROWS',
      message: expect.stringContaining('11 rows; at most 10'),
    })
    const atLimit = await sheetXlsx([HEADER, [POLLUTION], ...Array.from({ length: 9 }, (_, i) => row(String(i + 1)))], ['A2:G2'])
    expect((await importChecklist(small.app, token, planId, atLimit)).statusCode).toBe(201)
  })
})
