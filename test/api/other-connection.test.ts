import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseFile, openDatabase, type DatabaseHandle } from '../../db/client.ts'
import { loadConfig } from '../../server/config.ts'
import { createServices } from '../../server/services.ts'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'
import { browser, webAccount } from '../helpers/web.ts'

// A script (npm run import, npm run token, a maintenance job) writes through its own connection to the same file.
// Nothing the server answers may be older than what such a write committed.
let t: TestApp
let other: DatabaseHandle
beforeAll(async () => {
  t = await createTestApp()
  other = openDatabase(databaseFile(t.dataDir))
})
afterAll(async () => {
  other.close()
  await t.close()
})

describe('a write through another connection', () => {
  it('is seen at once by item reads and lists, each read right after the other', async () => {
    const f = factories(t.app)
    const unitA = f.unit('区生态环境局')
    const unitB = f.unit('区城管执法局')
    const plan = f.plan()
    const tokenA = f.token('unit', unitA.id)
    const supervisor = f.token('supervisor')
    const item = f.item(plan.id, unitA.id, { code: 'S-1', problem: '原来的问题' })
    const script = createServices({ database: other, clock: t.clock, config: loadConfig({ DATA_DIR: t.dataDir, JOBS: 'off' }) })
    const admin = { kind: 'account' as const, accountId: 1, name: 'script', role: 'admin' as const, unitId: null }
    const listUrl = `/api/v1/items?leadUnitId=${unitA.id}&limit=50`

    // Read first, so that anything a cache kept would be there to serve.
    expect((await as(t.app, tokenA).get(`/api/v1/items/${item.id}`)).json()).toMatchObject({ problem: '原来的问题', version: 1 })
    expect((await as(t.app, tokenA).get(listUrl)).json()).toMatchObject({ total: 1, items: [{ id: item.id, problem: '原来的问题' }] })

    script.items.edit(admin, item.id, 1, { problem: '脚本改过的问题' })
    expect((await as(t.app, tokenA).get(`/api/v1/items/${item.id}`)).json()).toMatchObject({ problem: '脚本改过的问题', version: 2 })
    expect((await as(t.app, tokenA).get(listUrl)).json()).toMatchObject({ total: 1, items: [{ problem: '脚本改过的问题', version: 2 }] })

    // A new item, a renamed unit: in the next list and read.
    const added = script.items.create(admin, plan.id, {
      code: 'S-2',
      category: '打好污染防治攻坚战',
      problem: '脚本新增的问题',
      target: '整改到位',
      measures: '开展检查',
      leadUnitId: unitA.id,
      responsibleUnitIds: [],
      deadlineKind: 'date',
      deadline: '2018-12-31',
    })
    other.sqlite.prepare('UPDATE units SET name = ? WHERE id = ?').run('区生态环境局（更名）', unitA.id)
    const list = (await as(t.app, tokenA).get(listUrl)).json()
    expect(list.total).toBe(2)
    expect(list.items.map((i: { id: number }) => i.id)).toEqual([item.id, added.id])
    expect(list.items.map((i: { leadUnit: { name: string } }) => i.leadUnit.name)).toEqual(['区生态环境局（更名）', '区生态环境局（更名）'])
    expect((await as(t.app, tokenA).get(`/api/v1/items/${added.id}`)).json()).toMatchObject({ leadUnit: { name: '区生态环境局（更名）' } })

    // The item handed to another unit: gone from the first unit's reads and lists at once.
    const current = (await as(t.app, supervisor).get(`/api/v1/items/${item.id}`)).json()
    script.items.edit(admin, item.id, current.version, { leadUnitId: unitB.id })
    expect((await as(t.app, tokenA).get(`/api/v1/items/${item.id}`)).statusCode).toBe(404)
    expect((await as(t.app, tokenA).get(listUrl)).json()).toMatchObject({ total: 1, items: [{ id: added.id }] })

    // A transition by the script: the status, version and allowed actions move at once.
    const before = (await as(t.app, tokenA).get(`/api/v1/items/${added.id}`)).json()
    script.items.transition({ ...admin, role: 'supervisor' }, added.id, { action: 'start', expectedVersion: before.version })
    expect((await as(t.app, tokenA).get(`/api/v1/items/${added.id}`)).json()).toMatchObject({
      status: 'in_progress',
      version: before.version + 1,
      allowedActions: ['request_closure'],
    })
    expect((await as(t.app, tokenA).get(`${listUrl}&status=assigned`)).json()).toMatchObject({ total: 0, items: [] })
  })

  it('a script writing SQL of its own: a change of an item row is refused unless its version moves, and seen at once when it does', async () => {
    const f = factories(t.app)
    const unit = f.unit('区水务局')
    const item = f.item(f.plan().id, unit.id, { code: 'R-1', problem: '河道垃圾清理不及时' })
    const token = f.token('unit', unit.id)
    const listUrl = `/api/v1/items?leadUnitId=${unit.id}&limit=50`
    // Read whole and in a list first, so that the rows' own columns are kept at version 1.
    expect((await as(t.app, token).get(`/api/v1/items/${item.id}`)).json()).toMatchObject({ problem: '河道垃圾清理不及时', version: 1 })
    expect((await as(t.app, token).get(listUrl)).json()).toMatchObject({ items: [{ problem: '河道垃圾清理不及时' }] })

    const update = (sql: string) => () => other.sqlite.prepare(sql).run('河道垃圾日产日清', item.id)
    expect(update('UPDATE items SET problem = ? WHERE id = ?')).toThrow(/items\.version must grow/)
    expect(update('UPDATE items SET problem = ?, version = version - 1 WHERE id = ?')).toThrow(/items\.version must grow/)
    // Nothing of a refused statement was written.
    expect((await as(t.app, token).get(`/api/v1/items/${item.id}`)).json()).toMatchObject({ problem: '河道垃圾清理不及时', version: 1 })

    update('UPDATE items SET problem = ?, target = problem, version = version + 1 WHERE id = ?')()
    expect((await as(t.app, token).get(listUrl)).json()).toMatchObject({ items: [{ problem: '河道垃圾日产日清', version: 2 }] })
    expect((await as(t.app, token).get(`/api/v1/items/${item.id}`)).json()).toMatchObject({
      problem: '河道垃圾日产日清',
      target: '河道垃圾清理不及时',
      version: 2,
    })
  })

  it('a change this process rolled back is never served, even once another process commits that version', async () => {
    const f = factories(t.app)
    const unit = f.unit('区交通委员会')
    const item = f.item(f.plan().id, unit.id, { code: 'T-1', problem: '原来的文字' })
    const token = f.token('unit', unit.id)
    const s = t.app.services
    const admin = { kind: 'account' as const, accountId: 1, name: 'admin', role: 'admin' as const, unitId: null }
    expect(() =>
      s.transact(() => {
        s.items.edit(admin, item.id, 1, { problem: '没有提交的文字' })
        // Read back inside the transaction, at version 2, as a command building its answer does.
        expect(s.items.get(admin, item.id)).toMatchObject({ problem: '没有提交的文字', version: 2 })
        throw new Error('rolled back')
      }),
    ).toThrow('rolled back')

    // Version 2 committed by a script, with other text: what every read shows.
    const script = createServices({ database: other, clock: t.clock, config: loadConfig({ DATA_DIR: t.dataDir, JOBS: 'off' }) })
    script.items.edit(admin, item.id, 1, { problem: '脚本提交的文字' })
    expect((await as(t.app, token).get(`/api/v1/items/${item.id}`)).json()).toMatchObject({ problem: '脚本提交的文字', version: 2 })
    expect((await as(t.app, token).get(`/api/v1/items?leadUnitId=${unit.id}`)).json()).toMatchObject({
      items: [{ problem: '脚本提交的文字', version: 2 }],
    })
  })

  it("is seen at once on the workbench's list of items, read right before and after", async () => {
    const f = factories(t.app)
    const unit = f.unit('区应急管理局')
    const item = f.item(f.plan().id, unit.id, { code: 'W-1', problem: '工作台上原来的问题' })
    const person = await webAccount(t.app, 'unit', unit.id)
    const b = browser(t.app)
    await b.signIn(person.login, person.password)
    expect((await b.get('/items')).body).toContain('工作台上原来的问题')

    const script = createServices({ database: other, clock: t.clock, config: loadConfig({ DATA_DIR: t.dataDir, JOBS: 'off' }) })
    const admin = { kind: 'account' as const, accountId: 1, name: 'script', role: 'admin' as const, unitId: null }
    script.items.edit(admin, item.id, 1, { problem: '脚本在工作台外改的问题' })
    const page = (await b.get('/items')).body
    expect(page).toContain('脚本在工作台外改的问题')
    expect(page).not.toContain('工作台上原来的问题')
  })

  it('disabling an account through another connection refuses its token on the next request', async () => {
    const f = factories(t.app)
    const { account, token } = f.account('leader')
    expect((await as(t.app, token).get('/api/v1/items')).statusCode).toBe(200)
    other.sqlite.prepare("UPDATE accounts SET disabled_at = '2018-10-15T02:00:00.000Z' WHERE id = ?").run(account.id)
    expect((await as(t.app, token).get('/api/v1/items')).statusCode).toBe(401)
  })
})
