import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

let t: TestApp
let w: ReturnType<typeof workflowWorld>

beforeAll(async () => {
  t = await createTestApp({ now: '2018-09-28T02:00:00.000Z' })
  w = workflowWorld(t.app)
})
afterAll(async () => t.close())

async function snapshot(itemId: number) {
  const item = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${itemId}`)).json()
  const events = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${itemId}/events`)).json()
  return { version: item.version, status: item.status, events: events.length }
}

describe('the whole path to 销号', () => {
  it('start → evidence → request closure → accept (notice to the end of the 5th working day) → close by the system → reopen', async () => {
    t.clock.set('2018-09-28T02:00:00.000Z')
    const item = w.f.item(w.plan.id, w.lead.id, { responsibleUnitIds: [w.partner.id] })
    let res = await w.transition(w.tokens.lead, item.id, 'start')
    expect(res.json()).toMatchObject({ status: 'in_progress', version: 2, allowedActions: ['request_closure'] })

    expect((await w.upload(w.tokens.partner, item.id)).statusCode).toBe(201)
    res = await w.transition(w.tokens.lead, item.id, 'request_closure', '已完成自查自验，整改到位')
    expect(res.json()).toMatchObject({ status: 'closure_requested', evidenceCount: 1 })

    // Accepted on Friday 28 September 2018: 29 and 30 September were make-up workdays, 1–7 October a holiday.
    res = await w.transition(w.tokens.supervisor, item.id, 'accept', '经现场验收，整改到位')
    expect(res.json()).toMatchObject({
      status: 'in_public_notice',
      noticeEndsAt: '2018-10-10T16:00:00.000Z',
      noticeCalendarFallback: false,
      allowedActions: ['uphold_objection', 'close'],
    })

    // A supervisor cannot close before the notice ends; the job does nothing yet.
    t.clock.set('2018-10-10T15:59:59.000Z')
    expect((await w.transition(w.tokens.supervisor, item.id, 'close')).json()).toMatchObject({ statusCode: 422, code: 'NOTICE_NOT_ENDED' })
    expect(t.app.services.closeout.closeEndedNotices(t.clock.now()).closed).not.toContain(item.id)

    t.clock.set('2018-10-10T16:00:00.000Z')
    expect(t.app.services.closeout.closeEndedNotices(t.clock.now()).closed).toContain(item.id)
    expect(t.app.services.closeout.closeEndedNotices(t.clock.now()).closed).not.toContain(item.id)
    const closed = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${item.id}`)).json()
    expect(closed).toMatchObject({ status: 'closed', closedAt: '2018-10-10T16:00:00.000Z', rebound: false, allowedActions: ['reopen'] })

    res = await w.transition(w.tokens.supervisor, item.id, 'reopen', '回头看发现问题反弹')
    expect(res.json()).toMatchObject({ status: 'in_progress', rebound: true, closedAt: null })

    const events = (await as(t.app, w.tokens.leader).get(`/api/v1/items/${item.id}/events`)).json()
    expect(events.map((e: { action: string }) => e.action)).toEqual([
      'create',
      'start',
      'evidence_added',
      'request_closure',
      'accept',
      'close',
      'reopen',
    ])
    const close = events.find((e: { action: string }) => e.action === 'close')
    expect(close).toMatchObject({ actor: { role: 'system', accountId: null }, fromStatus: 'in_public_notice', toStatus: 'closed' })
    const accept = events.find((e: { action: string }) => e.action === 'accept')
    expect(accept).toMatchObject({
      comment: '经现场验收，整改到位',
      actor: { role: 'supervisor', unitName: '区环保督察整改办公室' },
      details: { noticeFirstDay: '2018-09-29', noticeLastDay: '2018-10-10' },
    })
  })

  it('a Spring Festival acceptance: 1 February 2019 → notice through 13 February (2 and 3 Feb were workdays)', async () => {
    t.clock.set('2019-02-01T03:00:00.000Z')
    const item = await w.itemIn('in_public_notice', { deadline: '2019-02-28' })
    const view = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${item.id}`)).json()
    expect(view.noticeEndsAt).toBe('2019-02-13T16:00:00.000Z')
  })

  it('past the official calendar data it falls back to weekends and says so, until an admin adds the holidays', async () => {
    t.clock.set('2099-09-30T03:00:00.000Z')
    const item = await w.itemIn('in_public_notice', { deadline: null, deadlineKind: 'long_term' })
    const view = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${item.id}`)).json()
    // Wed 30 Sep 2099 → Thu 1, Fri 2, Mon 5, Tue 6, Wed 7 October on weekends alone.
    expect(view).toMatchObject({ noticeEndsAt: '2099-10-07T16:00:00.000Z', noticeCalendarFallback: true })

    for (const date of ['2099-10-01', '2099-10-02', '2099-10-05']) {
      expect(
        (await as(t.app, w.tokens.admin).post('/api/v1/calendar/overrides', { date, kind: 'holiday', note: '国庆节' })).statusCode,
      ).toBe(201)
    }
    const again = await w.itemIn('in_public_notice', { deadline: null, deadlineKind: 'long_term' })
    expect((await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${again.id}`)).json().noticeEndsAt).toBe('2099-10-12T16:00:00.000Z')
    expect(
      (await as(t.app, w.tokens.supervisor).post('/api/v1/calendar/overrides', { date: '2099-10-08', kind: 'workday' })).statusCode,
    ).toBe(403)
  })
})

describe('refusals change nothing', () => {
  it('an illegal action is 409 naming the allowed ones', async () => {
    t.clock.set('2018-10-15T02:00:00.000Z')
    const item = await w.itemIn('assigned')
    const before = await snapshot(item.id)
    const res = await w.transition(w.tokens.supervisor, item.id, 'accept', '验收')
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { allowedActions: ['start'] } })
    expect(await snapshot(item.id)).toEqual(before)
  })

  it('a stale expectedVersion is 409 with the current version', async () => {
    const item = await w.itemIn('assigned')
    const res = await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/transitions`, { action: 'start', expectedVersion: 5 })
    expect(res.json()).toMatchObject({ statusCode: 409, code: 'VERSION_CONFLICT', details: { currentVersion: 1 } })
    expect((await snapshot(item.id)).status).toBe('assigned')
  })

  it('roles and units that may not: 403, and 404 for a unit that cannot see the item', async () => {
    const item = await w.itemIn('in_progress')
    const before = await snapshot(item.id)
    expect((await w.transition(w.tokens.partner, item.id, 'request_closure', '自查')).json()).toMatchObject({
      statusCode: 403,
      code: 'ACTION_NOT_PERMITTED',
    })
    expect((await w.transition(w.tokens.supervisor, item.id, 'request_closure', '自查')).statusCode).toBe(403)
    expect((await w.transition(w.tokens.leader, item.id, 'request_closure', '自查')).statusCode).toBe(403)
    expect((await w.transition(w.tokens.admin, item.id, 'request_closure', '自查')).statusCode).toBe(403)
    expect((await w.transition(w.tokens.outsider, item.id, 'request_closure', '自查')).json()).toMatchObject({
      statusCode: 404,
      code: 'ITEM_NOT_FOUND',
    })
    expect(await snapshot(item.id)).toEqual(before)
  })

  it.each([
    ['EVIDENCE_REQUIRED', 'in_progress', 'request_closure', 'lead', '已完成自查'],
    ['COMMENT_REQUIRED', 'closure_requested', 'reject', 'supervisor', '   '],
    ['COMMENT_REQUIRED', 'closure_requested', 'accept', 'supervisor', undefined],
    ['VERIFIER_NOT_INDEPENDENT', 'closure_requested', 'accept', 'supervisorOfLead', '验收合格'],
    ['NOTICE_NOT_ENDED', 'in_public_notice', 'close', 'supervisor', undefined],
  ] as const)('422 %s, and nothing changes', async (code, status, action, who, comment) => {
    const item = await w.itemIn(status === 'in_progress' ? 'in_progress' : status)
    if (code === 'EVIDENCE_REQUIRED') {
      // itemIn('in_progress') filed no evidence yet
    }
    const before = await snapshot(item.id)
    const res = await w.transition(w.tokens[who], item.id, action, comment)
    expect(res.json()).toMatchObject({ statusCode: 422, code })
    expect(await snapshot(item.id)).toEqual(before)
  })

  it('a verifier who belongs to a responsible unit is not independent either', async () => {
    const item = await w.itemIn('closure_requested')
    const supervisorOfPartner = w.f.token('supervisor', w.partner.id)
    expect((await w.transition(supervisorOfPartner, item.id, 'accept', '验收合格')).json().code).toBe('VERIFIER_NOT_INDEPENDENT')
  })
})

describe('overdue in the plan time zone', () => {
  it('not overdue at 23:30 on the deadline day in Beijing; 1 day overdue at 00:10 (still the 31st in UTC)', async () => {
    t.clock.set('2018-10-15T02:00:00.000Z')
    const item = await w.itemIn('in_progress', { deadline: '2018-10-31' })
    t.clock.set('2018-10-31T15:30:00.000Z')
    expect((await as(t.app, w.tokens.lead).get(`/api/v1/items/${item.id}`)).json()).toMatchObject({ overdue: false, daysOverdue: 0 })
    t.clock.set('2018-10-31T16:10:00.000Z')
    expect((await as(t.app, w.tokens.lead).get(`/api/v1/items/${item.id}`)).json()).toMatchObject({ overdue: true, daysOverdue: 1 })
  })

  it('a closure request before the deadline stops the clock; a rejection after it makes the item overdue again', async () => {
    t.clock.set('2018-10-20T02:00:00.000Z')
    const item = await w.itemIn('closure_requested', { deadline: '2018-10-31' })
    t.clock.set('2018-11-05T02:00:00.000Z')
    expect((await as(t.app, w.tokens.lead).get(`/api/v1/items/${item.id}`)).json()).toMatchObject({ overdue: false })
    expect(
      (await as(t.app, w.tokens.supervisor).get(`/api/v1/items?overdue=true&planId=${w.plan.id}`))
        .json()
        .items.map((i: { id: number }) => i.id),
    ).not.toContain(item.id)
    const res = await w.transition(w.tokens.supervisor, item.id, 'reject', '佐证材料不足，请补充现场照片')
    expect(res.json()).toMatchObject({ status: 'in_progress', overdue: true, daysOverdue: 5 })
  })

  it('long-term items are never overdue', async () => {
    t.clock.set('2018-10-15T02:00:00.000Z')
    const item = await w.itemIn('in_progress', { deadlineKind: 'long_term', deadline: '2018-10-31' })
    t.clock.set('2019-06-01T02:00:00.000Z')
    expect((await as(t.app, w.tokens.lead).get(`/api/v1/items/${item.id}`)).json()).toMatchObject({ overdue: false })
  })
})

describe('public notice and objections', () => {
  it('anyone may object while the notice runs; it holds the close until a supervisor decides', async () => {
    t.clock.set('2018-11-05T02:00:00.000Z')
    const item = await w.itemIn('in_public_notice')
    const filed = await as(t.app).post(`/api/v1/public/items/${item.id}/objections`, {
      contact: '13800000000',
      content: '工地夜间仍有扬尘',
    })
    expect(filed.statusCode, filed.body).toBe(201)
    expect(filed.json()).toMatchObject({ status: 'pending', message: expect.stringContaining('已收到') })

    const ended = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${item.id}`)).json().noticeEndsAt
    t.clock.set(ended)
    expect(t.app.services.closeout.closeEndedNotices(t.clock.now())).toMatchObject({ heldByObjection: expect.arrayContaining([item.id]) })
    expect((await w.transition(w.tokens.supervisor, item.id, 'close')).json().code).toBe('OBJECTION_PENDING')
    // The notice is over: no more objections.
    expect((await as(t.app).post(`/api/v1/public/items/${item.id}/objections`, { contact: 'x', content: 'y' })).json()).toMatchObject({
      statusCode: 409,
      code: 'NOTICE_NOT_OPEN',
    })

    const list = (await as(t.app, w.tokens.supervisor).get(`/api/v1/objections?itemId=${item.id}&status=pending`)).json()
    expect(list).toHaveLength(1)
    const decided = await as(t.app, w.tokens.supervisor).post(`/api/v1/objections/${list[0].id}/decision`, {
      decision: 'dismiss',
      comment: '经核实，异议不成立',
    })
    expect(decided.json()).toMatchObject({ status: 'dismissed' })
    expect(
      (await as(t.app, w.tokens.supervisor).post(`/api/v1/objections/${list[0].id}/decision`, { decision: 'uphold', comment: 'x' }))
        .statusCode,
    ).toBe(409)
    expect(t.app.services.closeout.closeEndedNotices(t.clock.now()).closed).toContain(item.id)
  })

  it('an upheld objection sends the item back to rectification', async () => {
    t.clock.set('2018-11-05T02:00:00.000Z')
    const item = await w.itemIn('in_public_notice')
    const filed = (
      await as(t.app).post(`/api/v1/public/items/${item.id}/objections`, { contact: 'a@b.cn', content: '河道仍有黑臭' })
    ).json()
    const second = (await as(t.app).post(`/api/v1/public/items/${item.id}/objections`, { contact: 'c@d.cn', content: '同上' })).json()
    const res = await as(t.app, w.tokens.supervisor).post(`/api/v1/objections/${filed.id}/decision`, {
      decision: 'uphold',
      comment: '经核实，异议成立',
    })
    expect(res.json()).toMatchObject({ status: 'upheld' })
    const view = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${item.id}`)).json()
    expect(view).toMatchObject({ status: 'in_progress', noticeEndsAt: null })
    const others = (await as(t.app, w.tokens.supervisor).get(`/api/v1/objections?itemId=${item.id}`)).json()
    expect(others.find((o: { id: number }) => o.id === second.id).status).toBe('superseded')
    const events = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${item.id}/events`)).json()
    expect(events.at(-1)).toMatchObject({ action: 'uphold_objection', comment: '经核实，异议成立', details: { objectionId: filed.id } })
    expect(events.filter((e: { action: string }) => e.action === 'objection_filed')).toHaveLength(2)
    expect(JSON.stringify(events)).not.toContain('a@b.cn')
  })

  it('objections on an item not in notice, or that does not exist, or incomplete, are refused', async () => {
    const item = await w.itemIn('in_progress')
    expect((await as(t.app).post(`/api/v1/public/items/${item.id}/objections`, { contact: 'x', content: 'y' })).statusCode).toBe(409)
    expect((await as(t.app).post('/api/v1/public/items/99999/objections', { contact: 'x', content: 'y' })).statusCode).toBe(404)
    expect((await as(t.app).post(`/api/v1/public/items/${item.id}/objections`, { contact: 'x' })).statusCode).toBe(400)
    expect(
      (await as(t.app).post(`/api/v1/public/items/${item.id}/objections`, { contact: 'x', content: 'y'.repeat(5000) })).statusCode,
    ).toBe(400)
  })
})

describe('progress reports and lagging', () => {
  it('the lead and responsible units report; never edited, a correction is a new report', async () => {
    t.clock.set('2018-10-15T02:00:00.000Z')
    const item = await w.itemIn('in_progress')
    const first = await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/progress-reports`, {
      period: '2018-10',
      text: '已完成排查',
      percent: 30,
    })
    expect(first.statusCode, first.body).toBe(201)
    expect(first.json()).toMatchObject({ unit: { name: '区生态环境局' }, period: '2018-10', percent: 30 })
    const part = await as(t.app, w.tokens.partner).post(`/api/v1/items/${item.id}/progress-reports`, {
      period: '2018-10',
      text: '配合完成工地检查',
    })
    expect(part.statusCode).toBe(201)
    const correction = await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/progress-reports`, {
      period: '2018-10',
      text: '已完成排查（更正：完成比例为40%）',
      percent: 40,
      correctsReportId: first.json().id,
    })
    expect(correction.json()).toMatchObject({ correctsReportId: first.json().id })
    const list = (await as(t.app, w.tokens.leader).get(`/api/v1/items/${item.id}/progress-reports`)).json()
    expect(list.map((r: { percent: number | null }) => r.percent)).toEqual([30, null, 40])

    expect(
      (await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/progress-reports`, { period: '2018-11', text: 'x' })).json().code,
    ).toBe('PERIOD_IN_FUTURE')
    expect(
      (await as(t.app, w.tokens.outsider).post(`/api/v1/items/${item.id}/progress-reports`, { period: '2018-10', text: 'x' })).statusCode,
    ).toBe(404)
    expect(
      (await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/progress-reports`, { period: '2018-13', text: 'x' })).statusCode,
    ).toBe(400)
    expect(
      (await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/progress-reports`, { period: '2018-10', text: 'x', percent: 120 }))
        .statusCode,
    ).toBe(400)
  })

  it('an item with no report for either of the last two full months is lagging; a new item never is', async () => {
    t.clock.set('2018-09-10T02:00:00.000Z')
    const old = await w.itemIn('in_progress', { code: 'LAG-1' })
    const reported = await w.itemIn('in_progress', { code: 'LAG-2' })
    t.clock.set('2018-10-20T02:00:00.000Z')
    expect(
      (await as(t.app, w.tokens.lead).post(`/api/v1/items/${reported.id}/progress-reports`, { period: '2018-10', text: '推进中' }))
        .statusCode,
    ).toBe(201)
    // Listed in November: October does not count for it, so it cannot have missed two months yet.
    t.clock.set('2018-11-02T02:00:00.000Z')
    const recent = await w.itemIn('in_progress', { code: 'LAG-3' })

    // 5 December: the last two full months are October and November.
    t.clock.set('2018-12-05T02:00:00.000Z')
    const view = async (id: number) => (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${id}`)).json().lagging
    expect(await view(old.id)).toBe(true)
    expect(await view(reported.id)).toBe(false)
    expect(await view(recent.id)).toBe(false)
    const lagging = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items?lagging=true&planId=${w.plan.id}&limit=200`))
      .json()
      .items.map((i: { code: string }) => i.code)
    expect(lagging).toContain('LAG-1')
    expect(lagging).not.toContain('LAG-2')
    expect(lagging).not.toContain('LAG-3')
    const notLagging = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items?lagging=false&planId=${w.plan.id}&limit=200`))
      .json()
      .items.map((i: { code: string }) => i.code)
    expect(notLagging).toEqual(expect.arrayContaining(['LAG-2', 'LAG-3']))
    expect(notLagging).not.toContain('LAG-1')
  })
})

describe('extensions (延期)', () => {
  it('requested before the deadline, approved by a supervisor: the deadline moves and the old one stays in the events', async () => {
    t.clock.set('2018-12-20T02:00:00.000Z')
    const item = await w.itemIn('in_progress', { deadline: '2018-12-31' })
    const req = await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/extensions`, {
      newDeadline: '2019-03-31',
      reason: '冬季停工，无法施工',
      progress: '已完成60%',
    })
    expect(req.statusCode, req.body).toBe(201)
    expect(req.json()).toMatchObject({ status: 'pending', oldDeadline: '2018-12-31', newDeadline: '2019-03-31' })
    const again = await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/extensions`, {
      newDeadline: '2019-04-30',
      reason: 'x',
      progress: 'y',
    })
    expect(again.json()).toMatchObject({ statusCode: 409, code: 'EXTENSION_PENDING' })

    expect(
      (await as(t.app, w.tokens.lead).post(`/api/v1/extensions/${req.json().id}/decision`, { decision: 'approve', comment: 'x' }))
        .statusCode,
    ).toBe(403)
    const decided = await as(t.app, w.tokens.supervisor).post(`/api/v1/extensions/${req.json().id}/decision`, {
      decision: 'approve',
      comment: '同意延期',
    })
    expect(decided.json()).toMatchObject({ status: 'approved', decisionComment: '同意延期' })
    const view = (await as(t.app, w.tokens.lead).get(`/api/v1/items/${item.id}`)).json()
    expect(view.deadline).toBe('2019-03-31')
    const events = (await as(t.app, w.tokens.lead).get(`/api/v1/items/${item.id}/events`)).json()
    expect(events.at(-1)).toMatchObject({ action: 'extension_approved', details: { oldDeadline: '2018-12-31', newDeadline: '2019-03-31' } })
    expect(
      (
        await as(t.app, w.tokens.supervisor).post(`/api/v1/extensions/${req.json().id}/decision`, { decision: 'reject', comment: 'x' })
      ).json().code,
    ).toBe('EXTENSION_ALREADY_DECIDED')
  })

  it('after the deadline → 422 EXTENSION_TOO_LATE; only the lead unit asks; the new date must be later', async () => {
    t.clock.set('2018-12-20T02:00:00.000Z')
    const item = await w.itemIn('in_progress', { deadline: '2018-12-31' })
    expect(
      (
        await as(t.app, w.tokens.partner).post(`/api/v1/items/${item.id}/extensions`, {
          newDeadline: '2019-03-31',
          reason: 'r',
          progress: 'p',
        })
      ).statusCode,
    ).toBe(403)
    expect(
      (
        await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/extensions`, {
          newDeadline: '2018-12-30',
          reason: 'r',
          progress: 'p',
        })
      ).json().code,
    ).toBe('EXTENSION_NOT_LATER')
    t.clock.set('2018-12-31T16:00:00.000Z')
    const late = await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/extensions`, {
      newDeadline: '2019-03-31',
      reason: 'r',
      progress: 'p',
    })
    expect(late.json()).toMatchObject({ statusCode: 422, code: 'EXTENSION_TOO_LATE' })
    expect((await as(t.app, w.tokens.lead).get(`/api/v1/items/${item.id}/extensions`)).json()).toEqual([])
  })

  it('a rejected request leaves the deadline', async () => {
    t.clock.set('2018-12-20T02:00:00.000Z')
    const item = await w.itemIn('in_progress', { deadline: '2018-12-31' })
    const req = (
      await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/extensions`, { newDeadline: '2019-01-31', reason: 'r', progress: 'p' })
    ).json()
    await as(t.app, w.tokens.supervisor).post(`/api/v1/extensions/${req.id}/decision`, { decision: 'reject', comment: '理由不充分' })
    expect((await as(t.app, w.tokens.lead).get(`/api/v1/items/${item.id}`)).json().deadline).toBe('2018-12-31')
  })
})
