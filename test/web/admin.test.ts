import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { CHECKLIST_HEADER, sheetXlsx } from '../helpers/spreadsheets.ts'
import { browser, multipartForm, ORIGIN, webAccount } from '../helpers/web.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// The admin's pages: units (create, rename, merge), accounts, the checklist import with its preview, the admin
// trail; and the unit API routes behind them.

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let adminLogin: { login: string; password: string }
const SYSTEM: AccountActor = { kind: 'account', accountId: 0, name: 'test', role: 'admin', unitId: null }

beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
  w = workflowWorld(t.app)
  adminLogin = await webAccount(t.app, 'admin', null, '王管理')
})
afterAll(async () => t.close())

async function adminBrowser() {
  const b = browser(t.app)
  expect((await b.signIn(adminLogin.login, adminLogin.password)).statusCode).toBe(303)
  return b
}

describe('who may open the admin pages', () => {
  const pages = [
    '/admin',
    '/admin/units',
    `/admin/units/1`,
    '/admin/accounts',
    '/admin/accounts/1',
    '/admin/audit',
    '/admin/import',
    '/admin/plans',
    '/admin/calendar',
  ]
  it.each(['supervisor', 'leader', 'unit'] as const)('a %s gets 403 on every admin page and form, and no 系统管理 link', async (role) => {
    const who = await webAccount(t.app, role, role === 'leader' ? null : w.f.unit(`单位-${role}`).id)
    const b = browser(t.app)
    await b.signIn(who.login, who.password)
    const home = await b.get('/')
    expect(home.body).not.toContain('href="/admin"')
    for (const page of pages) {
      // The supervisor may import (as in the API): the import page is theirs too.
      const expected = role === 'supervisor' && page === '/admin/import' ? 200 : 403
      expect((await b.get(page)).statusCode, `${role} ${page}`).toBe(expected)
    }
    expect((await b.post('/admin/units', { name: '偷建单位' })).statusCode).toBe(403)
    expect((await b.post(`/admin/units/${w.lead.id}/rename`, { name: '偷改名' })).statusCode).toBe(403)
    expect(
      (await b.post('/admin/accounts', { login: 'sneaky', name: 'x', password: 'long-enough-pass', role: 'admin', unitId: '' })).statusCode,
    ).toBe(403)
    expect(t.app.services.units.list().some((u) => u.name === '偷建单位' || u.name === '偷改名')).toBe(false)
  })

  it('the admin sees 系统管理 and every page; signed out, each page sends to the sign-in', async () => {
    const b = await adminBrowser()
    expect((await b.get('/')).body).toContain('href="/admin"')
    for (const page of pages) expect((await b.get(page)).statusCode, page).toBe(200)
    const anonymous = await t.app.inject({ method: 'GET', url: '/admin/units' })
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toContain('/login')
  })

  it('refuses a form without the CSRF token or from another origin, changing nothing', async () => {
    const b = await adminBrowser()
    await b.get('/admin/units')
    expect((await b.post('/admin/units', { name: '无令牌单位', _csrf: null })).statusCode).toBe(403)
    expect((await b.post('/admin/units', { name: '外站单位' }, { origin: 'https://evil.example' })).statusCode).toBe(403)
    expect(t.app.services.units.list().map((u) => u.name)).not.toContain('无令牌单位')
    expect(t.app.services.units.list().map((u) => u.name)).not.toContain('外站单位')
  })
})

describe('units', () => {
  it('creates a unit, refuses a duplicate name beside the field, and escapes what was typed', async () => {
    const b = await adminBrowser()
    await b.get('/admin/units')
    let res = await b.post('/admin/units', { name: '  区数据局<script>&amp; ' })
    expect(res.statusCode).toBe(303)
    const page = await b.get(res.headers.location!)
    expect(page.body).toContain('单位已新增')
    expect(page.body).toContain('区数据局&lt;script>&amp;amp;')
    expect(page.body).not.toContain('<script>')
    res = await b.post('/admin/units', { name: '区水务局' })
    expect(res.statusCode).toBe(409)
    expect(res.body).toContain('已有同名单位')
  })

  it('renames: the item pages show the new name, the issued bulletin keeps the old one, the admin trail has it', async () => {
    const unit = w.f.unit('区城管局')
    const item = w.f.item(w.plan.id, unit.id, { code: 'R-1', problem: '渣土车撒漏', deadline: '2018-09-10' })
    // The October bulletin, issued in November; the rest of this file runs on in November.
    t.clock.set('2018-11-02T02:00:00.000Z')
    const bulletin = t.app.services.bulletins.issue(null, w.plan.id, '2018-10')
    const before = JSON.stringify(t.app.services.bulletins.get(SYSTEM, w.plan.id, '2018-10'))
    expect(before).toContain('区城管局')

    const b = await adminBrowser()
    await b.get(`/admin/units/${unit.id}`)
    const res = await b.post(`/admin/units/${unit.id}/rename`, { name: '区城市管理委员会' })
    expect(res.statusCode).toBe(303)
    expect((await b.get(res.headers.location!)).body).toContain('单位已更名')
    expect((await b.get(`/items/${item.id}`)).body).toContain('区城市管理委员会')
    const after = JSON.stringify(t.app.services.bulletins.get(SYSTEM, w.plan.id, '2018-10'))
    expect(after).toBe(before)
    expect(bulletin).toBeTruthy()
    const audit = await b.get('/admin/audit')
    expect(audit.body).toContain('单位“区城管局”更名为“区城市管理委员会”')
    expect(audit.body).toContain('王管理')

    await b.get(`/admin/units/${unit.id}`)
    const taken = await b.post(`/admin/units/${unit.id}/rename`, { name: '区水务局' })
    expect(taken.statusCode).toBe(409)
    expect(taken.body).toContain('已有同名单位')
  })

  it('merges: items as lead and responsible and accounts move; one event per item; the old unit stays, marked', async () => {
    const old = w.f.unit('区农业农村局')
    const survivor = w.f.unit('区农业农村和水利局')
    const led = w.f.item(w.plan.id, old.id, { code: 'M-1', problem: '畜禽养殖污染', deadline: '2019-06-30' })
    const shared = w.f.item(w.plan.id, w.lead.id, { code: 'M-2', responsibleUnitIds: [old.id], deadline: '2019-06-30' })
    const both = w.f.item(w.plan.id, survivor.id, { code: 'M-3', responsibleUnitIds: [old.id], deadline: '2019-06-30' })
    const staff = await webAccount(t.app, 'unit', old.id, '赵农')
    const oldToken = w.f.token('unit', old.id)

    const b = await adminBrowser()
    await b.get(`/admin/units/${old.id}`)
    expect((await b.post(`/admin/units/${old.id}/merge`, { intoUnitId: String(survivor.id) })).body).toContain('请勾选')
    const res = await b.post(`/admin/units/${old.id}/merge`, { intoUnitId: String(survivor.id), confirm: 'yes' })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`/admin/units/${survivor.id}?msg=merged&n=3`)

    const get = (id: number) => t.app.services.items.get(SYSTEM, id)
    expect(get(led.id).leadUnitId).toBe(survivor.id)
    expect(get(shared.id).responsibleUnitIds).toEqual([survivor.id])
    expect(get(both.id).leadUnitId).toBe(survivor.id)
    expect(get(both.id).responsibleUnitIds).toEqual([])
    // Each moved item's version goes up once, whether it was led or shared (a client's If-Match sees the change).
    expect([led, shared, both].map((item) => get(item.id).version - item.version)).toEqual([1, 1, 1])
    const events = t.app.services.items.events(SYSTEM, led.id)
    expect(events.at(-1)).toMatchObject({
      action: 'unit_merged',
      details: { fromUnitName: '区农业农村局', intoUnitName: '区农业农村和水利局', as: 'lead' },
    })
    expect(t.app.services.items.events(SYSTEM, shared.id).filter((e) => e.action === 'unit_merged')).toHaveLength(1)

    // The old unit's people now work for the survivor: its items are theirs, with the history readable.
    const theirs = await as(t.app, oldToken).get('/api/v1/me')
    expect(theirs.json()).toMatchObject({ unitId: survivor.id, unitName: '区农业农村和水利局' })
    const sb = browser(t.app)
    await sb.signIn(staff.login, staff.password)
    const itemPage = await sb.get(`/items/${led.id}`)
    expect(itemPage.statusCode).toBe(200)
    expect(itemPage.body).toContain('单位合并（机构改革）')
    expect(itemPage.body).toContain('牵头单位“区农业农村局”并入“区农业农村和水利局”')

    const oldPage = await b.get(`/admin/units/${old.id}`)
    expect(oldPage.body).toContain('已并入“区农业农村和水利局”')
    expect(oldPage.body).not.toContain('>合并</button>')
    expect(t.app.services.units.get(old.id).mergedIntoId).toBe(survivor.id)
    // Merging again, or into a merged unit, is refused.
    const again = await as(t.app, w.tokens.admin).post(`/api/v1/units/${old.id}/merge`, { intoUnitId: survivor.id })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('UNIT_MERGED')
  })

  it('the API: PATCH renames, POST merge merges, each for the admin only, with stable codes', async () => {
    const a = w.f.unit('区统计局')
    const c = w.f.unit('区发展改革委')
    expect((await as(t.app, w.tokens.supervisor).patch(`/api/v1/units/${a.id}`, { name: 'x' })).statusCode).toBe(403)
    expect((await as(t.app, w.tokens.admin).patch(`/api/v1/units/9999`, { name: 'x' })).statusCode).toBe(404)
    expect((await as(t.app, w.tokens.admin).patch(`/api/v1/units/${a.id}`, { name: '   ' })).statusCode).toBe(400)
    const renamed = await as(t.app, w.tokens.admin).patch(`/api/v1/units/${a.id}`, { name: '区统计调查局' })
    expect(renamed.statusCode).toBe(200)
    expect(renamed.json()).toMatchObject({ id: a.id, name: '区统计调查局', mergedIntoId: null })
    expect((await as(t.app, w.tokens.admin).post(`/api/v1/units/${a.id}/merge`, { intoUnitId: a.id })).statusCode).toBe(400)
    const merged = await as(t.app, w.tokens.admin).post(`/api/v1/units/${a.id}/merge`, { intoUnitId: c.id })
    expect(merged.statusCode).toBe(200)
    expect(merged.json()).toMatchObject({ from: { id: a.id, mergedIntoId: c.id }, into: { id: c.id }, movedItems: [], movedAccounts: 0 })
  })
})

describe('accounts', () => {
  it('creates an account that then signs in; refuses a taken login and a short password beside their fields', async () => {
    const b = await adminBrowser()
    const form = await b.get('/admin/accounts')
    for (const label of ['用户名', '姓名', '密码', '角色', '单位']) expect(form.body).toContain(`>${label}</label>`)
    let res = await b.post('/admin/accounts', {
      login: 'zhou.li',
      name: '周丽',
      password: 'short',
      role: 'unit',
      unitId: String(w.lead.id),
    })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('zhou.li')
    res = await b.post('/admin/accounts', { login: 'zhou.li', name: '周丽', password: 'a-long-first-password', role: 'unit', unitId: '' })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('责任单位账号须选择单位')
    res = await b.post('/admin/accounts', {
      login: 'zhou.li',
      name: '周丽',
      password: 'a-long-first-password',
      role: 'unit',
      unitId: String(w.lead.id),
    })
    expect(res.statusCode).toBe(303)
    expect((await b.get(res.headers.location!)).body).toContain('账号已新建')
    res = await b.post('/admin/accounts', {
      login: 'zhou.li',
      name: '另一人',
      password: 'a-long-first-password',
      role: 'leader',
      unitId: '',
    })
    expect(res.statusCode).toBe(409)
    expect(res.body).toContain('该用户名已被使用')

    const person = browser(t.app)
    expect((await person.signIn('zhou.li', 'a-long-first-password')).statusCode).toBe(303)
    expect((await person.get('/')).body).toContain('周丽（区生态环境局）')
  })

  it('resets a password (the old sessions end), disables and enables, issues and revokes the API token', async () => {
    const who = await webAccount(t.app, 'supervisor', w.office.id, '钱督查')
    const person = browser(t.app)
    await person.signIn(who.login, who.password)
    const account = t.app.services.accounts.listForAdmin().find((a) => a.login === who.login)!
    const b = await adminBrowser()
    await b.get(`/admin/accounts/${account.id}`)
    expect((await b.post(`/admin/accounts/${account.id}/password`, { password: 'new-password-given' })).statusCode).toBe(303)
    expect((await person.get('/')).statusCode).toBe(303)
    expect((await browser(t.app).signIn(who.login, 'new-password-given')).statusCode).toBe(303)

    const issued = await b.post(`/admin/accounts/${account.id}/token`)
    expect(issued.statusCode).toBe(200)
    const token = /<code class="token-value">([^<]+)<\/code>/.exec(issued.body)![1]!
    expect((await as(t.app, token).get('/api/v1/me')).statusCode).toBe(200)
    await b.get(`/admin/accounts/${account.id}`)
    expect((await b.post(`/admin/accounts/${account.id}/token/revoke`)).statusCode).toBe(303)
    expect((await as(t.app, token).get('/api/v1/me')).statusCode).toBe(401)

    const second = await as(
      t.app,
      (await b.post(`/admin/accounts/${account.id}/token`)).body.match(/<code class="token-value">([^<]+)</)![1]!,
    ).get('/api/v1/me')
    expect(second.statusCode).toBe(200)
    await b.get(`/admin/accounts/${account.id}`)
    expect((await b.post(`/admin/accounts/${account.id}/disable`)).statusCode).toBe(303)
    expect((await browser(t.app).signIn(who.login, 'new-password-given')).statusCode).toBe(401)
    await b.get(`/admin/accounts/${account.id}`)
    expect((await b.post(`/admin/accounts/${account.id}/enable`)).statusCode).toBe(303)
    expect((await browser(t.app).signIn(who.login, 'new-password-given')).statusCode).toBe(303)

    const own = t.app.services.accounts.listForAdmin().find((a) => a.login === adminLogin.login)!
    await b.get(`/admin/accounts/${own.id}`)
    expect((await b.post(`/admin/accounts/${own.id}/disable`)).statusCode).toBe(409)

    const audit = (await b.get('/admin/audit')).body
    for (const text of [
      '重置账号“钱督查”的密码',
      '为账号“钱督查”签发新的接口令牌',
      '吊销账号“钱督查”的接口令牌',
      '停用账号“钱督查”',
      '启用账号“钱督查”',
    ]) {
      expect(audit).toContain(text)
    }
  })
})

describe('the checklist import', () => {
  const POLLUTION = '二、打好污染防治攻坚战'
  const row = (code: string, lead = '区生态环境局') => [code, `问题${code}`, '目标', '措施', lead, '', '2019年6月底前']

  async function upload(b: ReturnType<typeof browser>, file: Buffer, fields: Record<string, string> = {}) {
    await b.get('/admin/import')
    const body = multipartForm({ _csrf: b.csrf, planId: String(w.plan.id), mode: 'create', ...fields }, [
      { name: '清单.xlsx', content: file, field: 'file' },
    ])
    return b.postRaw('/admin/import', body.payload, body.headers)
  }

  it('shows every row and every error, saves nothing, and offers no 确认导入 while there are errors', async () => {
    const b = await adminBrowser()
    const bad = await sheetXlsx([CHECKLIST_HEADER, [POLLUTION], row('I-1'), row('I-2', '区不存在局')], ['A2:G2'])
    const res = await upload(b, bad)
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('问题I-1')
    expect(res.body).toContain('问题I-2')
    expect(res.body).toContain('区不存在局')
    expect(res.body).toContain('未保存任何内容')
    expect(res.body).not.toContain('确认导入')
    expect(t.app.services.items.list(SYSTEM, { q: '问题I-' }).total).toBe(0)
  })

  it('previews a good file, then 确认导入 imports it, once', async () => {
    const b = await adminBrowser()
    const good = await sheetXlsx([CHECKLIST_HEADER, [POLLUTION], row('I-3'), row('I-4')], ['A2:G2'])
    const res = await upload(b, good)
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('新增 2 项')
    expect(res.body).toContain('尚未保存')
    expect(t.app.services.items.list(SYSTEM, { q: '问题I-' }).total).toBe(0)
    const token = /name="token" value="([^"]+)"/.exec(res.body)![1]!
    const done = await b.post('/admin/import/confirm', { token })
    expect(done.statusCode).toBe(303)
    expect((await b.get(done.headers.location!)).body).toContain('整改清单已导入（2项）')
    expect(t.app.services.items.list(SYSTEM, { q: '问题I-' }).total).toBe(2)
    expect((await b.post('/admin/import/confirm', { token })).statusCode).toBe(409)
    expect((await b.get('/admin/audit')).body).toContain('导入整改清单“清单.xlsx”：新增2项')
  })

  it('a multipart form without the CSRF token is refused before the file is read', async () => {
    const b = await adminBrowser()
    await b.get('/admin/import')
    const body = multipartForm({ planId: String(w.plan.id) }, [{ name: 'x.xlsx', content: Buffer.from('x'), field: 'file' }])
    expect((await b.postRaw('/admin/import', body.payload, body.headers)).statusCode).toBe(403)
    expect(ORIGIN).toBeTruthy()
  })
})

describe("the leadership's dashboard", () => {
  it('is the leader home: completion by task area and ranked lead units, overdue and lagging lists linking to items, SVG charts with Chinese names, and no form but sign-out', async () => {
    const late = w.f.item(w.plan.id, w.lead.id, { code: 'D-1', problem: '逾期的看板任务', deadline: '2018-10-20' })
    const leader = await webAccount(t.app, 'leader', null, '孙组长')
    const b = browser(t.app)
    await b.signIn(leader.login, leader.password)
    const home = await b.get('/')
    expect(home.statusCode).toBe(200)
    expect(home.body).toContain('牵头单位排名')
    const res = await b.get('/dashboard')
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('按任务类别')
    expect(res.body).toContain('牵头单位排名')
    expect(res.body).toMatch(/<svg role="img" aria-label="各牵头单位任务销号情况图：/)
    expect(res.body).toMatch(/<svg role="img" aria-label="整改完成率趋势图：/)
    const overdue = res.body.slice(res.body.indexOf('id="overdue"'), res.body.indexOf('</section>', res.body.indexOf('id="overdue"')))
    expect(overdue).toContain(`href="/items/${late.id}"`)
    // Read only: the one POST form is the sign-out.
    const forms = [...res.body.matchAll(/<form[^>]*method="post"[^>]*action="([^"]+)"/g)].map((m) => m[1])
    expect(forms).toEqual(['/logout'])
    const itemPage = await b.get(`/items/${late.id}`)
    expect([...itemPage.body.matchAll(/<form[^>]*method="post"[^>]*action="([^"]+)"/g)].map((m) => m[1])).toEqual(['/logout'])
    // Supervisors and the admin may open it; a unit may not.
    const admin = await adminBrowser()
    expect((await admin.get('/dashboard')).statusCode).toBe(200)
    const unit = await webAccount(t.app, 'unit', w.lead.id)
    const ub = browser(t.app)
    await ub.signIn(unit.login, unit.password)
    expect((await ub.get('/dashboard')).statusCode).toBe(403)
  })
})

describe('plans', () => {
  it('creates a plan with its task areas and days, refusing bad numbers beside their fields', async () => {
    const b = await adminBrowser()
    await b.get('/admin/plans')
    let res = await b.post('/admin/plans', {
      title: '第二轮督察整改方案',
      issuedBy: '区委办公室',
      timezone: 'Asia/Shanghai',
      noticeWorkingDays: '0',
      jointSupervisionAfterDays: '15',
      reminderDays: '3',
      reportDueDay: '25',
      categories: '甲\n乙',
    })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('须为1至60的整数')
    expect(res.body).toContain('第二轮督察整改方案')
    res = await b.post('/admin/plans', {
      title: '第二轮督察整改方案',
      issuedBy: '区委办公室',
      timezone: 'Asia/Shanghai',
      noticeWorkingDays: '7',
      jointSupervisionAfterDays: '20',
      reminderDays: '3',
      reportDueDay: '25',
      categories: '甲\n乙',
    })
    expect(res.statusCode).toBe(303)
    const plan = t.app.services.plans.list().find((p) => p.title === '第二轮督察整改方案')!
    expect(plan).toMatchObject({ issuedBy: '区委办公室', categories: ['甲', '乙'], noticeWorkingDays: 7, jointSupervisionAfterDays: 20 })
    expect((await b.get('/admin/audit')).body).toContain('新建整改方案“第二轮督察整改方案”')
  })
})

describe('the working-day calendar', () => {
  it('warns when the coming year is not covered; a pasted year of holidays is saved at once and counts in the public notice', async () => {
    const c = await createTestApp({ now: '2026-12-28T02:00:00.000Z' })
    try {
      const cw = workflowWorld(c.app)
      const admin = await webAccount(c.app, 'admin', null, '王管理')
      const b = browser(c.app)
      await b.signIn(admin.login, admin.password)
      expect((await b.get('/admin')).body).toContain('2027年的节假日和调休上班日尚未录入')
      // The admin's home page says so too, with the way to the calendar; the office's home (it cannot enter the
      // calendar) does not.
      const home = (await b.get('/')).body
      expect(home).toContain('2027年的节假日和调休上班日尚未录入')
      expect(home).toContain('<a href="/admin/calendar">录入工作日历</a>')
      const officer = await webAccount(c.app, 'supervisor', null, '李督查')
      const ob = browser(c.app)
      await ob.signIn(officer.login, officer.password)
      expect((await ob.get('/')).body).not.toContain('尚未录入')
      const form = await b.get('/admin/calendar')
      expect(form.body).toContain('录入 2027 年的节假日和调休上班日')
      let res = await b.post('/admin/calendar', { year: '2027', lines: '2027-01-01~2027-01-03 休 元旦\n2026-12-31 休' })
      expect(res.statusCode).toBe(422)
      expect(res.body).toContain('第2行“2026-12-31 休”不在2027年内')
      expect(c.app.services.closeout.calendarOverrides()).toHaveLength(0)
      res = await b.post('/admin/calendar', { year: '2027', lines: '2027-01-01~2027-01-03 休 元旦\n2027-02-06 班 春节调休' })
      expect(res.statusCode).toBe(303)
      expect(c.app.services.closeout.calendarOverrides().map((o) => `${o.date}:${o.kind}`)).toEqual([
        '2027-01-01:holiday',
        '2027-01-02:holiday',
        '2027-01-03:holiday',
        '2027-02-06:workday',
      ])
      expect((await b.get('/admin')).body).not.toContain('尚未录入')
      expect((await b.get('/')).body).not.toContain('尚未录入')
      expect((await b.get('/admin/audit')).body).toContain('录入2027年工作日历：放假3天，调休上班1天')

      // Accepted on Wednesday 30 December 2026: five working days skip New Year's Day and the weekend (by the
      // weekends alone the notice would end on 6 January).
      c.clock.set('2026-12-30T02:00:00.000Z')
      const item = await cw.itemIn('in_public_notice')
      const accepted = c.app.services.items.events(SYSTEM, item.id).find((e) => e.toStatus === 'in_public_notice')!
      expect(accepted.details).toMatchObject({ noticeFirstDay: '2026-12-31', noticeLastDay: '2027-01-07' })
    } finally {
      await c.close()
    }
  })
})
