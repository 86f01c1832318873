import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

    // The other process's edit lands right after the page's ids were read (the statement is prepared on first use).
    const sqlite = t.database.sqlite
    const prepare = sqlite.prepare.bind(sqlite)
    let armed = true
    sqlite.prepare = ((source: string) => {
      const statement = prepare(source)
      if (armed && /^select "id" from "items"/.test(source)) {
        const all = statement.all.bind(statement)
        statement.all = ((...args: unknown[]) => {
          const ids = all(...(args as []))
          if (armed) {
            armed = false
            script.items.edit(admin, item.id, 1, { leadUnitId: unitA.id, problem: '移交后只给区水务局看的内容' })
          }
          return ids
        }) as typeof statement.all
      }
      return statement
    }) as typeof sqlite.prepare
    try {
      const page = (await as(t.app, tokenB).get('/api/v1/items?status=assigned')).json()
      expect(armed).toBe(false)
      expect(page).toEqual({ items: [], nextCursor: null, total: 0 })
    } finally {
      sqlite.prepare = prepare
    }
    expect((await as(t.app, tokenB).get(`/api/v1/items/${item.id}`)).statusCode).toBe(404)
  })
})
