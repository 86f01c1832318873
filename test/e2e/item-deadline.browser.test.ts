import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { DISTRICT_FIXTURES } from '../../scripts/district-fixtures.ts'
import { createTestApp, factories, type TestApp } from '../helpers/app.ts'
import { FITS_WIDTH, SCREENSHOT_DIR, serveInBrowser, signIn, VIEWPORTS, watchConsole, describeInBrowser } from '../helpers/browser.ts'
import { importChecklist } from '../helpers/spreadsheets.ts'
import { webAccount } from '../helpers/web.ts'

// An item of a district's checklist (checklist-qinghe.xlsx) in a real browser, on a desktop and a 375 px phone: the
// deadline in the checklist's words with its date, and the 备注, readable and within the screen. Screenshots go to
// tmp/screenshots for a person to look at.

let t: TestApp
let browser: Browser
let baseUrl: string
let login: string
let itemId: number

describeInBrowser('item-deadline.browser.test.ts')('an imported item in the browser', () => {
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-06-15T02:00:00.000Z' })
    const f = factories(t.app)
    const qinghe = DISTRICT_FIXTURES.find((x) => x.file === 'checklist-qinghe.xlsx')!
    const plan = f.plan({ title: '清河区督察整改方案', categories: qinghe.categories })
    const res = await importChecklist(t.app, f.token('admin'), plan.id, readFileSync(qinghe.path), { query: 'createUnits=true' })
    expect(res.statusCode, res.body).toBe(201)
    itemId = (res.json().items as { code: string; id: number }[]).find((i) => i.code === '2-1')!.id
    login = (await webAccount(t.app, 'supervisor', f.unit('区整改办').id, '赵督查')).login
    ;({ baseUrl, browser } = await serveInBrowser(t.app))
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it.each(VIEWPORTS)('on a %s: 完成时限 in the checklist’s words with its date, and 备注', async (name, options) => {
    const context = await browser.newContext({ ...options, javaScriptEnabled: false, locale: 'zh-CN' })
    const page = await context.newPage()
    const errors = watchConsole(page)
    await signIn(page, baseUrl, login, { from: `/items/${itemId}` })
    const record = page.locator('dl.record').first()
    expect(await record.locator('dt:has-text("完成时限") + dd').innerText()).toBe('2026年9月底前（2026年9月30日前）')
    expect(await record.locator('dt:has-text("备注") + dd').innerText()).toBe('责任清单印发后报市整改办备案')
    expect(await page.evaluate(FITS_WIDTH)).toBe(true)
    await page.screenshot({ path: join(SCREENSHOT_DIR, `item-deadline-${name}.png`), fullPage: true })
    // The list words the deadlines the same way, and its longest wordings still fit the screen.
    await page.goto(`${baseUrl}/items`)
    expect(await page.locator('main table, table').first().innerText()).toContain('2026年第三季度（2026年9月30日前）')
    expect(await page.evaluate(FITS_WIDTH)).toBe(true)
    await page.screenshot({ path: join(SCREENSHOT_DIR, `item-deadline-list-${name}.png`), fullPage: true })
    expect(errors).toEqual([])
    await context.close()
  })
})
