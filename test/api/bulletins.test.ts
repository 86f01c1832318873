import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

let t: TestApp
let w: ReturnType<typeof workflowWorld>

// Beijing is UTC+8: 2018-11-30T15:59Z is 23:59 on 30 November there, 2018-11-30T16:01Z is 00:01 on 1 December.
const BJ_2359_NOV30 = '2018-11-30T15:59:00.000Z'
const BJ_0001_DEC01 = '2018-11-30T16:01:00.000Z'

interface Ids {
  noticeThroughMonthEnd: number
  closedAt2359: number
  closedAt0001: number
  editedDeadline: number
  extendedInDecember: number
  createdInDecember: number
  lagging: number
  reported: number
  reopened: number
}
const ids = {} as Ids

/** Keeps an item's notice running until closeBySystemAt decides, so the close job touches only what a test means. */
function holdNotice(itemId: number) {
  t.database.sqlite.prepare("update items set notice_ends_at = '2099-01-01T00:00:00.000Z', version = version + 1 where id = ?").run(itemId)
}

async function closeBySystemAt(instant: string, itemId: number) {
  // Put the item in notice so that its notice has ended at `instant`, then let the job close it then.
  const view = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${itemId}`)).json()
  t.database.sqlite
    .prepare('update items set notice_ends_at = ?, version = version + 1 where id = ? and version = ?')
    .run(instant, itemId, view.version)
  t.clock.set(instant)
  expect(t.app.services.closeout.closeEndedNotices(t.clock.now()).closed).toContain(itemId)
}

beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-01T02:00:00.000Z' })
  w = workflowWorld(t.app)

  t.clock.set('2018-10-05T02:00:00.000Z')
  ids.noticeThroughMonthEnd = (await w.itemIn('in_progress', { code: '1-1', deadline: '2018-11-20' })).id
  ids.closedAt2359 = (await w.itemIn('in_public_notice', { code: '1-2', deadline: '2018-12-31' })).id
  ids.closedAt0001 = (await w.itemIn('in_public_notice', { code: '1-3', deadline: '2018-12-31' })).id
  ids.editedDeadline = (await w.itemIn('in_progress', { code: '2-1', deadline: '2018-11-15', category: '打好污染防治攻坚战' })).id
  ids.extendedInDecember = (await w.itemIn('in_progress', { code: '2-2', deadline: '2018-12-10', category: '打好污染防治攻坚战' })).id
  ids.lagging = (
    await w.itemIn('in_progress', { code: '3-1', deadlineKind: 'long_term', deadline: null, category: '加强城市治理能力建设' })
  ).id
  ids.reported = (
    await w.itemIn('assigned', { code: '3-2', deadlineKind: 'long_term', deadline: null, category: '加强城市治理能力建设' })
  ).id
  ids.reopened = (await w.itemIn('in_public_notice', { code: '3-3', deadline: '2018-12-31', category: '加强城市治理能力建设' })).id
  for (const id of [ids.closedAt2359, ids.closedAt0001, ids.reopened]) holdNotice(id)

  // October: 3-3 closes and is reopened in November.
  await closeBySystemAt('2018-10-25T02:00:00.000Z', ids.reopened)

  // November: 1-1 goes to notice (it closes in December); 3-2 is reported on; 3-3 rebounds.
  t.clock.set('2018-11-08T02:00:00.000Z')
  await w.upload(w.tokens.lead, ids.noticeThroughMonthEnd)
  await w.transition(w.tokens.lead, ids.noticeThroughMonthEnd, 'request_closure', '自查完成')
  t.clock.set('2018-11-12T02:00:00.000Z')
  await w.transition(w.tokens.supervisor, ids.noticeThroughMonthEnd, 'accept', '验收合格')
  holdNotice(ids.noticeThroughMonthEnd)
  expect(
    (await as(t.app, w.tokens.lead).post(`/api/v1/items/${ids.reported}/progress-reports`, { period: '2018-11', text: '按计划推进' }))
      .statusCode,
  ).toBe(201)
  t.clock.set('2018-11-20T02:00:00.000Z')
  await w.transition(w.tokens.supervisor, ids.reopened, 'reopen', '回头看发现反弹')

  // Around midnight at the end of November, Beijing time.
  await closeBySystemAt(BJ_2359_NOV30, ids.closedAt2359)
  await closeBySystemAt(BJ_0001_DEC01, ids.closedAt0001)

  // December: 1-1 closes, a deadline is edited, an extension approved, an item created.
  t.clock.set('2018-12-01T02:00:00.000Z')
  const ext = await as(t.app, w.tokens.lead).post(`/api/v1/items/${ids.extendedInDecember}/extensions`, {
    newDeadline: '2019-01-31',
    reason: '冬季停工',
    progress: '完成60%',
  })
  await as(t.app, w.tokens.supervisor).post(`/api/v1/extensions/${ext.json().id}/decision`, { decision: 'approve', comment: '同意' })
  await closeBySystemAt('2018-12-03T02:00:00.000Z', ids.noticeThroughMonthEnd)
  const edited = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${ids.editedDeadline}`)).json()
  expect(
    (
      await as(t.app, w.tokens.supervisor).patch(
        `/api/v1/items/${ids.editedDeadline}`,
        { deadline: '2018-12-31' },
        { 'if-match': `"${edited.version}"` },
      )
    ).statusCode,
  ).toBe(200)
  ids.createdInDecember = w.f.item(w.plan.id, w.lead.id, { code: '9-9' }).id
  t.clock.set('2018-12-05T02:00:00.000Z')
})
afterAll(async () => t.close())

let issuedNovember: unknown

describe('the November bulletin, issued on 5 December', () => {
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the bulletin's JSON as a client would, by path
  let november: Record<string, any>
  beforeAll(async () => {
    const res = await as(t.app, w.tokens.supervisor).post(`/api/v1/plans/${w.plan.id}/bulletins`, { period: '2018-11' })
    expect(res.statusCode, res.body).toBe(201)
    issuedNovember = res.json()
    november = res.json()
  })

  it('describes the end of November in Beijing, not today', () => {
    expect(november).toMatchObject({ period: '2018-11', asOf: '2018-11-30T16:00:00.000Z', generatedAt: '2018-12-05T02:00:00.000Z' })
    expect(november.contentHash).toMatch(/^[0-9a-f]{64}$/)
    // 8 items existed; the one created in December is absent.
    expect(november.totals).toMatchObject({
      items: 8,
      byStatus: { assigned: 1, in_progress: 4, closure_requested: 0, in_public_notice: 2, closed: 1 },
      closed: 1,
      overdue: 1,
      lagging: 4,
      completionRate: 12.5,
    })
    const codes = [...november.overdue, ...november.lagging, ...november.dueNextMonth].map((i: { code: string }) => i.code)
    expect(codes).not.toContain('9-9')
  })

  it('an item closed on 3 December is in notice in November; 23:59 counts, 00:01 does not', () => {
    const closedCodes = november.closedThisMonth.map((i: { code: string }) => i.code)
    expect(closedCodes).toEqual(['1-2'])
    expect(november.closedThisMonth[0]).toMatchObject({ code: '1-2', closedOn: '2018-11-30', leadUnit: '区生态环境局' })
  })

  it('a deadline changed in December counts with its November value', () => {
    // 2-1 was due 15 November, edited to 31 December on 1 December: 15 days overdue at the end of November.
    expect(november.overdue).toEqual([
      {
        itemId: ids.editedDeadline,
        code: '2-1',
        problem: expect.any(String),
        leadUnit: '区生态环境局',
        deadline: '2018-11-15',
        daysOverdue: 15,
        status: 'in_progress',
      },
    ])
    // 2-2 was extended in December: in November it was still due on 10 December.
    expect(november.dueNextMonth.map((i: { code: string; deadline: string }) => [i.code, i.deadline])).toEqual([
      ['2-2', '2018-12-10'],
      ['1-3', '2018-12-31'],
      ['3-3', '2018-12-31'],
    ])
    expect(november.extensions).toEqual([])
  })

  it('rebounds, lagging, reports, by area and by lead unit', () => {
    expect(november.rebounds).toEqual([expect.objectContaining({ code: '3-3', reopenedOn: '2018-11-20', reason: '回头看发现反弹' })])
    // Listed in October: October and November count, neither has a report.
    expect(november.lagging.map((i: { code: string }) => i.code)).toEqual(['2-1', '2-2', '3-1', '3-3'])
    expect(november.unitsWithoutReport).toEqual([])
    expect(november.byCategory).toEqual([
      { category: '环保主体责任落实', items: 0, closed: 0, overdue: 0, completionRate: null },
      { category: '打好污染防治攻坚战', items: 5, closed: 1, overdue: 1, completionRate: 20 },
      { category: '加强城市治理能力建设', items: 3, closed: 0, overdue: 0, completionRate: 0 },
    ])
    expect(november.byLeadUnit).toEqual([
      {
        rank: 1,
        unitId: w.lead.id,
        leadUnit: '区生态环境局',
        items: 8,
        closed: 1,
        overdue: 1,
        lagging: 4,
        completionRate: 12.5,
        onTimeRate: 100,
        reportsFiled: 1,
        reportsExpected: 5,
      },
    ])
    expect(november.supervision).toEqual({ opened: [], resolved: [], open: [] })
    expect(november.caseLeads).toEqual({ received: 0, under_investigation: 0, handled: 0, disclosed: 0 })
  })

  it('the change since October', () => {
    // At the end of October 3-3 was closed (it rebounded in November) and nothing was overdue yet.
    expect(november.previous).toMatchObject({ items: 8, closed: 1, overdue: 0, completionRate: 12.5 })
    expect(november.change).toEqual({ items: 0, closed: 0, overdue: 1, completionRate: 0 })
    expect(november.trend).toEqual([
      { period: '2018-10', items: 8, closed: 1, completionRate: 12.5 },
      { period: '2018-11', items: 8, closed: 1, completionRate: 12.5 },
    ])
  })
})

describe('issued once, kept forever', () => {
  it('a second issue returns the stored bulletin unchanged (200), the same document the first issue answered with', async () => {
    const first = (await as(t.app, w.tokens.supervisor).get(`/api/v1/plans/${w.plan.id}/bulletins/2018-11`)).json()
    expect(first).toEqual(issuedNovember)
    t.clock.set('2018-12-20T02:00:00.000Z')
    const again = await as(t.app, w.tokens.supervisor).post(`/api/v1/plans/${w.plan.id}/bulletins`, { period: '2018-11' })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual(first)
    t.clock.set('2018-12-05T02:00:00.000Z')
  })

  it('the current or a future month is 422 PERIOD_NOT_ENDED; a month before the plan 422; a bad period 400', async () => {
    for (const period of ['2018-12', '2019-03']) {
      expect((await as(t.app, w.tokens.supervisor).post(`/api/v1/plans/${w.plan.id}/bulletins`, { period })).json()).toMatchObject({
        statusCode: 422,
        code: 'PERIOD_NOT_ENDED',
      })
    }
    expect((await as(t.app, w.tokens.supervisor).post(`/api/v1/plans/${w.plan.id}/bulletins`, { period: '2018-08' })).json().code).toBe(
      'PERIOD_BEFORE_PLAN',
    )
    expect((await as(t.app, w.tokens.supervisor).post(`/api/v1/plans/${w.plan.id}/bulletins`, { period: '2018-13' })).statusCode).toBe(400)
    expect((await as(t.app, w.tokens.supervisor).get(`/api/v1/plans/${w.plan.id}/bulletins/2018-12`)).json().code).toBe(
      'BULLETIN_NOT_FOUND',
    )
  })

  it('the database refuses to change or delete a bulletin; the stored hash matches the content', () => {
    const sqlite = t.database.sqlite
    expect(() => sqlite.prepare("update bulletins set content = '{}'").run()).toThrow(/immutable/)
    expect(() => sqlite.prepare('delete from bulletins').run()).toThrow(/immutable/)
    const row = sqlite.prepare("select content, content_hash from bulletins where period = '2018-11'").get() as {
      content: string
      content_hash: string
    }
    expect(createHash('sha256').update(row.content).digest('hex')).toBe(row.content_hash)
  })

  it('no route edits or deletes a bulletin', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const res = await t.app.inject({
        method,
        url: `/api/v1/plans/${w.plan.id}/bulletins/2018-11`,
        headers: { authorization: `Bearer ${w.tokens.admin}` },
        payload: {},
      })
      expect(res.statusCode, method).toBe(404)
    }
  })
})

describe('who reads it', () => {
  it('staff read; a unit of the plan reads; a unit with no item in it does not; only a supervisor issues and publishes', async () => {
    const url = `/api/v1/plans/${w.plan.id}/bulletins/2018-11`
    for (const token of [w.tokens.admin, w.tokens.supervisor, w.tokens.leader, w.tokens.lead, w.tokens.partner]) {
      expect((await as(t.app, token).get(url)).statusCode).toBe(200)
    }
    expect((await as(t.app, w.tokens.outsider).get(url)).statusCode).toBe(404)
    expect((await as(t.app, w.tokens.outsider).get(`/api/v1/plans/${w.plan.id}/bulletins`)).statusCode).toBe(404)
    for (const token of [w.tokens.admin, w.tokens.leader, w.tokens.lead]) {
      expect((await as(t.app, token).post(`/api/v1/plans/${w.plan.id}/bulletins`, { period: '2018-10' })).statusCode).toBe(403)
      expect((await as(t.app, token).post(`${url}/publish`)).statusCode).toBe(403)
    }
    expect(t.app.services.bulletins.published(w.plan.id)).toEqual([])
    const published = await as(t.app, w.tokens.supervisor).post(`${url}/publish`)
    expect(published.json().publishedAt).toBe('2018-12-05T02:00:00.000Z')
    expect(t.app.services.bulletins.published(w.plan.id).map((b) => b.period)).toEqual(['2018-11'])
    const list = (await as(t.app, w.tokens.leader).get(`/api/v1/plans/${w.plan.id}/bulletins`)).json()
    expect(list.map((b: { period: string; publishedAt: string | null }) => [b.period, b.publishedAt !== null])).toEqual([['2018-11', true]])
  })
})

describe('formats', () => {
  it('a printable Chinese page and a workbook, both rendered from the stored JSON', async () => {
    const html = await as(t.app, w.tokens.leader).get(`/api/v1/plans/${w.plan.id}/bulletins/2018-11?format=html`)
    expect(html.statusCode).toBe(200)
    expect(html.headers['content-type']).toContain('text/html')
    // A page a browser renders with its styles, though under /api/; one account's view, never stored by a cache.
    expect(html.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'")
    expect(html.headers['cache-control']).toBe('no-store')
    expect(html.body).toContain('测试整改方案')
    expect(html.body).toContain('<svg')
    const xlsx = await as(t.app, w.tokens.leader).get(`/api/v1/plans/${w.plan.id}/bulletins/2018-11?format=xlsx`)
    expect(xlsx.statusCode).toBe(200)
    expect(xlsx.headers['content-type']).toContain('spreadsheetml')
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK')
    // Named for people (filename*) and, for clients that read only `filename`, by plan and month rather than blanks.
    expect(xlsx.headers['content-disposition']).toBe(
      `attachment; filename="bulletin-plan${w.plan.id}-2018-11.xlsx"; filename*=UTF-8''${encodeURIComponent('测试整改方案-2018-11-月通报.xlsx')}`,
    )
    expect((await as(t.app, w.tokens.leader).get(`/api/v1/plans/${w.plan.id}/bulletins/2018-11?format=pdf`)).statusCode).toBe(400)
  })
})

describe('catch-up', () => {
  it('issues every finished month since the plan began that has none, once, oldest first', async () => {
    t.clock.set('2019-03-02T02:00:00.000Z')
    const issued = t.app.services.bulletins.catchUp()
    expect(issued.filter((b) => b.planId === w.plan.id).map((b) => b.period)).toEqual(['2018-10', '2018-12', '2019-01', '2019-02'])
    expect(t.app.services.bulletins.catchUp()).toEqual([])
    const february = (await as(t.app, w.tokens.leader).get(`/api/v1/plans/${w.plan.id}/bulletins/2019-02`)).json()
    expect(february.trend.map((p: { period: string }) => p.period)).toEqual(['2018-10', '2018-11', '2018-12', '2019-01', '2019-02'])
    // The November bulletin is what it was.
    const november = (await as(t.app, w.tokens.leader).get(`/api/v1/plans/${w.plan.id}/bulletins/2018-11`)).json()
    expect(november.generatedAt).toBe('2018-12-05T02:00:00.000Z')
  })
})
