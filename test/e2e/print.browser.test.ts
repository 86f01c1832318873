import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderBulletinHtml } from '../../server/modules/bulletins/bulletin.html.ts'
import { renderSupervisionNotice } from '../../server/modules/supervision/supervision.html.tsx'
import type { SupervisionView } from '../../server/modules/supervision/supervision.service.ts'
import { sampleBulletin } from '../fixtures/bulletin-sample.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { launchChromium, pdfPages, describeInBrowser } from '../helpers/browser.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// The printable pages printed to PDF by headless Chromium, read back page by page with pdftotext: what belongs
// together stays on one page. The bulletin's closing lines (how it was made, its SHA-256) never make a last page of
// their own; a supervision notice's signature block (issuing office and date) never leaves the notice's last row.
// Each is printed at every length that moves its end across a page break. The PDFs land in tmp/print/ (git-ignored)
// for a person to look at (`pdftoppm -png -r 50 …`).

const OUT_DIR = join(import.meta.dirname, '..', '..', 'tmp', 'print')

let browser: Browser
let page: Page

async function printed(html: string, name: string): Promise<string[]> {
  await page.setContent(html)
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true })
  writeFileSync(join(OUT_DIR, `${name}.pdf`), pdf)
  return pdfPages(pdf).map((text) => text.replace(/[ \t]+/g, ' '))
}

describeInBrowser('print.browser.test.ts', { pdftotext: true })('printed to PDF in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true })
    browser = await launchChromium()
    page = await browser.newPage()
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
  })

  it('the bulletin: its last page carries the last section with the closing lines, whatever the overdue list’s length', async () => {
    const base = sampleBulletin.overdue
    // 8 overdue items in the sample; up to 16 more (a page of rows) moves the end of the bulletin across a whole page.
    for (let extra = 0; extra <= 16; extra += 1) {
      const overdue = Array.from({ length: base.length + extra }, (_, i) => ({ ...base[i % base.length]!, code: `Y-${i + 1}` }))
      const pages = await printed(renderBulletinHtml({ ...sampleBulletin, overdue }), `bulletin-overdue-${overdue.length}`)
      const where = `${overdue.length} overdue rows, ${pages.length} pages`
      expect(pages.length, where).toBeGreaterThanOrEqual(5)
      const last = pages.at(-1)!
      expect(last, where).toContain(`内容校验码（SHA-256）：${sampleBulletin.contentHash}`)
      expect(last, where).toContain('本通报按2019年2月末（2019年2月28日24时）的整改台账自动生成')
      expect(last, where).toContain('十一、问题线索办理')
      expect(
        pages.filter((p) => p.includes('内容校验码')),
        where,
      ).toHaveLength(1)
    }
  }, 240_000)

  describe('a supervision notice', () => {
    let t: TestApp
    let view: SupervisionView
    const plan = { title: '', timezone: 'Asia/Shanghai' }

    beforeAll(async () => {
      t = await createTestApp({ now: '2019-01-10T02:00:00.000Z' })
      const w = workflowWorld(t.app)
      plan.title = w.plan.title
      const item = await w.itemIn('in_progress', {
        code: '2-13',
        problem: '城乡结合部地区污水收集管网建设滞后，部分平房区和村庄生活污水未经处理直接排放，沿线群众反映强烈。',
        target: '2019年底前完成五里坨、广宁地区污水管网建设，生活污水全部收集处理。',
        deadline: '2018-11-30',
      })
      const opened = await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${item.id}/supervisions`, {
        reason: '该任务已逾期41天，月调度连续两个月未报送进展，整改措施落实不力。',
      })
      expect(opened.statusCode).toBe(201)
      const id = opened.json().id
      expect((await as(t.app, w.tokens.lead).post(`/api/v1/supervisions/${id}/acknowledge`, {})).statusCode).toBe(200)
      expect(
        (await as(t.app, w.tokens.lead).post(`/api/v1/supervisions/${id}/reply`, { text: '已召开专题会部署，正在开展管网设计。' }))
          .statusCode,
      ).toBe(200)
      view = (await as(t.app, w.tokens.lead).get(`/api/v1/supervisions/${id}`)).json()
      // As served: the printable page the API hands out for this notice is the page printed below.
      expect((await as(t.app, w.tokens.lead).get(`/api/v1/supervisions/${id}?format=html`)).body).toBe(renderSupervisionNotice(view, plan))
    }, 60_000)

    afterAll(async () => {
      await t?.close()
    })

    it('its signature block stays with its last row, for a short reply and for every longer one', async () => {
      const sentence = '已对沿线12个村庄逐一开展现场排查，督促施工单位加快管网铺设和接户改造，'
      for (let n = 0; n <= 16; n += 1) {
        const text = `${sentence.repeat(n)}整改工作有序推进。`
        const pages = await printed(renderSupervisionNotice({ ...view, reply: { ...view.reply!, text } }, plan), `notice-reply-${n}`)
        const where = `reply of ${text.length} characters, ${pages.length} pages`
        const last = pages.at(-1)!
        expect(last, where).toMatch(/办结意见[\s\S]*整改工作领导小组办公室\s+2019年1月10日\s*$/)
        expect(
          pages.filter((p) => p.includes('整改工作领导小组办公室')),
          where,
        ).toHaveLength(1)
        if (n === 0) expect(pages, 'a short notice is one page').toHaveLength(1)
      }
    }, 240_000)
  })
})
