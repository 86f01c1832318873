import { escapeHtml } from '@kitajs/html'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

let t: TestApp
let w: ReturnType<typeof workflowWorld>

beforeAll(async () => {
  t = await createTestApp({ now: '2018-09-10T02:00:00.000Z' })
  w = workflowWorld(t.app)
})
afterAll(async () => t.close())

interface Run {
  urged: { itemId: number; deadline: string; daysOverdue: number }[]
  escalated: { itemId: number; supervisionId: number; number: string; rule: string }[]
  skipped: { itemId: number; action: string; reason: string; daysOverdue?: number }[]
}

/** The sweep on demand, narrowed to one item (every test shares the database, and the sweep sees every item). */
async function sweep(itemId: number, token = w.tokens.supervisor) {
  const res = await as(t.app, token).post('/api/v1/escalations/run')
  expect(res.statusCode, res.body).toBe(200)
  const run = res.json() as Run
  return {
    urged: run.urged.filter((u) => u.itemId === itemId),
    escalated: run.escalated.filter((s) => s.itemId === itemId),
    skipped: run.skipped.filter((s) => s.itemId === itemId),
  }
}

async function actions(itemId: number): Promise<string[]> {
  const events = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${itemId}/events`)).json() as { action: string }[]
  return events.map((e) => e.action)
}

const supervisionsOf = async (itemId: number, token = w.tokens.supervisor) =>
  (await as(t.app, token).get(`/api/v1/supervisions?itemId=${itemId}`)).json().supervisions as {
    id: number
    status: string
    rule: string
    number: string
  }[]

function counts() {
  const n = (sql: string) => (t.database.sqlite.prepare(sql).get() as { n: number }).n
  return {
    events: n('select count(*) n from item_events'),
    urges: n('select count(*) n from urges'),
    supervisions: n('select count(*) n from supervisions'),
  }
}

describe('the sweep: lagging items', () => {
  let itemId: number

  it('an item with no report for either of the last two full months is escalated by the lagging rule', async () => {
    t.clock.set('2018-09-10T02:00:00.000Z')
    itemId = (await w.itemIn('in_progress', { deadline: '2019-06-30' })).id
    // Listed in September: on 20 October only September has ended since, so it cannot have missed two months.
    t.clock.set('2018-10-20T02:00:00.000Z')
    expect((await sweep(itemId)).escalated).toEqual([])

    t.clock.set('2018-12-05T02:00:00.000Z')
    const run = await sweep(itemId)
    expect(run.urged).toEqual([])
    expect(run.escalated).toEqual([expect.objectContaining({ rule: 'lagging', number: expect.stringMatching(/^督办〔2018〕第\d+号$/) })])
    const notice = (await as(t.app, w.tokens.lead).get(`/api/v1/supervisions/${run.escalated[0]!.supervisionId}`)).json()
    expect(notice).toMatchObject({
      status: 'open',
      rule: 'lagging',
      reason: '该任务2018年10月、2018年11月均未报送整改进展，进展缓慢。',
      issuedOn: '2018-12-05',
      replyDueOn: '2018-12-20',
      leadUnit: { name: '区生态环境局' },
      responsibleUnits: [{ name: '区住房城乡建设委' }],
      replyStatus: 'awaiting',
      allowedActions: ['acknowledge'],
    })
  })

  it('running it again changes nothing: the open supervision covers the item', async () => {
    const before = counts()
    const again = await sweep(itemId)
    expect(again.escalated).toEqual([])
    expect(again.skipped).toEqual([expect.objectContaining({ action: 'supervise', reason: 'supervision_open' })])
    expect(counts()).toEqual(before)
  })

  it('once resolved it does not reopen for the same months; still silent a month later, it is escalated again', async () => {
    const [open] = await supervisionsOf(itemId)
    t.clock.set('2018-12-06T02:00:00.000Z')
    expect((await as(t.app, w.tokens.lead).post(`/api/v1/supervisions/${open!.id}/acknowledge`)).statusCode).toBe(200)
    expect(
      (await as(t.app, w.tokens.lead).post(`/api/v1/supervisions/${open!.id}/reply`, { text: '已补报整改进展，明确专人负责按月报送。' }))
        .statusCode,
    ).toBe(200)
    expect(
      (
        await as(t.app, w.tokens.supervisor).post(`/api/v1/supervisions/${open!.id}/resolve`, { comment: '同意办结，请按月报送进展。' })
      ).json(),
    ).toMatchObject({
      status: 'resolved',
      replyStatus: 'on_time',
    })
    t.clock.set('2018-12-20T02:00:00.000Z')
    const same = await sweep(itemId)
    expect(same.escalated).toEqual([])
    expect(same.skipped).toEqual([expect.objectContaining({ action: 'supervise', reason: 'already_supervised' })])

    t.clock.set('2019-01-03T02:00:00.000Z')
    const next = await sweep(itemId)
    expect(next.escalated).toEqual([expect.objectContaining({ rule: 'lagging', number: expect.stringMatching(/^督办〔2019〕第\d+号$/) })])
    expect((await supervisionsOf(itemId)).map((s) => s.status)).toEqual(['resolved', 'open'])
  })
})

describe('the sweep: overdue items', () => {
  let itemId: number

  it('an item crossing its deadline (in the plan time zone) is urged, once', async () => {
    t.clock.set('2018-12-20T02:00:00.000Z')
    itemId = (await w.itemIn('in_progress', { deadline: '2018-12-31' })).id

    // 23:59 on the 31st in Beijing: not overdue yet.
    t.clock.set('2018-12-31T15:59:00.000Z')
    expect(await sweep(itemId)).toEqual({ urged: [], escalated: [], skipped: [] })

    // 00:00 on 1 January in Beijing, still the 31st in UTC.
    t.clock.set('2018-12-31T16:00:00.000Z')
    const first = await sweep(itemId)
    expect(first.urged).toEqual([expect.objectContaining({ deadline: '2018-12-31', daysOverdue: 1 })])
    expect(first.skipped).toEqual([expect.objectContaining({ action: 'supervise', reason: 'not_due_yet', daysOverdue: 1 })])

    const second = await sweep(itemId)
    expect(second.urged).toEqual([])
    expect(second.skipped).toContainEqual(expect.objectContaining({ action: 'urge', reason: 'already_urged' }))
    t.clock.set('2019-01-08T02:00:00.000Z')
    expect((await sweep(itemId)).urged).toEqual([])

    const events = (await as(t.app, w.tokens.lead).get(`/api/v1/items/${itemId}/events`)).json() as {
      action: string
      comment: string
      details: unknown
      actor: { role: string }
    }[]
    const urges = events.filter((e) => e.action === 'urge')
    expect(urges).toHaveLength(1)
    expect(urges[0]).toMatchObject({ actor: { role: 'supervisor' }, details: { deadline: '2018-12-31', daysOverdue: 1 } })
    expect(urges[0]!.comment).toContain('请牵头单位抓紧整改')
  })

  it('on day 15 in the plan time zone it goes to joint supervision, not on day 14', async () => {
    t.clock.set('2019-01-14T15:59:00.000Z')
    const day14 = await sweep(itemId)
    expect(day14.escalated).toEqual([])
    expect(day14.skipped).toContainEqual(expect.objectContaining({ action: 'supervise', reason: 'not_due_yet', daysOverdue: 14 }))

    t.clock.set('2019-01-14T16:00:00.000Z')
    const day15 = await sweep(itemId)
    expect(day15.escalated).toEqual([expect.objectContaining({ rule: 'overdue' })])
    const notice = (await as(t.app, w.tokens.supervisor).get(`/api/v1/supervisions/${day15.escalated[0]!.supervisionId}`)).json()
    expect(notice).toMatchObject({
      rule: 'overdue',
      ruleLabel: '逾期未完成，自动列入联合督办',
      issuedOn: '2019-01-15',
      replyDueOn: '2019-01-30',
      item: { deadline: '2018-12-31', deadlineKind: 'date' },
      openedBy: { name: expect.any(String) },
    })
    expect(notice.reason).toContain('已逾期15天')
    expect(notice.steps).toEqual([expect.objectContaining({ action: 'supervision_opened', comment: notice.reason })])
    expect(await actions(itemId)).toEqual(['create', 'start', 'urge', 'supervision_opened'])
  })

  it('an extension approved before day 15 stops it; the new deadline, once passed, is a new urge', async () => {
    t.clock.set('2018-12-20T02:00:00.000Z')
    const item = await w.itemIn('in_progress', { deadline: '2018-12-31' })
    const extension = (
      await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/extensions`, {
        newDeadline: '2019-03-31',
        reason: '冬季停工',
        progress: '已完成60%',
      })
    ).json()
    t.clock.set('2019-01-02T02:00:00.000Z')
    expect((await sweep(item.id)).urged).toEqual([expect.objectContaining({ deadline: '2018-12-31', daysOverdue: 2 })])

    t.clock.set('2019-01-10T02:00:00.000Z')
    await as(t.app, w.tokens.supervisor).post(`/api/v1/extensions/${extension.id}/decision`, { decision: 'approve', comment: '同意延期' })
    t.clock.set('2019-02-10T02:00:00.000Z')
    await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/progress-reports`, { period: '2019-02', text: '按计划推进' })

    for (const day of ['2019-01-15T02:00:00.000Z', '2019-01-20T02:00:00.000Z', '2019-03-31T02:00:00.000Z']) {
      t.clock.set(day)
      expect(await sweep(item.id), day).toEqual({ urged: [], escalated: [], skipped: [] })
    }
    t.clock.set('2019-04-01T02:00:00.000Z')
    const after = await sweep(item.id)
    expect(after.urged).toEqual([expect.objectContaining({ deadline: '2019-03-31', daysOverdue: 1 })])
    expect(after.escalated).toEqual([])
    expect(await supervisionsOf(item.id)).toEqual([])
  })

  it('an item that requested closure is left alone', async () => {
    t.clock.set('2018-12-20T02:00:00.000Z')
    const item = await w.itemIn('closure_requested', { deadline: '2018-12-31' })
    t.clock.set('2019-02-01T02:00:00.000Z')
    expect(await sweep(item.id)).toEqual({ urged: [], escalated: [], skipped: [] })
  })

  it('twice in a row: the second run changes nothing at all', async () => {
    t.clock.set('2019-05-02T02:00:00.000Z')
    await as(t.app, w.tokens.supervisor).post('/api/v1/escalations/run')
    const before = counts()
    const second = (await as(t.app, w.tokens.admin).post('/api/v1/escalations/run')).json()
    expect(second.urged).toEqual([])
    expect(second.escalated).toEqual([])
    expect(second.checked).toBeGreaterThan(0)
    expect(counts()).toEqual(before)
  })
})

describe('opening by hand and the lifecycle of a notice', () => {
  it('a supervisor opens one with a reason; a second on the same item is 409; closed items and blank reasons are refused', async () => {
    t.clock.set('2019-03-01T02:00:00.000Z')
    const item = await w.itemIn('assigned', { deadline: '2019-12-31' })
    const res = await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${item.id}/supervisions`, {
      reason: '群众反映问题突出，整改推进缓慢。',
      replyDueDays: 10,
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({
      rule: 'manual',
      ruleLabel: '督查人员提请联合督办',
      reason: '群众反映问题突出，整改推进缓慢。',
      issuedOn: '2019-03-01',
      replyDueOn: '2019-03-11',
      status: 'open',
      statusLabel: '待签收',
      openedBy: { name: expect.any(String) },
      allowedActions: ['resolve'],
    })
    const again = await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${item.id}/supervisions`, { reason: '再次督办' })
    expect(again.json()).toMatchObject({ statusCode: 409, code: 'SUPERVISION_ALREADY_OPEN', details: { supervisionId: res.json().id } })

    const notice = await w.itemIn('in_public_notice')
    expect((await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${notice.id}/supervisions`, { reason: 'x' })).json().code).toBe(
      'ITEM_NOT_OPEN',
    )
    const other = await w.itemIn('in_progress')
    expect((await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${other.id}/supervisions`, { reason: '   ' })).json().code).toBe(
      'REASON_REQUIRED',
    )
    expect(
      (await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${other.id}/supervisions`, { reason: 'x', extra: 1 })).statusCode,
    ).toBe(400)
    expect(
      (await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${other.id}/supervisions`, { reason: 'x', replyDueDays: 0 })).statusCode,
    ).toBe(400)
    expect((await as(t.app, w.tokens.supervisor).post('/api/v1/items/99999/supervisions', { reason: 'x' })).statusCode).toBe(404)
  })

  it('acknowledge → reply (late, with evidence) → sent back → reply → resolve, every step an item event', async () => {
    t.clock.set('2019-03-01T02:00:00.000Z')
    const item = await w.itemIn('in_progress', { deadline: '2019-12-31' })
    const otherItem = await w.itemIn('in_progress', { deadline: '2019-12-31' })
    const opened = (
      await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${item.id}/supervisions`, { reason: '整改措施落实不到位。' })
    ).json()
    const id = opened.id as number
    const lead = as(t.app, w.tokens.lead)

    expect((await lead.post(`/api/v1/supervisions/${id}/reply`, { text: '已整改' })).json()).toMatchObject({
      statusCode: 409,
      code: 'SUPERVISION_ILLEGAL_TRANSITION',
      details: { allowedActions: ['acknowledge', 'resolve'] },
    })
    expect((await as(t.app, w.tokens.partner).post(`/api/v1/supervisions/${id}/acknowledge`)).json()).toMatchObject({
      statusCode: 403,
      code: 'NOT_LEAD_UNIT',
    })
    expect((await as(t.app, w.tokens.outsider).post(`/api/v1/supervisions/${id}/acknowledge`)).json()).toMatchObject({
      statusCode: 404,
      code: 'SUPERVISION_NOT_FOUND',
    })

    t.clock.set('2019-03-02T02:00:00.000Z')
    const acknowledged = (await lead.post(`/api/v1/supervisions/${id}/acknowledge`, { comment: '已签收' })).json()
    expect(acknowledged).toMatchObject({ status: 'acknowledged', acknowledgedAt: '2019-03-02T02:00:00.000Z', allowedActions: ['reply'] })
    expect((await lead.post(`/api/v1/supervisions/${id}/acknowledge`)).statusCode).toBe(409)

    const mine = (await w.upload(w.tokens.lead, item.id)).json()
    const foreign = (await w.upload(w.tokens.lead, otherItem.id)).json()
    expect((await lead.post(`/api/v1/supervisions/${id}/reply`, { text: '已整改', evidenceIds: [foreign.id] })).json()).toMatchObject({
      statusCode: 422,
      code: 'EVIDENCE_NOT_ON_ITEM',
    })
    expect((await lead.post(`/api/v1/supervisions/${id}/reply`, { text: '  ' })).json().code).toBe('TEXT_REQUIRED')

    // Due 16 March (Beijing); 16:00 UTC on the 16th is already the 17th there.
    t.clock.set('2019-03-16T16:00:00.000Z')
    expect((await as(t.app, w.tokens.supervisor).get(`/api/v1/supervisions/${id}`)).json()).toMatchObject({ replyStatus: 'overdue' })
    const replied = (
      await lead.post(`/api/v1/supervisions/${id}/reply`, { text: '已完成整改，现场照片见佐证材料。', evidenceIds: [mine.id] })
    ).json()
    expect(replied).toMatchObject({
      status: 'replied',
      replyOverdue: true,
      replyStatus: 'late',
      reply: { text: '已完成整改，现场照片见佐证材料。', evidence: [{ id: mine.id, fileName: '佐证材料.pdf' }] },
      allowedActions: [],
    })

    t.clock.set('2019-03-18T02:00:00.000Z')
    expect((await lead.post(`/api/v1/supervisions/${id}/resolve`, { comment: 'x' })).statusCode).toBe(403)
    expect((await as(t.app, w.tokens.supervisor).post(`/api/v1/supervisions/${id}/send-back`, { comment: ' ' })).json().code).toBe(
      'COMMENT_REQUIRED',
    )
    const sentBack = (
      await as(t.app, w.tokens.supervisor).post(`/api/v1/supervisions/${id}/send-back`, { comment: '请补充长效机制。', replyDueDays: 7 })
    ).json()
    expect(sentBack).toMatchObject({ status: 'acknowledged', replyDueOn: '2019-03-25', sentBackCount: 1, replyStatus: 'awaiting' })

    t.clock.set('2019-03-20T02:00:00.000Z')
    expect((await lead.post(`/api/v1/supervisions/${id}/reply`, { text: '已建立长效管护机制。' })).json()).toMatchObject({
      replyOverdue: false,
      replyStatus: 'on_time',
    })
    const resolved = (
      await as(t.app, w.tokens.supervisor).post(`/api/v1/supervisions/${id}/resolve`, { comment: '整改到位，同意办结。' })
    ).json()
    expect(resolved).toMatchObject({
      status: 'resolved',
      statusLabel: '已办结',
      resolutionComment: '整改到位，同意办结。',
      allowedActions: [],
    })
    expect((await as(t.app, w.tokens.supervisor).post(`/api/v1/supervisions/${id}/resolve`, { comment: 'again' })).statusCode).toBe(409)

    expect((await actions(item.id)).filter((a) => a.startsWith('supervision_'))).toEqual([
      'supervision_opened',
      'supervision_acknowledged',
      'supervision_replied',
      'supervision_sent_back',
      'supervision_replied',
      'supervision_resolved',
    ])
    const one = (await as(t.app, w.tokens.leader).get(`/api/v1/supervisions/${id}`)).json()
    expect(one.steps.map((s: { action: string }) => s.action)).toHaveLength(6)
    expect(one.steps[3]).toMatchObject({ action: 'supervision_sent_back', comment: '请补充长效机制。' })

    // Resolved: a new one may be opened on the item.
    expect(
      (await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${item.id}/supervisions`, { reason: '回头看发现问题' })).statusCode,
    ).toBe(201)
  })
})

describe('who sees and does what', () => {
  it('a unit sees the supervisions of its own items only; filters by plan, status, unit and overdue reply', async () => {
    t.clock.set('2019-06-01T02:00:00.000Z')
    const outsiderItem = w.f.item(w.plan.id, w.outsider.id, { deadline: '2019-12-31' })
    const theirs = (
      await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${outsiderItem.id}/supervisions`, { reason: '推进缓慢', replyDueDays: 3 })
    ).json()
    const ours = await w.itemIn('in_progress', { deadline: '2019-12-31' })
    const mine = (
      await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${ours.id}/supervisions`, { reason: '推进缓慢', replyDueDays: 30 })
    ).json()

    const leadList = (await as(t.app, w.tokens.lead).get('/api/v1/supervisions?limit=200')).json()
    expect(leadList.supervisions.map((s: { id: number }) => s.id)).toContain(mine.id)
    expect(leadList.supervisions.map((s: { id: number }) => s.id)).not.toContain(theirs.id)
    const partnerIds = (await as(t.app, w.tokens.partner).get('/api/v1/supervisions?limit=200'))
      .json()
      .supervisions.map((s: { id: number }) => s.id)
    expect(partnerIds).toContain(mine.id)
    expect((await as(t.app, w.tokens.outsider).get('/api/v1/supervisions?limit=200')).json()).toMatchObject({
      total: 1,
      supervisions: [{ id: theirs.id }],
    })
    expect((await as(t.app, w.tokens.outsider).get(`/api/v1/supervisions/${mine.id}`)).json()).toMatchObject({
      statusCode: 404,
      code: 'SUPERVISION_NOT_FOUND',
    })
    expect((await as(t.app, w.tokens.outsider).get(`/api/v1/supervisions/${mine.id}?format=html`)).statusCode).toBe(404)

    const staff = as(t.app, w.tokens.leader)
    const ids = async (query: string) =>
      (await staff.get(`/api/v1/supervisions?limit=200&${query}`)).json().supervisions.map((s: { id: number }) => s.id)
    expect(await ids(`leadUnitId=${w.outsider.id}`)).toEqual([theirs.id])
    expect(await ids(`unitId=${w.partner.id}`)).toContain(mine.id)
    expect(await ids(`unitId=${w.partner.id}`)).not.toContain(theirs.id)
    expect(await ids(`planId=${w.plan.id}&status=open`)).toEqual(expect.arrayContaining([mine.id, theirs.id]))
    expect(await ids('status=resolved')).not.toContain(mine.id)

    t.clock.set('2019-06-05T02:00:00.000Z')
    expect(await ids('overdueReply=true')).toContain(theirs.id)
    expect(await ids('overdueReply=true')).not.toContain(mine.id)
    expect(await ids('overdueReply=false')).toContain(mine.id)
    expect(await ids('overdueReply=false')).not.toContain(theirs.id)
    expect((await staff.get(`/api/v1/supervisions/${theirs.id}`)).json()).toMatchObject({ replyStatus: 'overdue' })

    const page = (await staff.get('/api/v1/supervisions?limit=2')).json()
    expect(page.supervisions).toHaveLength(2)
    const next = (await staff.get(`/api/v1/supervisions?limit=2&cursor=${page.nextCursor}`)).json()
    expect(next.supervisions[0].id).toBeGreaterThan(page.supervisions[1].id)
    expect((await staff.get('/api/v1/supervisions?bogus=1')).statusCode).toBe(400)
  })

  it('roles: only supervisors open, resolve and send back; only the lead unit answers; admins and supervisors run the sweep', async () => {
    t.clock.set('2019-06-10T02:00:00.000Z')
    const item = await w.itemIn('in_progress', { deadline: '2019-12-31' })
    for (const token of [w.tokens.admin, w.tokens.leader, w.tokens.lead]) {
      expect((await as(t.app, token).post(`/api/v1/items/${item.id}/supervisions`, { reason: 'x' })).json()).toMatchObject({
        statusCode: 403,
        code: 'ROLE_NOT_PERMITTED',
      })
    }
    const { id } = (await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${item.id}/supervisions`, { reason: '督办' })).json()
    for (const token of [w.tokens.admin, w.tokens.leader, w.tokens.supervisor]) {
      expect((await as(t.app, token).post(`/api/v1/supervisions/${id}/acknowledge`)).statusCode).toBe(403)
    }
    for (const token of [w.tokens.admin, w.tokens.leader, w.tokens.lead]) {
      expect((await as(t.app, token).post(`/api/v1/supervisions/${id}/resolve`, { comment: 'x' })).statusCode).toBe(403)
    }
    for (const token of [w.tokens.leader, w.tokens.lead]) {
      expect((await as(t.app, token).post('/api/v1/escalations/run')).json()).toMatchObject({ statusCode: 403, code: 'ROLE_NOT_PERMITTED' })
    }
    expect((await as(t.app, w.tokens.admin).post('/api/v1/escalations/run')).statusCode).toBe(200)
    // Actions that carry nothing take a bare POST.
    const bare = (url: string, token: string) => t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` } })
    expect((await bare('/api/v1/escalations/run', w.tokens.supervisor)).statusCode).toBe(200)
    expect((await bare(`/api/v1/supervisions/${id}/acknowledge`, w.tokens.lead)).json()).toMatchObject({ status: 'acknowledged' })
    expect((await as(t.app, w.tokens.supervisor).post('/api/v1/escalations/run', { all: true })).statusCode).toBe(400)
    expect((await as(t.app, w.tokens.leader).get(`/api/v1/supervisions/${id}`)).statusCode).toBe(200)
    expect((await as(t.app).get(`/api/v1/supervisions/${id}`)).statusCode).toBe(401)
  })
})

describe('the printable notice (督办单)', () => {
  it('is a Chinese A4 page naming the item, units, reason, rule, dates; every value escaped', async () => {
    t.clock.set('2019-07-01T02:00:00.000Z')
    const item = await w.itemIn('in_progress', { deadline: '2019-12-31', problem: '<script>alert("x")</script>河道黑臭' })
    const { id, number } = (
      await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${item.id}/supervisions`, { reason: '进展缓慢 & 落实不力 <b>' })
    ).json()
    const res = await as(t.app, w.tokens.lead).get(`/api/v1/supervisions/${id}?format=html`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/html')
    const page = res.body
    expect(page).toContain('<html lang="zh-CN">')
    expect(page).toContain('联合督办单')
    expect(page).toContain(number)
    expect(page).toContain('@page { size: A4')
    for (const text of ['区生态环境局', '区住房城乡建设委', '督查人员提请联合督办', '2019年7月1日', '2019年7月16日前', '2019年12月31日前'])
      expect(page).toContain(text)
    expect(page).not.toContain('<script>')
    expect(page).toContain(escapeHtml('<script>alert("x")</script>河道黑臭'))
    expect(page).toContain(escapeHtml('进展缓慢 & 落实不力 <b>'))
    expect((await as(t.app, w.tokens.lead).get(`/api/v1/supervisions/${id}?format=pdf`)).statusCode).toBe(400)
    expect((await as(t.app, w.tokens.lead).get(`/api/v1/supervisions/${id}?format=json`)).json()).toMatchObject({ id, number })
  })

  it('documents both representations in the OpenAPI document', async () => {
    const doc = (await as(t.app).get('/docs/json')).json()
    const content = doc.paths['/api/v1/supervisions/{supervisionId}'].get.responses['200'].content
    expect(Object.keys(content).sort()).toEqual(['application/json', 'text/html'])
  })
})

describe('for the monthly bulletin', () => {
  it('supervisionActivity: opened and resolved in the window, and the open ones with their reply status as of its end', async () => {
    const fresh = await createTestApp({ now: '2019-01-05T02:00:00.000Z' })
    try {
      const world = workflowWorld(fresh.app)
      const sup = as(fresh.app, world.tokens.supervisor)
      const lead = as(fresh.app, world.tokens.lead)
      const open = async (reason: string, replyDueDays = 10) => {
        const item = await world.itemIn('in_progress', { deadline: '2019-12-31' })
        return (await sup.post(`/api/v1/items/${item.id}/supervisions`, { reason, replyDueDays })).json() as { id: number; number: string }
      }
      const resolvedInJanuary = await open('甲')
      const repliedLate = await open('乙')
      const awaiting = await open('丙')
      fresh.clock.set('2019-01-20T02:00:00.000Z')
      const openedLate = await open('丁', 15)
      await lead.post(`/api/v1/supervisions/${resolvedInJanuary.id}/acknowledge`)
      await lead.post(`/api/v1/supervisions/${resolvedInJanuary.id}/reply`, { text: '已整改' })
      await sup.post(`/api/v1/supervisions/${resolvedInJanuary.id}/resolve`, { comment: '办结' })
      await lead.post(`/api/v1/supervisions/${repliedLate.id}/acknowledge`)
      await lead.post(`/api/v1/supervisions/${repliedLate.id}/reply`, { text: '已整改' })
      // After the window: neither changes what January says.
      fresh.clock.set('2019-02-03T02:00:00.000Z')
      await lead.post(`/api/v1/supervisions/${awaiting.id}/acknowledge`)
      await lead.post(`/api/v1/supervisions/${awaiting.id}/reply`, { text: '已整改' })
      await sup.post(`/api/v1/supervisions/${repliedLate.id}/resolve`, { comment: '办结' })

      // January 2019 in Beijing.
      const january = fresh.app.services.supervision.supervisionActivity(
        world.plan.id,
        new Date('2018-12-31T16:00:00.000Z'),
        new Date('2019-01-31T16:00:00.000Z'),
      )
      expect(january.opened.map((s) => s.number)).toEqual([
        resolvedInJanuary.number,
        repliedLate.number,
        awaiting.number,
        openedLate.number,
      ])
      expect(january.opened[0]).toEqual({
        supervisionId: resolvedInJanuary.id,
        number: '督办〔2019〕第1号',
        code: expect.any(String),
        leadUnit: '区生态环境局',
        openedOn: '2019-01-05',
        reason: '甲',
      })
      expect(january.resolved).toEqual([expect.objectContaining({ supervisionId: resolvedInJanuary.id, resolvedOn: '2019-01-20' })])
      expect(january.open).toEqual([
        expect.objectContaining({ supervisionId: repliedLate.id, replyDueOn: '2019-01-15', replyStatus: 'late' }),
        expect.objectContaining({ supervisionId: awaiting.id, replyDueOn: '2019-01-15', replyStatus: 'overdue' }),
        expect.objectContaining({ supervisionId: openedLate.id, replyDueOn: '2019-02-04', replyStatus: 'awaiting' }),
      ])

      const february = fresh.app.services.supervision.supervisionActivity(
        world.plan.id,
        new Date('2019-01-31T16:00:00.000Z'),
        new Date('2019-02-28T16:00:00.000Z'),
      )
      expect(february.opened).toEqual([])
      expect(february.resolved.map((s) => s.supervisionId)).toEqual([repliedLate.id])
      expect(february.open.map((s) => [s.supervisionId, s.replyStatus])).toEqual([
        [awaiting.id, 'late'],
        [openedLate.id, 'overdue'],
      ])
      expect(fresh.app.services.supervision.supervisionActivity(99999, new Date(0), new Date())).toEqual({
        opened: [],
        resolved: [],
        open: [],
      })
    } finally {
      await fresh.close()
    }
  })
})

describe('numbering', () => {
  it('restarts at 1 on 1 January in the plan time zone, with no gap', async () => {
    const fresh = await createTestApp({ now: '2018-12-30T02:00:00.000Z' })
    try {
      const world = workflowWorld(fresh.app)
      const sup = as(fresh.app, world.tokens.supervisor)
      const open = async () => {
        const item = await world.itemIn('in_progress', { deadline: '2019-12-31' })
        return (await sup.post(`/api/v1/items/${item.id}/supervisions`, { reason: '督办' })).json() as { number: string; issuedOn: string }
      }
      expect((await open()).number).toBe('督办〔2018〕第1号')
      fresh.clock.set('2018-12-31T15:59:59.000Z')
      expect(await open()).toMatchObject({ number: '督办〔2018〕第2号', issuedOn: '2018-12-31' })
      // Midnight in Beijing; still 31 December in UTC.
      fresh.clock.set('2018-12-31T16:00:00.000Z')
      expect(await open()).toMatchObject({ number: '督办〔2019〕第1号', issuedOn: '2019-01-01' })
      expect((await open()).number).toBe('督办〔2019〕第2号')

      // A plan in another zone counts its year in its own zone: 1 January in Beijing is still 31 December in New York.
      const ny = world.f.plan({ title: '纽约测试方案', timezone: 'America/New_York' })
      const nyItem = world.f.item(ny.id, world.lead.id, { deadline: '2019-12-31' })
      expect((await sup.post(`/api/v1/items/${nyItem.id}/supervisions`, { reason: '督办' })).json()).toMatchObject({
        number: '督办〔2018〕第3号',
        issuedOn: '2018-12-31',
      })

      expect(() => fresh.database.sqlite.prepare('delete from supervisions where seq = 1').run()).toThrow(/never deleted/)
      expect(() => fresh.database.sqlite.prepare('update supervisions set seq = 9 where seq = 1').run()).toThrow(/keeps its number/)
    } finally {
      await fresh.close()
    }
  })
})
