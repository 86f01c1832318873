import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FITS_WIDTH, SCREENSHOT_DIR, serveInBrowser, signIn, VIEWPORTS, describeInBrowser } from '../helpers/browser.ts'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { HOLIDAYS_2027_ICS } from '../helpers/holidays-ics.ts'
import { CHECKLIST_HEADER, sheetXlsx } from '../helpers/spreadsheets.ts'
import { webAccount } from '../helpers/web.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// The admin in a real browser, JavaScript off: import a checklist through its preview, rename a unit, create an
// account that then signs in. Each admin page (and the leader's dashboard) is photographed at 1366x768 and 375 px
// into tmp/screenshots (git-ignored) for a person to look at.

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let browser: Browser
let baseUrl: string
let adminLogin: string
let leaderLogin: string

describeInBrowser('admin.browser.test.ts')('the admin in the browser', () => {
  beforeAll(async () => {
    t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
    w = workflowWorld(t.app)
    w.f.item(w.plan.id, w.lead.id, { code: '1-1', problem: '工业园区污水处理厂超标排放', deadline: '2018-09-30' })
    adminLogin = (await webAccount(t.app, 'admin', null, '王管理')).login
    leaderLogin = (await webAccount(t.app, 'leader', null, '孙组长')).login
    ;({ baseUrl, browser } = await serveInBrowser(t.app))
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('imports with a preview, renames a unit, creates an account that signs in', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, javaScriptEnabled: false, locale: 'zh-CN' })
    const page = await context.newPage()
    await signIn(page, baseUrl, adminLogin)
    await page.getByRole('link', { name: '系统管理' }).click()
    expect(await page.locator('h1').innerText()).toBe('系统管理')

    // Import: the preview lists the rows, nothing is saved until 确认导入.
    const file = join(tmpdir(), `admin-e2e-${process.pid}.xlsx`)
    writeFileSync(
      file,
      await sheetXlsx(
        [CHECKLIST_HEADER, ['二、打好污染防治攻坚战'], ['E-1', '河道黑臭', '消除黑臭', '清淤截污', '区水务局', '', '2019年6月底前']],
        ['A2:G2'],
      ),
    )
    await page.goto(`${baseUrl}/admin/import`)
    await page.getByLabel('清单文件（.xlsx）').setInputFiles(file)
    await page.getByRole('button', { name: '导入' }).click()
    expect(await page.locator('#preview').innerText()).toContain('河道黑臭')
    expect(
      t.app.services.items.list({ kind: 'account', accountId: 0, name: 't', role: 'admin', unitId: null }, { q: '河道黑臭' }).total,
    ).toBe(0)
    await page.getByRole('button', { name: '确认导入' }).click()
    expect(await page.locator('.flash').innerText()).toContain('整改清单已导入')

    // Rename a unit.
    await page.goto(`${baseUrl}/admin/units`)
    await page.getByRole('link', { name: '区水务局' }).click()
    await page.getByLabel('新名称').fill('区水务和海洋局')
    await page.getByRole('button', { name: '更名', exact: true }).click()
    expect(await page.locator('h1').innerText()).toBe('区水务和海洋局')

    // Create an account, then sign in with it.
    await page.goto(`${baseUrl}/admin/accounts`)
    await page.getByLabel('用户名').fill('chen.jing')
    await page.getByLabel('姓名').fill('陈静')
    await page.getByLabel('密码').fill('first-password-2018')
    await page.getByLabel('角色').selectOption('unit')
    await page.getByLabel('单位').selectOption({ label: '区水务和海洋局' })
    await page.getByRole('button', { name: '新建账号' }).click()
    expect(await page.locator('.flash').innerText()).toContain('账号已新建')
    await context.close()

    const fresh = await browser.newContext({ viewport: { width: 1366, height: 768 }, javaScriptEnabled: false, locale: 'zh-CN' })
    const person = await fresh.newPage()
    await signIn(person, baseUrl, 'chen.jing', { password: 'first-password-2018' })
    expect(await person.locator('.who').innerText()).toContain('陈静（区水务和海洋局）')
    await fresh.close()
  }, 120_000)

  it('edits a plan: the form is prefilled, a refusal shows beside its field, a change is saved and in the admin trail', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, javaScriptEnabled: false, locale: 'zh-CN' })
    const page = await context.newPage()
    await signIn(page, baseUrl, adminLogin)
    await page.goto(`${baseUrl}/admin/plans`)
    await page.getByRole('link', { name: '测试整改方案' }).first().click()
    expect(await page.getByLabel('方案名称').inputValue()).toBe('测试整改方案')
    expect(await page.getByLabel('截止前提醒（工作日）').inputValue()).toBe('3')
    expect(await page.getByLabel('月报截止日').inputValue()).toBe('25')

    // The item 1-1 is filed under 打好污染防治攻坚战: that area cannot be dropped.
    await page.getByLabel('任务领域（每行一个）').fill('环保主体责任落实\n加强城市治理能力建设')
    await page.getByRole('button', { name: '保存修改' }).click()
    expect(await page.locator('#f-categories-error').innerText()).toMatch(
      /^任务领域“打好污染防治攻坚战”仍有\d+项任务，不能删除或更名；请先将这些任务改到其他领域$/,
    )
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'admin-plan-edit-refused-desktop.png'), fullPage: true })

    await page.getByLabel('方案名称').fill('区第一轮环保督察整改方案')
    await page.getByLabel('任务领域（每行一个）').fill('环保主体责任落实\n打好污染防治攻坚战\n加强城市治理能力建设\n生态保护修复')
    await page.getByLabel('截止前提醒（工作日）').fill('5')
    await page.getByRole('button', { name: '保存修改' }).click()
    expect(await page.locator('.flash').innerText()).toContain('整改方案已保存')
    expect(await page.locator('h1').innerText()).toBe('区第一轮环保督察整改方案')
    expect(t.app.services.plans.get(w.plan.id)).toMatchObject({ reminderDays: 5, categories: expect.arrayContaining(['生态保护修复']) })
    await page.goto(`${baseUrl}/admin/audit`)
    expect(await page.locator('main').innerText()).toContain('截止前提醒（工作日）由“3”改为“5”')
    await context.close()
  }, 120_000)

  it('uploads a year of holidays as an .ics, previews it, then saves it', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, javaScriptEnabled: false, locale: 'zh-CN' })
    const page = await context.newPage()
    await signIn(page, baseUrl, adminLogin)
    const file = join(tmpdir(), `admin-e2e-${process.pid}.ics`)
    writeFileSync(file, HOLIDAYS_2027_ICS)
    await page.goto(`${baseUrl}/admin/calendar?year=2027`)
    await page.getByLabel('日历文件（.ics）').setInputFiles(file)
    await page.getByRole('button', { name: '上传并预览' }).click()
    expect(await page.locator('#ics-preview').innerText()).toContain('2027年：放假18天，调休上班2天')
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'admin-calendar-ics-preview-desktop.png'), fullPage: true })

    const phone = await browser.newContext({ ...VIEWPORTS[1]![1], javaScriptEnabled: false, locale: 'zh-CN' })
    const small = await phone.newPage()
    await signIn(small, baseUrl, adminLogin)
    await small.goto(`${baseUrl}/admin/calendar?year=2027`)
    await small.getByLabel('日历文件（.ics）').setInputFiles(file)
    await small.getByRole('button', { name: '上传并预览' }).click()
    await small.screenshot({ path: join(SCREENSHOT_DIR, 'admin-calendar-ics-preview-phone.png'), fullPage: true })
    expect(await small.evaluate(FITS_WIDTH)).toBe(true)
    await phone.close()
    await page.getByRole('button', { name: '确认保存' }).click()
    expect(await page.locator('.flash').innerText()).toContain('工作日历已保存（20项）')
    expect(t.app.services.closeout.calendarOverrides().filter((o) => o.date.startsWith('2027-'))).toHaveLength(20)
    await context.close()
  }, 120_000)

  it('every admin page and the dashboard fit a desktop and a phone, photographed', async () => {
    for (const [name, options] of VIEWPORTS) {
      for (const [who, pages] of [
        [
          adminLogin,
          [
            '/admin',
            '/admin/units',
            `/admin/units/${w.lead.id}`,
            '/admin/accounts',
            '/admin/accounts/1',
            '/admin/import',
            '/admin/audit',
            '/admin/plans',
            `/admin/plans/${w.plan.id}`,
            '/admin/calendar',
          ],
        ],
        [leaderLogin, ['/dashboard']],
      ] as const) {
        const context = await browser.newContext({ ...options, javaScriptEnabled: false, locale: 'zh-CN' })
        const page = await context.newPage()
        await signIn(page, baseUrl, who)
        for (const path of pages) {
          await page.goto(`${baseUrl}${path}`)
          const slug = path.replace(/\//g, '_').replace(/^_/, '')
          await page.screenshot({ path: join(SCREENSHOT_DIR, `admin-${slug}-${name}.png`), fullPage: true })
          expect(await page.evaluate(FITS_WIDTH), `${path} on ${name}`).toBe(true)
        }
        await context.close()
      }
    }
  }, 180_000)
})
