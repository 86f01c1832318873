import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { FITS_WIDTH, launchChromium, SCREENSHOT_DIR, watchConsole, describeInBrowser } from '../helpers/browser.ts'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// A real browser against the listening app: the public files an objection through the plain HTML form (with
// JavaScript switched off, as the form must work without it), and the supervisor then finds it through the API.
// CI installs Debian's `chromium` and `fonts-noto-cjk`; without the browser the test is skipped, saying why (or fails,
// under REQUIRE_BROWSER=1).

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let browser: Browser
let baseUrl: string
let itemId: number

/** Console errors, including the browser's reports of anything the content security policy blocked. */

describeInBrowser('objection.browser.test.ts')('the public files an objection in a browser', () => {
  beforeAll(async () => {
    t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
    w = workflowWorld(t.app)
    itemId = (
      await w.itemIn('in_public_notice', { code: '2-3', problem: '城区多处建筑工地裸土未覆盖，渣土车未密闭运输，扬尘污染问题突出' })
    ).id
    await w.itemIn('in_progress', { code: '2-4', problem: '部分餐饮单位油烟净化设施未正常运行', target: '餐饮油烟达标排放' })
    await w.itemIn('assigned', { code: '3-1', category: '加强城市治理能力建设', deadlineKind: 'long_term', deadline: null })
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const address = t.app.server.address() as { port: number }
    baseUrl = `http://127.0.0.1:${address.port}`
    mkdirSync(SCREENSHOT_DIR, { recursive: true })
    browser = await launchChromium()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('fills in the form on a phone, without JavaScript, sees the confirmation; the supervisor sees the objection', async () => {
    const context = await browser.newContext({ ...PHONE, javaScriptEnabled: false, locale: 'zh-CN' })
    const page = await context.newPage()
    const errors = watchConsole(page)

    await page.goto(`${baseUrl}/public/notices`)
    await expect(page.title()).resolves.toContain('销号公示')
    expect(await page.locator('h1').innerText()).toBe('销号公示')
    // Nothing sticks out sideways on a phone.
    expect(await page.evaluate(FITS_WIDTH)).toBe(true)
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'notices-phone.png'), fullPage: true })

    await page.fill(`#contact-${itemId}`, '13800001111')
    await page.fill(`#content-${itemId}`, '东风路工地今天仍有裸土未覆盖，渣土车未密闭，整改未到位。')
    await Promise.all([page.waitForURL(`${baseUrl}/public/items/${itemId}/objections`), page.click(`#item-${itemId} button[type=submit]`)])
    await expect(page.locator('h1').innerText()).resolves.toBe('异议已提交')
    expect(await page.locator('main').innerText()).toContain('整改任务 2-3 的异议已收到')
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'objection-filed-phone.png'), fullPage: true })
    expect(errors).toEqual([])
    await context.close()

    const response = await fetch(`${baseUrl}/api/v1/objections?itemId=${itemId}`, {
      headers: { authorization: `Bearer ${w.tokens.supervisor}` },
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject([
      { itemId, contact: '13800001111', content: '东风路工地今天仍有裸土未覆盖，渣土车未密闭，整改未到位。', status: 'pending' },
    ])
  }, 60_000)

  it('the plan page reads as cards on a phone and as a table on a desktop', async () => {
    for (const [name, options] of [
      ['plan-phone.png', PHONE],
      ['plan-desktop.png', { viewport: { width: 1280, height: 900 } }],
    ] as const) {
      const context = await browser.newContext({ ...options, locale: 'zh-CN' })
      const page = await context.newPage()
      const errors = watchConsole(page)
      await page.goto(`${baseUrl}/public/plans/${w.plan.id}`)
      expect(await page.locator('h1').innerText()).toBe('测试整改方案')
      expect(await page.evaluate(FITS_WIDTH)).toBe(true)
      const headerShown = await page.locator('table.checklist thead').first().isVisible()
      expect(headerShown).toBe(name === 'plan-desktop.png')
      await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true })
      expect(errors).toEqual([])
      await context.close()
    }
  }, 60_000)

  it('Swagger UI still runs under the content security policy', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const errors = watchConsole(page)
    await page.goto(`${baseUrl}/docs/`)
    await expect(page.locator('.swagger-ui .info .title').innerText({ timeout: 20_000 })).resolves.toContain('整改销号 API')
    await page.locator('.opblock-tag-section').first().waitFor({ timeout: 20_000 })
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([])
    await context.close()
  }, 60_000)
})
