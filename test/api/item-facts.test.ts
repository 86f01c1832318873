import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localDate } from '../../server/lib/time.ts'
import { isLagging, laggingWindow, overdueOn, registerItemFacts } from '../../server/modules/items/facts.ts'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// overdue, daysOverdue and lagging have one definition (server/modules/items/facts.ts). Its edges, asked directly,
// through SQL (what the list filters and the bulletin use) and through the API (views and filters must agree).
const sqlite = new Database(':memory:')
registerItemFacts(sqlite)
const daysInSql = sqlite.prepare('SELECT item_days_overdue(?, ?, ?, local_date(?, ?))').pluck()
const laggingInSql = sqlite.prepare('SELECT item_lagging_at(?, ?, ?, ?, ?)').pluck()
afterAll(() => sqlite.close())

const SHANGHAI = 'Asia/Shanghai'
const dated = { status: 'in_progress', deadlineKind: 'date', deadline: '2018-12-31' } as const

function daysOverdueAt(item: { status: string; deadlineKind: string; deadline: string | null }, nowIso: string, zone = SHANGHAI): number {
  const direct = overdueOn(item as Parameters<typeof overdueOn>[0], localDate(new Date(nowIso), zone)).daysOverdue
  expect(daysInSql.get(item.status, item.deadlineKind, item.deadline, nowIso, zone)).toBe(direct)
  return direct
}

describe('overdue', () => {
  it('begins at midnight after the deadline day in the plan zone, not in UTC', () => {
    // 23:59:59.999 on the deadline day in Shanghai is 15:59:59.999 UTC.
    expect(daysOverdueAt(dated, '2018-12-31T15:59:59.999Z')).toBe(0)
    expect(daysOverdueAt(dated, '2018-12-31T16:00:00.000Z')).toBe(1)
    // The same instant is still the deadline day in New York.
    expect(daysOverdueAt(dated, '2018-12-31T16:00:00.000Z', 'America/New_York')).toBe(0)
    expect(daysOverdueAt(dated, '2019-01-15T16:00:00.000Z')).toBe(16)
  })

  it('never for a long-term item, even with a first-stage date long past, nor for an item without a date', () => {
    expect(daysOverdueAt({ status: 'in_progress', deadlineKind: 'long_term', deadline: '2018-01-31' }, '2019-06-01T00:00:00Z')).toBe(0)
    expect(daysOverdueAt({ status: 'assigned', deadlineKind: 'immediate', deadline: null }, '2019-06-01T00:00:00Z')).toBe(0)
    expect(daysOverdueAt({ status: 'assigned', deadlineKind: 'immediate', deadline: '2018-11-30' }, '2018-12-01T00:00:00Z')).toBe(1)
  })

  it('stops while a closure requested before the deadline is reviewed, in notice and once closed; runs again when rectifying', () => {
    for (const status of ['closure_requested', 'in_public_notice', 'closed']) {
      expect(daysOverdueAt({ ...dated, status }, '2019-03-01T00:00:00Z')).toBe(0)
    }
    expect(daysOverdueAt({ ...dated, status: 'in_progress' }, '2019-03-01T00:00:00Z')).toBe(60)
  })
})

describe('lagging', () => {
  const nowIso = '2018-12-01T00:00:00.000Z' // 08:00 on 1 December in Shanghai: October and November count
  const lagging = (item: { status: string; createdAt: string }, reported: string[], at = nowIso, zone = SHANGHAI) => {
    const direct = isLagging(item as Parameters<typeof isLagging>[0], reported, laggingWindow(new Date(at), zone))
    expect(laggingInSql.get(item.status, item.createdAt, reported.length ? reported.join(',') : null, at, zone)).toBe(direct ? 1 : 0)
    return direct
  }

  it('needs both of the last two full months without a report, both after the item was listed', () => {
    const listed = { status: 'in_progress', createdAt: '2018-09-20T00:00:00.000Z' }
    expect(lagging(listed, [])).toBe(true)
    expect(lagging(listed, ['2018-10'])).toBe(false)
    expect(lagging(listed, ['2018-11', '2018-11'])).toBe(false)
    expect(lagging(listed, ['2018-09'])).toBe(true)
    // Listed at midnight starting 1 November in Shanghai: October no longer counts for it.
    expect(lagging({ status: 'in_progress', createdAt: '2018-10-31T16:00:00.000Z' }, [])).toBe(false)
    expect(lagging({ status: 'in_progress', createdAt: '2018-10-31T15:59:59.999Z' }, [])).toBe(true)
  })

  it('moves with the month at midnight in the plan zone, and only while rectifying', () => {
    const listed = { status: 'assigned', createdAt: '2018-08-01T00:00:00.000Z' }
    // 23:59 on 30 November in Shanghai: the window is still September and October.
    expect(lagging(listed, ['2018-09'], '2018-11-30T15:59:00.000Z')).toBe(false)
    expect(lagging(listed, ['2018-09'], '2018-11-30T16:00:00.000Z')).toBe(true)
    expect(lagging({ ...listed, status: 'closure_requested' }, [])).toBe(false)
  })
})

describe('views and filters give the same answer', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ now: '2018-12-31T15:59:59.000Z' })
  })
  afterAll(async () => {
    await t.close()
  })

  it('at midnight after the deadline day, for dated, long-term and closure-requested items', async () => {
    const w = workflowWorld(t.app)
    const f = factories(t.app)
    const dueToday = await w.itemIn('in_progress', { deadline: '2018-12-31' })
    const longTerm = await w.itemIn('in_progress', { deadlineKind: 'long_term', deadline: '2018-06-30' })
    const requested = await w.itemIn('closure_requested', { deadline: '2018-12-31' })
    const assigned = f.item(w.plan.id, w.lead.id, { deadline: '2018-12-31' })
    const overdueIds = async () => {
      const list = (await as(t.app, w.tokens.lead).get(`/api/v1/items?overdue=true&planId=${w.plan.id}`)).json()
      const views = (await as(t.app, w.tokens.lead).get(`/api/v1/items?view=full&planId=${w.plan.id}`)).json()
      const flagged = views.items.filter((i: { overdue: boolean }) => i.overdue).map((i: { id: number }) => i.id)
      expect(list.items.map((i: { id: number }) => i.id)).toEqual(flagged)
      return flagged
    }
    expect(await overdueIds()).toEqual([])
    t.clock.set('2018-12-31T16:00:00.000Z')
    expect(await overdueIds()).toEqual([dueToday.id, assigned.id])
    const view = (await as(t.app, w.tokens.lead).get(`/api/v1/items/${dueToday.id}`)).json()
    expect(view).toMatchObject({ overdue: true, daysOverdue: 1 })
    expect((await as(t.app, w.tokens.lead).get(`/api/v1/items/${longTerm.id}`)).json()).toMatchObject({ overdue: false, daysOverdue: 0 })
    expect((await as(t.app, w.tokens.lead).get(`/api/v1/items/${requested.id}`)).json()).toMatchObject({ overdue: false, daysOverdue: 0 })
    const notOverdue = (await as(t.app, w.tokens.lead).get(`/api/v1/items?overdue=false&planId=${w.plan.id}`)).json()
    expect(notOverdue.items.map((i: { id: number }) => i.id)).toEqual([longTerm.id, requested.id])
  })
})
