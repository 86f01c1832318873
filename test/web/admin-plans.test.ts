import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { browser, webAccount } from '../helpers/web.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// The admin's plan pages: the list links to each plan's edit page, whose form has every setting, prefilled; a
// change redirects with a message and is in the admin trail; a refusal shows beside its field and changes nothing.

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let adminLogin: { login: string; password: string }

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

/** What the edit form posts when nothing is changed: the plan's settings as its fields hold them. */
function formOf(plan: ReturnType<typeof t.app.services.plans.get>): Record<string, string> {
  return {
    title: plan.title,
    issuedBy: plan.issuedBy,
    timezone: plan.timezone,
    categories: plan.categories.join('\r\n'),
    noticeWorkingDays: String(plan.noticeWorkingDays),
    jointSupervisionAfterDays: String(plan.jointSupervisionAfterDays),
    reminderDays: String(plan.reminderDays),
    reportDueDay: String(plan.reportDueDay),
  }
}

/** The text of the error shown beside a field (its `.field.has-error` block), or null. */
function errorBeside(html: string, name: string): string | null {
  const block = new RegExp(
    `<div class="field has-error">(?:(?!<div class="field).)*?id="f-${name}"(?:(?!<div class="field).)*?<span class="error"[^>]*>([^<]*)</span>`,
    's',
  ).exec(html)
  return block ? block[1]! : null
}

describe('who may edit a plan in the workbench', () => {
  it.each(['supervisor', 'leader', 'unit'] as const)('a %s gets 403 on the page and the form, changing nothing', async (role) => {
    const who = await webAccount(t.app, role, role === 'leader' ? null : w.lead.id)
    const b = browser(t.app)
    await b.signIn(who.login, who.password)
    expect((await b.get(`/admin/plans/${w.plan.id}`)).statusCode).toBe(403)
    await b.get('/')
    const res = await b.post(`/admin/plans/${w.plan.id}`, { ...formOf(t.app.services.plans.get(w.plan.id)), title: '偷改的方案' })
    expect(res.statusCode).toBe(403)
    expect(t.app.services.plans.get(w.plan.id).title).toBe('测试整改方案')
  })

  it('signed out, the page sends to the sign-in; an unknown plan is 404', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: `/admin/plans/${w.plan.id}` })
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toContain('/login')
    const b = await adminBrowser()
    expect((await b.get('/admin/plans/999999')).statusCode).toBe(404)
  })
})

describe('editing a plan', () => {
  it('the list links to the edit page, whose form holds every setting with its Chinese label', async () => {
    const plan = w.f.plan({ title: '链接方案', categories: ['甲', '乙'] })
    const b = await adminBrowser()
    const list = await b.get('/admin/plans')
    expect(list.body).toContain(`href="/admin/plans/${plan.id}"`)
    const page = await b.get(`/admin/plans/${plan.id}`)
    expect(page.statusCode).toBe(200)
    for (const label of [
      '方案名称',
      '印发单位',
      '时区',
      '任务领域（每行一个）',
      '公示期（工作日）',
      '逾期多少天联合督办',
      '截止前提醒（工作日）',
      '月报截止日',
    ]) {
      expect(page.body).toMatch(new RegExp(`<label for="f-\\w+">${label.replace(/[()（）]/g, '\\$&')}</label>`))
    }
    expect(page.body).toContain('value="链接方案"')
    expect(page.body).toContain('name="reminderDays" value="3"')
    expect(page.body).toContain('name="reportDueDay" value="25"')
    expect(page.body).toMatch(/<textarea id="f-categories"[^>]*>甲\n乙<\/textarea>/)
  })

  it('saves a change, redirects to the page with a message, and the admin trail says what changed from what', async () => {
    const plan = w.f.plan({ title: '待修改的方案', categories: ['甲', '乙'] })
    const b = await adminBrowser()
    await b.get(`/admin/plans/${plan.id}`)
    const res = await b.post(`/admin/plans/${plan.id}`, {
      ...formOf(plan),
      title: '修改后的方案',
      categories: '甲\r\n乙\r\n丙',
      reminderDays: '5',
      reportDueDay: '20',
    })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`/admin/plans/${plan.id}?msg=plan-updated`)
    const page = await b.get(res.headers.location!)
    expect(page.body).toContain('整改方案已保存')
    expect(page.body).toContain('value="修改后的方案"')
    expect(t.app.services.plans.get(plan.id)).toMatchObject({
      title: '修改后的方案',
      categories: ['甲', '乙', '丙'],
      reminderDays: 5,
      reportDueDay: 20,
    })
    const audit = (await b.get('/admin/audit')).body
    expect(audit).toContain('修改整改方案“修改后的方案”：方案名称由“待修改的方案”改为“修改后的方案”')
    expect(audit).toContain('任务领域由“甲、乙”改为“甲、乙、丙”')
    expect(audit).toContain('截止前提醒（工作日）由“3”改为“5”')
    expect(page.body).toContain('月报截止日由“每月25日”改为“每月20日”')
  })

  it('shows each error beside its field, keeps what was typed, and changes nothing', async () => {
    const plan = w.f.plan({ title: '校验的方案', categories: ['水', '气'] })
    w.f.item(plan.id, w.lead.id, { code: 'V-1', category: '水' })
    const b = await adminBrowser()
    await b.get(`/admin/plans/${plan.id}`)
    let res = await b.post(`/admin/plans/${plan.id}`, { ...formOf(plan), title: '  ', reportDueDay: '29', reminderDays: 'x' })
    expect(res.statusCode).toBe(400)
    expect(errorBeside(res.body, 'title')).toBe('请填写方案名称')
    expect(errorBeside(res.body, 'reportDueDay')).toBe('须为1至28的整数')
    expect(errorBeside(res.body, 'reminderDays')).toBe('须为1至30的整数')
    expect(errorBeside(res.body, 'issuedBy')).toBeNull()
    expect(res.body).toContain('name="reminderDays" value="x"')

    res = await b.post(`/admin/plans/${plan.id}`, { ...formOf(plan), timezone: 'Asia/Nowhere' })
    expect(res.statusCode).toBe(400)
    expect(errorBeside(res.body, 'timezone')).toBe('未知的时区，请填写如 Asia/Shanghai')

    res = await b.post(`/admin/plans/${plan.id}`, { ...formOf(plan), title: '改了名也改了领域', categories: '水环境\n气' })
    expect(res.statusCode).toBe(409)
    expect(errorBeside(res.body, 'categories')).toBe('任务领域“水”仍有1项任务，不能删除或更名；请先将这些任务改到其他领域')
    expect(res.body).toContain('value="改了名也改了领域"')

    res = await b.post(`/admin/plans/${plan.id}`, { ...formOf(plan), categories: '水\n气\n水' })
    expect(res.statusCode).toBe(400)
    expect(errorBeside(res.body, 'categories')).toBe('任务领域不能重复')

    expect(t.app.services.plans.get(plan.id)).toMatchObject({
      title: '校验的方案',
      categories: ['水', '气'],
      reportDueDay: 25,
      timezone: 'Asia/Shanghai',
    })
    expect(t.app.services.adminEvents.list({ limit: 10, subjectKind: 'plan', subjectId: plan.id }).map((e) => e.action)).toEqual([
      'plan.create',
    ])
  })

  it('refuses the form without its CSRF token or from another origin, changing nothing', async () => {
    const plan = w.f.plan({ title: '防伪造的方案' })
    const b = await adminBrowser()
    await b.get(`/admin/plans/${plan.id}`)
    expect((await b.post(`/admin/plans/${plan.id}`, { ...formOf(plan), title: '无令牌', _csrf: null })).statusCode).toBe(403)
    expect(
      (await b.post(`/admin/plans/${plan.id}`, { ...formOf(plan), title: '外站' }, { origin: 'https://evil.example' })).statusCode,
    ).toBe(403)
    expect(t.app.services.plans.get(plan.id).title).toBe('防伪造的方案')
  })

  it('shows a title with markup exactly as typed, escaped, on the list, the edit page and the admin trail', async () => {
    const plan = w.f.plan({ title: '普通方案' })
    const b = await adminBrowser()
    await b.get(`/admin/plans/${plan.id}`)
    const title = '<script>alert("方案")</script>&'
    expect((await b.post(`/admin/plans/${plan.id}`, { ...formOf(plan), title })).statusCode).toBe(303)
    // The renderer escapes < and & (and quotes in attributes); > needs no escaping once < is.
    const escaped = '&lt;script>alert("方案")&lt;/script>&amp;'
    for (const url of ['/admin/plans', `/admin/plans/${plan.id}`, '/admin/audit']) {
      const body = (await b.get(url)).body
      expect(body, url).not.toContain('<script>alert')
      expect(body.replaceAll('&#34;', '"').replaceAll('&quot;', '"'), url).toContain(escaped)
    }
  })

  it('the new-plan form has the same fields and creates a plan with its reminder and report days', async () => {
    const b = await adminBrowser()
    const page = await b.get('/admin/plans')
    expect(page.body).toContain('name="reminderDays" value="3"')
    expect(page.body).toContain('name="reportDueDay" value="25"')
    const res = await b.post('/admin/plans', {
      title: '新建的方案',
      issuedBy: '区委办公室',
      timezone: '',
      categories: '甲\n乙',
      noticeWorkingDays: '7',
      jointSupervisionAfterDays: '20',
      reminderDays: '4',
      reportDueDay: '10',
    })
    expect(res.statusCode).toBe(303)
    const plan = t.app.services.plans.list().find((p) => p.title === '新建的方案')!
    expect(plan).toMatchObject({
      timezone: 'Asia/Shanghai',
      categories: ['甲', '乙'],
      noticeWorkingDays: 7,
      reminderDays: 4,
      reportDueDay: 10,
    })
    // Recorded once (by the service), not twice.
    expect(t.app.services.adminEvents.list({ limit: 10, subjectKind: 'plan', subjectId: plan.id }).map((e) => e.summary)).toEqual([
      '新建整改方案“新建的方案”',
    ])
  })
})
