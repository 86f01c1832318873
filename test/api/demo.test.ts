import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoYearShift, loadDemo, shiftDate, shiftPhrase } from '../../scripts/demo-load.ts'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-25T02:00:00.000Z' })
})
afterAll(async () => t.close())

describe('the demo plan', () => {
  it('moves the seed timeline so that the plan started about three months ago', () => {
    expect(demoYearShift(new Date('2026-11-25T00:00:00Z'))).toBe(8)
    expect(demoYearShift(new Date('2027-02-01T00:00:00Z'))).toBe(8)
    expect(demoYearShift(new Date('2027-12-01T00:00:00Z'))).toBe(9)
    expect(shiftDate('2019-02-28', 1)).toBe('2020-02-29')
    expect(shiftDate('2018-12-31', 8)).toBe('2026-12-31')
    expect(shiftPhrase('2018年12月底前完成，长期坚持', 8)).toBe('2026年12月底前完成，长期坚持')
  })

  it('loads about forty items of all three deadline kinds across the three task areas, once', async () => {
    const now = t.clock.now()
    const first = loadDemo(t.app.services, t.clock, now)
    const second = loadDemo(t.app.services, t.clock, now)
    expect(first.created).toBe(true)
    expect(second).toMatchObject({ created: false, planId: first.planId })
    const admin = factories(t.app).token('admin')
    const plan = (await as(t.app, admin).get(`/api/v1/plans/${first.planId}`)).json()
    expect(plan).toMatchObject({ issuedBy: expect.stringContaining('石景山区'), timezone: 'Asia/Shanghai' })
    expect(plan.categories).toEqual(['环保主体责任落实', '打好污染防治攻坚战', '加强城市治理能力建设'])
    const items = (await as(t.app, admin).get(`/api/v1/items?planId=${first.planId}&limit=200`)).json().items as {
      deadlineKind: string
      category: string
      createdAt: string
    }[]
    expect(items.length).toBeGreaterThanOrEqual(40)
    expect(new Set(items.map((i) => i.deadlineKind))).toEqual(new Set(['immediate', 'date', 'long_term']))
    expect(new Set(items.map((i) => i.category)).size).toBe(3)
    expect(items[0]!.createdAt.startsWith('2026-09-03')).toBe(true)
    expect(t.clock.now().toISOString()).toBe(now.toISOString())
  })
})
