import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoUnits } from '../../scripts/demo-data.ts'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'
import { CHECKLIST_HEADER as HEADER, sheetXlsx } from '../helpers/spreadsheets.ts'

// A checklist's preview runs the whole import and rolls it back; the items it created and edited were read back
// inside that transaction. The items' row cache (server/modules/items/row-cache.ts) must keep none of them: a
// rolled-back insert's id is given out again, and a rolled-back edit's version committed later with other content.
const POLLUTION = '二、打好污染防治攻坚战'
const row = (code: string, problem: string, lead = '区生态环境局') => [
  code,
  problem,
  '扬尘治理全部达标',
  '1.开展专项检查',
  lead,
  '',
  '2018年12月底前',
]
const admin = { kind: 'account' as const, accountId: 1, name: 'admin', role: 'admin' as const, unitId: null }

let t: TestApp
let f: ReturnType<typeof factories>
let token: string
beforeAll(async () => {
  t = await createTestApp()
  f = factories(t.app)
  for (const name of demoUnits) f.unit(name)
  token = f.token('admin')
})
afterAll(async () => t.close())

const sheet = async (...rows: string[][]) =>
  t.app.services.checklist.readWorkbook(await sheetXlsx([HEADER, [POLLUTION], ...rows], ['A2:G2']))
const read = async (id: number) => (await as(t.app, token).get(`/api/v1/items/${id}`)).json()

describe('the row cache after a rolled-back import preview', () => {
  it("serves the item that got a previewed item's id as it was created, not as previewed", async () => {
    const plan = f.plan()
    expect(t.app.services.checklist.previewImport(admin, plan.id, await sheet(row('9-1', '预览里的问题')), {}).ok).toBe(true)
    const unit = f.unit('区科学技术委员会')
    const created = f.item(plan.id, unit.id, { code: 'REAL-1', problem: '真实的问题' })
    expect(await read(created.id)).toMatchObject({
      code: 'REAL-1',
      problem: '真实的问题',
      leadUnit: { id: unit.id, name: '区科学技术委员会' },
    })
  })

  it('serves an item as committed after a previewed update of it, when the next version is written by a merge', async () => {
    const plan = f.plan()
    const lead = f.unit('区体育局')
    const item = f.item(plan.id, lead.id, { code: '8-1', problem: '原来的问题' })
    const preview = t.app.services.checklist.previewImport(admin, plan.id, await sheet(row('8-1', '预览改的问题', '区体育局')), {
      mode: 'update',
    })
    expect(preview.ok).toBe(true)
    const into = f.unit('区文化和旅游局')
    t.app.services.units.merge(admin, lead.id, into.id)
    expect(await read(item.id)).toMatchObject({ version: 2, problem: '原来的问题', leadUnit: { id: into.id, name: '区文化和旅游局' } })
  })

  it('serves an imported item with the time it was imported, not previewed', async () => {
    const plan = f.plan()
    const rows = await sheet(row('7-1', '问题'))
    t.app.services.checklist.previewImport(admin, plan.id, rows, {})
    t.clock.set('2018-10-16T02:00:00.000Z')
    const id = t.app.services.checklist.importSheet(admin, plan.id, rows, {}).items[0]!.id
    expect(await read(id)).toMatchObject({ createdAt: '2018-10-16T02:00:00.000Z', updatedAt: '2018-10-16T02:00:00.000Z' })
  })
})
