import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { docx, pdf, png } from '../helpers/files.ts'
import { browser, webAccount } from '../helpers/web.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// The review page's evidence opened in the browser (查看) as well as downloaded (下载); the office's queues, each a
// count on the home pages and a list of its own; a month's bulletin shown inside its workbench page.

let t: TestApp
let w: ReturnType<typeof workflowWorld>
const SYSTEM: AccountActor = { kind: 'account', accountId: 0, name: 'test', role: 'admin', unitId: null }
type Login = { login: string; password: string }
const logins: Record<string, Login> = {}

beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
  w = workflowWorld(t.app)
  logins.supervisor = await webAccount(t.app, 'supervisor', w.office.id, '王督查')
  logins.admin = await webAccount(t.app, 'admin')
  logins.leader = await webAccount(t.app, 'leader')
  logins.lead = await webAccount(t.app, 'unit', w.lead.id, '李经办')
  logins.partner = await webAccount(t.app, 'unit', w.partner.id, '周经办')
  logins.outsider = await webAccount(t.app, 'unit', w.outsider.id, '钱经办')
})
afterAll(async () => t.close())

async function signedIn(who: keyof typeof logins) {
  const b = browser(t.app)
  expect((await b.signIn(logins[who]!.login, logins[who]!.password)).statusCode).toBe(303)
  return b
}

async function uploaded(itemId: number, name: string, content: Buffer): Promise<number> {
  const res = await w.upload(w.tokens.lead, itemId, content, name)
  expect(res.statusCode, res.body).toBe(201)
  return res.json().id
}

describe('evidence opened in the browser from the review page', () => {
  let itemId: number
  const files: Record<'pdf' | 'png' | 'docx', number> = { pdf: 0, png: 0, docx: 0 }

  beforeAll(async () => {
    itemId = (await w.itemIn('in_progress', { code: 'V-1', problem: '查看佐证材料的任务' })).id
    files.pdf = await uploaded(itemId, '验收报告.pdf', pdf('验收报告'))
    files.png = await uploaded(itemId, '现场照片.png', png(7))
    files.docx = await uploaded(itemId, '自查报告.docx', await docx('自查报告'))
    const current = t.app.services.items.get(SYSTEM, itemId)
    t.app.services.closeout.transition({ kind: 'account', accountId: 0, name: '李经办', role: 'unit', unitId: w.lead.id }, itemId, {
      action: 'request_closure',
      expectedVersion: current.version,
      comment: '已完成自查自验',
    })
  })

  it('the review page offers 查看 beside a PDF and an image, 下载 beside every file, and a preview of the image', async () => {
    const b = await signedIn('supervisor')
    const page = await b.get(`/items/${itemId}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('验收通过')
    for (const id of [files.pdf, files.png]) expect(page.body).toContain(`<a href="/evidence/${id}/view" target="_blank" rel="noopener"`)
    expect(page.body).not.toContain(`href="/evidence/${files.docx}/view"`)
    for (const id of Object.values(files)) expect(page.body).toContain(`<a href="/evidence/${id}" aria-label="下载 `)
    expect(page.body).toContain(`aria-label="查看 验收报告.pdf"`)
    expect(page.body).toContain(`<img src="/evidence/${files.png}/view" alt="现场照片.png（预览）"`)
    expect(page.body).not.toContain(`<img src="/evidence/${files.pdf}/view"`)
  })

  it('a PDF and an image open inline, with their stored type, nosniff and a sandboxed policy that loads nothing', async () => {
    const b = await signedIn('supervisor')
    for (const [id, type, name] of [
      [files.pdf, 'application/pdf', 'evidence-%d.pdf'],
      [files.png, 'image/png', 'evidence-%d.png'],
    ] as const) {
      const res = await b.get(`/evidence/${id}/view`)
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toBe(type)
      expect(res.headers['content-disposition']).toMatch(
        new RegExp(`^inline; filename="${name.replace('%d', String(id))}"; filename\\*=UTF-8''`),
      )
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['cache-control']).toBe('no-store')
      const csp = String(res.headers['content-security-policy']).split(';')
      expect(csp).toContain('sandbox')
      expect(csp).toContain("default-src 'none'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp.join(';')).not.toMatch(/script-src|'self'/)
      expect(res.headers['x-frame-options']).toBe('DENY')
      expect(res.rawPayload.equals(type === 'application/pdf' ? pdf('验收报告') : png(7))).toBe(true)
    }
  })

  it('a DOCX stays a download, from 查看 as from 下载; the download keeps the pages’ policy', async () => {
    const b = await signedIn('supervisor')
    for (const url of [`/evidence/${files.docx}/view`, `/evidence/${files.docx}`]) {
      const res = await b.get(url)
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['content-type'], url).toContain('wordprocessingml')
      expect(res.headers['content-disposition'], url).toMatch(/^attachment; filename="evidence-\d+\.docx"/)
      expect(res.headers['x-content-type-options'], url).toBe('nosniff')
    }
    const pdfDownload = await b.get(`/evidence/${files.pdf}`)
    expect(pdfDownload.headers['content-disposition']).toMatch(/^attachment;/)
    expect(String(pdfDownload.headers['content-security-policy'])).not.toContain('sandbox')
  })

  it('every role that sees the item may open it; another unit gets 404, as from the API; signed out, the sign-in page', async () => {
    for (const who of ['supervisor', 'admin', 'leader', 'lead', 'partner'] as const) {
      const b = await signedIn(who)
      const res = await b.get(`/evidence/${files.pdf}/view`)
      expect(res.statusCode, who).toBe(200)
      expect(res.headers['content-disposition'], who).toMatch(/^inline;/)
    }
    const outsider = await signedIn('outsider')
    for (const url of [`/evidence/${files.pdf}/view`, `/evidence/${files.png}/view`, `/evidence/${files.pdf}`]) {
      const res = await outsider.get(url)
      expect(res.statusCode, url).toBe(404)
      expect(res.headers['content-type'], url).toContain('text/html')
      expect(res.body, url).not.toContain('%PDF')
    }
    expect((await as(t.app, w.tokens.outsider).get(`/api/v1/evidence/${files.pdf}/content`)).statusCode).toBe(404)
    expect((await outsider.get('/evidence/999999/view')).statusCode).toBe(404)
    expect((await outsider.get('/evidence/abc/view')).statusCode).toBe(404)
    const anonymous = await t.app.inject({ method: 'GET', url: `/evidence/${files.pdf}/view` })
    expect(anonymous.statusCode).toBe(303)
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/)
  })
})

describe('the office’s queues, each a count and a list of its own', () => {
  let replyEvidence: { supervisionId: number; evidenceId: number }
  const QUEUE_PAGES = ['closeouts', 'extensions', 'objections', 'replies', 'replies-overdue', 'unsupervised']

  /** The count each home page shows for a queue, by the list it links to. */
  function countsOf(html: string): Record<string, number> {
    const found: Record<string, number> = {}
    for (const m of html.matchAll(/<a href="\/office\/([a-z-]+)"><span class="n(?: hot)?">(\d+)<\/span>/g)) found[m[1]!] = Number(m[2])
    return found
  }

  /** How many entries a queue's list shows, following its pages. */
  async function listed(b: Awaited<ReturnType<typeof signedIn>>, slug: string): Promise<number> {
    let n = 0
    for (let page = 1; page < 50; page++) {
      const res = await b.get(`/office/${slug}?page=${page}`)
      expect(res.statusCode, slug).toBe(200)
      const main = res.body.slice(res.body.indexOf(`<section class="card" id="${slug}">`), res.body.indexOf('</section>'))
      n +=
        slug === 'extensions' || slug === 'objections' || slug === 'replies'
          ? (main.match(/class="queue-entry"/g) ?? []).length
          : (main.match(/<tr>/g) ?? []).length - (main.includes('<thead>') ? 1 : 0)
      if (!res.body.includes(`href="/office/${slug}?page=${page + 1}"`)) return n
    }
    throw new Error('too many pages')
  }

  beforeAll(async () => {
    // 23 close-outs waiting (more than a page of 20), an extension, an objection, a reply, items overdue.
    for (let i = 1; i <= 23; i++) await w.itemIn('closure_requested', { code: `Q-${i}`, problem: `待验收任务${i}` })
    const extending = await w.itemIn('in_progress', { code: 'QE-1', deadline: '2018-10-31' })
    await as(t.app, w.tokens.lead).post(`/api/v1/items/${extending.id}/extensions`, {
      newDeadline: '2018-12-31',
      reason: '汛期影响施工',
      progress: '已完成70%',
    })
    const noticed = await w.itemIn('in_public_notice', { code: 'QO-1' })
    t.app.services.objections.file(noticed.id, { contact: '13800000000', content: '仍有异味' })
    const supervised = await w.itemIn('in_progress', { code: 'QS-1' })
    const id = (await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${supervised.id}/supervisions`, { reason: '进度滞后' })).json().id
    await as(t.app, w.tokens.lead).post(`/api/v1/supervisions/${id}/acknowledge`, {})
    const photo = await uploaded(supervised.id, '整改后照片.png', png(9))
    await as(t.app, w.tokens.lead).post(`/api/v1/supervisions/${id}/reply`, { text: '已加快进度', evidenceIds: [photo] })
    replyEvidence = { supervisionId: id, evidenceId: photo }
    await w.itemIn('in_progress', { code: 'QL-1', deadline: '2018-09-30' })
    await w.itemIn('assigned', { code: 'QL-2', deadline: '2018-08-31' })
  }, 60_000)

  it('the office’s home and /office count each queue and link to its list; each count is the list’s length', async () => {
    const b = await signedIn('supervisor')
    const home = countsOf((await b.get('/')).body)
    const office = await b.get('/office')
    const overview = countsOf(office.body)
    expect(Object.keys(home).sort()).toEqual([...QUEUE_PAGES].sort())
    expect(overview).toEqual(home)
    expect(home.closeouts).toBeGreaterThanOrEqual(24)
    for (const slug of ['extensions', 'objections', 'replies', 'unsupervised']) expect(home[slug], slug).toBeGreaterThan(0)
    for (const slug of QUEUE_PAGES) expect(await listed(b, slug), slug).toBe(home[slug])
  })

  it('a reply’s evidence opens from the replies queue and from the notice’s page (查看, 下载)', async () => {
    const b = await signedIn('supervisor')
    for (const url of ['/office/replies', `/supervisions/${replyEvidence.supervisionId}`]) {
      const page = await b.get(url)
      expect(page.body, url).toContain(
        `<a href="/evidence/${replyEvidence.evidenceId}/view" target="_blank" rel="noopener" aria-label="查看 整改后照片.png">`,
      )
      expect(page.body, url).toContain(`<a href="/evidence/${replyEvidence.evidenceId}" aria-label="下载 整改后照片.png">`)
    }
    const api = await as(t.app, w.tokens.supervisor).get(`/api/v1/supervisions/${replyEvidence.supervisionId}`)
    expect(api.json().reply.evidence).toEqual([{ id: replyEvidence.evidenceId, fileName: '整改后照片.png', mediaType: 'image/png' }])
  })

  it('a long queue pages by 20; the overview shows its first five with a link to all of them', async () => {
    const b = await signedIn('supervisor')
    const first = await b.get('/office/closeouts')
    expect(first.body).toMatch(/<h1>销号申请待验收（\d+）<\/h1>/)
    expect(first.body).toContain('href="/office/closeouts?page=2">下一页</a>')
    expect((first.body.match(/>审核<\/a>/g) ?? []).length).toBe(20)
    const last = await b.get('/office/closeouts?page=99')
    expect(last.statusCode).toBe(200)
    expect(last.body).toContain('href="/office/closeouts?page=1">上一页</a>')
    const overview = (await b.get('/office')).body
    const closeouts = overview.slice(overview.indexOf('id="closeouts"'), overview.indexOf('</section>', overview.indexOf('id="closeouts"')))
    expect((closeouts.match(/>审核<\/a>/g) ?? []).length).toBe(5)
    expect(closeouts).toMatch(/<a href="\/office\/closeouts">查看全部\d+项<\/a>/)
    expect((await b.get('/office/nonsense')).statusCode).toBe(404)
    expect((await b.get('/office/closeouts?page=0')).statusCode).toBe(400)
  })

  it('a decision taken on a queue’s own page returns there, and a refusal shows that page again', async () => {
    const b = await signedIn('supervisor')
    const page = await b.get('/office/extensions')
    const id = Number(/id="extension-(\d+)"/.exec(page.body)![1])
    expect(page.body).toContain('<input type="hidden" name="back" value="extensions"/>')
    const blank = await b.post(`/extensions/${id}/decision`, { decision: 'approve', back: 'extensions', [`extension-${id}`]: '' })
    expect(blank.statusCode).toBe(422)
    expect(blank.body).toContain('<h1>延期申请待审批（1）</h1>')
    const done = await b.post(`/extensions/${id}/decision`, { decision: 'reject', back: 'extensions', [`extension-${id}`]: '理由不充分' })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe('/office/extensions?msg=extension-rejected')
    const after = await b.get(done.headers.location as string)
    expect(after.body).toContain('<h1>延期申请待审批（0）</h1>')
    expect(after.body).toContain('没有待审批的延期申请。')
    // An unknown place to return to is the overview, never elsewhere.
    const objectionPage = await b.get('/office/objections')
    const objectionId = Number(/id="objection-(\d+)"/.exec(objectionPage.body)![1])
    // Sent from a later page of the list, a refusal shows that list again (its last page, as it is now).
    const again = await b.post(`/objections/${objectionId}/decision`, {
      decision: 'dismiss',
      back: 'objections?page=2',
      [`objection-${objectionId}`]: '',
    })
    expect(again.statusCode).toBe(422)
    expect(again.body).toContain('<h1>公示异议待处理（1）</h1>')
    const odd = await b.post(`/objections/${objectionId}/decision`, {
      decision: 'dismiss',
      back: '//evil.example',
      [`objection-${objectionId}`]: '经核查不属实',
    })
    expect(odd.headers.location).toBe('/office?msg=objection-dismissed')
  })

  it('only the office opens its queues: other roles get 403 there, and their homes show no queue', async () => {
    for (const who of ['admin', 'leader', 'lead'] as const) {
      const b = await signedIn(who)
      for (const slug of QUEUE_PAGES) expect((await b.get(`/office/${slug}`)).statusCode, `${who} ${slug}`).toBe(403)
      expect(countsOf((await b.get('/')).body), who).toEqual({})
    }
  })
})

describe('a month’s bulletin inside the workbench', () => {
  it('its page frames the printable bulletin, which this site alone may frame; printed alone it is the same page', async () => {
    t.clock.set('2018-11-05T02:00:00.000Z')
    const b = await signedIn('supervisor')
    await b.get('/bulletins')
    expect((await b.post(`/bulletins/${w.plan.id}/2018-10/issue`, {})).statusCode).toBe(303)
    for (const who of ['supervisor', 'leader', 'admin', 'lead'] as const) {
      const reader = await signedIn(who)
      const page = await reader.get(`/bulletins/${w.plan.id}/2018-10`)
      expect(page.statusCode, who).toBe(200)
      expect(page.body, who).toContain(`<iframe class="bulletin-frame" src="/bulletins/${w.plan.id}/2018-10/print" title="`)
      expect(page.body, who).toContain(`href="/bulletins/${w.plan.id}/2018-10/print" target="_blank" rel="noopener">在新窗口打开及打印</a>`)
      expect(String(page.headers['content-security-policy']), who).toContain("frame-ancestors 'none'")
      expect(String(page.headers['content-security-policy']), who).toContain("default-src 'self'")
      const print = await reader.get(`/bulletins/${w.plan.id}/2018-10/print`)
      expect(print.statusCode, who).toBe(200)
      expect(print.body, who).toContain('整改工作月通报（2018年10月）')
      expect(String(print.headers['content-security-policy']), who).toContain("frame-ancestors 'self'")
      expect(String(print.headers['content-security-policy']), who).not.toContain("frame-ancestors 'none'")
      expect(String(print.headers['content-security-policy']), who).toContain("default-src 'self'")
      expect(print.headers['x-frame-options'], who).toBe('SAMEORIGIN')
    }
    // Everything else stays unframeable.
    for (const url of ['/', '/office', `/bulletins/${w.plan.id}/2018-10`, `/bulletins/${w.plan.id}/2018-10/workbook`]) {
      const res = await b.get(url)
      expect(String(res.headers['content-security-policy']), url).toContain("frame-ancestors 'none'")
      expect(res.headers['x-frame-options'], url).toBe('DENY')
    }
    t.clock.set('2018-10-15T02:00:00.000Z')
  })
})
