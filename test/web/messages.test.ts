import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSenders } from '../../server/modules/notifications/senders.ts'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { startRobot } from '../helpers/robots.ts'
import { browser, webAccount } from '../helpers/web.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// The workbench's messages (消息) with the unread count in the navigation, the deliveries page (重试) for the admin
// and the office, a unit's channels for the admin, and what a unit merge does to channels.

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let robot: Awaited<ReturnType<typeof startRobot>>
const logins: Record<'admin' | 'supervisor' | 'leader' | 'lead' | 'lead2' | 'outsider', { login: string; password: string; id: number }> =
  {} as never

beforeAll(async () => {
  // Sends go out at once (no digest window), so a dispatch in a test reaches the robot.
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z', env: { NOTIFY_DIGEST_MINUTES: '0' } })
  w = workflowWorld(t.app)
  robot = await startRobot()
  const make = async (key: keyof typeof logins, role: Parameters<typeof webAccount>[1], unitId: number | null, name: string) => {
    const a = await webAccount(t.app, role, unitId, name)
    logins[key] = { login: a.login, password: a.password, id: a.account.id }
  }
  await make('admin', 'admin', null, '王管理')
  await make('supervisor', 'supervisor', w.office.id, '李督查')
  await make('leader', 'leader', null, '赵领导')
  await make('lead', 'unit', w.lead.id, '张联络')
  await make('lead2', 'unit', w.lead.id, '钱联络')
  await make('outsider', 'unit', w.outsider.id, '孙联络')
})
afterAll(async () => {
  await robot.close()
  await t.close()
})

async function signedIn(who: keyof typeof logins) {
  const b = browser(t.app)
  const res = await b.signIn(logins[who].login, logins[who].password)
  expect(res.statusCode).toBe(303)
  return b
}

function actorOf(who: keyof typeof logins): AccountActor {
  const role = who === 'lead' || who === 'lead2' || who === 'outsider' ? 'unit' : who
  const unitId =
    who === 'outsider' ? w.outsider.id : who === 'lead' || who === 'lead2' ? w.lead.id : who === 'supervisor' ? w.office.id : null
  return { kind: 'account', accountId: logins[who].id, name: who, role, unitId }
}

const unreadOf = (who: keyof typeof logins) => t.app.services.notifications.unreadCount(actorOf(who))

/** The navigation's link to 消息 and the count it shows ('' when none). */
function navCount(html: string): string {
  const link = /<nav class="site-nav"[\s\S]*?<a href="\/messages"[^>]*>([\s\S]*?)<\/a>/.exec(html)
  if (!link) throw new Error('no 消息 link in the navigation')
  return link[1]!.replace(/<[^>]+>/g, '')
}

/** A close-out sent back to the lead unit with this opinion: one message to the unit. */
/** 催办 of one item: one message to its lead unit. */
async function urge(itemId: number, note: string) {
  const res = await as(t.app, w.tokens.supervisor).post('/api/v1/items/bulk/urge', { itemIds: [itemId], note })
  expect(res.json().succeeded, res.body).toBe(1)
}

async function sentBack(opinion: string, code?: string) {
  const item = await w.itemIn('closure_requested', code ? { code } : {})
  const res = await w.transition(w.tokens.supervisor, item.id, 'reject', opinion)
  expect(res.statusCode).toBe(200)
  return item
}

describe('messages (消息)', () => {
  it('every role has 消息 with its unread count in the navigation (seen and heard), and the page', async () => {
    await sentBack('请补充监测报告', 'M-1')
    for (const who of ['admin', 'supervisor', 'leader', 'lead', 'outsider'] as const) {
      const b = await signedIn(who)
      const home = await b.get('/')
      const unread = unreadOf(who)
      expect(navCount(home.body), who).toBe(unread > 0 ? `消息 (${unread}条未读)` : '消息')
      expect((await b.get('/messages')).statusCode, who).toBe(200)
    }
    expect(unreadOf('lead')).toBeGreaterThan(0)
    expect(unreadOf('outsider')).toBe(0)
    // The count is text, not colour alone: the visible part and the words a screen reader adds.
    const home = await (await signedIn('lead')).get('/')
    expect(home.body).toMatch(/<span class="nav-count"> \(<span>\d+<\/span><span class="visually-hidden">条未读<\/span>\)<\/span>/)
  })

  it('lists the unit’s messages newest first: unread marked in words, the item’s code linking to it, the time in Chinese', async () => {
    t.clock.set('2018-10-16T01:30:00.000Z')
    const item = await sentBack('现场仍有裸土未覆盖', 'M-2')
    const page = await (await signedIn('lead')).get('/messages')
    expect(page.statusCode).toBe(200)
    const first = /<li class="message unread" id="message-(\d+)">([\s\S]*?)<\/li>/.exec(page.body)
    expect(first).not.toBeNull()
    expect(first![2]).toContain('<span class="tag tag-unread">未读</span>')
    expect(first![2]).toContain('M-2的销号申请被退回')
    expect(first![2]).toContain(`<a href="/items/${item.id}">M-2</a>`)
    // 01:30 UTC is 09:30 in Asia/Shanghai, the plan's zone.
    expect(first![2]).toContain('2018年10月16日 09:30')
    expect(first![2]).toContain('意见：现场仍有裸土未覆盖')
    // The text's link line (for robots and mail) is left out: the code links to the item.
    expect(first![2]).not.toContain('详情：')
    expect(page.body.indexOf('M-2的销号申请被退回')).toBeLessThan(page.body.indexOf('M-1的销号申请被退回'))
    expect(page.body).toContain('全部标为已读')
    expect(page.body).toContain(
      '<button type="submit" class="secondary" aria-label="标为已读：【退回整改】M-2的销号申请被退回">标为已读</button>',
    )
  })

  it('shows a message’s text exactly as typed, escaped', async () => {
    await sentBack('<script>alert("x")</script> & <b>粗体</b>', 'M-3')
    const page = await (await signedIn('lead')).get('/messages')
    expect(page.body).toContain('意见：&lt;script>alert(&#34;x&#34;)&lt;/script> &amp; &lt;b>粗体&lt;/b>')
    expect(page.body).not.toContain('<script>')
    expect(page.body).not.toContain('<b>粗体')
  })

  it('标为已读 marks one (for this account only) and the count in the navigation goes down; 全部标为已读 clears it', async () => {
    const b = await signedIn('lead')
    const page = await b.get('/messages')
    const before = unreadOf('lead')
    const others = unreadOf('lead2')
    expect(navCount(page.body)).toBe(`消息 (${before}条未读)`)
    const id = /<li class="message unread" id="message-(\d+)">/.exec(page.body)![1]
    const res = await b.post(`/messages/${id}/read`)
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`/messages#message-${id}`)
    const after = await b.get('/messages')
    expect(navCount(after.body)).toBe(before - 1 > 0 ? `消息 (${before - 1}条未读)` : '消息')
    expect(after.body).toContain(`<li class="message" id="message-${id}">`)
    expect(unreadOf('lead')).toBe(before - 1)
    // Another account of the same unit still has it unread.
    expect(unreadOf('lead2')).toBe(others)

    const all = await b.post('/messages/read-all')
    expect(all.statusCode).toBe(303)
    const cleared = await b.get(all.headers.location!)
    expect(cleared.body).toContain(`已全部标为已读（${before - 1}条）`)
    expect(navCount(cleared.body)).toBe('消息')
    expect(cleared.body).toContain('没有未读消息')
    expect(cleared.body).not.toContain('class="message unread"')
    expect(unreadOf('lead')).toBe(0)
  })

  it('someone else’s message is 404 and nothing changes; a form without the CSRF token or from elsewhere is refused', async () => {
    await sentBack('再次退回', 'M-4')
    const mine = t.app.services.notifications.list(actorOf('lead2'), 1).notifications[0]!
    const outsider = await signedIn('outsider')
    await outsider.get('/messages')
    const res = await outsider.post(`/messages/${mine.id}/read`)
    expect(res.statusCode).toBe(404)
    expect(res.body).toContain('未找到该消息')
    expect(t.app.services.notifications.list(actorOf('lead2'), 1).notifications[0]!.readAt).toBeNull()
    // The office's messages are not a unit's either.
    const officeOne = t.app.services.notifications.list(actorOf('supervisor'), 1).notifications[0]!
    expect((await outsider.post(`/messages/${officeOne.id}/read`)).statusCode).toBe(404)

    const lead2 = await signedIn('lead2')
    await lead2.get('/messages')
    const unread = unreadOf('lead2')
    expect((await lead2.post(`/messages/${mine.id}/read`, { _csrf: null })).statusCode).toBe(403)
    expect((await lead2.post('/messages/read-all', { _csrf: 'forged' })).statusCode).toBe(403)
    expect((await lead2.post('/messages/read-all', {}, { origin: 'https://evil.example' })).statusCode).toBe(403)
    expect(unreadOf('lead2')).toBe(unread)
    // Signed out, the page sends to the sign-in.
    const anonymous = await t.app.inject({ method: 'GET', url: '/messages' })
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toContain('/login')
  })

  it('pages older messages, 20 at a time; marking one read on an older page returns to that page', async () => {
    const total = t.app.services.notifications.list(actorOf('supervisor'), 200).notifications.length
    // Each close-out request tells the office: enough for a second page.
    for (let i = total; i < 25; i++) await w.itemIn('closure_requested')
    const all = t.app.services.notifications.list(actorOf('supervisor'), 200).notifications
    expect(all.length).toBeGreaterThan(20)
    const b = await signedIn('supervisor')
    const first = await b.get('/messages')
    expect(first.body.match(/<li class="message/g)!.length).toBe(20)
    const older = /<a href="\/messages\?before=(\d+)">更早的消息<\/a>/.exec(first.body)
    expect(older).not.toBeNull()
    expect(Number(older![1])).toBe(all[19]!.id)
    const second = await b.get(`/messages?before=${older![1]}`)
    expect(second.body.match(/<li class="message/g)!.length).toBe(Math.min(20, all.length - 20))
    expect(second.body).toContain('<a href="/messages">最新消息</a>')
    const id = all[20]!.id
    expect(second.body).toContain(`id="message-${id}"`)
    const res = await b.post(`/messages/${id}/read`, { before: older![1]! })
    expect(res.headers.location).toBe(`/messages?before=${older![1]}#message-${id}`)
    expect((await b.get('/messages?before=abc')).statusCode).toBe(400)
  })

  it('the unread count is one indexed COUNT (no scan of the messages table)', () => {
    const sqlite = t.database.sqlite
    const seen: string[] = []
    const prepare = sqlite.prepare.bind(sqlite)
    sqlite.prepare = ((source: string) => {
      seen.push(source)
      return prepare(source)
    }) as typeof sqlite.prepare
    try {
      for (const who of ['lead', 'supervisor'] as const) t.app.services.notifications.unreadCount(actorOf(who))
    } finally {
      sqlite.prepare = prepare as typeof sqlite.prepare
    }
    const counts = seen.filter((s) => /count\(\*\)/i.test(s))
    expect(counts.length).toBe(2)
    for (const source of counts) {
      const params = (source.match(/\?/g) ?? []).map(() => 1)
      const plan = prepare(`explain query plan ${source}`)
        .all(...params)
        .map((r) => (r as { detail: string }).detail)
        .join('\n')
      expect(plan).toMatch(/notifications USING (COVERING )?INDEX notifications_(unit|recipient)_idx/)
      expect(plan).not.toMatch(/SCAN notifications(?! USING)/)
      expect(plan).toMatch(/notification_reads USING (COVERING )?INDEX|PRIMARY KEY/)
    }
  })
})

describe('deliveries (消息发送)', () => {
  it('the admin and the office see the page and its link; a leader and a unit neither', async () => {
    for (const who of ['admin', 'supervisor'] as const) {
      const b = await signedIn(who)
      expect((await b.get('/')).body).toContain('href="/deliveries"')
      expect((await b.get('/deliveries')).statusCode).toBe(200)
    }
    for (const who of ['leader', 'lead'] as const) {
      const b = await signedIn(who)
      expect((await b.get('/')).body).not.toContain('href="/deliveries"')
      expect((await b.get('/deliveries')).statusCode).toBe(403)
      expect((await b.post('/deliveries/1/retry')).statusCode).toBe(403)
    }
  })

  it('filters by status; a dead delivery shows its error and 重试 makes it pending again (CSRF checked first)', async () => {
    const put = await as(t.app, w.tokens.admin).put(`/api/v1/units/${w.outsider.id}/channels`, {
      channels: [{ kind: 'wecom', url: robot.url('/cgi-bin/webhook/send?key=outsider-key-0001') }],
    })
    expect(put.statusCode).toBe(200)
    const item = w.f.item(w.plan.id, w.outsider.id, { code: 'D-1', problem: '污水直排' })
    await urge(item.id, '请加快进度')
    robot.setMode('errcode')
    const senders = createSenders({ smtpUrl: null, mailFrom: 'x@example.cn' })
    // One try only: the robot's refusal makes the delivery dead at once.
    const dispatcher = t.app.services.notifications.dispatcher({ senders, log: pino({ level: 'silent' }), settings: { maxAttempts: 1 } })
    await dispatcher.dispatch()
    robot.setMode('ok')
    const dead = t.app.services.notifications.deliveries({ status: 'dead' }).deliveries
    expect(dead.length).toBe(1)
    const id = dead[0]!.id

    const b = await signedIn('supervisor')
    const page = await b.get('/deliveries?status=dead')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<a href="/deliveries?status=dead" aria-current="page">已放弃</a>')
    expect(page.body).toContain('企业微信机器人')
    expect(page.body).toContain('区水务局')
    expect(page.body).toContain('300001')
    expect(page.body).toContain(`action="/deliveries/${id}/retry"`)
    expect(page.body).not.toContain('outsider-key-0001')
    expect((await b.get('/deliveries?status=sent')).body).not.toContain(`action="/deliveries/${id}/retry"`)
    expect((await b.get('/deliveries?status=nonsense')).statusCode).toBe(400)

    expect((await b.post(`/deliveries/${id}/retry`, { _csrf: null })).statusCode).toBe(403)
    expect(t.app.services.notifications.deliveries({ status: 'dead' }).deliveries.map((d) => d.id)).toEqual([id])

    const res = await b.post(`/deliveries/${id}/retry`, { status: 'dead' })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/deliveries?status=dead&msg=retried')
    expect((await b.get(res.headers.location!)).body).toContain('已重新排队发送')
    const now = t.app.services.notifications.deliveries({}).deliveries.find((d) => d.id === id)!
    expect(now).toMatchObject({ status: 'pending', attempts: 0 })
    expect((await b.get('/deliveries?status=pending')).body).toContain('待发送')

    // Sent: nothing to retry (409, shown as a page); an unknown one is 404.
    await dispatcher.dispatch()
    expect(t.app.services.notifications.deliveries({}).deliveries.find((d) => d.id === id)!.status).toBe('sent')
    await b.get('/deliveries')
    const again = await b.post(`/deliveries/${id}/retry`)
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('该消息已发送成功，无需重试')
    expect((await b.post('/deliveries/999999/retry')).statusCode).toBe(404)
  })
})

const SECRET = 'SECchannel-secret-7f3a9b'
const TOKEN = 'robot-token-51c2e8'

describe('a unit’s channels (the admin)', () => {
  it('is linked from the unit’s page, shows e-mail as not configured, and is the admin’s only', async () => {
    const admin = await signedIn('admin')
    expect((await admin.get(`/admin/units/${w.partner.id}`)).body).toContain(`href="/admin/units/${w.partner.id}/channels"`)
    const page = await admin.get(`/admin/units/${w.partner.id}/channels`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('区住房城乡建设委：消息渠道')
    expect(page.body).toContain('未配置邮件发送服务（SMTP_URL）')
    expect(page.body).toContain('尚未设置消息渠道')
    expect((await admin.get('/admin/units/99999/channels')).statusCode).toBe(404)
    for (const who of ['supervisor', 'leader', 'lead'] as const) {
      const b = await signedIn(who)
      expect((await b.get(`/admin/units/${w.partner.id}/channels`)).statusCode).toBe(403)
      expect((await b.post(`/admin/units/${w.partner.id}/channels`, { kind: 'wecom', url: 'https://example.cn/hook' })).statusCode).toBe(
        403,
      )
    }
    expect(t.app.services.notifications.channels(w.partner.id).channels).toEqual([])
  })

  it('adds a signed DingTalk robot and an address; the token and the secret are never shown back; the trail has it', async () => {
    const b = await signedIn('admin')
    await b.get(`/admin/units/${w.partner.id}/channels`)
    let res = await b.post(`/admin/units/${w.partner.id}/channels`, {
      kind: 'dingtalk',
      url: `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`,
      secret: SECRET,
      address: '',
    })
    expect(res.statusCode).toBe(303)
    let page = await b.get(res.headers.location!)
    expect(page.body).toContain('渠道已添加')
    expect(page.body).toContain('https://oapi.dingtalk.com/robot/send?access_token=***')
    expect(page.body).toContain('已设置加签密钥')
    res = await b.post(`/admin/units/${w.partner.id}/channels`, { kind: 'email', url: '', secret: '', address: 'zjw@example.gov.cn' })
    expect(res.statusCode).toBe(303)
    page = await b.get(res.headers.location!)
    expect(page.body).toContain('zjw@example.gov.cn')
    expect(page.body).toContain('未配置邮件发送服务，暂不发送')
    for (const html of [page.body, (await b.get('/admin/audit')).body, t.logs.join('\n')]) {
      expect(html).not.toContain(SECRET)
      expect(html).not.toContain(TOKEN)
    }
    const audit = await b.get('/admin/audit')
    expect(audit.body).toContain('设置单位“区住房城乡建设委”的消息渠道：钉钉机器人1个、邮箱1个')
    const kinds = t.app.services.notifications.channels(w.partner.id).channels.map((c) => c.kind)
    expect(kinds).toEqual(['dingtalk', 'email'])
  })

  it('refuses a bad address or URL with the reason beside its field, changing nothing', async () => {
    const b = await signedIn('admin')
    await b.get(`/admin/units/${w.partner.id}/channels`)
    const before = t.app.services.notifications.channels(w.partner.id)
    const cases: [Record<string, string>, string, string][] = [
      [{ kind: 'wecom', url: 'ftp://example.cn/robot' }, 'url', '请填写以 http:// 或 https:// 开头的机器人地址'],
      [{ kind: 'wecom', url: '' }, 'url', '请填写机器人的 Webhook 地址'],
      [{ kind: 'email', address: 'nobody' }, 'address', '请填写有效的邮箱地址'],
      [{ kind: 'wecom', url: 'https://example.cn/hook', secret: 'x' }, 'secret', '企业微信机器人不使用加签密钥'],
      [{ kind: 'sms', url: 'https://example.cn/hook' }, 'kind', '请选择渠道类型'],
    ]
    for (const [fields, name, message] of cases) {
      const res = await b.post(`/admin/units/${w.partner.id}/channels`, fields)
      expect(res.statusCode, JSON.stringify(fields)).toBe(400)
      expect(res.body).toMatch(
        new RegExp(
          `<div class="field has-error">\\s*<label for="f-${name}">[^<]*</label>[\\s\\S]*?<span class="error" id="f-${name}-error">${message}`,
        ),
      )
      // What was typed stays in the form (the secret never does).
      if (fields.url) expect(res.body).toContain(`value="${fields.url}"`)
      if (fields.secret) expect(res.body).not.toContain(`value="${fields.secret}"`)
    }
    expect(t.app.services.notifications.channels(w.partner.id)).toEqual(before)
    expect(
      (await b.post(`/admin/units/${w.partner.id}/channels`, { kind: 'wecom', url: 'https://example.cn/x', _csrf: null })).statusCode,
    ).toBe(403)
    expect(t.app.services.notifications.channels(w.partner.id)).toEqual(before)
  })

  it('changes a robot keeping its secret when the field is left empty; removes one', async () => {
    const b = await signedIn('admin')
    const page = await b.get(`/admin/units/${w.partner.id}/channels`)
    const ding = t.app.services.notifications.channels(w.partner.id).channels.find((c) => c.kind === 'dingtalk')!
    expect(page.body).toContain(`id="f-url-${ding.id}"`)
    expect(page.body).toContain('已设置（不显示）；留空则保留原密钥')
    let res = await b.post(`/admin/units/${w.partner.id}/channels/${ding.id}`, {
      url: 'https://oapi.dingtalk.com/robot/send?access_token=new-token-9e1d',
      secret: '',
    })
    expect(res.statusCode).toBe(303)
    const changed = t.app.services.notifications.channels(w.partner.id).channels.find((c) => c.kind === 'dingtalk')!
    expect(changed).toMatchObject({ hasSecret: true })
    expect(changed.id).not.toBe(ding.id)
    // Left empty: the URL stays too; a bad one is refused beside the field of that channel's form.
    res = await b.post(`/admin/units/${w.partner.id}/channels/${changed.id}`, { url: 'javascript:alert(1)', secret: '' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain(`<span class="error" id="f-url-${changed.id}-error">请填写以 http:// 或 https:// 开头的机器人地址</span>`)
    res = await b.post(`/admin/units/${w.partner.id}/channels/${changed.id}`, { url: '', secret: '', clearSecret: 'yes' })
    expect(res.statusCode).toBe(303)
    expect(t.app.services.notifications.channels(w.partner.id).channels.find((c) => c.kind === 'dingtalk')).toMatchObject({
      url: 'https://oapi.dingtalk.com/robot/send?access_token=***',
      hasSecret: false,
    })
    const email = t.app.services.notifications.channels(w.partner.id).channels.find((c) => c.kind === 'email')!
    res = await b.post(`/admin/units/${w.partner.id}/channels/${email.id}/remove`)
    expect(res.statusCode).toBe(303)
    expect((await b.get(res.headers.location!)).body).toContain('渠道已删除')
    expect(t.app.services.notifications.channels(w.partner.id).channels.map((c) => c.kind)).toEqual(['dingtalk'])
    // A channel that is gone (or another unit's) is 404.
    expect((await b.post(`/admin/units/${w.partner.id}/channels/${email.id}/remove`)).statusCode).toBe(404)
    expect((await b.post(`/admin/units/${w.lead.id}/channels/${changed.id}`, { url: '' })).statusCode).toBe(404)
  })
})

describe('the API’s channels, through the same service', () => {
  it('PUT records the change in the admin trail (masked, no secret); an unchanged list records nothing; at most 10', async () => {
    const unit = w.f.unit('区交通局')
    const url = `/api/v1/units/${unit.id}/channels`
    const channels = [
      { kind: 'dingtalk', url: `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`, secret: SECRET },
      { kind: 'dingtalk', url: `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`, secret: SECRET },
    ]
    const trail = () => t.app.services.adminEvents.list({ limit: 50, subjectKind: 'unit', subjectId: unit.id })
    const put = await as(t.app, w.tokens.admin).put(url, { channels })
    expect(put.statusCode).toBe(200)
    // The same robot twice is kept once.
    expect(put.json().channels.length).toBe(1)
    expect(trail().map((e) => e.summary)).toEqual(['设置单位“区交通局”的消息渠道：钉钉机器人1个'])
    expect(JSON.stringify(trail())).not.toContain(SECRET)
    expect(JSON.stringify(trail())).not.toContain(TOKEN)
    expect((await as(t.app, w.tokens.admin).put(url, { channels })).statusCode).toBe(200)
    expect(trail().length).toBe(1)
    expect((await as(t.app, w.tokens.admin).put(url, { channels: [] })).statusCode).toBe(200)
    expect(trail()[0]!.summary).toBe('清除单位“区交通局”的消息渠道')
    const eleven = Array.from({ length: 11 }, (_, i) => ({ kind: 'email', address: `u${i}@example.cn` }))
    expect((await as(t.app, w.tokens.admin).put(url, { channels: eleven })).statusCode).toBe(400)
  })
})

describe('a unit merge and its channels', () => {
  it('moves the merged unit’s channels to the survivor in the merge, once each, with what still waited for them', async () => {
    const from = w.f.unit('区农业局')
    const into = w.f.unit('区农业农村局')
    const shared = { kind: 'email', address: 'nyj@example.gov.cn' }
    const own = { kind: 'wecom', url: robot.url('/cgi-bin/webhook/send?key=nongye') }
    expect((await as(t.app, w.tokens.admin).put(`/api/v1/units/${from.id}/channels`, { channels: [own, shared] })).statusCode).toBe(200)
    expect((await as(t.app, w.tokens.admin).put(`/api/v1/units/${into.id}/channels`, { channels: [shared] })).statusCode).toBe(200)
    const sharedOfInto = t.app.services.notifications.channels(into.id).channels[0]!
    // A message to the merged unit still waiting for its copy of the shared address.
    const item = w.f.item(w.plan.id, from.id, { code: 'H-1' })
    await urge(item.id, '请加快')
    const waiting = t.app.services.notifications.deliveries({ status: 'pending' }).deliveries.filter((d) => d.channel.unitId === from.id)
    expect(waiting.map((d) => d.channel.kind).sort()).toEqual(['email', 'wecom'])
    const fromAccount = await webAccount(t.app, 'unit', from.id, '农业局联络员')

    const merged = await as(t.app, w.tokens.admin).post(`/api/v1/units/${from.id}/merge`, { intoUnitId: into.id })
    expect(merged.statusCode, merged.body).toBe(200)
    expect(t.app.services.notifications.channels(from.id).channels).toEqual([])
    const after = t.app.services.notifications.channels(into.id).channels
    expect(after.map((c) => (c.kind === 'email' ? c.address : c.kind)).sort()).toEqual(['nyj@example.gov.cn', 'wecom'])
    // Both copies of the message now wait on the survivor's channels, the address's on the survivor's own row.
    const moved = t.app.services.notifications.deliveries({}).deliveries.filter((d) => waiting.some((x) => x.id === d.id))
    expect(moved.every((d) => d.channel.unitId === into.id && d.status === 'pending')).toBe(true)
    expect(moved.find((d) => d.channel.kind === 'email')!.channel.id).toBe(sharedOfInto.id)
    // The merged unit's people read its messages in the survivor's inbox.
    const b = browser(t.app)
    await b.signIn(fromAccount.login, fromAccount.password)
    expect((await b.get('/messages')).body).toContain('H-1')
    // A merged unit's channels page points to the survivor and has no forms.
    const admin = await signedIn('admin')
    const page = await admin.get(`/admin/units/${from.id}/channels`)
    expect(page.body).toContain(`href="/admin/units/${into.id}/channels"`)
    expect(page.body).not.toContain('添加渠道')
    expect((await admin.post(`/admin/units/${from.id}/channels`, { kind: 'wecom', url: 'https://example.cn/hook' })).statusCode).toBe(409)
  })

  it('a merge that fails moves no channel', async () => {
    const from = w.f.unit('区林业局')
    const gone = w.f.unit('区园林局')
    expect(
      (
        await as(t.app, w.tokens.admin).put(`/api/v1/units/${from.id}/channels`, {
          channels: [{ kind: 'email', address: 'lyj@example.gov.cn' }],
        })
      ).statusCode,
    ).toBe(200)
    const third = w.f.unit('区绿化局')
    expect((await as(t.app, w.tokens.admin).post(`/api/v1/units/${gone.id}/merge`, { intoUnitId: third.id })).statusCode).toBe(200)
    // Into a merged unit: refused (409), and the channel stays where it was.
    const res = await as(t.app, w.tokens.admin).post(`/api/v1/units/${from.id}/merge`, { intoUnitId: gone.id })
    expect(res.statusCode).toBe(409)
    expect(t.app.services.notifications.channels(from.id).channels.map((c) => c.kind)).toEqual(['email'])
  })
})
