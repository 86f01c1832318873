import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import type { ItemListFilters } from '../../server/modules/items/items.service.ts'
import { createTestApp, factories, type TestApp } from '../helpers/app.ts'

// `items.listAll` is what the workbench's to-do lists and queues read: every match in one pass, with no count after
// each page. It must find exactly what paging through `items.list` finds, in the same order, and keep to the
// asker's scope.

let t: TestApp
let lead: { id: number }
let partner: { id: number }
const supervisor: AccountActor = { kind: 'account', accountId: 0, name: '督查员', role: 'supervisor', unitId: null }
const unitActor = (unitId: number): AccountActor => ({ kind: 'account', accountId: 0, name: '经办人', role: 'unit', unitId })

beforeAll(async () => {
  // 2018-10-15 in Shanghai: items due 2018-10-01 are overdue, those due 2018-12-31 are not.
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
  const f = factories(t.app)
  lead = f.unit('区生态环境局')
  partner = f.unit('区住房城乡建设委')
  const plan = f.plan()
  for (let i = 0; i < 45; i++) {
    // Alternate lead units, every third overdue, every fifth shared with the other unit.
    const ownUnit = i % 2 === 0 ? lead.id : partner.id
    const other = ownUnit === lead.id ? partner.id : lead.id
    f.item(plan.id, ownUnit, {
      code: `L-${i + 1}`,
      deadline: i % 3 === 0 ? '2018-10-01' : '2018-12-31',
      responsibleUnitIds: i % 5 === 0 ? [other] : [],
    })
  }
})
afterAll(async () => t.close())

function paged(actor: AccountActor, filters: Omit<ItemListFilters, 'cursor' | 'limit' | 'view'>): number[] {
  const ids: number[] = []
  let cursor: string | undefined
  do {
    const page = t.app.services.items.list(actor, { ...filters, limit: 7, cursor })
    ids.push(...page.items.map((i) => i.id))
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return ids
}

describe('listing every match at once', () => {
  it('finds what paging finds, in id order, for the filters the workbench uses', () => {
    const { items } = t.app.services
    for (const [actor, filters] of [
      [supervisor, {}],
      [supervisor, { overdue: true }],
      [supervisor, { overdue: false }],
      [supervisor, { lagging: false }],
      [supervisor, { leadUnitId: lead.id }],
      [unitActor(lead.id), {}],
      [unitActor(lead.id), { leadUnitId: lead.id }],
      [unitActor(lead.id), { overdue: true }],
      [unitActor(partner.id), { status: 'assigned' }],
    ] as const) {
      const all = items.listAll(actor, filters).map((i) => i.id)
      expect(all, JSON.stringify(filters)).toEqual(paged(actor, filters))
      expect(all).toEqual([...all].sort((a, b) => a - b))
    }
    expect(items.listAll(supervisor, {})).toHaveLength(45)
    // Every third item is overdue.
    expect(items.listAll(supervisor, { overdue: true })).toHaveLength(15)
  })

  it("keeps to a unit's scope: the items it leads or shares, never another unit's", () => {
    const seen = t.app.services.items.listAll(unitActor(lead.id), {})
    const own = seen.filter((i) => i.leadUnitId === lead.id)
    const shared = seen.filter((i) => i.leadUnitId !== lead.id)
    expect(own).toHaveLength(23)
    // Of the partner's 22 items, those with an index divisible by 5 (and odd) are shared with the lead unit.
    expect(shared.map((i) => i.code).sort()).toEqual(['L-16', 'L-26', 'L-36', 'L-6'])
    // Asking for another unit's led items gives only the ones shared with the asker.
    expect(
      t.app.services.items
        .listAll(unitActor(lead.id), { leadUnitId: partner.id })
        .map((i) => i.code)
        .sort(),
    ).toEqual(['L-16', 'L-26', 'L-36', 'L-6'])
  })
})
