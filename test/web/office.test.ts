import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { browser, transitionFields, webAccount } from '../helpers/web.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// The supervision office in the workbench: its queues and decisions, bulk actions on the item list, supervision
// and bulletins, through its pages (the same services as the API decide).

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let officeLogin: { login: string; password: string }
let officeOfLeadLogin: { login: string; password: string }
let leadLogin: { login: string; password: string }
const SYSTEM: AccountActor = { kind: 'account', accountId: 0, name: 'test', role: 'admin', unitId: null }

beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
  w = workflowWorld(t.app)
  officeLogin = await webAccount(t.app, 'supervisor', w.office.id, '王督查')
  officeOfLeadLogin = await webAccount(t.app, 'supervisor', w.lead.id, '赵督查')
  leadLogin = await webAccount(t.app, 'unit', w.lead.id, '李经办')
})
afterAll(async () => t.close())

async function signedIn(login: { login: string; password: string }) {
  const b = browser(t.app)
  expect((await b.signIn(login.login, login.password)).statusCode).toBe(303)
  return b
}

const events = (itemId: number) => t.app.services.items.events(SYSTEM, itemId)
const item = (itemId: number) => t.app.services.items.get(SYSTEM, itemId)
const section = (html: string, id: string) => {
  const start = html.indexOf(`id="${id}"`)
  if (start < 0) throw new Error(`no section ${id}`)
  return html.slice(start, html.indexOf('</section>', start))
}

describe('the office queues', () => {
  it('close-outs waiting: a count on home and the office page, reviewed and accepted on the item page; the independence rule refuses in Chinese', async () => {
    const closing = await w.itemIn('closure_requested', { code: 'Q-1', problem: '待验收的任务' })
    const b = await signedIn(officeLogin)
    const home = await b.get('/')
    expect(home.statusCode).toBe(200)
    expect(home.body).toContain('延期申请待审批')
    expect(home.body).toContain('href="/office/extensions"')
    expect(home.body).toContain('href="/office/closeouts"')
    const office = await b.get('/office')
    expect(office.statusCode).toBe(200)
    expect(section(office.body, 'closeouts')).toContain(`href="/items/${closing.id}"`)
    const page = await b.get(`/items/${closing.id}`)
    expect(page.body).toContain('验收通过')
    expect(page.body).toContain('退回整改')
    expect(page.body).toMatch(/href="\/evidence\/\d+"/)

    const own = await signedIn(officeOfLeadLogin)
    await own.get(`/items/${closing.id}`)
    const refused = await own.post(`/items/${closing.id}/transitions`, transitionFields('accept', item(closing.id).version, '验收合格'))
    expect(refused.statusCode).toBe(422)
    expect(refused.body).toContain('验收人员属于该任务的牵头或责任单位')
    expect(item(closing.id).status).toBe('closure_requested')

    await b.get(`/items/${closing.id}`)
    const accepted = await b.post(
      `/items/${closing.id}/transitions`,
      transitionFields('accept', item(closing.id).version, '经现场核查，整改到位'),
    )
    expect(accepted.statusCode).toBe(303)
    expect(item(closing.id).status).toBe('in_public_notice')
    expect(section((await b.get('/office')).body, 'closeouts')).not.toContain(`href="/items/${closing.id}"`)
  })

  it('an extension request shows the new date against the old; 同意延期 moves the deadline, a blank opinion is refused beside its field', async () => {
    const it1 = await w.itemIn('in_progress', { code: 'E-1', deadline: '2018-10-31' })
    const res = await as(t.app, w.tokens.lead).post(`/api/v1/items/${it1.id}/extensions`, {
      newDeadline: '2018-12-31',
      reason: '<b>汛期</b>施工受阻',
      progress: '已完成主体工程',
    })
    expect(res.statusCode, res.body).toBe(201)
    const extensionId = res.json().id as number
    const b = await signedIn(officeLogin)
    const office = await b.get('/office')
    const block = section(office.body, 'extensions')
    expect(block).toContain('2018年10月31日')
    expect(block).toContain('2018年12月31日')
    expect(block).toContain('&lt;b>汛期&lt;/b>施工受阻')
    expect(block).not.toContain('<b>')
    expect(block).toContain('同意延期')
    expect(block).toContain('不同意延期')

    // A form sent without a choice (or with one that is not among the two) is shown again, the opinion kept.
    for (const decision of [undefined, 'uphold']) {
      const undecided = await b.post(`/extensions/${extensionId}/decision`, {
        ...(decision ? { decision } : {}),
        [`extension-${extensionId}`]: '还在考虑',
        back: 'extensions',
      })
      expect(undecided.statusCode).toBe(400)
      expect(undecided.body).toContain('请选择同意或不同意延期')
      expect(undecided.body).toContain('还在考虑')
    }
    expect(item(it1.id).deadline).toBe('2018-10-31')

    const blank = await b.post(`/extensions/${extensionId}/decision`, { decision: 'approve', [`extension-${extensionId}`]: '  ' })
    expect(blank.statusCode).toBe(422)
    expect(blank.body).toContain('请填写此项说明')
    expect(item(it1.id).deadline).toBe('2018-10-31')

    const approved = await b.post(`/extensions/${extensionId}/decision`, {
      decision: 'approve',
      [`extension-${extensionId}`]: '同意延期至年底',
    })
    expect(approved.statusCode).toBe(303)
    expect(approved.headers.location).toBe('/office?msg=extension-approved')
    expect(item(it1.id).deadline).toBe('2018-12-31')
    expect((await b.get('/office?msg=extension-approved')).body).toContain('已同意延期')
    const again = await b.post(`/extensions/${extensionId}/decision`, { decision: 'reject', [`extension-${extensionId}`]: '再次审批' })
    expect(again.statusCode).toBe(409)
    expect(again.body).toContain('该延期申请已审批')
  })

  it('an objection: 异议成立 sends the item back to rectification, 异议不成立 leaves it in its notice', async () => {
    const upheld = await w.itemIn('in_public_notice', { code: 'O-1' })
    const dismissed = await w.itemIn('in_public_notice', { code: 'O-2' })
    const o1 = t.app.services.objections.file(upheld.id, { contact: '13800000000', content: '现场仍有<script>alert(1)</script>污水直排' })
    const o2 = t.app.services.objections.file(dismissed.id, { contact: '13900000000', content: '异议二' })
    const b = await signedIn(officeLogin)
    const office = await b.get('/office')
    const block = section(office.body, 'objections')
    expect(block).toContain('&lt;script>alert(1)&lt;/script>')
    expect(block).not.toContain('<script>')
    expect(block).toContain('异议成立')
    expect(block).toContain('异议不成立')
    expect(
      (await b.post(`/objections/${o1.id}/decision`, { decision: 'uphold', [`objection-${o1.id}`]: '经核查异议属实' })).statusCode,
    ).toBe(303)
    expect(
      (await b.post(`/objections/${o2.id}/decision`, { decision: 'dismiss', [`objection-${o2.id}`]: '经核查异议不属实' })).statusCode,
    ).toBe(303)
    expect(item(upheld.id).status).toBe('in_progress')
    expect(item(dismissed.id).status).toBe('in_public_notice')
    expect(events(dismissed.id).at(-1)?.action).toBe('objection_dismissed')
  })

  it('a supervision reply is resolved (办结) or sent back; the notice has its page with its steps and the print link', async () => {
    const a = await w.itemIn('in_progress', { code: 'S-1' })
    const opened = await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${a.id}/supervisions`, { reason: '整改进度滞后' })
    const id = opened.json().id as number
    await as(t.app, w.tokens.lead).post(`/api/v1/supervisions/${id}/acknowledge`, {})
    await as(t.app, w.tokens.lead).post(`/api/v1/supervisions/${id}/reply`, { text: '已加快整改进度' })
    const b = await signedIn(officeLogin)
    const office = await b.get('/office')
    expect(section(office.body, 'replies')).toContain('已加快整改进度')
    const sentBack = await b.post(`/supervisions/${id}/decision`, { decision: 'send_back', [`supervision-${id}`]: '请补充现场照片' })
    expect(sentBack.statusCode).toBe(303)
    expect(t.app.services.supervision.get(SYSTEM, id).status).toBe('acknowledged')
    await as(t.app, w.tokens.lead).post(`/api/v1/supervisions/${id}/reply`, { text: '已补充' })
    const page = await b.get(`/supervisions/${id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`href="/supervisions/${id}/notice"`)
    expect(page.body).toContain('请补充现场照片')
    expect(page.body).toMatch(/<li class="done"><span>回复<\/span>/)
    expect(page.body).not.toMatch(/<li class="done"><span>办结/)
    const resolved = await b.post(`/supervisions/${id}/decision`, {
      decision: 'resolve',
      back: 'supervision',
      [`supervision-${id}`]: '整改到位，办结',
    })
    expect(resolved.statusCode).toBe(303)
    expect(resolved.headers.location).toBe(`/supervisions/${id}?msg=supervision-resolved`)
    expect(t.app.services.supervision.get(SYSTEM, id).status).toBe('resolved')
    expect((await b.get(`/supervisions/${id}`)).body).toMatch(/<li class="done"><span>办结/)

    const lead = await signedIn(leadLogin)
    expect((await lead.get('/office')).statusCode).toBe(403)
    expect((await lead.post(`/supervisions/${id}/decision`, { decision: 'resolve', [`supervision-${id}`]: 'x' })).statusCode).toBe(403)
  })

  it('the supervision list filters by state, unit and year', async () => {
    const b = await signedIn(officeLogin)
    const all = await b.get('/supervisions')
    expect(all.statusCode).toBe(200)
    expect(all.body).toMatch(/督办〔2018〕第\d+号/)
    const resolved = await b.get('/supervisions?state=resolved')
    const open = await b.get('/supervisions?state=open')
    expect(resolved.body).toContain('<span>已办结</span>')
    expect(open.body).not.toContain('<span>已办结</span>')
    expect((await b.get(`/supervisions?year=2017`)).body).toContain('没有符合条件的督办单')
    expect((await b.get(`/supervisions?leadUnitId=${w.outsider.id}`)).body).toContain('没有符合条件的督办单')
    expect((await b.get('/supervisions?state=nonsense')).statusCode).toBe(400)
  })

  it('decisions without the CSRF token change nothing', async () => {
    const a = await w.itemIn('in_progress', { code: 'C-1', deadline: '2018-11-30' })
    const res = await as(t.app, w.tokens.lead).post(`/api/v1/items/${a.id}/extensions`, {
      newDeadline: '2019-01-31',
      reason: '理由',
      progress: '进展',
    })
    const extensionId = res.json().id as number
    const b = await signedIn(officeLogin)
    await b.get('/office')
    const forged = await b.post(`/extensions/${extensionId}/decision`, {
      _csrf: 'forged',
      decision: 'approve',
      [`extension-${extensionId}`]: '同意',
    })
    expect(forged.statusCode).toBe(403)
    expect(item(a.id).deadline).toBe('2018-11-30')
  })
})

describe('bulk actions on the item list', () => {
  it('the office ticks items and urges them: one event each, a refusal reported with its Chinese reason, the others done', async () => {
    const late1 = await w.itemIn('in_progress', { code: 'B-1', problem: '批量逾期一', deadline: '2018-09-30' })
    const late2 = await w.itemIn('assigned', { code: 'B-2', problem: '批量逾期二', deadline: '2018-09-01' })
    const noticed = await w.itemIn('in_public_notice', { code: 'B-3', problem: '批量公示中' })
    const b = await signedIn(officeLogin)
    const list = await b.get('/items?q=%E6%89%B9%E9%87%8F')
    expect(list.body).toContain(`name="itemIds" value="${late1.id}" form="bulk-form"`)
    expect(list.body).toContain('全部符合筛选条件的任务（3项）')
    const before = [late1, late2, noticed].map((i) => events(i.id).length)
    const res = await b.post('/items/bulk', {
      filter: '?q=批量',
      scope: 'selected',
      action: 'urge',
      note: '请抓紧<整改>',
      itemIds: [String(late1.id), String(late2.id), String(noticed.id)],
    })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('已催办2项，1项未能催办')
    expect(res.body).toContain('该任务已不在整改中（已申请销号或在公示中）（ITEM_NOT_OPEN）')
    expect([late1, late2, noticed].map((i) => events(i.id).length)).toEqual([before[0]! + 1, before[1]! + 1, before[2]])
    expect(events(late1.id).at(-1)).toMatchObject({ action: 'urge', comment: '请抓紧<整改>' })
    const page = await b.get(`/items/${late1.id}`)
    expect(page.body).toContain('请抓紧&lt;整改>')
  })

  it('joint supervision on everything matching the filter; an item already under supervision is refused, the rest opened', async () => {
    const x = await w.itemIn('in_progress', { code: 'J-1', problem: '联合督办甲' })
    const y = await w.itemIn('in_progress', { code: 'J-2', problem: '联合督办乙' })
    await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${x.id}/supervisions`, { reason: '已督办' })
    const b = await signedIn(officeLogin)
    await b.get('/items')
    const res = await b.post('/items/bulk', { filter: '?q=联合督办', scope: 'all', action: 'supervise', note: '逾期未整改' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('已联合督办1项，1项未能联合督办')
    expect(res.body).toContain('该任务已在联合督办中')
    expect(t.app.services.supervision.list(SYSTEM, { itemId: y.id }).supervisions).toHaveLength(1)
    expect(t.app.services.supervision.list(SYSTEM, { itemId: x.id }).supervisions).toHaveLength(1)
  })

  it('refuses an empty note or selection and a unit urging, changing nothing; exports the ticked rows', async () => {
    const z = await w.itemIn('in_progress', { code: 'Z-1', problem: '导出甲' })
    const z2 = await w.itemIn('in_progress', { code: 'Z-2', problem: '导出乙' })
    const b = await signedIn(officeLogin)
    await b.get('/items')
    const n = events(z.id).length
    expect(
      (await b.post('/items/bulk', { filter: '', scope: 'selected', action: 'urge', note: ' ', itemIds: String(z.id) })).body,
    ).toContain('请填写催办内容')
    expect((await b.post('/items/bulk', { filter: '', scope: 'selected', action: 'urge', note: '催' })).statusCode).toBe(400)
    const exported = await b.post('/items/bulk', {
      filter: '',
      scope: 'selected',
      action: 'export',
      itemIds: [String(z.id), String(z2.id)],
    })
    expect(exported.statusCode).toBe(200)
    expect(exported.headers['content-type']).toContain('spreadsheetml')
    // Named as the API names the export: the plan and the day, in ASCII and (in filename*) in Chinese.
    expect(exported.headers['content-disposition']).toBe(
      `attachment; filename="checklist-plan${w.plan.id}-2018-10-15.xlsx"; filename*=UTF-8''${encodeURIComponent(`整改措施清单-${w.plan.id}-2018-10-15.xlsx`)}`,
    )
    const lead = await signedIn(leadLogin)
    await lead.get('/items')
    expect(
      (await lead.post('/items/bulk', { filter: '', scope: 'selected', action: 'urge', note: '催', itemIds: String(z.id) })).statusCode,
    ).toBe(403)
    expect(events(z.id).length).toBe(n)
  })
})

describe('bulletins', () => {
  it('lists the months by plan, issues a finished month, shows it, publishes it and downloads the workbook', async () => {
    t.clock.set('2018-11-05T02:00:00.000Z')
    const b = await signedIn(officeLogin)
    const list = await b.get('/bulletins')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain('2018年10月')
    expect(list.body).toContain('生成通报')
    const period = '2018-10'
    const issued = await b.post(`/bulletins/${w.plan.id}/${period}/issue`, {})
    expect(issued.statusCode).toBe(303)
    const page = await b.get(`/bulletins/${w.plan.id}/${period}?msg=bulletin-issued`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('月度通报已生成')
    expect(page.body).toContain(`href="/bulletins/${w.plan.id}/${period}/print"`)
    expect(page.body).toContain('未发布')
    const print = await b.get(`/bulletins/${w.plan.id}/${period}/print`)
    expect(print.statusCode).toBe(200)
    expect(print.body).toContain('整改工作月通报（2018年10月）')
    const notEnded = await b.post(`/bulletins/${w.plan.id}/2018-11/issue`, {})
    expect(notEnded.statusCode).toBe(422)
    expect(notEnded.body).toContain('该月份尚未结束')
    await b.get(`/bulletins/${w.plan.id}/${period}`)
    expect((await b.post(`/bulletins/${w.plan.id}/${period}/publish`, {})).statusCode).toBe(303)
    expect((await b.get(`/bulletins/${w.plan.id}/${period}`)).body).toContain('已于')
    const workbook = await b.get(`/bulletins/${w.plan.id}/${period}/workbook`)
    expect(workbook.statusCode).toBe(200)
    expect(workbook.headers['content-type']).toContain('spreadsheetml')
    const disposition = workbook.headers['content-disposition'] as string
    expect(disposition).toMatch(new RegExp(`^attachment; filename="bulletin-plan${w.plan.id}-2018-10\\.xlsx"; filename\\*=UTF-8''`))
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1]!)).toMatch(/-2018-10-月通报\.xlsx$/)

    const lead = await signedIn(leadLogin)
    expect((await lead.get('/bulletins')).body).not.toContain('生成通报')
    expect((await lead.post(`/bulletins/${w.plan.id}/2018-10/issue`, {})).statusCode).toBe(403)
  })
})
