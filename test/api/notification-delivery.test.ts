import pino from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createSenders } from '../../server/modules/notifications/senders.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { startRobot, startSmtp } from '../helpers/robots.ts'
import { workflowWorld } from '../helpers/workflow.ts'

const SECRET = 'SEC0123456789abcdef-secret'
const silent = pino({ level: 'silent' })

let dingtalk: Awaited<ReturnType<typeof startRobot>>
let wecom: Awaited<ReturnType<typeof startRobot>>
let smtp: Awaited<ReturnType<typeof startSmtp>>
const apps: TestApp[] = []

beforeAll(async () => {
  dingtalk = await startRobot({ secret: SECRET })
  wecom = await startRobot()
  smtp = await startSmtp()
})
afterAll(async () => {
  await Promise.all([dingtalk.close(), wecom.close(), smtp.close()])
})
afterEach(async () => {
  dingtalk.received.length = 0
  wecom.received.length = 0
  smtp.mails.length = 0
  dingtalk.setMode('ok')
  wecom.setMode('ok')
  for (const app of apps.splice(0)) await app.close()
})

async function world(env: Record<string, string>, settings: { maxAttempts?: number } = {}) {
  const t = await createTestApp({ env: { PUBLIC_BASE_URL: 'https://zg.example.cn', ...env } })
  apps.push(t)
  const w = workflowWorld(t.app)
  const senders = createSenders({ smtpUrl: t.config.notify.smtpUrl, mailFrom: t.config.notify.mailFrom })
  // A fixed jitter: the backoff is then exactly 75% of its exponential step (60 s, 120 s, 240 s … × 0.75).
  const dispatcher = t.app.services.notifications.dispatcher({ senders, log: silent, random: () => 0.5, settings })
  /** Moves an item to closure_requested and sends what that caused (the office's copy goes to the lead unit's
   *  channels too: one of the world's supervisors belongs to it), so that the tests below see only the reject. */
  async function requested() {
    const item = await w.itemIn('closure_requested')
    await dispatcher.dispatch()
    dingtalk.received.length = 0
    wecom.received.length = 0
    smtp.mails.length = 0
    return item
  }
  return { t, w, dispatcher, requested }
}

async function setChannels(t: TestApp, token: string, unitId: number, channels: unknown[]) {
  const res = await as(t.app, token).put(`/api/v1/units/${unitId}/channels`, { channels })
  expect(res.statusCode, res.body).toBe(200)
}

async function deliveries(t: TestApp, token: string, status?: string) {
  return (
    (await as(t.app, token).get(`/api/v1/notifications/deliveries${status ? `?status=${status}` : ''}`)).json().deliveries as {
      id: number
      status: string
      attempts: number
      lastError: string | null
      nextAttemptAt: string | null
      channel: { kind: string }
      notification: { kind: string }
    }[]
  ).filter((d) => d.notification.kind === 'closure_rejected')
}

describe('sending to channels', () => {
  it('DingTalk (signed), WeCom and e-mail each get the message once, with its link; the deliveries are sent', async () => {
    const { t, w, dispatcher } = await world({ NOTIFY_DIGEST_MINUTES: '0', SMTP_URL: smtp.url, MAIL_FROM: 'zhenggai@example.gov.cn' })
    await setChannels(t, w.tokens.admin, w.lead.id, [
      { kind: 'dingtalk', url: dingtalk.url('/robot/send?access_token=dt-token'), secret: SECRET },
      { kind: 'wecom', url: wecom.url('/cgi-bin/webhook/send?key=wc-key') },
      { kind: 'email', address: 'hbj@example.gov.cn' },
    ])
    const item = await w.itemIn('closure_requested', { code: '2-7', problem: '餐饮油烟扰民问题' })
    await dispatcher.dispatch()
    dingtalk.received.length = 0
    wecom.received.length = 0
    smtp.mails.length = 0
    expect((await w.transition(w.tokens.supervisor, item.id, 'reject', '材料不全')).statusCode).toBe(200)

    const run = await dispatcher.dispatch()
    expect(run.sent.length).toBe(3)
    expect(dingtalk.received).toHaveLength(1)
    const dt = dingtalk.received[0]!
    expect(dt.query.get('access_token')).toBe('dt-token')
    expect(dt.query.get('timestamp')).toBe(String(t.clock.now().getTime()))
    expect(dt.body.msgtype).toBe('markdown')
    expect(dt.body.markdown!.title).toBe('【退回整改】2-7的销号申请被退回')
    expect(dt.body.markdown!.text).toContain('「餐饮油烟扰民问题」')
    expect(dt.body.markdown!.text).toContain(`(https://zg.example.cn/items/${item.id})`)
    expect(wecom.received).toHaveLength(1)
    expect(wecom.received[0]!.body.markdown!.content).toContain('意见：材料不全')
    expect(smtp.mails).toHaveLength(1)
    expect(smtp.mails[0]).toMatchObject({
      from: 'zhenggai@example.gov.cn',
      to: ['hbj@example.gov.cn'],
      subject: '【退回整改】2-7的销号申请被退回',
    })
    expect(smtp.mails[0]!.text).toContain(`https://zg.example.cn/items/${item.id}`)
    expect((await deliveries(t, w.tokens.admin, 'sent')).filter((d) => d.notification.kind === 'closure_rejected')).toHaveLength(3)

    // Sent once: another pass sends nothing.
    expect((await dispatcher.dispatch()).sent).toEqual([])
    expect(dingtalk.received).toHaveLength(1)
  })

  it('a wrong signing secret is a failure though the robot answered HTTP 200 (errcode ≠ 0)', async () => {
    const { t, w, dispatcher, requested } = await world({ NOTIFY_DIGEST_MINUTES: '0' })
    await setChannels(t, w.tokens.admin, w.lead.id, [
      { kind: 'dingtalk', url: dingtalk.url('/robot/send?access_token=x'), secret: 'SECwrong-secret' },
    ])
    const item = await requested()
    await w.transition(w.tokens.supervisor, item.id, 'reject', '退回')
    const run = await dispatcher.dispatch()
    expect(run.failed).toHaveLength(1)
    expect(run.sent).toHaveLength(0)
    const [failed] = await deliveries(t, w.tokens.supervisor, 'failed')
    expect(failed).toMatchObject({ attempts: 1, lastError: 'errcode 310000: sign not match', channel: { kind: 'dingtalk' } })
    expect(dingtalk.received).toHaveLength(0)
    expect(JSON.stringify(await deliveries(t, w.tokens.admin))).not.toContain('SECwrong-secret')
  })

  it('a channel that is down is retried with backoff, and the message goes out when it is back', async () => {
    const { t, w, dispatcher, requested } = await world({ NOTIFY_DIGEST_MINUTES: '0' })
    await setChannels(t, w.tokens.admin, w.lead.id, [{ kind: 'wecom', url: wecom.url('/send?key=k') }])
    const item = await requested()
    wecom.setMode('down')
    await w.transition(w.tokens.supervisor, item.id, 'reject', '退回')

    expect((await dispatcher.dispatch()).failed).toHaveLength(1)
    let [d] = await deliveries(t, w.tokens.admin)
    expect(d).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 502' })
    // First wait: 60 s × (0.5 + 0.5 × 0.5) = 45 s.
    expect(new Date(d!.nextAttemptAt!).getTime() - t.clock.now().getTime()).toBe(45_000)

    // Still down at the next try: the wait doubles.
    t.clock.advanceMs(45_000)
    expect((await dispatcher.dispatch()).failed).toHaveLength(1)
    ;[d] = await deliveries(t, w.tokens.admin)
    expect(d).toMatchObject({ status: 'failed', attempts: 2 })
    expect(new Date(d!.nextAttemptAt!).getTime() - t.clock.now().getTime()).toBe(90_000)

    // Back before the wait is over: nothing is sent early.
    wecom.setMode('ok')
    t.clock.advanceMs(60_000)
    expect(await dispatcher.dispatch()).toEqual({ sent: [], failed: [], dead: [] })
    t.clock.advanceMs(30_000)
    expect((await dispatcher.dispatch()).sent).toHaveLength(1)
    ;[d] = await deliveries(t, w.tokens.admin)
    expect(d).toMatchObject({ status: 'sent', attempts: 3, lastError: 'HTTP 502', nextAttemptAt: null })
    expect(wecom.received).toHaveLength(1)
  })

  it('a rate-limited robot (errcode 130101) backs off too', async () => {
    const { t, w, dispatcher, requested } = await world({ NOTIFY_DIGEST_MINUTES: '0' })
    await setChannels(t, w.tokens.admin, w.lead.id, [{ kind: 'wecom', url: wecom.url('/send?key=k') }])
    const item = await requested()
    wecom.setMode('rate_limited')
    await w.transition(w.tokens.supervisor, item.id, 'reject', '退回')
    await dispatcher.dispatch()
    const [d] = await deliveries(t, w.tokens.admin)
    expect(d).toMatchObject({ status: 'failed', attempts: 1 })
    expect(d!.lastError).toContain('errcode 130101')
  })

  it('dead after the last try; the office retries it and it is sent', async () => {
    const { t, w, dispatcher, requested } = await world({ NOTIFY_DIGEST_MINUTES: '0' }, { maxAttempts: 3 })
    await setChannels(t, w.tokens.admin, w.lead.id, [{ kind: 'wecom', url: wecom.url('/send?key=k') }])
    const item = await requested()
    wecom.setMode('down')
    await w.transition(w.tokens.supervisor, item.id, 'reject', '退回')
    for (let i = 0; i < 3; i++) {
      await dispatcher.dispatch()
      t.clock.advanceMs(3_600_000)
    }
    const [dead] = await deliveries(t, w.tokens.supervisor, 'dead')
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastError: 'HTTP 502', nextAttemptAt: null })
    // Dead stays dead.
    expect(await dispatcher.dispatch()).toEqual({ sent: [], failed: [], dead: [] })

    wecom.setMode('ok')
    const retried = await as(t.app, w.tokens.supervisor).post(`/api/v1/notifications/deliveries/${dead!.id}/retry`)
    expect(retried.statusCode).toBe(200)
    expect(retried.json()).toMatchObject({ id: dead!.id, status: 'pending', attempts: 0 })
    expect((await dispatcher.dispatch()).sent).toEqual([dead!.id])
    expect(wecom.received[0]!.body.markdown!.content).toContain('销号申请被退回')
    expect(wecom.received).toHaveLength(1)
    const again = await as(t.app, w.tokens.supervisor).post(`/api/v1/notifications/deliveries/${dead!.id}/retry`)
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('DELIVERY_ALREADY_SENT')
    expect((await as(t.app, w.tokens.admin).post('/api/v1/notifications/deliveries/99999/retry')).statusCode).toBe(404)
  })

  it('without SMTP_URL an e-mail channel is not configured, and its deliveries say so', async () => {
    const { t, w, dispatcher, requested } = await world({ NOTIFY_DIGEST_MINUTES: '0' })
    await setChannels(t, w.tokens.admin, w.lead.id, [{ kind: 'email', address: 'a@example.cn' }])
    const item = await requested()
    await w.transition(w.tokens.supervisor, item.id, 'reject', '退回')
    expect((await dispatcher.dispatch()).dead).toHaveLength(1)
    const [d] = await deliveries(t, w.tokens.admin)
    expect(d!.lastError).toBe('e-mail is not configured (SMTP_URL is not set)')
  })
})

describe('a robot’s rate', () => {
  it('without digests, at most 5 sends to a channel per pass and 18 in a minute; the rest stays due', async () => {
    const { t, w, dispatcher } = await world({ NOTIFY_DIGEST_MINUTES: '0' })
    await setChannels(t, w.tokens.admin, w.lead.id, [{ kind: 'wecom', url: wecom.url('/send?key=k') }])
    for (let i = 0; i < 25; i++) w.f.item(w.plan.id, w.lead.id, { deadline: '2018-10-17' })
    expect(t.app.services.notifications.runReminders(t.clock.now()).written.filter((m) => m.kind === 'deadline_approaching')).toHaveLength(
      25,
    )
    expect((await dispatcher.dispatch()).sent).toHaveLength(5)
    for (let i = 0; i < 6; i++) await dispatcher.dispatch()
    expect(wecom.received).toHaveLength(18)
    const waiting = (await as(t.app, w.tokens.admin).get('/api/v1/notifications/deliveries?status=pending')).json().deliveries
    expect(waiting.length).toBeGreaterThanOrEqual(7)
  })
})

describe('digests', () => {
  it('messages to one channel within the window go out as one send once the window has passed on the clock', async () => {
    const { t, w, dispatcher } = await world({ NOTIFY_DIGEST_MINUTES: '10' })
    const start = t.clock.now().getTime()
    const items = [await w.itemIn('closure_requested'), await w.itemIn('closure_requested'), await w.itemIn('closure_requested')]
    // Set after the requests, whose office copies would otherwise join the digest.
    await setChannels(t, w.tokens.admin, w.lead.id, [{ kind: 'dingtalk', url: dingtalk.url('/robot/send?access_token=t'), secret: SECRET }])
    for (const [i, item] of items.entries()) {
      t.clock.set(new Date(start + i * 60_000))
      await w.transition(w.tokens.supervisor, item.id, 'reject', `退回${i}`)
    }
    t.clock.set(new Date(start + 9 * 60_000))
    expect((await dispatcher.dispatch()).sent).toEqual([])
    expect(dingtalk.received).toHaveLength(0)

    t.clock.set(new Date(start + 10 * 60_000))
    expect((await dispatcher.dispatch()).sent).toHaveLength(3)
    expect(dingtalk.received).toHaveLength(1)
    const text = dingtalk.received[0]!.body.markdown!.text!
    expect(dingtalk.received[0]!.body.markdown!.title).toBe('整改销号消息汇总（3条）')
    for (const item of items) expect(text).toContain(`第${item.code}项`)

    // A message after the window opens a new one.
    await setChannels(t, w.tokens.admin, w.lead.id, [])
    const late = await w.itemIn('closure_requested')
    await setChannels(t, w.tokens.admin, w.lead.id, [{ kind: 'dingtalk', url: dingtalk.url('/robot/send?access_token=t'), secret: SECRET }])
    t.clock.set(new Date(start + 11 * 60_000))
    await w.transition(w.tokens.supervisor, late.id, 'reject', '退回')
    t.clock.set(new Date(start + 20 * 60_000))
    expect((await dispatcher.dispatch()).sent).toEqual([])
    t.clock.set(new Date(start + 21 * 60_000))
    expect((await dispatcher.dispatch()).sent).toHaveLength(1)
    expect(dingtalk.received).toHaveLength(2)
  })

  it('a digest too long for a WeCom robot (4,096 bytes) goes out as several messages, each within the limit', async () => {
    const { t, w, dispatcher } = await world({ NOTIFY_DIGEST_MINUTES: '10' })
    await setChannels(t, w.tokens.admin, w.lead.id, [{ kind: 'wecom', url: wecom.url('/send?key=k') }])
    const problem = '城区部分河段存在污水直排、垃圾堆放、岸线破损等问题，群众反映强烈，整治进度明显滞后于方案要求'
    const codes = Array.from({ length: 12 }, (_, i) => `7-${i + 1}`)
    for (const code of codes) w.f.item(w.plan.id, w.lead.id, { code, problem, deadline: '2018-10-17' })
    expect(t.app.services.notifications.runReminders(t.clock.now()).written).toHaveLength(12)
    t.clock.advanceMs(10 * 60_000)
    expect((await dispatcher.dispatch()).sent).toHaveLength(12)
    expect(wecom.received.length).toBeGreaterThan(1)
    const contents = wecom.received.map((r) => r.body.markdown!.content!)
    for (const content of contents) expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4096)
    for (const code of codes) expect(contents.join('\n')).toContain(`第${code}项`)
  })
})
