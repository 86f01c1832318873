import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { CHROMIUM, FITS_WIDTH, haveChromium, launchChromium, SCREENSHOT_DIR, signIn, VIEWPORTS, watchConsole } from '../helpers/browser.ts'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { webAccount } from '../helpers/web.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// The supervision office in a real browser, JavaScript off: review and accept a close-out, decide an extension and
// an objection, urge several overdue items at once. Each office page is photographed on a desktop and on a 375 px
// phone, into tmp/ (git-ignored), for a person to look at.

if (!haveChromium) console.warn(`office.browser.test.ts skipped: no Chromium at ${CHROMIUM}`)

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let browser: Browser
let baseUrl: string
let login: string
const SYSTEM: AccountActor = { kind: 'account', accountId: 0, name: 'test', role: 'admin', unitId: null }
const ids: Record<string, number> = {}

describe.skipIf(!haveChromium)('the supervision office in the browser', () => {
  beforeAll(async () => {
    t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
    w = workflowWorld(t.app)
    ids.closing = (await w.itemIn('closure_requested', { code: '1-2', problem: '饮用水水源保护区内仍有违法建设项目未清理' })).id
    ids.extending = (
      await w.itemIn('in_progress', { code: '2-3', problem: '城区多处建筑工地裸土未覆盖，扬尘污染问题突出', deadline: '2018-10-31' })
    ).id
    ids.noticed = (await w.itemIn('in_public_notice', { code: '2-5', problem: '部分河段黑臭水体整治不到位' })).id
    ids.late1 = (await w.itemIn('in_progress', { code: '3-1', problem: '部分餐饮单位油烟净化设施未正常运行', deadline: '2018-09-30' })).id
    ids.late2 = (await w.itemIn('assigned', { code: '3-2', problem: '工业园区污水处理厂超标排放', deadline: '2018-08-31' })).id
    const ext = await as(t.app, w.tokens.lead).post(`/api/v1/items/${ids.extending}/extensions`, {
      newDeadline: '2018-12-31',
      reason: '汛期影响施工',
      progress: '已完成70%',
    })
    ids.extension = ext.json().id
    const supervised = (await w.itemIn('in_progress', { code: '4-1', problem: '畜禽养殖污染治理滞后' })).id
    ids.supervision = (
      await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${supervised}/supervisions`, {
        reason: '整改进度明显滞后，连续两个月未报送进展',
      })
    ).json().id
    await as(t.app, w.tokens.lead).post(`/api/v1/supervisions/${ids.supervision}/acknowledge`, {})
    ids.objection = t.app.services.objections.file(ids.noticed!, { contact: '13800000000', content: '河段仍有异味，整治不彻底' }).id
    login = (await webAccount(t.app, 'supervisor', w.office.id, '王督查')).login
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`
    mkdirSync(SCREENSHOT_DIR, { recursive: true })
    browser = await launchChromium()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('every office page reads on a desktop and on a 375 px phone, without console errors', async () => {
    for (const [name, options] of VIEWPORTS) {
      const context = await browser.newContext({ ...options, locale: 'zh-CN' })
      const page = await context.newPage()
      const errors = watchConsole(page)
      await signIn(page, baseUrl, login, { from: '/' })
      for (const [file, path] of [
        ['office-home', '/'],
        ['office-queues', '/office'],
        ['office-items', '/items?overdue=true'],
        ['office-supervisions', '/supervisions'],
        ['office-supervision', `/supervisions/${ids.supervision}`],
        ['office-bulletins', '/bulletins'],
      ] as const) {
        await page.goto(`${baseUrl}${path}`)
        expect(await page.evaluate(FITS_WIDTH), `${file} on ${name}`).toBe(true)
        await page.screenshot({ path: join(SCREENSHOT_DIR, `${file}-${name}.png`), fullPage: true })
      }
      expect(errors).toEqual([])
      await context.close()
    }
  }, 90_000)

  it('reviews and accepts a close-out, decides an extension and an objection, urges two overdue items at once', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, javaScriptEnabled: false, locale: 'zh-CN' })
    const page = await context.newPage()
    const errors = watchConsole(page)
    await signIn(page, baseUrl, login, { from: '/' })

    // The close-out: from the queue to the item page, its evidence there, accepted with an opinion.
    await page.getByRole('link', { name: '督办工作' }).click()
    await page.locator('#closure').getByRole('link', { name: '审核' }).click()
    expect(page.url()).toBe(`${baseUrl}/items/${ids.closing}`)
    expect(await page.locator('a[href^="/evidence/"]').count()).toBeGreaterThan(0)
    await page.getByLabel('验收意见').fill('经现场核查，违法建设项目已全部清理')
    await Promise.all([page.waitForURL(/msg=transition/), page.getByRole('button', { name: '验收通过' }).click()])
    expect(t.app.services.items.get(SYSTEM, ids.closing!).status).toBe('in_public_notice')

    // The extension: the new date against the old, approved.
    await page.goto(`${baseUrl}/office`)
    const extension = page.locator(`#extension-${ids.extension}`)
    expect(await extension.innerText()).toContain('2018年10月31日')
    expect(await extension.innerText()).toContain('2018年12月31日')
    await extension.getByLabel('审批意见').fill('同意延期至年底')
    await Promise.all([page.waitForURL(/msg=extension-approved/), extension.getByRole('button', { name: '同意延期', exact: true }).click()])
    expect(await page.locator('.flash').innerText()).toContain('已同意延期')
    expect(t.app.services.items.get(SYSTEM, ids.extending!).deadline).toBe('2018-12-31')

    // The objection: dismissed.
    const objection = page.locator(`#objection-${ids.objection}`)
    await objection.getByLabel('处理意见').fill('经现场核查，异味来自上游，非本任务范围')
    await Promise.all([page.waitForURL(/msg=objection-dismissed/), objection.getByRole('button', { name: '异议不成立' }).click()])
    expect(t.app.services.items.get(SYSTEM, ids.noticed!).status).toBe('in_public_notice')

    // Two overdue items urged at once from the filtered list.
    await page.goto(`${baseUrl}/items?overdue=true`)
    await page.getByLabel('选择 3-1').check()
    await page.getByLabel('选择 3-2').check()
    await page.getByLabel('催办内容或督办事由（导出时不用填）').fill('请于10月20日前报送整改进展')
    await Promise.all([
      page.waitForURL(`${baseUrl}/items/bulk`),
      page.locator('#bulk-form').getByRole('button', { name: '催办', exact: true }).click(),
    ])
    expect(await page.locator('.flash').innerText()).toContain('已催办2项')
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'office-bulk-result-desktop.png'), fullPage: true })
    for (const id of [ids.late1!, ids.late2!]) {
      expect(
        t.app.services.items
          .events(SYSTEM, id)
          .filter((e) => e.action === 'urge')
          .map((e) => e.comment),
      ).toEqual(['请于10月20日前报送整改进展'])
    }
    expect(errors).toEqual([])
    await context.close()
  }, 90_000)
})
