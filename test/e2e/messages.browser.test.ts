import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { FITS_WIDTH, SCREENSHOT_DIR, serveInBrowser, signIn, VIEWPORTS, watchConsole, describeInBrowser } from '../helpers/browser.ts'
import { webAccount } from '../helpers/web.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// Messages (消息) in a real browser, JavaScript off: a unit sees its unread count in the navigation, opens its
// messages, marks one read and then all. The messages page, the deliveries page and a unit's channels page are
// photographed on a desktop and on a 375 px phone, into tmp/ (git-ignored), for a person to look at.

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let browser: Browser
let baseUrl: string
const logins: Record<'unit' | 'admin', { login: string; actor: AccountActor }> = {} as never

/** What the eye reads in the navigation's 消息 link (the words only a screen reader hears left out). */
async function seenInNav(page: Page): Promise<string> {
  return (await page.evaluate(`(() => {
    const copy = document.querySelector('nav.site-nav a[href="/messages"]').cloneNode(true)
    for (const hidden of copy.querySelectorAll('.visually-hidden')) hidden.remove()
    return copy.textContent
  })()`)) as string
}

const unread = () => t.app.services.notifications.unreadCount(logins.unit.actor)

describeInBrowser('messages.browser.test.ts')('messages in the browser', () => {
  beforeAll(async () => {
    t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
    w = workflowWorld(t.app)
    const channels = await as(t.app, w.tokens.admin).put(`/api/v1/units/${w.lead.id}/channels`, {
      channels: [
        {
          kind: 'dingtalk',
          url: 'https://oapi.dingtalk.com/robot/send?access_token=7d1c0ab2e95f4c3b8a6d2e1f0c9b8a7d6e5f4c3b2a1d0e9f8c7b6a5d4e3f2c1b',
          secret: 'SECbrowser',
        },
        { kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa' },
        { kind: 'email', address: 'shengtai-huanjing-ju-zhenggai@example.gov.cn' },
      ],
    })
    expect(channels.statusCode).toBe(200)
    const problems = [
      ['1-2', '饮用水水源保护区内仍有违法建设项目未清理', '佐证材料不足，请补充拆除前后对比照片和验收意见'],
      ['2-3', '城区多处建筑工地裸土未覆盖，渣土车未密闭运输，扬尘污染问题突出', '现场抽查仍有3处工地裸土未覆盖'],
      ['3-1', '部分河段黑臭水体整治不到位', '<script>alert(1)</script> 监测数据未附'],
    ] as const
    for (const [code, problem, opinion] of problems) {
      const item = await w.itemIn('closure_requested', { code, problem, deadline: '2018-12-31' })
      t.clock.set(new Date(t.clock.now().getTime() + 37 * 60_000).toISOString())
      expect((await w.transition(w.tokens.supervisor, item.id, 'reject', opinion)).statusCode).toBe(200)
    }
    const unitAccount = await webAccount(t.app, 'unit', w.lead.id, '张联络')
    const adminAccount = await webAccount(t.app, 'admin', null, '王管理')
    const actor = (a: typeof unitAccount): AccountActor => ({
      kind: 'account',
      accountId: a.account.id,
      name: a.account.name,
      role: a.account.role,
      unitId: a.account.unitId,
    })
    logins.unit = { login: unitAccount.login, actor: actor(unitAccount) }
    logins.admin = { login: adminAccount.login, actor: actor(adminAccount) }
    // One delivery given up on, so the deliveries page shows an error and 重试.
    const first = t.app.services.notifications.deliveries({}).deliveries.at(-1)!
    t.database.sqlite
      .prepare("update notification_deliveries set status = 'dead', attempts = 5, last_error = ? where id = ?")
      .run('HTTP 502 Bad Gateway from https://oapi.dingtalk.com/robot/send?access_token=***', first.id)
    ;({ baseUrl, browser } = await serveInBrowser(t.app))
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('the pages read on a desktop and on a 375 px phone, without console errors', async () => {
    for (const [name, options] of VIEWPORTS) {
      const context = await browser.newContext({ ...options, locale: 'zh-CN' })
      for (const [who, pages] of [
        ['unit', [['messages', '/messages']]],
        [
          'admin',
          [
            ['deliveries', '/deliveries'],
            ['channels', `/admin/units/${w.lead.id}/channels`],
          ],
        ],
      ] as const) {
        const page = await context.newPage()
        const errors = watchConsole(page)
        await signIn(page, baseUrl, logins[who].login)
        for (const [file, path] of pages) {
          await page.goto(`${baseUrl}${path}`)
          expect(await page.evaluate(FITS_WIDTH), `${file} on ${name}`).toBe(true)
          await page.screenshot({ path: join(SCREENSHOT_DIR, `${file}-${name}.png`), fullPage: true })
        }
        expect(errors).toEqual([])
        await page.close()
        await context.clearCookies()
      }
      await context.close()
    }
  }, 90_000)

  it('a unit sees its unread count, opens its messages, marks one read and then all (JavaScript off)', async () => {
    const context = await browser.newContext({
      viewport: { width: 375, height: 812 },
      isMobile: true,
      javaScriptEnabled: false,
      locale: 'zh-CN',
    })
    const page = await context.newPage()
    const errors = watchConsole(page)
    await signIn(page, baseUrl, logins.unit.login)
    const count = unread()
    expect(count).toBe(3)
    const nav = page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: /消息/ })
    expect(await seenInNav(page)).toBe('消息 (3)')
    // Heard as well as seen: the link's name carries the words.
    expect(await page.getByRole('link', { name: /^消息 \(3\s*条未读\s*\)$/ }).count()).toBe(1)

    await Promise.all([page.waitForURL(`${baseUrl}/messages`), nav.click()])
    const items = page.locator('ol.messages > li')
    expect(await items.count()).toBe(3)
    // Newest first, unread marked in words; the opinion shown as typed.
    expect(await items.first().innerText()).toContain('3-1的销号申请被退回')
    expect(await items.first().locator('.tag').innerText()).toBe('未读')
    expect(await page.locator('body').innerText()).toContain('<script>alert(1)</script> 监测数据未附')
    await Promise.all([page.waitForURL(/\/messages#message-\d+$/), items.nth(1).getByRole('button', { name: '标为已读' }).click()])
    expect(unread()).toBe(2)
    expect(await seenInNav(page)).toBe('消息 (2)')
    expect(await items.nth(1).locator('.tag').innerText()).toBe('已读')

    await Promise.all([page.waitForURL(/msg=all-read/), page.getByRole('button', { name: '全部标为已读' }).click()])
    expect(await page.locator('.flash').innerText()).toContain('已全部标为已读（2条）')
    expect(await seenInNav(page)).toBe('消息')
    expect(await page.getByRole('button', { name: '标为已读' }).count()).toBe(0)
    expect(unread()).toBe(0)
    // The item's code leads to its page.
    await Promise.all([page.waitForURL(/\/items\/\d+$/), items.first().getByRole('link', { name: '3-1' }).click()])
    expect(await page.locator('h1').innerText()).toContain('3-1')
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)
})
