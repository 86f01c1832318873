import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

let t: TestApp
let w: ReturnType<typeof workflowWorld>

beforeAll(async () => {
  t = await createTestApp({ env: { PUBLIC_BASE_URL: 'https://zhenggai.example.gov.cn/' } })
  w = workflowWorld(t.app)
})
afterAll(async () => t.close())

const inbox = async (token: string) => (await as(t.app, token).get('/api/v1/me/notifications')).json()

describe('messages written with the events that cause them', () => {
  it('a close-out request tells the office; sending it back tells the lead unit, naming the plan, code, problem, deadline and link', async () => {
    const item = await w.itemIn('closure_requested', { code: '3-2', problem: '施工扬尘污染问题突出', deadline: '2018-12-31' })
    const office = await inbox(w.tokens.supervisor)
    const requested = office.notifications.find(
      (n: { kind: string; itemId: number }) => n.kind === 'closure_requested' && n.itemId === item.id,
    )
    expect(requested.title).toContain('3-2')
    expect(requested.body).toContain('《测试整改方案》第3-2项「施工扬尘污染问题突出」')
    expect(requested.body).toContain('区生态环境局申请')
    expect(requested.readAt).toBeNull()
    // Every supervisor account reads the office's messages, whatever unit it belongs to.
    expect((await inbox(w.tokens.supervisorOfLead)).notifications.map((n: { id: number }) => n.id)).toContain(requested.id)

    const res = await w.transition(w.tokens.supervisor, item.id, 'reject', '佐证材料不足，请补充监测报告')
    expect(res.statusCode).toBe(200)
    const lead = await inbox(w.tokens.lead)
    const rejected = lead.notifications[0]
    expect(rejected).toMatchObject({ kind: 'closure_rejected', itemId: item.id, readAt: null })
    expect(rejected.title).toBe('【退回整改】3-2的销号申请被退回')
    expect(rejected.body).toContain('完成时限：2018年12月31日')
    expect(rejected.body).toContain('意见：佐证材料不足，请补充监测报告')
    expect(rejected.body).toContain(`详情：https://zhenggai.example.gov.cn/items/${item.id}`)
    expect(lead.unread).toBeGreaterThanOrEqual(1)
  })

  it('a refused transition writes no message (it rolls back with the event)', async () => {
    const item = await w.itemIn('in_progress')
    const before = (await inbox(w.tokens.supervisor)).notifications.length
    // No evidence: request_closure is refused with 422, and nothing is written.
    const res = await w.transition(w.tokens.lead, item.id, 'request_closure', '已完成')
    expect(res.statusCode).toBe(422)
    expect((await inbox(w.tokens.supervisor)).notifications.length).toBe(before)
  })

  it('an extension request goes to the office and its decision to the lead unit', async () => {
    const item = await w.itemIn('in_progress', { code: '5-1', deadline: '2018-12-31' })
    const requested = await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/extensions`, {
      newDeadline: '2019-03-31',
      reason: '冬季停工',
      progress: '已完成60%',
    })
    expect(requested.statusCode).toBe(201)
    const officeMessage = (await inbox(w.tokens.supervisor)).notifications[0]
    expect(officeMessage).toMatchObject({ kind: 'extension_requested', itemId: item.id })
    expect(officeMessage.body).toContain('延至2019年3月31日。理由：冬季停工。请审核。')
    const decided = await as(t.app, w.tokens.supervisor).post(`/api/v1/extensions/${requested.json().id}/decision`, {
      decision: 'approve',
      comment: '同意',
    })
    expect(decided.statusCode).toBe(200)
    const leadMessage = (await inbox(w.tokens.lead)).notifications[0]
    expect(leadMessage.kind).toBe('extension_approved')
    expect(leadMessage.body).toContain('由2018年12月31日调整为2019年3月31日')
  })
})

describe('who reads what', () => {
  it('a unit never sees another unit’s messages, and marking one of them read is 404', async () => {
    const item = await w.itemIn('closure_requested')
    await w.transition(w.tokens.supervisor, item.id, 'reject', '退回')
    const mine = (await inbox(w.tokens.lead)).notifications[0]
    const theirs = await inbox(w.tokens.outsider)
    expect(theirs.notifications).toEqual([])
    expect(theirs.unread).toBe(0)
    // The responsible unit is not the lead unit: these messages are the lead unit's.
    expect((await inbox(w.tokens.partner)).notifications).toEqual([])
    const res = await as(t.app, w.tokens.outsider).post(`/api/v1/me/notifications/${mine.id}/read`)
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('NOTIFICATION_NOT_FOUND')
    // Nor does a unit read the office's messages.
    const officeOne = (await inbox(w.tokens.supervisor)).notifications[0]
    expect((await as(t.app, w.tokens.lead).post(`/api/v1/me/notifications/${officeOne.id}/read`)).statusCode).toBe(404)
  })

  it('a unit’s message goes to every account of the unit; reading is per account; read-all clears the count', async () => {
    const second = w.f.token('unit', w.lead.id)
    const first = await inbox(w.tokens.lead)
    const again = await inbox(second)
    expect(again.notifications.map((n: { id: number }) => n.id)).toEqual(first.notifications.map((n: { id: number }) => n.id))
    const target = first.notifications[0]
    t.clock.set('2018-10-15T03:00:00.000Z')
    const read = await as(t.app, w.tokens.lead).post(`/api/v1/me/notifications/${target.id}/read`)
    expect(read.statusCode).toBe(200)
    expect(read.json().readAt).toBe('2018-10-15T03:00:00.000Z')
    expect((await inbox(w.tokens.lead)).unread).toBe(first.unread - 1)
    expect((await inbox(second)).unread).toBe(first.unread)

    const all = await as(t.app, second).post('/api/v1/me/notifications/read-all')
    expect(all.json()).toEqual({ marked: first.unread, unread: 0 })
    expect((await inbox(second)).notifications.every((n: { readAt: string | null }) => n.readAt !== null)).toBe(true)
    expect((await inbox(w.tokens.lead)).unread).toBe(first.unread - 1)
  })

  it('newest first, paged with limit and beforeId', async () => {
    const ids = (await inbox(w.tokens.supervisor)).notifications.map((n: { id: number }) => n.id)
    expect(ids.length).toBeGreaterThanOrEqual(3)
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    const first = (await as(t.app, w.tokens.supervisor).get('/api/v1/me/notifications?limit=2')).json()
    expect(first.notifications.map((n: { id: number }) => n.id)).toEqual(ids.slice(0, 2))
    const next = (await as(t.app, w.tokens.supervisor).get(`/api/v1/me/notifications?limit=2&beforeId=${ids[1]}`)).json()
    expect(next.notifications.map((n: { id: number }) => n.id)).toEqual(ids.slice(2, 4))
    expect(next.notifications.length).toBeGreaterThan(0)
    expect(next.unread).toBe(first.unread)
  })
})

describe('channels', () => {
  it('an admin sets a unit’s channels; secrets and robot tokens are never shown back or logged', async () => {
    const url = `/api/v1/units/${w.lead.id}/channels`
    const body = {
      channels: [
        { kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=tok-dingtalk-123456', secret: 'SECtopsecret-abcdef' },
        { kind: 'wecom', url: 'http://10.1.2.3:8080/cgi-bin/webhook/send?key=wecom-key-654321' },
        { kind: 'email', address: 'hbj@example.gov.cn' },
      ],
    }
    const put = await as(t.app, w.tokens.admin).put(url, body)
    expect(put.statusCode, put.body).toBe(200)
    const got = await as(t.app, w.tokens.admin).get(url)
    expect(got.statusCode).toBe(200)
    expect(got.json().channels).toEqual([
      {
        id: expect.any(Number),
        kind: 'dingtalk',
        url: 'https://oapi.dingtalk.com/robot/send?access_token=***',
        hasSecret: true,
        configured: true,
      },
      { id: expect.any(Number), kind: 'wecom', url: 'http://10.1.2.3:8080/cgi-bin/webhook/send?key=***', configured: true },
      // No SMTP_URL in this app.
      { id: expect.any(Number), kind: 'email', address: 'hbj@example.gov.cn', configured: false },
    ])
    for (const text of [put.body, got.body, t.logs.join('\n')]) {
      for (const secret of ['SECtopsecret-abcdef', 'tok-dingtalk-123456', 'wecom-key-654321']) expect(text).not.toContain(secret)
    }
    // Others may not read or set them.
    expect((await as(t.app, w.tokens.supervisor).get(url)).statusCode).toBe(403)
    expect((await as(t.app, w.tokens.lead).put(url, body)).statusCode).toBe(403)
  })

  it('bad channels are refused with 400 and change nothing; an unknown unit is 404', async () => {
    const url = `/api/v1/units/${w.lead.id}/channels`
    const before = (await as(t.app, w.tokens.admin).get(url)).json()
    for (const channels of [
      [{ kind: 'dingtalk', url: 'ftp://example.com/robot' }],
      [{ kind: 'wecom', url: 'not a url' }],
      [{ kind: 'email', address: 'nobody' }],
      [{ kind: 'sms', number: '13800000000' }],
      [{ kind: 'wecom', url: 'https://example.com', secret: 'x' }],
    ]) {
      const res = await as(t.app, w.tokens.admin).put(url, { channels })
      expect(res.statusCode, JSON.stringify(channels)).toBe(400)
    }
    expect((await as(t.app, w.tokens.admin).get(url)).json()).toEqual(before)
    expect((await as(t.app, w.tokens.admin).put('/api/v1/units/99999/channels', { channels: [] })).statusCode).toBe(404)
  })

  it('a message to a unit with channels writes a delivery per channel, listed for the admin and the office', async () => {
    const item = await w.itemIn('closure_requested', { code: '9-9' })
    await w.transition(w.tokens.supervisor, item.id, 'reject', '退回')
    const list = await as(t.app, w.tokens.supervisor).get('/api/v1/notifications/deliveries?status=pending')
    expect(list.statusCode).toBe(200)
    type D = { notification: { itemId: number; kind: string }; channel: { kind: string } }
    const mine = list.json().deliveries.filter((d: D) => d.notification.itemId === item.id && d.notification.kind === 'closure_rejected')
    expect(mine.map((d: D) => d.channel.kind).sort()).toEqual(['dingtalk', 'email', 'wecom'])
    // The office's messages go to the channels of the units its supervisors belong to (one is in the lead unit).
    const officeCopies = list
      .json()
      .deliveries.filter((d: D) => d.notification.itemId === item.id && d.notification.kind === 'closure_requested')
    expect(officeCopies.length).toBe(3)
    expect(mine[0]).toMatchObject({ status: 'pending', attempts: 0, lastError: null, channel: { unitName: '区生态环境局' } })
    expect(list.body).not.toContain('tok-dingtalk-123456')
    expect((await as(t.app, w.tokens.lead).get('/api/v1/notifications/deliveries')).statusCode).toBe(403)
  })
})

describe('per-plan reminder settings', () => {
  it('reminderDays and reportDueDay are optional plan fields with defaults 3 and 25, bounded', async () => {
    const base = { title: '提醒设置方案', issuedBy: '区政府', categories: ['打好污染防治攻坚战'] }
    const plain = await as(t.app, w.tokens.admin).post('/api/v1/plans', base)
    expect(plain.statusCode).toBe(201)
    expect(plain.json()).toMatchObject({ reminderDays: 3, reportDueDay: 25 })
    const set = await as(t.app, w.tokens.admin).post('/api/v1/plans', { ...base, reminderDays: 5, reportDueDay: 20 })
    expect(set.json()).toMatchObject({ reminderDays: 5, reportDueDay: 20 })
    expect((await as(t.app, w.tokens.admin).get(`/api/v1/plans/${set.json().id}`)).json()).toMatchObject({
      reminderDays: 5,
      reportDueDay: 20,
    })
    for (const bad of [{ reportDueDay: 31 }, { reportDueDay: 0 }, { reminderDays: 0 }, { reminderDays: 31 }]) {
      expect((await as(t.app, w.tokens.admin).post('/api/v1/plans', { ...base, ...bad })).statusCode, JSON.stringify(bad)).toBe(400)
    }
  })
})
