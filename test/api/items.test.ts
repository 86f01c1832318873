import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseFile, openDatabase } from '../../db/client.ts'
import { loadConfig } from '../../server/config.ts'
import { createServices } from '../../server/services.ts'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'

let t: TestApp
let f: ReturnType<typeof factories>
let planId: number
let unitA: { id: number }
let unitB: { id: number }
let unitC: { id: number }
let admin: string
let supervisor: string
let tokenA: string
let tokenB: string

beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
  f = factories(t.app)
  planId = f.plan().id
  unitA = f.unit('区生态环境局')
  unitB = f.unit('区住房城乡建设委')
  unitC = f.unit('区城市管理委')
  admin = f.token('admin')
  supervisor = f.token('supervisor')
  tokenA = f.token('unit', unitA.id)
  tokenB = f.token('unit', unitB.id)
})
afterAll(async () => t.close())

const validItem = () => ({
  code: '2-1',
  category: '打好污染防治攻坚战',
  problem: '施工扬尘污染问题突出',
  target: '建筑工地扬尘治理达标',
  measures: '1. 开展专项检查',
  leadUnitId: unitA.id,
  responsibleUnitIds: [unitC.id],
  deadlineKind: 'date',
  deadline: '2018-12-31',
})

describe('creating items', () => {
  it('creates an item with its first audit event, and reads it back', async () => {
    const res = await as(t.app, supervisor).post(`/api/v1/plans/${planId}/items`, validItem())
    expect(res.statusCode, res.body).toBe(201)
    const item = res.json()
    expect(item).toMatchObject({
      code: '2-1',
      status: 'assigned',
      version: 1,
      overdue: false,
      daysOverdue: 0,
      leadUnit: { id: unitA.id, name: '区生态环境局' },
      responsibleUnits: [{ id: unitC.id, name: '区城市管理委' }],
      allowedActions: ['start'],
    })
    expect(res.headers.etag).toBe('"1"')
    const events = (await as(t.app, supervisor).get(`/api/v1/items/${item.id}/events`)).json()
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ action: 'create', toStatus: 'assigned', actor: { role: 'supervisor' } })
  })

  it.each([
    [{ code: '2-1' }, 409, 'DUPLICATE_ITEM_CODE'],
    [{ code: '2-99', leadUnitId: 9999 }, 404, 'UNIT_NOT_FOUND'],
    [{ code: '2-99', category: '不存在的领域' }, 400, 'UNKNOWN_CATEGORY'],
    [{ code: '2-99', deadline: null }, 400, 'INVALID_DEADLINE'],
    [{ code: '2-99', deadline: '2018-02-30' }, 400, 'VALIDATION_FAILED'],
    [{ code: '2-99', extra: 'x' }, 400, 'VALIDATION_FAILED'],
    [{ code: '2-99', deadlineKind: 'soon' }, 400, 'VALIDATION_FAILED'],
    [{ code: '   ' }, 400, 'VALIDATION_FAILED'],
  ])('refuses %j with %i %s and writes nothing', async (patch, status, code) => {
    const before = (await as(t.app, admin).get(`/api/v1/items?planId=${planId}`)).json().total
    const res = await as(t.app, supervisor).post(`/api/v1/plans/${planId}/items`, { ...validItem(), ...patch })
    expect(res.statusCode, res.body).toBe(status)
    expect(res.json()).toMatchObject({ statusCode: status, code })
    expect((await as(t.app, admin).get(`/api/v1/items?planId=${planId}`)).json().total).toBe(before)
  })

  it('a unit listed twice, or the lead unit listed as responsible, is refused', async () => {
    const twice = await as(t.app, supervisor).post(`/api/v1/plans/${planId}/items`, {
      ...validItem(),
      code: '2-98',
      responsibleUnitIds: [unitC.id, unitC.id],
    })
    expect(twice.json()).toMatchObject({ statusCode: 400, code: 'DUPLICATE_RESPONSIBLE_UNIT' })
    const lead = await as(t.app, supervisor).post(`/api/v1/plans/${planId}/items`, {
      ...validItem(),
      code: '2-98',
      responsibleUnitIds: [unitA.id],
    })
    expect(lead.json()).toMatchObject({ statusCode: 400, code: 'LEAD_UNIT_ALSO_RESPONSIBLE' })
  })

  it('a validation error names the fields', async () => {
    const { code: _omit, ...body } = validItem()
    const res = await as(t.app, supervisor).post(`/api/v1/plans/${planId}/items`, { ...body, surprise: 1 })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toMatch(/body\.(code|surprise)/)
  })

  it('a plan that does not exist is 404', async () => {
    const res = await as(t.app, supervisor).post('/api/v1/plans/999/items', validItem())
    expect(res.json()).toMatchObject({ statusCode: 404, code: 'PLAN_NOT_FOUND' })
  })
})

describe('scoping: a unit sees only items it leads or shares', () => {
  let itemOfA: number
  let itemOfB: number
  let sharedWithA: number
  beforeAll(() => {
    itemOfA = f.item(planId, unitA.id, { code: 'S-1', problem: '餐饮油烟扰民' }).id
    itemOfB = f.item(planId, unitB.id, { code: 'S-2', problem: '餐饮油烟直排' }).id
    sharedWithA = f.item(planId, unitB.id, { code: 'S-3', responsibleUnitIds: [unitA.id], problem: '餐饮油烟净化设施' }).id
  })

  it('reads: own and shared items 200, another unit’s 404 (not 403, so existence does not leak)', async () => {
    expect((await as(t.app, tokenA).get(`/api/v1/items/${itemOfA}`)).statusCode).toBe(200)
    expect((await as(t.app, tokenA).get(`/api/v1/items/${sharedWithA}`)).statusCode).toBe(200)
    const res = await as(t.app, tokenA).get(`/api/v1/items/${itemOfB}`)
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('ITEM_NOT_FOUND')
    expect((await as(t.app, tokenA).get(`/api/v1/items/${itemOfB}/events`)).statusCode).toBe(404)
    // The same answer as for an item that does not exist at all.
    expect((await as(t.app, tokenA).get('/api/v1/items/987654')).json()).toEqual(
      res.json().code === 'ITEM_NOT_FOUND' ? { ...res.json(), message: 'Item 987654 not found' } : {},
    )
  })

  it('lists, counts and search never include another unit’s items, whatever the filters say', async () => {
    const all = (await as(t.app, tokenA).get(`/api/v1/items?limit=200`)).json()
    const ids = all.items.map((i: { id: number }) => i.id)
    expect(ids).toContain(itemOfA)
    expect(ids).toContain(sharedWithA)
    expect(ids).not.toContain(itemOfB)
    expect(all.total).toBe(all.items.length)
    const search = (await as(t.app, tokenA).get(`/api/v1/items?q=${encodeURIComponent('油烟')}`)).json()
    expect(search.items.map((i: { code: string }) => i.code).sort()).toEqual(['S-1', 'S-3'])
    expect(search.total).toBe(2)
    const asking = (await as(t.app, tokenA).get(`/api/v1/items?leadUnitId=${unitB.id}`)).json()
    expect(asking.items.map((i: { id: number }) => i.id)).toEqual([sharedWithA])
    expect(asking.total).toBe(1)
    const byUnitB = (await as(t.app, tokenB).get(`/api/v1/items?q=${encodeURIComponent('油烟')}`)).json()
    expect(byUnitB.items.map((i: { code: string }) => i.code).sort()).toEqual(['S-2', 'S-3'])
  })

  it('staff roles see everything', async () => {
    const list = (await as(t.app, supervisor).get(`/api/v1/items?q=${encodeURIComponent('油烟')}`)).json()
    expect(list.total).toBe(3)
  })
})

describe('filters and search', () => {
  beforeAll(() => {
    f.item(planId, unitC.id, { code: 'F-1', problem: '施工扬尘污染', category: '打好污染防治攻坚战', deadline: '2018-10-14' })
    const other = { target: '水质达标', measures: '1. 清淤疏浚' }
    f.item(planId, unitC.id, {
      ...other,
      code: 'F-2',
      problem: '黑臭水体治理滞后',
      category: '加强城市治理能力建设',
      deadline: '2018-10-15',
    })
    f.item(planId, unitC.id, { ...other, code: 'F-3', problem: '网格化监管不到位', deadlineKind: 'long_term', deadline: null })
  })
  const codes = async (query: string) =>
    ((await as(t.app, admin).get(`/api/v1/items?leadUnitId=${unitC.id}&${query}`)).json().items as { code: string }[]).map((i) => i.code)

  it('a two-character Chinese term finds a longer phrase (扬尘 → 施工扬尘污染)', async () => {
    expect(await codes(`q=${encodeURIComponent('扬尘')}`)).toEqual(['F-1'])
    expect(await codes(`q=${encodeURIComponent('黑臭')}`)).toEqual(['F-2'])
    expect(await codes(`q=F-3`)).toEqual(['F-3'])
    expect(await codes(`q=${encodeURIComponent('%')}`)).toEqual([])
  })

  it('by category, status and overdue (deadline before today in Beijing)', async () => {
    expect(await codes(`category=${encodeURIComponent('加强城市治理能力建设')}`)).toEqual(['F-2'])
    expect(await codes('status=assigned')).toEqual(['F-1', 'F-2', 'F-3'])
    expect(await codes('status=closed')).toEqual([])
    expect(await codes('overdue=true')).toEqual(['F-1'])
    expect(await codes('overdue=false')).toEqual(['F-2', 'F-3'])
    const item = (await as(t.app, admin).get(`/api/v1/items?leadUnitId=${unitC.id}&overdue=true`)).json().items[0]
    expect(item).toMatchObject({ overdue: true, daysOverdue: 1 })
  })

  it('a list gives summaries by default, and with view=full the items exactly as their own reads give them', async () => {
    const summary = (await as(t.app, tokenA).get(`/api/v1/items?leadUnitId=${unitC.id}&q=F-1`)).json().items
    const full = (await as(t.app, admin).get(`/api/v1/items?leadUnitId=${unitC.id}&view=full`)).json().items as {
      id: number
      code: string
    }[]
    expect(summary).toEqual([]) // unit A has no part in unit C's items, in either view
    const [entry] = (await as(t.app, admin).get(`/api/v1/items?leadUnitId=${unitC.id}&q=F-1`)).json().items
    expect(entry).toMatchObject({
      code: 'F-1',
      problem: '施工扬尘污染',
      leadUnit: { id: unitC.id },
      overdue: true,
      daysOverdue: 1,
      lagging: false,
      version: 1,
    })
    expect(entry.allowedActions).toEqual([])
    for (const field of ['target', 'measures', 'responsibleUnits', 'responsibleUnitIds', 'evidenceCount', 'noticeEndsAt']) {
      expect(entry, field).not.toHaveProperty(field)
    }
    expect(full.map((i) => i.code)).toEqual(['F-1', 'F-2', 'F-3'])
    for (const item of full) expect(item).toEqual((await as(t.app, admin).get(`/api/v1/items/${item.id}`)).json())
    expect((await as(t.app, admin).get(`/api/v1/items?view=everything`)).statusCode).toBe(400)
  })

  it('bad filter values are 400', async () => {
    for (const q of [
      'status=done',
      'overdue=perhaps',
      'limit=0',
      'limit=1000',
      'planId=abc',
      'cursor=%%%',
      'cursor=bm9wZQ',
      'nonsense=1',
    ]) {
      const res = await as(t.app, admin).get(`/api/v1/items?${q}`)
      expect(res.statusCode, q).toBe(400)
    }
  })
})

describe('what reads send', () => {
  it('texts come back exactly as written, whatever characters they hold, in a read and in a list', async () => {
    const problem = '引号"反斜杠\\换行\n制表\t控制\u0001表情😀 </script> 扬尘'
    const item = f.item(planId, unitB.id, { code: 'J-"1"', problem, measures: '1. 清单\r\n2. 巡查' })
    const read = await as(t.app, tokenB).get(`/api/v1/items/${item.id}`)
    expect(read.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(Number(read.headers['content-length'])).toBe(Buffer.byteLength(read.body))
    expect(read.json()).toMatchObject({ code: 'J-"1"', problem, measures: '1. 清单\r\n2. 巡查' })
    const list = await as(t.app, tokenB).get(`/api/v1/items?leadUnitId=${unitB.id}&limit=1`)
    expect(list.headers['content-type']).toBe('application/json; charset=utf-8')
    const body = list.json()
    expect(Object.keys(body)).toEqual(['items', 'nextCursor', 'total'])
    expect(body.items).toHaveLength(1)
    const page = (await as(t.app, tokenB).get(`/api/v1/items?leadUnitId=${unitB.id}&q=${encodeURIComponent('表情😀')}`)).json()
    expect(page).toEqual({ items: [expect.objectContaining({ id: item.id, code: 'J-"1"', problem })], nextCursor: null, total: 1 })
  })

  it('what depends on the day moves with the clock, though the item does not change', async () => {
    const item = f.item(planId, unitB.id, { code: 'D-1', deadline: '2018-10-10' })
    const daysOverdue = async () => [
      (await as(t.app, tokenB).get(`/api/v1/items/${item.id}`)).json().daysOverdue,
      (await as(t.app, tokenB).get(`/api/v1/items?leadUnitId=${unitB.id}&q=D-1`)).json().items[0].daysOverdue,
    ]
    expect(await daysOverdue()).toEqual([5, 5])
    t.clock.advanceMs(24 * 3600 * 1000)
    try {
      expect(await daysOverdue()).toEqual([6, 6])
    } finally {
      t.clock.advanceMs(-24 * 3600 * 1000)
    }
    expect(await daysOverdue()).toEqual([5, 5])
  })
})

describe('cursor pagination', () => {
  it('never skips or repeats an item while items are being added', async () => {
    const plan = f.plan({ title: '分页测试' })
    const unit = f.unit()
    for (let i = 0; i < 25; i++) f.item(plan.id, unit.id, { code: `P-${i}` })
    const seen: number[] = []
    let cursor: string | null = null
    let added = 0
    do {
      const url: string = `/api/v1/items?planId=${plan.id}&limit=7${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await as(t.app, admin).get(url)).json()
      seen.push(...page.items.map((i: { id: number }) => i.id))
      cursor = page.nextCursor
      // Items added between pages appear at the end, once.
      if (added < 3) f.item(plan.id, unit.id, { code: `P-new-${added++}` })
    } while (cursor)
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).toHaveLength(28)
    expect([...seen].sort((a, b) => a - b)).toEqual(seen)
  })
})

describe('another process editing an item', () => {
  it('its next read shows the new texts and version, in the item and in lists (nothing stale is served)', async () => {
    const item = f.item(planId, unitA.id, { code: 'X-1', problem: '原问题', target: '原目标', measures: '原措施' })
    expect((await as(t.app, admin).get(`/api/v1/items/${item.id}`)).json()).toMatchObject({ problem: '原问题', version: 1 })
    // A second connection to the same file, as a script (npm run import) would open it.
    const other = openDatabase(databaseFile(t.dataDir))
    try {
      const services = createServices({ database: other, clock: t.clock, config: loadConfig({ DATA_DIR: t.dataDir, JOBS: 'off' }) })
      const adminActor = { kind: 'account' as const, accountId: 1, name: 'script', role: 'admin' as const, unitId: null }
      services.items.edit(adminActor, item.id, 1, { problem: '新问题', measures: '新措施' })
    } finally {
      other.close()
    }
    expect((await as(t.app, admin).get(`/api/v1/items/${item.id}`)).json()).toMatchObject({
      problem: '新问题',
      target: '原目标',
      measures: '新措施',
      version: 2,
    })
    const listed = (await as(t.app, admin).get(`/api/v1/items?q=X-1&view=full`)).json().items
    expect(listed).toMatchObject([{ id: item.id, problem: '新问题', measures: '新措施', version: 2 }])
  })
})

describe('what another connection writes without touching the item row', () => {
  // Reads are served from records kept while the database is unchanged: a change anywhere must end that at once.
  it('a renamed lead unit shows in the next read and list of its items', async () => {
    const unit = f.unit('区水务局')
    const item = f.item(planId, unit.id, { code: 'R-1' })
    expect((await as(t.app, admin).get(`/api/v1/items/${item.id}`)).json().leadUnit).toEqual({ id: unit.id, name: '区水务局' })
    expect((await as(t.app, admin).get(`/api/v1/items?leadUnitId=${unit.id}`)).json().items[0].leadUnit.name).toBe('区水务局')
    const other = openDatabase(databaseFile(t.dataDir))
    try {
      other.sqlite.prepare('UPDATE units SET name = ? WHERE id = ?').run('区水务局（更名）', unit.id)
    } finally {
      other.close()
    }
    const read = (await as(t.app, admin).get(`/api/v1/items/${item.id}`)).json()
    expect(read).toMatchObject({ leadUnit: { id: unit.id, name: '区水务局（更名）' }, version: 1 })
    expect((await as(t.app, admin).get(`/api/v1/items?leadUnitId=${unit.id}`)).json().items[0].leadUnit.name).toBe('区水务局（更名）')
  })

  it('the same list asked again shows an item added meanwhile, here or by another process, with the new total', async () => {
    const unit = f.unit('区商务局')
    const first = f.item(planId, unit.id, { code: 'L-1' })
    // Reading the first item before each list keeps its record current: the page itself must be asked again.
    const list = async () => {
      expect((await as(t.app, admin).get(`/api/v1/items/${first.id}`)).statusCode).toBe(200)
      return (await as(t.app, admin).get(`/api/v1/items?leadUnitId=${unit.id}&limit=10`)).json()
    }
    expect(await list()).toMatchObject({ total: 1, items: [{ code: 'L-1' }] })
    expect(await list()).toMatchObject({ total: 1 })
    const created = await as(t.app, supervisor).post(`/api/v1/plans/${planId}/items`, { ...validItem(), code: 'L-2', leadUnitId: unit.id })
    expect(created.statusCode, created.body).toBe(201)
    expect((await list()).items.map((i: { code: string }) => i.code)).toEqual(['L-1', 'L-2'])
    const other = openDatabase(databaseFile(t.dataDir))
    try {
      const services = createServices({ database: other, clock: t.clock, config: loadConfig({ DATA_DIR: t.dataDir, JOBS: 'off' }) })
      const script = { kind: 'account' as const, accountId: 1, name: 'script', role: 'admin' as const, unitId: null }
      services.items.create(script, planId, {
        ...validItem(),
        deadlineKind: 'date',
        code: 'L-3',
        leadUnitId: unit.id,
        responsibleUnitIds: [],
      })
    } finally {
      other.close()
    }
    expect(await list()).toMatchObject({ total: 3, items: [{ code: 'L-1' }, { code: 'L-2' }, { code: 'L-3' }] })
  })

  it('a disabled account is refused on its next request', async () => {
    const token = f.token('unit', unitA.id)
    expect((await as(t.app, token).get('/api/v1/items?limit=1')).statusCode).toBe(200)
    const other = openDatabase(databaseFile(t.dataDir))
    try {
      other.sqlite.prepare("UPDATE accounts SET disabled_at = '2018-10-15T03:00:00.000Z' WHERE id = (SELECT max(id) FROM accounts)").run()
    } finally {
      other.close()
    }
    expect((await as(t.app, token).get('/api/v1/items?limit=1')).json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' })
    expect((await as(t.app, tokenA).get('/api/v1/items?limit=1')).statusCode).toBe(200)
  })
})

describe('editing with If-Match', () => {
  let id: number
  beforeAll(() => {
    id = f.item(planId, unitA.id, { code: 'E-1' }).id
  })

  it('without If-Match → 428; stale → 409 with the current version; current → 200 and an event with the changes', async () => {
    expect((await as(t.app, supervisor).patch(`/api/v1/items/${id}`, { target: '新目标' })).json()).toMatchObject({
      statusCode: 428,
      code: 'PRECONDITION_REQUIRED',
    })
    const stale = await as(t.app, supervisor).patch(`/api/v1/items/${id}`, { target: '新目标' }, { 'if-match': '"7"' })
    expect(stale.statusCode).toBe(409)
    expect(stale.json()).toMatchObject({ code: 'VERSION_CONFLICT', details: { currentVersion: 1 } })
    const ok = await as(t.app, supervisor).patch(
      `/api/v1/items/${id}`,
      { target: '新目标', deadline: '2019-02-28', responsibleUnitIds: [unitB.id] },
      { 'if-match': '"1"' },
    )
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json()).toMatchObject({ version: 2, target: '新目标', deadline: '2019-02-28', responsibleUnitIds: [unitB.id] })
    expect(ok.headers.etag).toBe('"2"')
    const events = (await as(t.app, supervisor).get(`/api/v1/items/${id}/events`)).json()
    expect(events.at(-1)).toMatchObject({
      action: 'edit',
      details: {
        changes: {
          target: { from: '建筑工地扬尘治理全部达标', to: '新目标' },
          deadline: { from: '2018-12-31', to: '2019-02-28' },
          responsibleUnitIds: { from: [], to: [unitB.id] },
        },
      },
    })
    // The responsible unit now sees it.
    expect((await as(t.app, tokenB).get(`/api/v1/items/${id}`)).statusCode).toBe(200)
  })

  it('an invalid edit changes nothing', async () => {
    const before = (await as(t.app, supervisor).get(`/api/v1/items/${id}`)).json()
    for (const [body, status] of [
      [{ leadUnitId: 9999 }, 404],
      [{ deadlineKind: 'date', deadline: null }, 400],
      [{ status: 'closed' }, 400],
      [{}, 400],
      [{ responsibleUnitIds: [unitA.id] }, 400],
    ] as const) {
      const res = await as(t.app, supervisor).patch(`/api/v1/items/${id}`, body, { 'if-match': `"${before.version}"` })
      expect(res.statusCode, JSON.stringify(body) + res.body).toBe(status)
    }
    const after = (await as(t.app, supervisor).get(`/api/v1/items/${id}`)).json()
    expect(after).toEqual(before)
    expect((await as(t.app, supervisor).get(`/api/v1/items/${id}/events`)).json()).toHaveLength(2)
  })

  it('a unit may not edit, even its own item', async () => {
    const res = await as(t.app, tokenA).patch(`/api/v1/items/${id}`, { target: 'x' }, { 'if-match': '"2"' })
    expect(res.statusCode).toBe(403)
  })
})

describe('units, plans, accounts', () => {
  it('a duplicate unit name is 409, also after trimming', async () => {
    expect((await as(t.app, admin).post('/api/v1/units', { name: '区水务局' })).statusCode).toBe(201)
    const dup = await as(t.app, admin).post('/api/v1/units', { name: '  区水务局 ' })
    expect(dup.json()).toMatchObject({ statusCode: 409, code: 'UNIT_NAME_TAKEN' })
  })

  it('a plan with an unknown time zone is refused', async () => {
    const res = await as(t.app, admin).post('/api/v1/plans', { title: 't', issuedBy: 'i', categories: [], timezone: 'Nowhere/City' })
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'INVALID_TIMEZONE' })
  })

  it('an account created by an admin gets a token once, which then works; the list never shows tokens', async () => {
    const res = await as(t.app, admin).post('/api/v1/accounts', { name: '张三', role: 'unit', unitId: unitB.id })
    expect(res.statusCode).toBe(201)
    const { token, account } = res.json()
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect((await as(t.app, token).get('/api/v1/me')).json()).toMatchObject({ id: account.id, role: 'unit', unitName: '区住房城乡建设委' })
    const list = await as(t.app, admin).get('/api/v1/accounts')
    expect(list.body).not.toContain(token)
    const stored = t.database.sqlite.prepare('select token_hash from accounts where id = ?').get(account.id) as { token_hash: string }
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(stored.token_hash).not.toContain(token)
    expect((await as(t.app, admin).post('/api/v1/accounts', { name: 'x', role: 'unit' })).json().code).toBe('UNIT_REQUIRED')
  })
})

describe('errors', () => {
  it('malformed JSON → 400 INVALID_JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/units',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      payload: '{"name": ',
    })
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'INVALID_JSON', error: 'Bad Request' })
  })

  it('an oversized body → 413', async () => {
    const res = await as(t.app, admin).post('/api/v1/units', { name: 'x'.repeat(2 * 1024 * 1024) })
    expect(res.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' })
  })

  it('an unknown route → 404 in the same shape', async () => {
    expect((await as(t.app, admin).get('/api/v1/nothing')).json()).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' })
  })

  it('ids out of range are 400, not 500', async () => {
    for (const url of [
      '/api/v1/items/0',
      '/api/v1/items/-1',
      '/api/v1/items/99999999999999999999',
      '/api/v1/items/abc',
      '/api/v1/items/1.5',
    ]) {
      expect((await as(t.app, admin).get(url)).statusCode, url).toBe(400)
    }
  })

  it('a wrong content type → 415', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/units',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/xml' },
      payload: '<unit/>',
    })
    expect(res.json()).toMatchObject({ statusCode: 415 })
  })
})
