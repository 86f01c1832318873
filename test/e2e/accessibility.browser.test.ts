import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { launchChromium, seriousViolations, signIn, VIEWPORTS, watchConsole, describeInBrowser } from '../helpers/browser.ts'
import { webAccount } from '../helpers/web.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// axe-core in Chromium on every page the product serves: the public pages, the printable bulletin, the supervision
// notice and the workbench. No violation of impact serious or critical may remain; a failure lists them. Every page
// must also load without a console error (a missing favicon is one).

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let browser: Browser
let baseUrl: string
let login: string
let itemId: number
let noticeItemId: number
let supervisionId: number
let leadAccountId: number

/**
 * Opens each path in turn (a path alone must answer 200; `[path, status]` an error page with that status); returns,
 * per path, what axe found and any console error (the favicon request included).
 */
async function audit(context: BrowserContext, paths: readonly (string | readonly [string, number])[]): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {}
  const page = await context.newPage()
  const errors = watchConsole(page)
  for (const entry of paths) {
    const [path, status] = typeof entry === 'string' ? [entry, 200] : entry
    const response = await page.goto(`${baseUrl}${path}`)
    expect(response?.status(), path).toBe(status)
    // The browser logs the error status itself; that is the page's answer, not a fault of it.
    if (status !== 200) errors.splice(0)
    // The favicon is fetched after the page loads; give it the moment it needs to fail, if it would.
    await page.waitForLoadState('networkidle')
    const problems = [...(await seriousViolations(page)), ...errors.splice(0)]
    if (problems.length > 0) found[path] = problems
  }
  await page.close()
  return found
}

describeInBrowser('accessibility.browser.test.ts')('accessibility (axe-core) of every page the product serves', () => {
  beforeAll(async () => {
    t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
    w = workflowWorld(t.app)
    itemId = (
      await w.itemIn('in_progress', {
        code: '2-3',
        problem: '城区多处建筑工地裸土未覆盖，渣土车未密闭运输，扬尘污染问题突出',
        deadline: '2018-10-20',
      })
    ).id
    noticeItemId = (
      await w.itemIn('in_public_notice', { code: '2-4', problem: '部分餐饮单位油烟净化设施未正常运行', target: '餐饮油烟达标排放' })
    ).id
    await w.itemIn('assigned', {
      code: '3-1',
      category: '加强城市治理能力建设',
      problem: '城市精细化管理水平不高',
      deadlineKind: 'long_term',
      deadline: null,
    })
    const opened = await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${itemId}/supervisions`, {
      reason: '进展缓慢，整改措施落实不力',
    })
    expect(opened.statusCode).toBe(201)
    supervisionId = opened.json().id
    // A month later: October's bulletin is issued and published.
    t.clock.set('2018-11-02T02:00:00.000Z')
    expect((await as(t.app, w.tokens.supervisor).post(`/api/v1/plans/${w.plan.id}/bulletins`, { period: '2018-10' })).statusCode).toBe(201)
    expect((await as(t.app, w.tokens.supervisor).post(`/api/v1/plans/${w.plan.id}/bulletins/2018-10/publish`)).statusCode).toBe(200)
    // The lead unit's robots: its messages (and the office's, one supervisor being of this unit) wait for them.
    const channels = await as(t.app, w.tokens.admin).put(`/api/v1/units/${w.lead.id}/channels`, {
      channels: [
        { kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=a11y', secret: 'SECa11y' },
        { kind: 'email', address: 'hbj@example.gov.cn' },
      ],
    })
    expect(channels.statusCode).toBe(200)
    await w.transition(w.tokens.supervisor, (await w.itemIn('closure_requested', { code: '2-6' })).id, 'reject', '佐证材料不足')
    const lead = await webAccount(t.app, 'unit', w.lead.id, '李经办')
    login = lead.login
    leadAccountId = lead.account.id
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`
    browser = await launchChromium()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('the icon every page asks for is there, for anyone, under the content security policy', async () => {
    for (const path of ['/favicon.svg', '/favicon.ico']) {
      const response = await fetch(`${baseUrl}${path}`)
      expect(response.status, path).toBe(200)
      expect(response.headers.get('content-type')).toBe('image/svg+xml')
      expect(await response.text()).toMatch(/^<svg\b[\s\S]*销[\s\S]*<\/svg>$/)
    }
  })

  it('the public pages and the published bulletin', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })
    const found = await audit(context, [
      '/public/',
      `/public/plans/${w.plan.id}`,
      '/public/notices',
      `/public/items/${noticeItemId}`,
      '/public/bulletins',
      `/public/plans/${w.plan.id}/bulletins/2018-10`,
      '/public/case-leads',
    ])
    await context.close()
    expect(found).toEqual({})
  }, 120_000)

  it('the printable bulletin and the supervision notice, as the API serves them', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
      extraHTTPHeaders: { authorization: `Bearer ${w.tokens.lead}` },
    })
    const found = await audit(context, [
      `/api/v1/plans/${w.plan.id}/bulletins/2018-10?format=html`,
      `/api/v1/supervisions/${supervisionId}?format=html`,
    ])
    await context.close()
    expect(found).toEqual({})
  }, 120_000)

  it('Swagger UI at /docs, its dark-mode toggle named', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })
    const found = await audit(context, ['/docs'])
    const page = await context.newPage()
    await page.goto(`${baseUrl}/docs`)
    await expect.poll(() => page.getByRole('button', { name: '切换深色模式' }).count()).toBe(1)
    await context.close()
    expect(found).toEqual({})
  }, 120_000)

  it('the workbench: sign-in, home, items, an item, 月调度, the password page, a notice, 消息', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
    const signedOut = await audit(context, ['/login'])
    const page = await context.newPage()
    await signIn(page, baseUrl, login)
    await page.close()
    const signedIn = await audit(context, [
      '/',
      '/items',
      `/items/${itemId}`,
      '/monthly',
      '/account/password',
      `/supervisions/${supervisionId}/notice`,
      '/messages',
    ])
    await context.close()
    expect({ ...signedOut, ...signedIn }).toEqual({})
  }, 120_000)

  /** A context signed in as a new account of `role`. */
  async function signedInAs(
    role: 'supervisor' | 'admin' | 'leader',
    screen: BrowserContextOptions = { viewport: { width: 1366, height: 768 } },
  ): Promise<BrowserContext> {
    const context = await browser.newContext({ ...screen, locale: 'zh-CN' })
    const account = await webAccount(t.app, role)
    const page = await context.newPage()
    await signIn(page, baseUrl, account.login)
    await page.close()
    return context
  }

  it("the workbench's part 2: the office's pages, the dashboard, the admin's pages, 消息发送 and a unit's channels", async () => {
    const found: Record<string, string[]> = {}
    const as = (role: string, audited: Record<string, string[]>) => {
      for (const [path, problems] of Object.entries(audited)) found[`${role} ${path}`] = problems
    }
    const office = await signedInAs('supervisor')
    as(
      'supervisor',
      await audit(office, [
        '/',
        '/office',
        '/office/closeouts',
        '/office/extensions',
        '/office/unsupervised',
        '/office/objections',
        '/office/replies',
        '/office/replies-overdue',
        `/items/${noticeItemId}`,
        '/supervisions',
        `/supervisions/${supervisionId}`,
        '/bulletins',
        `/bulletins/${w.plan.id}/2018-10`,
        `/bulletins/${w.plan.id}/2018-10/print`,
        '/messages',
        '/deliveries',
      ]),
    )
    await office.close()
    const leader = await signedInAs('leader')
    as('leader', await audit(leader, ['/', '/dashboard']))
    await leader.close()
    const admin = await signedInAs('admin')
    as(
      'admin',
      await audit(admin, [
        '/admin',
        '/admin/units',
        '/admin/accounts',
        '/admin/import',
        '/admin/plans',
        '/admin/plans/1',
        '/admin/calendar',
        '/admin/audit',
        `/admin/units/${w.lead.id}`,
        `/admin/accounts/${leadAccountId}`,
        `/admin/units/${w.lead.id}/channels`,
        '/deliveries',
      ]),
    )
    await admin.close()
    expect(found).toEqual({})
  }, 180_000)

  it('the error pages (403, 404), and a form shown again with its errors', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
    const signedOut = await audit(context, [
      ['/no-such-page', 404],
      ['/public/no-such-page', 404],
    ])
    const page = await context.newPage()
    const errors = watchConsole(page)
    // The sign-in form, refused: shown again with its message.
    await page.goto(`${baseUrl}/login`)
    await page.getByLabel('用户名').fill(login)
    await page.getByLabel('密码').fill('not the password')
    await page.getByRole('button', { name: '登录' }).click()
    await page.waitForLoadState('networkidle')
    expect(page.url()).toContain('/login')
    const signInAgain = await seriousViolations(page)
    await signIn(page, baseUrl, login)
    const signedIn = await audit(context, [
      ['/admin', 403],
      [`/items/999999`, 404],
      ['/no-such-page', 404],
    ])
    // The password form with every field wrong: shown again with an error beside each.
    await page.goto(`${baseUrl}/account/password`)
    await page.getByLabel('当前密码').fill('not the password')
    await page.getByLabel('新密码', { exact: true }).fill('short')
    await page.getByLabel('再次输入新密码').fill('different')
    await page.getByRole('button', { name: '修改密码' }).click()
    await page.waitForLoadState('networkidle')
    expect(await page.locator('.field-error, [id$="-error"]').count()).toBeGreaterThan(0)
    const passwordAgain = await seriousViolations(page)
    errors.splice(0) // the refused POSTs' own status lines
    await context.close()
    expect({
      ...signedOut,
      ...signedIn,
      ...(signInAgain.length ? { 'login, refused': signInAgain } : {}),
      ...(passwordAgain.length ? { 'password, refused': passwordAgain } : {}),
    }).toEqual({})
  }, 120_000)

  it('the main pages on a 375 px phone', async () => {
    const phone = VIEWPORTS.find(([name]) => name === 'phone')![1]
    const context = await browser.newContext({ ...phone, locale: 'zh-CN' })
    const signedOut = await audit(context, ['/login', '/public/', `/public/plans/${w.plan.id}`, `/public/items/${noticeItemId}`])
    const page = await context.newPage()
    await signIn(page, baseUrl, login)
    await page.close()
    const unit = await audit(context, ['/', '/items', `/items/${itemId}`, '/monthly', '/messages', `/supervisions/${supervisionId}/notice`])
    await context.close()
    const office = await signedInAs('supervisor', phone)
    const officePages = await audit(office, ['/office', '/office/closeouts', '/supervisions', `/bulletins/${w.plan.id}/2018-10`])
    await office.close()
    const admin = await signedInAs('admin', phone)
    const adminPages = await audit(admin, ['/admin', '/admin/units', '/admin/import'])
    await admin.close()
    expect({ ...signedOut, ...unit, ...officePages, ...adminPages }).toEqual({})
  }, 180_000)
})
