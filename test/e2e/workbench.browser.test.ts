import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FITS_WIDTH, SCREENSHOT_DIR, serveInBrowser, signIn, VIEWPORTS, watchConsole, describeInBrowser } from '../helpers/browser.ts'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { pdf, png } from '../helpers/files.ts'
import { webAccount } from '../helpers/web.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// A lead unit's month in a real browser, with JavaScript off (the forms must work without it): sign in, file the
// month's reports on 月调度, upload evidence, request close-out, sign out. No console error on any page. Each page
// is photographed on a desktop and on a 375 px phone, into tmp/ (git-ignored), for a person to look at.

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let browser: Browser
let baseUrl: string
let login: string
const SYSTEM: AccountActor = { kind: 'account', accountId: 0, name: 'test', role: 'admin', unitId: null }

describeInBrowser('workbench.browser.test.ts')('a lead unit in the browser', () => {
  beforeAll(async () => {
    t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
    w = workflowWorld(t.app)
    await w.itemIn('in_progress', {
      code: '2-3',
      problem: '城区多处建筑工地裸土未覆盖，渣土车未密闭运输，扬尘污染问题突出',
      deadline: '2018-10-20',
    })
    await w.itemIn('in_progress', { code: '2-4', problem: '部分餐饮单位油烟净化设施未正常运行', deadline: '2018-09-30' })
    await w.itemIn('assigned', {
      code: '3-1',
      category: '加强城市治理能力建设',
      problem: '城市精细化管理水平不高',
      deadlineKind: 'long_term',
      deadline: null,
    })
    login = (await webAccount(t.app, 'unit', w.lead.id, '李经办')).login
    ;({ baseUrl, browser } = await serveInBrowser(t.app))
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('signs in, files the month on 月调度, uploads evidence, requests close-out, signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, javaScriptEnabled: false, locale: 'zh-CN' })
    const page = await context.newPage()
    const errors = watchConsole(page)
    await signIn(page, baseUrl, login, { from: '/' })
    expect(await page.locator('h1').innerText()).toContain('工作台')
    expect(await page.locator('nav.site-nav').innerText()).toContain('月调度')

    await page.getByRole('link', { name: '月调度' }).click()
    const mine = t.app.services.items.list(SYSTEM, { leadUnitId: w.lead.id }).items
    const first = mine.find((i) => i.code === '2-3')
    const second = mine.find((i) => i.code === '2-4')
    await page.getByLabel(`${first!.code} 本月进展`).fill('已完成12处工地围挡和冲洗设施整改')
    await page.locator(`#f-percent-${first!.id}`).fill('70')
    await page.getByLabel(`${second!.code} 本月进展`).fill('已约谈23家餐饮单位')
    await Promise.all([page.waitForURL(/\/monthly\?msg=monthly/), page.getByRole('button', { name: '报送进展' }).click()])
    expect(await page.locator('.flash').innerText()).toContain('本月进展已报送（2项）')
    expect(t.app.services.progress.list(SYSTEM, first!.id)).toMatchObject([{ text: '已完成12处工地围挡和冲洗设施整改', percent: 70 }])

    await page.goto(`${baseUrl}/items/${first!.id}`)
    const dir = join(SCREENSHOT_DIR, 'files')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, '验收报告.pdf'), pdf('browser'))
    writeFileSync(join(dir, '现场照片.png'), png(3))
    await page.getByLabel('选择文件（可多选）').setInputFiles([join(dir, '验收报告.pdf'), join(dir, '现场照片.png')])
    await Promise.all([page.waitForURL(/msg=evidence/), page.getByRole('button', { name: '上传佐证材料' }).click()])
    expect(await page.locator('.flash').innerText()).toContain('佐证材料已上传（2项）')

    await page.getByLabel('自查自验情况').fill('已完成自查自验，12处工地全部整改到位')
    await Promise.all([page.waitForURL(/msg=transition/), page.getByRole('button', { name: '申请销号' }).click()])
    expect(await page.locator('.status').first().innerText()).toBe('申请销号')
    expect(t.app.services.items.get(SYSTEM, first!.id).status).toBe('closure_requested')

    await Promise.all([page.waitForURL(/\/login/), page.getByRole('button', { name: '退出' }).click()])
    expect(await page.locator('.flash').innerText()).toContain('您已安全退出')
    await page.goto(`${baseUrl}/items`)
    expect(page.url()).toContain('/login?next=')
    expect(errors).toEqual([])
    await context.close()
  }, 90_000)

  it('every page reads on a desktop and on a 375 px phone, without console errors', async () => {
    const target = t.app.services.items.list(SYSTEM, { leadUnitId: w.lead.id }).items.find((i) => i.code === '2-4')!
    for (const [name, options] of VIEWPORTS) {
      const context = await browser.newContext({ ...options, locale: 'zh-CN' })
      const page = await context.newPage()
      const errors = watchConsole(page)
      await page.goto(`${baseUrl}/login`)
      await page.screenshot({ path: join(SCREENSHOT_DIR, `login-${name}.png`), fullPage: true })
      await signIn(page, baseUrl, login, { from: '/' })
      for (const [file, path] of [
        ['home', '/'],
        ['items', '/items'],
        ['item', `/items/${target.id}`],
        ['monthly', '/monthly'],
        ['password', '/account/password'],
      ] as const) {
        await page.goto(`${baseUrl}${path}`)
        expect(await page.evaluate(FITS_WIDTH), `${file} on ${name}`).toBe(true)
        await page.screenshot({ path: join(SCREENSHOT_DIR, `${file}-${name}.png`), fullPage: true })
      }
      expect(errors).toEqual([])
      await context.close()
    }
  }, 90_000)
})
