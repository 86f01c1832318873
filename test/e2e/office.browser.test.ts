import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  FITS_WIDTH,
  launchChromium,
  pdfOf,
  pdfPages,
  pngOf,
  SCREENSHOT_DIR,
  shareOfColour,
  signIn,
  VIEWPORTS,
  watchConsole,
  describeInBrowser,
  canReadPdf,
} from '../helpers/browser.ts'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { webAccount } from '../helpers/web.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// The supervision office in a real browser, JavaScript off: review and accept a close-out, decide an extension and
// an objection, urge several overdue items at once. Each office page is photographed on a desktop and on a 375 px
// phone, into tmp/ (git-ignored), for a person to look at.

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let browser: Browser
let baseUrl: string
let login: string
const SYSTEM: AccountActor = { kind: 'account', accountId: 0, name: 'test', role: 'admin', unitId: null }
const ids: Record<string, number> = {}

describeInBrowser('office.browser.test.ts')('the supervision office in the browser', () => {
  beforeAll(async () => {
    t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
    w = workflowWorld(t.app)
    browser = await launchChromium()
    // Evidence a viewer really draws: a PDF with a large red heading, a photo-like PNG that is mostly blue.
    ids.closing = (await w.itemIn('in_progress', { code: '1-2', problem: '饮用水水源保护区内仍有违法建设项目未清理' })).id
    const report = await pdfOf(browser, '<h1 style="font-size:72px;color:#d00000">验收报告</h1><p>违法建设项目已全部清理。</p>')
    const photo = await pngOf(browser, '<body style="margin:0;background:#1040e0"></body>', { width: 640, height: 480 })
    for (const [name, file] of [
      ['验收报告.pdf', report],
      ['现场照片.png', photo],
    ] as const) {
      const res = await w.upload(w.tokens.lead, ids.closing, file, name)
      if (res.statusCode !== 201) throw new Error(res.body)
      ids[name] = res.json().id
    }
    const requested = await w.transition(w.tokens.lead, ids.closing, 'request_closure', '已完成自查自验，整改到位')
    if (requested.statusCode !== 200) throw new Error(requested.body)
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
    // October's bulletin, issued once the month is over (then back to mid-October for the rest).
    t.clock.set('2018-11-02T02:00:00.000Z')
    t.app.services.bulletins.issue(null, w.plan.id, '2018-10')
    t.clock.set('2018-10-15T02:00:00.000Z')
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
        ['office-queue-closeouts', '/office/closeouts'],
        ['office-queue-extensions', '/office/extensions'],
        ['office-queue-objections', '/office/objections'],
        ['office-queue-unsupervised', '/office/unsupervised'],
        ['office-review', `/items/${ids.closing}`],
        ['office-bulletin', `/bulletins/${w.plan.id}/2018-10`],
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

  it('opens a PDF and a photo of the close-out’s evidence in the browser (查看) from the review page, and sees them drawn', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', acceptDownloads: true })
    const page = await context.newPage()
    const errors = watchConsole(page)
    const downloads: string[] = []
    context.on('page', (opened) => opened.on('download', (d) => downloads.push(d.suggestedFilename())))
    await signIn(page, baseUrl, login, { from: '/' })
    await page.goto(`${baseUrl}/office/closeouts`)
    await page.getByRole('link', { name: '审核 1-2' }).click()
    expect(page.url()).toBe(`${baseUrl}/items/${ids.closing}`)
    // The photo's preview is drawn on the review page itself.
    const preview = page.getByRole('img', { name: '现场照片.png（预览）' })
    await expect
      .poll(() => preview.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth))
      .toBe(640)

    for (const [name, colour, shot] of [
      ['验收报告.pdf', [208, 0, 0], 'evidence-pdf-desktop.png'],
      ['现场照片.png', [16, 64, 224], 'evidence-png-desktop.png'],
    ] as const) {
      const [opened] = await Promise.all([
        context.waitForEvent('page'),
        page
          .locator('ul.evidence-list')
          .getByRole('link', { name: `查看 ${name}` })
          .click(),
      ])
      await opened.waitForLoadState()
      expect(opened.url()).toBe(`${baseUrl}/evidence/${ids[name]}/view`)
      // The viewer draws asynchronously: look until the file's colour shows (a PDF's red heading, the photo's blue).
      let share = 0
      for (let tries = 0; tries < 40 && share < 0.002; tries++) {
        await opened.waitForTimeout(250)
        share = await shareOfColour(browser, await opened.screenshot(), [...colour])
      }
      await opened.screenshot({ path: join(SCREENSHOT_DIR, shot) })
      expect(share, `${name} drawn`).toBeGreaterThan(0.002)
      if (name.endsWith('.pdf')) expect(opened.frames().some((f) => f.url().startsWith('chrome-extension://'))).toBe(true)
      await opened.close()
    }
    expect(downloads).toEqual([])
    expect(errors).toEqual([])
    await context.close()
  }, 90_000)

  it('reads a month’s bulletin inside its workbench page, and prints it alone from its own window', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
    const page = await context.newPage()
    const errors = watchConsole(page)
    await signIn(page, baseUrl, login, { from: '/' })
    await page.goto(`${baseUrl}/bulletins/${w.plan.id}/2018-10`)
    const framed = page.frameLocator('iframe.bulletin-frame')
    expect(await framed.locator('h1').first().innerText()).toContain('整改工作月通报')
    expect(await framed.locator('body').innerText()).toContain('内容校验码（SHA-256）')
    const frame = await page.locator('iframe.bulletin-frame').boundingBox()
    expect(frame!.width).toBeGreaterThan(900)
    expect(frame!.height).toBeGreaterThan(480)

    const [alone] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: '在新窗口打开及打印' }).click()])
    await alone.waitForLoadState()
    expect(alone.url()).toBe(`${baseUrl}/bulletins/${w.plan.id}/2018-10/print`)
    expect(await alone.locator('h1').first().innerText()).toContain('整改工作月通报')
    if (canReadPdf()) {
      const pages = pdfPages(await alone.pdf({ preferCSSPageSize: true, printBackground: true }))
      // The title is set in large type across the page; its month and the first section are plain lines.
      expect(pages[0]).toContain('统计截至2018年10月31日')
      expect(pages[0]).toContain('一、总体情况')
      expect(pages.at(-1)).toContain('内容校验码（SHA-256）')
      expect(pages.join('\n')).not.toContain('整改销号工作台')
    }
    expect(errors).toEqual([])
    await context.close()
  }, 90_000)

  it('reviews and accepts a close-out, decides an extension and an objection, urges two overdue items at once', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, javaScriptEnabled: false, locale: 'zh-CN' })
    const page = await context.newPage()
    const errors = watchConsole(page)
    await signIn(page, baseUrl, login, { from: '/' })

    // The close-out: from the queue to the item page, its evidence there, accepted with an opinion.
    await page.getByRole('link', { name: '督办工作' }).click()
    await page.locator('#closeouts').getByRole('link', { name: '审核' }).click()
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
