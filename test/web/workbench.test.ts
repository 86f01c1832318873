import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import { toActor } from '../../server/modules/accounts/accounts.service.ts'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { pdf, png } from '../helpers/files.ts'
import { browser, multipartForm, ORIGIN, transitionFields, webAccount } from '../helpers/web.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// The workbench as a lead unit uses it, through its pages: every form posts, is checked again by the same
// services as the API, and answers with a redirect or the page again with the error beside its field.

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let leadLogin: Awaited<ReturnType<typeof webAccount>>
let outsiderLogin: { login: string; password: string }
const SYSTEM: AccountActor = { kind: 'account', accountId: 0, name: 'test', role: 'admin', unitId: null }

beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
  w = workflowWorld(t.app)
  leadLogin = await webAccount(t.app, 'unit', w.lead.id, '李经办')
  outsiderLogin = await webAccount(t.app, 'unit', w.outsider.id)
})
afterAll(async () => t.close())

async function leadBrowser() {
  const b = browser(t.app)
  const res = await b.signIn(leadLogin.login, leadLogin.password)
  expect(res.statusCode).toBe(303)
  return b
}

/** The card of a close-out action on an item's page: from its heading to the next card. */
function actionCard(html: string, label: string): string {
  const start = html.indexOf(`<h2>${label}</h2>`)
  if (start < 0) throw new Error(`no card ${label}`)
  const end = html.indexOf('<div class="card', start)
  return html.slice(start, end < 0 ? undefined : end)
}

const events = (itemId: number) => t.app.services.items.events(SYSTEM, itemId)
const item = (itemId: number) => t.app.services.items.get(SYSTEM, itemId)

describe('the pages of a lead unit', () => {
  it('home lists what is due: overdue, due within 7 days, no report this month, sent back, supervision, extensions: each a count and a list', async () => {
    const overdue = await w.itemIn('in_progress', { code: 'H-1', problem: '逾期的任务', deadline: '2018-10-01' })
    const soon = await w.itemIn('in_progress', { code: 'H-2', problem: '即将到期的任务', deadline: '2018-10-20' })
    const later = await w.itemIn('assigned', { code: 'H-3', problem: '远期任务', deadline: '2019-06-30' })
    // Sent back on review (退回整改), and by an objection upheld during the notice (异议成立).
    const rejected = await w.itemIn('closure_requested', { code: 'H-4', problem: '退回整改一例', deadline: '2019-06-30' })
    expect((await w.transition(w.tokens.supervisor, rejected.id, 'reject', '佐证材料不全')).statusCode).toBe(200)
    const upheld = await w.itemIn('in_public_notice', { code: 'H-5', problem: '异议成立一例', deadline: '2019-06-30' })
    expect((await w.transition(w.tokens.supervisor, upheld.id, 'uphold_objection', '群众反映仍有扬尘，异议属实')).statusCode).toBe(200)
    // Waiting for review: not sent back.
    const waiting = await w.itemIn('closure_requested', { code: 'H-6', problem: '等待验收一例', deadline: '2019-06-30' })
    // A supervision notice to acknowledge, an extension pending and one decided.
    const supervised = await w.itemIn('in_progress', { code: 'H-7', problem: '联合督办一例', deadline: '2019-06-30' })
    const sup = t.app.services.supervision.open(
      { kind: 'account', accountId: 1, name: '督查员', role: 'supervisor', unitId: w.office.id },
      supervised.id,
      { reason: '进展缓慢' },
    )
    const asLead = as(t.app, w.tokens.lead)
    const pending = await asLead.post(`/api/v1/items/${soon.id}/extensions`, {
      newDeadline: '2018-12-31',
      reason: '冬季停工',
      progress: '已完成一半',
    })
    expect(pending.statusCode).toBe(201)
    const decided = await asLead.post(`/api/v1/items/${later.id}/extensions`, {
      newDeadline: '2019-09-30',
      reason: '需协调资金',
      progress: '已立项',
    })
    expect(decided.statusCode).toBe(201)
    const decision = await as(t.app, w.tokens.supervisor).post(`/api/v1/extensions/${decided.json().id}/decision`, {
      decision: 'reject',
      comment: '理由不充分，按原时限完成',
    })
    expect(decision.statusCode).toBe(200)

    const b = await leadBrowser()
    const res = await b.get('/')
    expect(res.statusCode).toBe(200)
    const section = (id: string) =>
      res.body.slice(res.body.indexOf(`id="${id}"`), res.body.indexOf('</section>', res.body.indexOf(`id="${id}"`)))
    const linked = (id: string) => [...section(id).matchAll(/href="\/items\/(\d+)"/g)].map((m) => Number(m[1])).sort((x, y) => x - y)
    const ids = (...list: { id: number }[]) => list.map((i) => i.id).sort((x, y) => x - y)
    expect(linked('overdue')).toEqual(ids(overdue))
    expect(linked('due-soon')).toEqual(ids(soon))
    expect(linked('unreported')).toEqual(ids(overdue, soon, later, rejected, upheld, supervised))
    expect(linked('sent-back')).toEqual(ids(rejected, upheld))
    expect(section('sent-back')).not.toContain(`href="/items/${waiting.id}"`)
    expect(linked('supervisions')).toEqual(ids(supervised))
    expect(section('supervisions')).toContain(sup.number)
    expect(section('supervisions')).toContain('进展缓慢')
    expect(linked('extensions')).toEqual(ids(soon, later))
    expect(section('extensions')).toContain('待审批')
    expect(section('extensions')).toContain('未同意')
    expect(section('extensions')).toContain('理由不充分，按原时限完成')
    // Each list's count is on the page beside its label.
    for (const [label, n] of [
      ['已逾期', 1],
      ['7日内到期', 1],
      ['本月未报送进展', 6],
      ['销号申请被退回', 2],
      ['督办单待签收或回复', 1],
      ['延期申请及审批结果', 2],
    ] as const)
      expect(res.body).toContain(`${label}（${n}）`)
    expect(res.headers['cache-control']).toBe('no-store')
  })

  it("the home page's batched reads (sent back, extension requests) leave out the items the asker may not see", async () => {
    const rejected = await w.itemIn('closure_requested', { code: 'H-8', problem: '退回整改另一例', deadline: '2019-06-30' })
    expect((await w.transition(w.tokens.supervisor, rejected.id, 'reject', '佐证材料不全')).statusCode).toBe(200)
    const requested = await as(t.app, w.tokens.lead).post(`/api/v1/items/${rejected.id}/extensions`, {
      newDeadline: '2019-09-30',
      reason: '需协调资金',
      progress: '已立项',
    })
    expect(requested.statusCode).toBe(201)
    const { items, extensions } = t.app.services
    const lead = toActor(leadLogin.account)
    const outsider: AccountActor = { kind: 'account', accountId: 0, name: '外单位', role: 'unit', unitId: w.outsider.id }
    expect([...items.sentBack(lead, [rejected.id])]).toEqual([rejected.id])
    const leadSees = extensions.ofItems(lead, [rejected.id]).get(rejected.id) ?? []
    expect(leadSees.map((e) => e.id)).toEqual([requested.json().id])
    // Another unit naming the same ids learns nothing, not even that they exist.
    expect(items.sentBack(outsider, [rejected.id]).size).toBe(0)
    expect(extensions.ofItems(outsider, [rejected.id]).size).toBe(0)
    expect(extensions.ofItems(outsider, []).size).toBe(0)
    // In a list that mixes its own items with another unit's, it gets its own and only those.
    const own = w.f.item(w.plan.id, w.outsider.id, { code: 'H-9', problem: '外单位退回整改一例', deadline: '2019-06-30' })
    expect((await w.transition(w.tokens.outsider, own.id, 'start')).statusCode).toBe(200)
    expect((await w.upload(w.tokens.outsider, own.id)).statusCode).toBe(201)
    expect((await w.transition(w.tokens.outsider, own.id, 'request_closure', '已完成自查自验')).statusCode).toBe(200)
    expect((await w.transition(w.tokens.supervisor, own.id, 'reject', '佐证材料不全')).statusCode).toBe(200)
    expect([...items.sentBack(outsider, [rejected.id, own.id])]).toEqual([own.id])
    expect([...items.sentBack(lead, [rejected.id, own.id])]).toEqual([rejected.id])
    const theirs = await as(t.app, w.tokens.outsider).post(`/api/v1/items/${own.id}/extensions`, {
      newDeadline: '2019-09-30',
      reason: '需协调资金',
      progress: '已立项',
    })
    expect(theirs.statusCode).toBe(201)
    expect([...extensions.ofItems(lead, [own.id, rejected.id]).keys()]).toEqual([rejected.id])
    expect([...extensions.ofItems(outsider, [own.id, rejected.id]).keys()]).toEqual([own.id])
  })

  it('the item list keeps its filters in the URL, sorts by deadline, pages and exports what it shows', async () => {
    const b = await leadBrowser()
    const res = await b.get('/items?q=%E4%BB%BB%E5%8A%A1&status=in_progress')
    expect(res.statusCode).toBe(200)
    const codes = [...res.body.matchAll(/href="\/items\/\d+">([^<]+)</g)].map((m) => m[1])
    expect(codes).toEqual(['H-1', 'H-2'])
    expect(res.body).toContain('value="任务"')
    expect(res.body).toMatch(/<option value="in_progress" selected>/)
    const exported = await b.get('/items/export?q=%E4%BB%BB%E5%8A%A1&status=in_progress')
    expect(exported.statusCode).toBe(200)
    expect(exported.headers['content-type']).toContain('spreadsheetml')
    // Read back: its rows are the filter's matches (and not the unit's other items being rectified).
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(exported.rawPayload as unknown as ExcelJS.Buffer)
    const sheet = workbook.worksheets[0]!
    const rows: { code: string; problem: string; status: string }[] = []
    sheet.eachRow((row, n) => {
      // Row 1 is the title, 2 the note, 3 the header; a task-area heading is one merged cell.
      if (n <= 3 || row.getCell(2).isMerged) return
      rows.push({ code: row.getCell(1).text, problem: row.getCell(2).text, status: row.getCell(9).text })
    })
    expect(sheet.getRow(3).getCell(1).text).toBe('序号')
    expect(sheet.getRow(3).getCell(9).text).toBe('当前状态')
    const matches = t.app.services.items
      .list(toActor(leadLogin.account), { q: '任务', status: 'in_progress', limit: 200 })
      .items.map((i) => ({ code: i.code, problem: i.problem, status: '整改中' }))
    expect(matches.map((m) => m.code).sort()).toEqual(['H-1', 'H-2'])
    expect(rows.sort((x, y) => x.code.localeCompare(y.code))).toEqual(matches.sort((x, y) => x.code.localeCompare(y.code)))
    expect(sheet.getRow(2).getCell(1).text).toContain('共 2 项')
    // A meaningful ASCII name for clients that do not read filename*, the Chinese one in it: the plan and the day.
    expect(exported.headers['content-disposition']).toBe(
      `attachment; filename="checklist-plan${w.plan.id}-2018-10-15.xlsx"; filename*=UTF-8''${encodeURIComponent(`整改措施清单-${w.plan.id}-2018-10-15.xlsx`)}`,
    )
    expect((await b.get('/items?status=nonsense')).statusCode).toBe(400)
  })

  it('pages a long list 50 to a page', async () => {
    for (let i = 0; i < 52; i++) w.f.item(w.plan.id, w.lead.id, { code: `P-${i}`, problem: `分页任务${i}`, deadline: '2020-01-01' })
    const b = await leadBrowser()
    const first = await b.get('/items?q=%E5%88%86%E9%A1%B5')
    expect(first.body).toContain('共 52 项')
    expect(first.body).toContain('第 1 / 2 页')
    expect([...first.body.matchAll(/href="\/items\/\d+">P-/g)]).toHaveLength(50)
    const second = await b.get('/items?q=%E5%88%86%E9%A1%B5&page=2')
    expect([...second.body.matchAll(/href="\/items\/\d+">P-/g)]).toHaveLength(2)
  })

  it("another unit's item is a 404, as in the API", async () => {
    const theirs = w.f.item(w.plan.id, w.outsider.id, { code: 'X-1' })
    const b = await leadBrowser()
    const res = await b.get(`/items/${theirs.id}`)
    expect(res.statusCode).toBe(404)
    expect(res.body).toContain('未找到')
    const post = await b.post(`/items/${theirs.id}/reports`, { text: '不该成功' })
    expect(post.statusCode).toBe(404)
    expect(t.app.services.progress.list(SYSTEM, theirs.id)).toHaveLength(0)
  })

  it('starts, reports, uploads several files, requests close-out: each a redirect, each an audited event', async () => {
    const fresh = await w.itemIn('assigned', { code: 'W-1', problem: '工地扬尘' })
    const b = await leadBrowser()
    let page = await b.get(`/items/${fresh.id}`)
    expect(page.body).toContain('>开始整改</button>')
    expect(page.body).not.toContain('>申请销号</button>')
    expect(page.body).not.toContain('>验收通过</button>')

    let res = await b.post(`/items/${fresh.id}/transitions`, { action: 'start', expectedVersion: String(item(fresh.id).version) })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`/items/${fresh.id}?msg=started`)
    expect(item(fresh.id).status).toBe('in_progress')
    expect((await b.get(res.headers.location!)).body).toContain('已开始整改')

    res = await b.post(`/items/${fresh.id}/reports`, { text: '完成围挡12处', percent: '140' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('完成比例须为0至100的整数')
    expect(res.body).toContain('完成围挡12处')
    res = await b.post(`/items/${fresh.id}/reports`, { text: '完成围挡12处', percent: '40' })
    expect(res.statusCode).toBe(303)
    expect(t.app.services.progress.list(SYSTEM, fresh.id)).toMatchObject([{ period: '2018-10', text: '完成围挡12处', percent: 40 }])

    page = await b.get(`/items/${fresh.id}`)
    const body = multipartForm({ _csrf: b.csrf }, [
      { name: '验收报告.pdf', content: pdf('w1') },
      { name: '现场照片.png', content: png(7) },
    ])
    res = await b.postRaw(`/items/${fresh.id}/evidence`, body.payload, body.headers)
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`/items/${fresh.id}?msg=evidence&n=2`)
    const files = t.app.services.evidence.list(SYSTEM, fresh.id)
    expect(files.map((f) => f.fileName)).toEqual(['验收报告.pdf', '现场照片.png'])
    page = await b.get(`/items/${fresh.id}`)
    expect(page.body).toContain(`href="/evidence/${files[0]!.id}"`)
    const download = await b.get(`/evidence/${files[0]!.id}`)
    expect(download.statusCode).toBe(200)
    expect(download.headers['content-type']).toBe('application/pdf')

    res = await b.post(`/items/${fresh.id}/transitions`, transitionFields('request_closure', item(fresh.id).version, '  '))
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('请填写此项说明')
    res = await b.post(
      `/items/${fresh.id}/transitions`,
      transitionFields('request_closure', item(fresh.id).version, '已完成自查自验，整改到位'),
    )
    expect(res.statusCode).toBe(303)
    expect(item(fresh.id).status).toBe('closure_requested')
    expect(events(fresh.id).map((e) => e.action)).toEqual([
      'create',
      'start',
      'progress_reported',
      'evidence_added',
      'evidence_added',
      'request_closure',
    ])
    expect(events(fresh.id).at(-1)!.comment).toBe('已完成自查自验，整改到位')

    page = await b.get(`/items/${fresh.id}`)
    expect(page.body).not.toContain('>申请销号</button>')
    for (const label of ['报送进展（2018年10月，完成40%）', '上传佐证材料', '申请销号', '开始整改', '列入整改清单'])
      expect(page.body).toContain(label)
  })

  it('申请销号 is not offered before any evidence is filed: the page says why, and posting it anyway is refused', async () => {
    const target = await w.itemIn('assigned', { code: 'W-5' })
    const b = await leadBrowser()
    await b.get(`/items/${target.id}`)
    await b.post(`/items/${target.id}/transitions`, { action: 'start', expectedVersion: String(item(target.id).version) })
    let page = await b.get(`/items/${target.id}`)
    expect(page.body).not.toContain('<button type="submit">申请销号</button>')
    expect(page.body).not.toContain('name="comment-request_closure"')
    const card = actionCard(page.body, '申请销号')
    expect(card).toContain('申请销号前，须至少上传一份佐证材料')
    expect(card).toContain('<a href="#f-files">去上传佐证材料</a>')
    expect(card).toContain('<button type="button" disabled>申请销号</button>')
    const res = await b.post(
      `/items/${target.id}/transitions`,
      transitionFields('request_closure', item(target.id).version, '已完成自查自验'),
    )
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('申请销号前，须至少上传一份佐证材料')
    expect(item(target.id).status).toBe('in_progress')
    expect(events(target.id).map((e) => e.action)).toEqual(['create', 'start'])

    const body = multipartForm({ _csrf: b.csrf }, [{ name: '整改报告.pdf', content: pdf('w5') }])
    expect((await b.postRaw(`/items/${target.id}/evidence`, body.payload, body.headers)).statusCode).toBe(303)
    page = await b.get(`/items/${target.id}`)
    expect(page.body).toContain('<button type="submit">申请销号</button>')
    expect(page.body).not.toContain('disabled>申请销号</button>')
  })

  it('a file of the wrong type is refused beside the upload field, the good one is kept', async () => {
    const target = await w.itemIn('in_progress', { code: 'W-2' })
    const b = await leadBrowser()
    await b.get(`/items/${target.id}`)
    const body = multipartForm({ _csrf: b.csrf }, [
      { name: '说明.pdf', content: pdf('w2') },
      { name: '病毒.exe', content: Buffer.from('MZ not a pdf') },
    ])
    const res = await b.postRaw(`/items/${target.id}/evidence`, body.payload, body.headers)
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('病毒.exe：佐证材料须为 PDF、JPEG、PNG、DOCX 或 XLSX 文件')
    expect(t.app.services.evidence.list(SYSTEM, target.id).map((f) => f.fileName)).toEqual(['说明.pdf'])
  })

  it('requests an extension; a date not later than the deadline is refused beside the field', async () => {
    const target = await w.itemIn('in_progress', { code: 'W-3', deadline: '2018-12-31' })
    const b = await leadBrowser()
    await b.get(`/items/${target.id}`)
    let res = await b.post(`/items/${target.id}/extensions`, { newDeadline: '2018-11-30', reason: '冬季停工', progress: '已完成60%' })
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain('新的完成时限须晚于当前时限')
    res = await b.post(`/items/${target.id}/extensions`, { newDeadline: '2019-03-31', reason: '冬季停工', progress: '已完成60%' })
    expect(res.statusCode).toBe(303)
    expect(t.app.services.extensions.list(SYSTEM, target.id)).toMatchObject([
      { status: 'pending', newDeadline: '2019-03-31', reason: '冬季停工' },
    ])
    const page = await b.get(`/items/${target.id}`)
    expect(page.body).not.toContain('>申请延期</button>')
    expect(page.body).toContain('等待整改办审批')
  })

  it('acknowledges and answers a supervision notice', async () => {
    const target = await w.itemIn('in_progress', { code: 'W-4' })
    const sup = t.app.services.supervision.open(
      { kind: 'account', accountId: 1, name: '督查员', role: 'supervisor', unitId: w.office.id },
      target.id,
      { reason: '进展缓慢' },
    )
    const b = await leadBrowser()
    const home = await b.get('/')
    expect(home.body).toContain(sup.number)
    await b.get(`/items/${target.id}`)
    let res = await b.post(`/supervisions/${sup.id}/acknowledge`, {})
    expect(res.statusCode).toBe(303)
    await b.get(`/items/${target.id}`)
    res = await b.post(`/supervisions/${sup.id}/reply`, { [`reply-${sup.id}`]: '' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('请填写回复内容')
    res = await b.post(`/supervisions/${sup.id}/reply`, { [`reply-${sup.id}`]: '已整改完毕，详见佐证材料' })
    expect(res.statusCode).toBe(303)
    expect(t.app.services.supervision.get(SYSTEM, sup.id)).toMatchObject({ status: 'replied', reply: { text: '已整改完毕，详见佐证材料' } })
    const notice = await b.get(`/supervisions/${sup.id}/notice`)
    expect(notice.statusCode).toBe(200)
    expect(notice.body).toContain(sup.number)
  })
})

describe('the same page for the office', () => {
  it("never offers 验收通过 to a supervisor of one of the item's own units: it says why, and posting it anyway is refused", async () => {
    const target = await w.itemIn('closure_requested', { code: 'S-1' })
    for (const unitId of [w.lead.id, w.partner.id]) {
      const own = await webAccount(t.app, 'supervisor', unitId)
      const b = browser(t.app)
      await b.signIn(own.login, own.password)
      const page = await b.get(`/items/${target.id}`)
      expect(page.body).not.toContain('<button type="submit">验收通过</button>')
      expect(page.body).not.toContain('name="comment-accept"')
      expect(actionCard(page.body, '验收通过')).toContain('验收人员属于该任务的牵头或责任单位，须由其他督查人员验收')
      expect(actionCard(page.body, '验收通过')).toContain('<button type="button" disabled>验收通过</button>')
      // Sending back has no such rule: it is offered.
      expect(page.body).toContain('<button type="submit">退回整改</button>')
      expect(page.body).not.toContain('>报送进展</button>')
      const res = await b.post(`/items/${target.id}/transitions`, transitionFields('accept', item(target.id).version, '现场验收合格'))
      expect(res.statusCode).toBe(422)
      expect(res.body).toContain('验收人员属于该任务的牵头或责任单位，须由其他督查人员验收')
      expect(item(target.id).status).toBe('closure_requested')
    }
    const independent = await webAccount(t.app, 'supervisor', w.office.id)
    const b = browser(t.app)
    await b.signIn(independent.login, independent.password)
    const page = await b.get(`/items/${target.id}`)
    expect(page.body).toContain('<button type="submit">验收通过</button>')
    expect(page.body).not.toContain('disabled>验收通过</button>')
  })
})

describe('the monthly report (月调度)', () => {
  it('lists every open item the unit leads and saves the filled rows in one go, each its own event', async () => {
    const a = await w.itemIn('in_progress', { code: 'M-1', problem: '月调度一' })
    const c = await w.itemIn('assigned', { code: 'M-2', problem: '月调度二' })
    const empty = await w.itemIn('in_progress', { code: 'M-3', problem: '月调度三' })
    const shared = w.f.item(w.plan.id, w.partner.id, { code: 'M-4', problem: '别人牵头', responsibleUnitIds: [w.lead.id] })
    const b = await leadBrowser()
    const page = await b.get('/monthly')
    expect(page.statusCode).toBe(200)
    for (const i of [a, c, empty]) expect(page.body).toContain(`name="text-${i.id}"`)
    expect(page.body).not.toContain(`name="text-${shared.id}"`)

    const res = await b.post('/monthly', {
      [`text-${a.id}`]: '完成第一批',
      [`percent-${a.id}`]: '30',
      [`text-${c.id}`]: '已部署',
      [`text-${empty.id}`]: '  ',
    })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/monthly?msg=monthly&n=2')
    expect(t.app.services.progress.list(SYSTEM, a.id)).toMatchObject([{ text: '完成第一批', percent: 30, period: '2018-10' }])
    expect(t.app.services.progress.list(SYSTEM, c.id)).toMatchObject([{ text: '已部署', percent: null }])
    expect(t.app.services.progress.list(SYSTEM, empty.id)).toHaveLength(0)
    expect(events(a.id).filter((e) => e.action === 'progress_reported')).toHaveLength(1)
    expect(events(c.id).filter((e) => e.action === 'progress_reported')).toHaveLength(1)
  })

  it('saves nothing when any row is wrong, and shows the error beside that row', async () => {
    const a = await w.itemIn('in_progress', { code: 'M-5' })
    const c = await w.itemIn('in_progress', { code: 'M-6' })
    const b = await leadBrowser()
    await b.get('/monthly')
    const res = await b.post('/monthly', { [`text-${a.id}`]: '正确的一行', [`text-${c.id}`]: '错误的一行', [`percent-${c.id}`]: 'abc' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('完成比例须为0至100的整数')
    expect(res.body).toContain('正确的一行')
    expect(t.app.services.progress.list(SYSTEM, a.id)).toHaveLength(0)
    expect((await b.post('/monthly', {})).statusCode).toBe(400)
  })

  it('one transaction: a refusal on any item rolls back the reports already written', () => {
    const lead = t.app.services.accounts.create({ name: '批量', role: 'unit', unitId: w.lead.id }).account
    const actor: AccountActor = { kind: 'account', accountId: lead.id, name: lead.name, role: 'unit', unitId: w.lead.id }
    const mine = w.f.item(w.plan.id, w.lead.id, { code: 'M-7' })
    const theirs = w.f.item(w.plan.id, w.outsider.id, { code: 'M-8' })
    expect(() =>
      t.app.services.progress.fileMany(actor, [
        { itemId: mine.id, period: '2018-10', text: '先写入' },
        { itemId: theirs.id, period: '2018-10', text: '被拒绝' },
      ]),
    ).toThrow()
    expect(t.app.services.progress.list(SYSTEM, mine.id)).toHaveLength(0)
    expect(events(mine.id).filter((e) => e.action === 'progress_reported')).toHaveLength(0)
  })
})

describe('CSRF and origin', () => {
  it('a form without the token, with a wrong one, from another origin or from nowhere is refused with 403 and changes nothing', async () => {
    const target = await w.itemIn('assigned', { code: 'C-1' })
    const b = await leadBrowser()
    await b.get(`/items/${target.id}`)
    const version = String(item(target.id).version)
    const attempts = [
      await b.post(`/items/${target.id}/transitions`, { _csrf: null, action: 'start', expectedVersion: version }),
      await b.post(`/items/${target.id}/transitions`, { _csrf: 'forged-token-forged-token', action: 'start', expectedVersion: version }),
      await b.post(`/items/${target.id}/transitions`, { action: 'start', expectedVersion: version }, { origin: 'https://evil.example' }),
      await b.post(
        `/items/${target.id}/transitions`,
        { action: 'start', expectedVersion: version },
        { referer: 'https://evil.example/page' },
      ),
      await b.post(`/items/${target.id}/transitions`, { action: 'start', expectedVersion: version }, {}),
    ]
    for (const res of attempts) {
      expect(res.statusCode).toBe(403)
      expect(res.body).toContain('未作任何更改')
    }
    expect(item(target.id).status).toBe('assigned')
    // The same page's Referer (no Origin) is accepted.
    const ok = await b.post(
      `/items/${target.id}/transitions`,
      { action: 'start', expectedVersion: version },
      { referer: `${ORIGIN}/items/${target.id}` },
    )
    expect(ok.statusCode).toBe(303)
  })

  it("another session's token does not pass", async () => {
    const target = await w.itemIn('assigned', { code: 'C-2' })
    const mine = await leadBrowser()
    await mine.get(`/items/${target.id}`)
    const other = await leadBrowser()
    await other.get(`/items/${target.id}`)
    const res = await mine.post(`/items/${target.id}/transitions`, {
      _csrf: other.csrf,
      action: 'start',
      expectedVersion: String(item(target.id).version),
    })
    expect(res.statusCode).toBe(403)
  })

  it('an upload without the token is refused before any file is kept', async () => {
    const target = await w.itemIn('in_progress', { code: 'C-3' })
    const b = await leadBrowser()
    const body = multipartForm({}, [{ name: '偷传.pdf', content: pdf('csrf') }])
    const res = await b.postRaw(`/items/${target.id}/evidence`, body.payload, body.headers)
    expect(res.statusCode).toBe(403)
    expect(t.app.services.evidence.list(SYSTEM, target.id)).toHaveLength(0)
  })

  it('the sign-in form needs its own token', async () => {
    const b = browser(t.app)
    const res = await b.post('/login', { _csrf: null, login: leadLogin.login, password: leadLogin.password })
    expect(res.statusCode).toBe(403)
    expect(res.headers['set-cookie']).toBeUndefined()
  })
})

describe('an outsider unit', () => {
  it('sees no forms on an item it only reads about, and only its own items on its monthly page', async () => {
    const unit = w.f.unit('区园林绿化局')
    const person = await webAccount(t.app, 'unit', unit.id)
    const b = browser(t.app)
    await b.signIn(person.login, person.password)
    const page = await b.get('/monthly')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('本单位没有在办的牵头任务')
    // A responsible unit may report its part and file evidence, but takes no close-out action and asks no extension.
    const shared = await w.itemIn('in_progress', { code: 'O-1', responsibleUnitIds: [unit.id] })
    const itemPage = await b.get(`/items/${shared.id}`)
    expect(itemPage.statusCode).toBe(200)
    expect(itemPage.body).toContain('>报送进展</button>')
    expect(itemPage.body).not.toContain('>申请销号</button>')
    expect(itemPage.body).not.toContain('>申请延期</button>')
    const refused = await b.post(`/items/${shared.id}/extensions`, { newDeadline: '2019-03-31', reason: '想延期', progress: '无' })
    expect(refused.statusCode).toBe(403)
    expect(t.app.services.extensions.list(SYSTEM, shared.id)).toHaveLength(0)
    void outsiderLogin
  })
})
