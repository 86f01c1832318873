import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import type { ItemListFilters } from '../../server/modules/items/items.service.ts'
import { createTestApp, factories, type TestApp } from '../helpers/app.ts'

// `items.listAll` is what the workbench's to-do lists and queues read: every match in one pass, with no count after
// each page. It must find exactly what paging through `items.list` finds, in the same order, and keep to the
// asker's scope. More items than the API's largest page (200), so that a list cut at any page size shows.

const ITEMS = 230
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
  for (let i = 0; i < ITEMS; i++) {
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
    expect(items.listAll(supervisor, {})).toHaveLength(ITEMS)
    // Every third item is overdue: i = 0, 3, …, 228.
    expect(items.listAll(supervisor, { overdue: true })).toHaveLength(77)
  })

  it("keeps to a unit's scope: the items it leads or shares, never another unit's", () => {
    const seen = t.app.services.items.listAll(unitActor(lead.id), {})
    const own = seen.filter((i) => i.leadUnitId === lead.id)
    const shared = seen.filter((i) => i.leadUnitId !== lead.id)
    // The lead unit leads the even-numbered half; of the partner's items, those with an index divisible by 5 are
    // shared with it (L-6, L-16, …, L-226).
    expect(own).toHaveLength(ITEMS / 2)
    const sharedCodes = Array.from({ length: 23 }, (_, k) => `L-${10 * k + 6}`)
    expect(shared.map((i) => i.code).sort()).toEqual([...sharedCodes].sort())
    // Asking for another unit's led items gives only the ones shared with the asker.
    const asked = t.app.services.items.listAll(unitActor(lead.id), { leadUnitId: partner.id })
    expect(asked.map((i) => i.code).sort()).toEqual([...sharedCodes].sort())
  })

  it('decides lagging per row as paging does: two months on, with no report, every item lags', () => {
    const { items } = t.app.services
    t.clock.set('2018-12-15T02:00:00.000Z')
    try {
      for (const [actor, filters] of [
        [supervisor, { lagging: true }],
        [supervisor, { lagging: false }],
        [unitActor(partner.id), { lagging: true }],
      ] as const) {
        expect(
          items.listAll(actor, filters).map((i) => i.id),
          JSON.stringify(filters),
        ).toEqual(paged(actor, filters))
      }
      expect(items.listAll(supervisor, { lagging: true })).toHaveLength(ITEMS)
      expect(items.listAll(supervisor, { lagging: false })).toHaveLength(0)
    } finally {
      t.clock.set('2018-10-15T02:00:00.000Z')
    }
  })
})
