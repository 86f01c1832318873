import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { databaseFile, openDatabase, type DatabaseHandle } from '../../db/client.ts'
import { loadConfig } from '../../server/config.ts'
import { createServices } from '../../server/services.ts'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'

// A list is a page of ids, the records of those ids (kept or read), and a count: three statements. Another process
// committing between them must not make a page that mixes two states of the database.
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

describe('a commit by another connection in the middle of a list', () => {
  it('is never half in the page: a unit does not see an item taken from it, with the text written for its new unit', async () => {
    const f = factories(t.app)
    const unitA = f.unit('区水务局')
    const unitB = f.unit('区园林绿化局')
    const plan = f.plan()
    const tokenB = f.token('unit', unitB.id)
    const item = f.item(plan.id, unitB.id, { code: 'M-1', problem: '原问题' })
    const script = createServices({ database: other, clock: t.clock, config: loadConfig({ DATA_DIR: t.dataDir, JOBS: 'off' }) })
    const admin = { kind: 'account' as const, accountId: 1, name: 'script', role: 'admin' as const, unitId: null }

    // The list once first, so that its statements are prepared and the request below runs in one short stretch.
    const url = '/api/v1/items?status=assigned'
    expect((await as(t.app, tokenB).get(url)).json()).toMatchObject({ total: 1, items: [{ id: item.id, problem: '原问题' }] })
    // The other process's edit lands right after the page's ids were read.
    const statements = Object.getPrototypeOf(t.database.sqlite.prepare('SELECT 1')) as { all: (...args: unknown[]) => unknown[] }
    const all = statements.all
    let armed = true
    statements.all = function (this: { source: string }, ...args: unknown[]) {
      const rows = all.apply(this, args)
      if (armed && this.source.startsWith('select "id" from "items"')) {
        armed = false
        script.items.edit(admin, item.id, 1, { leadUnitId: unitA.id, problem: '移交后只给区水务局看的内容' })
      }
      return rows
    }
    // The edit takes this thread milliseconds; another process's takes it none. A clock that stands still says so.
    vi.useFakeTimers({ toFake: ['performance'] })
    try {
      // Another page size: not the page kept from the first list.
      const page = (await as(t.app, tokenB).get(`${url}&limit=20`)).json()
      expect(armed).toBe(false)
      expect(page).toEqual({ items: [], nextCursor: null, total: 0 })
    } finally {
      vi.useRealTimers()
      statements.all = all
    }
    expect((await as(t.app, tokenB).get(`/api/v1/items/${item.id}`)).statusCode).toBe(404)
  })

  it("a row that moves on between an item's version and its columns is read again, whole, at one version", async () => {
    const f = factories(t.app)
    const unitA = f.unit('区城市管理委员会')
    const unitB = f.unit('区住房和城乡建设委员会')
    const plan = f.plan()
    const supervisor = f.token('supervisor')
    const item = f.item(plan.id, unitA.id, { code: 'V-1', problem: '第一版' })
    const script = createServices({ database: other, clock: t.clock, config: loadConfig({ DATA_DIR: t.dataDir, JOBS: 'off' }) })
    const admin = { kind: 'account' as const, accountId: 1, name: 'script', role: 'admin' as const, unitId: null }
    type Shown = { version: number; problem: string; leadUnit: { id: number; name: string } }
    const read = async () => {
      const list = (await as(t.app, supervisor).get(`/api/v1/items?planId=${plan.id}&limit=50`)).json()
      const whole = (await as(t.app, supervisor).get(`/api/v1/items/${item.id}`)).json()
      return [list.items[0], whole].map((i: Shown) => ({ version: i.version, problem: i.problem, leadUnit: i.leadUnit }))
    }
    const a = { id: unitA.id, name: '区城市管理委员会' }
    const b = { id: unitB.id, name: '区住房和城乡建设委员会' }
    // Read once, so that version 1's columns are kept; then version 2 is written, so that the next reads miss them.
    expect(await read()).toEqual([
      { version: 1, problem: '第一版', leadUnit: a },
      { version: 1, problem: '第一版', leadUnit: a },
    ])
    script.items.edit(admin, item.id, 1, { problem: '第二版' })

    // Each read's first statement (versions, lead unit's name, related rows) sees version 2; the script then writes
    // the next version, handing the item to the other unit, before the statement of the row's own columns.
    const proto = Object.getPrototypeOf(t.database.sqlite.prepare('SELECT 1')) as Record<'all' | 'get', (...args: unknown[]) => unknown>
    const original = { all: proto.all, get: proto.get }
    const next = [
      { version: 2, problem: '第三版', leadUnitId: unitB.id },
      { version: 3, problem: '第四版', leadUnitId: unitA.id },
    ]
    const edits: number[] = []
    for (const method of ['all', 'get'] as const) {
      proto[method] = function (this: { source: string; database: unknown }, ...args: unknown[]) {
        const result = original[method].apply(this, args)
        const edit = next[edits.length]
        // The server's statements only (the script's own edit reads through the same kind of statement).
        if (edit && this.database === t.database.sqlite && this.source.startsWith('SELECT i.id, i.version, u.name')) {
          edits.push(edit.version)
          script.items.edit(admin, item.id, edit.version, { problem: edit.problem, leadUnitId: edit.leadUnitId })
        }
        return result
      }
    }
    vi.useFakeTimers({ toFake: ['performance'] })
    try {
      // Never one version's lead unit named as another's: each read answers whole at the version it ends on.
      expect(await read()).toEqual([
        { version: 3, problem: '第三版', leadUnit: b },
        { version: 4, problem: '第四版', leadUnit: a },
      ])
      expect(edits).toEqual([2, 3])
    } finally {
      vi.useRealTimers()
      Object.assign(proto, original)
    }
  })
})
