import { escapeHtml } from '@kitajs/html'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'
import { parseUrlEncoded } from '../../server/modules/public/public.pages.ts'

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let inNotice: { id: number }
let hostile: { id: number }
let assigned: { id: number }

const HOSTILE = '<script>alert("x")</script>'

function postForm(app: TestApp['app'], itemId: number, fields: Record<string, string> | string) {
  return app.inject({
    method: 'POST',
    url: `/public/items/${itemId}/objections`,
    payload: typeof fields === 'string' ? fields : new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
}

beforeAll(async () => {
  // The hourly objection allowance is tested on its own app below; here it must not get in the way.
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z', env: { OBJECTIONS_PER_HOUR: '1000' } })
  w = workflowWorld(t.app)
  inNotice = await w.itemIn('in_public_notice', { code: '1-1' })
  hostile = await w.itemIn('in_public_notice', {
    code: '<b>1-2</b>',
    problem: `扬尘${HOSTILE}`,
    target: `达标<img src=x onerror=alert(1)>`,
  })
  assigned = await w.itemIn('assigned', { code: '3-1', deadlineKind: 'long_term', deadline: null, category: '加强城市治理能力建设' })
})
afterAll(async () => t.close())

describe('public pages', () => {
  it('render in Chinese without an account, with no script, under the content security policy', async () => {
    for (const url of [
      '/public',
      '/public/',
      `/public/plans/${w.plan.id}`,
      '/public/notices',
      `/public/items/${inNotice.id}`,
      '/public/bulletins',
      '/public/case-leads',
    ]) {
      const res = await as(t.app).get(url)
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(res.body).toContain('<html lang="zh-CN">')
      expect(res.body).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1"\/?>/)
      expect(res.body, url).not.toMatch(/<script|<[^>]*\son\w+=|javascript:|https?:\/\//i)
      const csp = String(res.headers['content-security-policy'])
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("form-action 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['x-ratelimit-limit']).toBeDefined()
    }
  })

  it('the plan page lists each item with code, problem, target, lead unit, deadline and status', async () => {
    const page = (await as(t.app).get(`/public/plans/${w.plan.id}`)).body
    expect(page).toContain('测试整改方案')
    expect(page).toContain('施工扬尘污染问题突出')
    expect(page).toContain('建筑工地扬尘治理全部达标')
    expect(page).toContain('区生态环境局')
    expect(page).toContain('2018年12月31日前')
    expect(page).toContain('长期坚持')
    expect(page).toContain('已交办')
    expect(page).toContain('公示中')
    expect(page).toContain(`href="/public/items/${assigned.id}"`)
    // Measures are not on the allow-list.
    expect(page).not.toContain('开展专项检查')
  })

  it('the notice page shows each item in notice with its period and a form that posts without JavaScript', async () => {
    const page = (await as(t.app).get('/public/notices')).body
    expect(page).toContain('2018年10月16日至2018年10月22日')
    expect(page).toContain('2018年10月22日24时截止')
    expect(page).toContain(`<form class="objection" method="post" action="/public/items/${inNotice.id}/objections"`)
    expect(page).toContain('name="contact"')
    expect(page).toContain('name="content"')
    expect(page).not.toContain(`/public/items/${assigned.id}/objections`)
  })

  it('escapes everything: an item and an objection containing markup come out as text', async () => {
    for (const url of [`/public/plans/${w.plan.id}`, '/public/notices', `/public/items/${hostile.id}`]) {
      const page = (await as(t.app).get(url)).body
      expect(page, url).not.toContain('<script>')
      expect(page, url).not.toContain('<img')
      expect(page, url).not.toContain('<b>1-2</b>')
      expect(page, url).toContain(escapeHtml('<script>alert("x")</script>'))
      expect(page, url).toContain(escapeHtml('<b>1-2</b>'))
    }
    const filed = await postForm(t.app, hostile.id, { contact: `138${HOSTILE}`, content: `异议${HOSTILE}` })
    expect(filed.statusCode).toBe(201)
    expect(filed.body).not.toContain('<script>')
    expect(filed.body).toContain(escapeHtml('<b>1-2</b>'))
    // Refused for a blank content, the page repeats what was typed, escaped.
    const refused = await postForm(t.app, hostile.id, { contact: `138${HOSTILE}`, content: '   ' })
    expect(refused.statusCode).toBe(422)
    expect(refused.body).not.toContain('<script>')
    expect(refused.body).toContain(`value="${escapeHtml('138<script>alert("x")</script>')}"`)
    expect(refused.body).toContain('请填写联系方式和异议内容')
    // The supervisor reads the objection as it was filed.
    const objections = (await as(t.app, w.tokens.supervisor).get(`/api/v1/objections?itemId=${hostile.id}`)).json()
    expect(objections).toMatchObject([{ contact: `138${HOSTILE}`, content: `异议${HOSTILE}`, status: 'pending' }])
  })
})

describe('filing an objection through the page form', () => {
  it('files it through the objections service and confirms in Chinese', async () => {
    const res = await postForm(t.app, inNotice.id, { contact: ' 13800000000 ', content: '该工地仍有扬尘，整改未到位。' })
    expect(res.statusCode).toBe(201)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.body).toContain('异议已提交')
    const [objection] = (await as(t.app, w.tokens.supervisor).get(`/api/v1/objections?itemId=${inNotice.id}`)).json()
    expect(objection).toMatchObject({ contact: '13800000000', content: '该工地仍有扬尘，整改未到位。', status: 'pending' })
    expect(res.body).toContain(`受理编号：${objection.id}`)
    expect(res.body).not.toContain('13800000000')
    const events = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${inNotice.id}/events`)).json()
    expect(events.at(-1)).toMatchObject({ action: 'objection_filed', actor: { role: 'public' } })
  })

  it('reads the form encoding: plus signs, percent escapes and Chinese', async () => {
    const res = await postForm(t.app, inNotice.id, 'contact=%E7%8E%8B%E5%85%88%E7%94%9F+138&content=%E6%89%AC%E5%B0%98+%E4%BB%8D%E5%9C%A8')
    expect(res.statusCode).toBe(201)
    const objections = (await as(t.app, w.tokens.supervisor).get(`/api/v1/objections?itemId=${inNotice.id}`)).json()
    expect(objections.at(-1)).toMatchObject({ contact: '王先生 138', content: '扬尘 仍在' })
  })

  it('answers in Chinese, as a page, when the item is not in notice, unknown, or the form is wrong', async () => {
    const notInNotice = await postForm(t.app, assigned.id, { contact: '138', content: '异议' })
    expect(notInNotice.statusCode).toBe(409)
    expect(notInNotice.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(notInNotice.body).toContain('不在公示期内')
    const unknown = await postForm(t.app, 9999, { contact: '138', content: '异议' })
    expect([unknown.statusCode, unknown.body.includes('未找到该整改任务')]).toEqual([404, true])
    const tooLong = await postForm(t.app, inNotice.id, { contact: '138', content: '长'.repeat(4001) })
    expect([tooLong.statusCode, tooLong.body.includes('不超过4000字')]).toEqual([400, true])
    const missing = await postForm(t.app, inNotice.id, { contact: '138' })
    expect([missing.statusCode, missing.body.includes('请填写联系方式')]).toEqual([400, true])
    const extra = await postForm(t.app, inNotice.id, { contact: '138', content: '异议', name: '张三' })
    expect(extra.statusCode).toBe(400)
    const twice = await postForm(t.app, inNotice.id, 'contact=1&contact=2&content=x')
    expect(twice.statusCode).toBe(400)
    const proto = await postForm(t.app, inNotice.id, 'contact=1&content=x&__proto__=y')
    expect(proto.statusCode).toBe(400)
    const huge = await postForm(t.app, inNotice.id, `contact=1&content=${'x'.repeat(70 * 1024)}`)
    expect(huge.statusCode).toBe(413)
    expect(huge.body).toContain('提交的内容过长')
    // None of the refused ones was recorded.
    expect(t.app.services.objections.list({ itemId: assigned.id })).toHaveLength(0)
  })

  it('after the notice has ended: no form, no objection, and the notice list is empty', async () => {
    t.clock.set('2018-10-22T16:00:00.000Z')
    try {
      expect((await as(t.app).get('/api/v1/public/notices')).json()).toEqual([])
      const page = (await as(t.app).get(`/public/items/${inNotice.id}`)).body
      expect(page).toContain('已结束')
      expect(page).not.toContain('<form')
      const late = await postForm(t.app, inNotice.id, { contact: '138', content: '迟到的异议' })
      expect(late.statusCode).toBe(409)
      expect(late.body).toContain('不在公示期内')
    } finally {
      t.clock.set('2018-10-15T02:00:00.000Z')
    }
  })

  it('parseUrlEncoded keeps a field named __proto__ as a plain field', () => {
    const parsed = parseUrlEncoded('__proto__=x&a=1')
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype)
    expect(Object.keys(parsed)).toEqual(['__proto__', 'a'])
  })
})

describe("the notice ends on the last day in the plan's time zone", () => {
  it('a Los Angeles plan: the last day is the local one, not the UTC one', async () => {
    const plan = w.f.plan({ title: '洛杉矶测试方案', timezone: 'America/Los_Angeles' })
    const item = w.f.item(plan.id, w.lead.id)
    await w.transition(w.tokens.lead, item.id, 'start')
    await w.upload(w.tokens.lead, item.id)
    await w.transition(w.tokens.lead, item.id, 'request_closure', '自查完成')
    expect((await w.transition(w.tokens.supervisor, item.id, 'accept', '验收通过')).statusCode).toBe(200)
    const view = (await as(t.app).get(`/api/v1/public/items/${item.id}`)).json()
    // 2018-10-15T02:00Z is 14 October in Los Angeles; five working days from the 15th end on the 19th, at 07:00Z on the 20th.
    expect(view).toMatchObject({
      noticeFirstDay: '2018-10-15',
      noticeLastDay: '2018-10-19',
      noticeEndsAt: '2018-10-20T07:00:00.000Z',
      objectionsOpen: true,
    })
    expect((await as(t.app).get('/public/notices')).body).toContain('2018年10月15日至2018年10月19日')
  })
})

describe('bulletins and case leads on the public side', () => {
  it('lists only published bulletins and renders one as the printable page', async () => {
    t.clock.set('2018-11-01T02:00:00.000Z')
    const sup = as(t.app, w.tokens.supervisor)
    expect((await sup.post(`/api/v1/plans/${w.plan.id}/bulletins`, { period: '2018-10' })).statusCode).toBe(201)
    expect((await as(t.app).get('/api/v1/public/bulletins')).json()).toEqual([])
    expect((await as(t.app).get(`/public/plans/${w.plan.id}/bulletins/2018-10`)).statusCode).toBe(404)
    expect((await as(t.app).get(`/api/v1/public/plans/${w.plan.id}/bulletins/2018-10`)).json().code).toBe('BULLETIN_NOT_FOUND')
    await sup.post(`/api/v1/plans/${w.plan.id}/bulletins/2018-10/publish`)
    expect((await as(t.app).get('/api/v1/public/bulletins')).json()).toMatchObject([{ planId: w.plan.id, period: '2018-10' }])
    const list = (await as(t.app).get('/public/bulletins')).body
    expect(list).toContain(`href="/public/plans/${w.plan.id}/bulletins/2018-10"`)
    const page = await as(t.app).get(`/public/plans/${w.plan.id}/bulletins/2018-10`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('整改工作月通报')
    expect(page.body).toContain('2018年10月')
    expect(page.body).not.toContain('<script>')
    expect((await as(t.app).get(`/api/v1/public/plans/${w.plan.id}/bulletins/2018-10`)).json()).toMatchObject({
      period: '2018-10',
      publishedAt: expect.any(String),
    })
  })

  it('shows a disclosed case lead with its outcome, and nothing of one not yet disclosed', async () => {
    const sup = as(t.app, w.tokens.supervisor)
    const lead = (
      await sup.post('/api/v1/case-leads', {
        planId: w.plan.id,
        number: '移交〔2018〕7号',
        summary: `某镇违规填埋${HOSTILE}`,
        handlingUnitId: w.lead.id,
        receivedOn: '2018-10-20',
      })
    ).json()
    const pending = (
      await sup.post('/api/v1/case-leads', {
        planId: w.plan.id,
        number: '移交〔2018〕8号',
        summary: '尚在调查的线索',
        handlingUnitId: w.lead.id,
        receivedOn: '2018-10-20',
      })
    ).json()
    expect((await as(t.app).get('/public/case-leads')).body).toContain('暂无已公开的问题线索')
    await sup.post(`/api/v1/case-leads/${lead.id}/transitions`, { action: 'start_investigation' })
    await sup.post(`/api/v1/case-leads/${lead.id}/transitions`, {
      action: 'record_outcome',
      outcome: {
        summary: '经查属实。',
        measures: [
          { kind: '党纪处分', subject: '某镇副镇长刘某', detail: '党内严重警告' },
          { kind: '立案处罚', subject: '某环卫公司', detail: '罚款20万元' },
        ],
      },
    })
    expect((await as(t.app).get('/api/v1/public/case-leads')).json()).toEqual([])
    await sup.post(`/api/v1/case-leads/${lead.id}/transitions`, { action: 'disclose' })
    const page = (await as(t.app).get('/public/case-leads')).body
    for (const text of [
      '移交〔2018〕7号',
      '经查属实。',
      '党纪处分',
      '某镇副镇长刘某',
      '党内严重警告',
      '立案处罚',
      '罚款20万元',
      '2018年10月20日',
    ])
      expect(page).toContain(text)
    expect(page).toContain(escapeHtml('某镇违规填埋<script>'))
    expect(page).not.toContain('尚在调查的线索')
    void pending
  })
})

describe('errors on the public side', () => {
  it('unknown pages and items are Chinese pages; unknown JSON is the error shape', async () => {
    for (const url of ['/public/nothing-here', '/public/items/9999', '/public/plans/9999', '/public/items/abc']) {
      const res = await as(t.app).get(url)
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400)
      expect(res.headers['content-type'], url).toBe('text/html; charset=utf-8')
      expect(res.body).toContain('返回首页')
    }
    const json = await as(t.app).get('/api/v1/public/items/9999')
    expect(json.json()).toMatchObject({ statusCode: 404, code: 'ITEM_NOT_FOUND' })
    expect(json.headers['content-security-policy']).toBeDefined()
  })

  it('the API documentation still works under its own headers', async () => {
    const page = await as(t.app).get('/docs/')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('swagger-initializer.js')
    const doc = (await as(t.app).get('/docs/json')).json()
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/public/notices', '/api/v1/public/case-leads', '/api/v1/case-leads/{caseLeadId}/transitions']),
    )
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/public'))).toEqual([])
  })
})

describe('rate limits', () => {
  it('every public page and JSON route shares one per-minute allowance; the form has its own hourly one', async () => {
    const limited = await createTestApp({ env: { PUBLIC_REQUESTS_PER_MINUTE: '4', OBJECTIONS_PER_HOUR: '2' } })
    try {
      const lw = workflowWorld(limited.app)
      const item = await lw.itemIn('in_public_notice')
      const urls = ['/public/', '/api/v1/public/plans', '/public/notices', '/api/v1/public/notices']
      for (const url of urls) expect((await as(limited.app).get(url)).statusCode, url).toBe(200)
      const page = await as(limited.app).get('/public/case-leads')
      expect(page.statusCode).toBe(429)
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(page.body).toContain('过于频繁')
      expect(page.headers['retry-after']).toBeDefined()
      const json = await as(limited.app).get('/api/v1/public/case-leads')
      expect(json.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' })
      // The form is limited apart, per hour.
      for (let i = 0; i < 2; i++)
        expect((await postForm(limited.app, item.id, { contact: `138${i}`, content: '异议' })).statusCode).toBe(201)
      const third = await postForm(limited.app, item.id, { contact: '1383', content: '异议' })
      expect(third.statusCode).toBe(429)
      expect(third.body).toContain('过于频繁')
      expect(limited.app.services.objections.list({ itemId: item.id })).toHaveLength(2)
    } finally {
      await limited.close()
    }
  })
})
