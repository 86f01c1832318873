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
    const first = await loadDemo(t.app.services, t.clock, now)
    const second = await loadDemo(t.app.services, t.clock, now)
    expect(first.created).toBe(true)
    expect(second).toMatchObject({ created: false, planId: first.planId })
    const admin = factories(t.app).token('admin')
    const plan = (await as(t.app, admin).get(`/api/v1/plans/${first.planId}`)).json()
    expect(plan).toMatchObject({ issuedBy: expect.stringContaining('石景山区'), timezone: 'Asia/Shanghai' })
    expect(plan.categories).toEqual(['环保主体责任落实', '打好污染防治攻坚战', '加强城市治理能力建设'])
    const items = (await as(t.app, admin).get(`/api/v1/items?planId=${first.planId}&limit=200&view=full`)).json().items as {
      deadlineKind: string
      category: string
      createdAt: string
    }[]
    expect(items.length).toBeGreaterThanOrEqual(40)
    expect(new Set(items.map((i) => i.deadlineKind))).toEqual(new Set(['immediate', 'date', 'long_term']))
    expect(new Set(items.map((i) => i.category)).size).toBe(3)
    expect(items[0]!.createdAt.startsWith('2026-09-03')).toBe(true)
    expect(t.clock.now().toISOString()).toBe(now.toISOString())

    // The history went through the workflow: every status, evidence (one reused), reports, extensions,
    // an objection, a rebound, lagging and overdue items.
    const all = (await as(t.app, admin).get(`/api/v1/items?planId=${first.planId}&limit=200&view=full`)).json().items as {
      id: number
      code: string
      status: string
      rebound: boolean
      lagging: boolean
      overdue: boolean
      evidenceReused: boolean
    }[]
    expect(new Set(all.map((i) => i.status))).toEqual(
      new Set(['assigned', 'in_progress', 'closure_requested', 'in_public_notice', 'closed']),
    )
    expect(all.filter((i) => i.rebound).map((i) => i.code)).toEqual(['2-10'])
    expect(
      all
        .filter((i) => i.evidenceReused)
        .map((i) => i.code)
        .sort(),
    ).toEqual(['1-5', '1-7'])
    expect(all.filter((i) => i.lagging).length).toBeGreaterThanOrEqual(3)
    expect(all.filter((i) => i.overdue).length).toBeGreaterThanOrEqual(1)
    const inNotice = all.find((i) => i.status === 'in_public_notice')!
    expect(t.app.services.objections.list({ itemId: inNotice.id, status: 'pending' })).toHaveLength(1)
    const extensionStates = all.flatMap((i) =>
      t.app.services.extensions.list({ kind: 'account', accountId: 0, name: '', role: 'admin', unitId: null }, i.id).map((e) => e.status),
    )
    expect(extensionStates.sort()).toEqual(['approved', 'pending'])
    const reports = t.database.sqlite.prepare('select count(*) n from progress_reports').get() as { n: number }
    expect(reports.n).toBeGreaterThan(50)
  })
})

describe('escalation in the demo', () => {
  it('has an urged item, joint supervisions awaiting a reply, and one resolved by hand with its evidence', async () => {
    const { planId } = await loadDemo(t.app.services, t.clock, t.clock.now())
    const leader = factories(t.app).token('leader')
    const urged = t.database.sqlite.prepare("select distinct item_id from item_events where action = 'urge'").all() as { item_id: number }[]
    expect(urged.length).toBeGreaterThanOrEqual(1)

    const list = (await as(t.app, leader).get(`/api/v1/supervisions?planId=${planId}&limit=200`)).json().supervisions as {
      id: number
      seq: number
      status: string
      rule: string
      replyStatus: string
      item: { code: string }
    }[]
    const resolved = list.filter((s) => s.status === 'resolved')
    expect(resolved).toEqual([expect.objectContaining({ rule: 'manual', item: expect.objectContaining({ code: '2-11' }) })])
    const one = (await as(t.app, leader).get(`/api/v1/supervisions/${resolved[0]!.id}`)).json()
    expect(one.reply.evidence.length).toBeGreaterThanOrEqual(1)
    expect(one.steps.map((s: { action: string }) => s.action)).toEqual([
      'supervision_opened',
      'supervision_acknowledged',
      'supervision_replied',
      'supervision_resolved',
    ])
    const awaiting = list.filter((s) => s.replyStatus === 'awaiting')
    expect(awaiting.map((s) => s.status)).toEqual(expect.arrayContaining(['open', 'acknowledged']))
    expect(new Set(list.filter((s) => s.status !== 'resolved').map((s) => s.rule))).toEqual(new Set(['overdue', 'lagging']))

    // The sweep the server runs at start finds nothing left to do.
    const run = t.app.services.escalation.sweep(t.clock.now())
    expect(run.urged).toEqual([])
    expect(run.escalated).toEqual([])
  })
})

describe('the demo on other days', () => {
  it.each(['2027-02-14T02:00:00.000Z', '2027-08-20T02:00:00.000Z', '2028-01-02T02:00:00.000Z'])(
    'loads with its history on %s',
    async (now) => {
      const other = await createTestApp({ now })
      try {
        const demo = await loadDemo(other.app.services, other.clock, other.clock.now())
        expect(demo.created).toBe(true)
        const statuses = other.database.sqlite.prepare('select distinct status from items').all() as { status: string }[]
        expect(statuses.map((s) => s.status)).toContain('in_public_notice')
        const future = other.database.sqlite.prepare('select count(*) n from item_events where at > ?').get(now) as { n: number }
        expect(future.n).toBe(0)
      } finally {
        await other.close()
      }
    },
  )
})
