import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pdf } from '../helpers/files.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'
import {
  PUBLIC_BULLETIN_FIELDS,
  PUBLIC_CASE_LEAD_FIELDS,
  PUBLIC_ITEM_FIELDS,
  PUBLIC_PLAN_FIELDS,
} from '../../server/modules/public/public.fields.ts'

// Every internal field of every kind is filled with a value that cannot occur by chance; then every public page and
// every public JSON route (walked from the route catalogue, so a route added later is covered too) must show none
// of them, and every public JSON object must have exactly the allow-listed keys.

let t: TestApp
let w: ReturnType<typeof workflowWorld>
const secrets: string[] = []
const itemIds: number[] = []
let planId: number

function secret(label: string): string {
  const value = `${label}内部${secrets.length}号XQ${(secrets.length * 7919).toString(36)}`
  secrets.push(value)
  return value
}

beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
  w = workflowWorld(t.app)
  planId = w.plan.id
  const insider = w.f.account('supervisor', w.office.id, secret('账号'))
  const insiderToken = insider.token
  // Account names of every role, as they would appear in the audit trail.
  for (const role of ['admin', 'leader'] as const) w.f.account(role, null, secret(`${role}账号`))
  const unitStaff = w.f.account('unit', w.lead.id, secret('单位账号'))

  const measures = secret('整改措施')
  const inNotice = await w.itemIn('in_progress', { code: '1-1', measures })
  itemIds.push(inNotice.id)
  expect((await w.upload(unitStaff.token, inNotice.id, pdf('另一份'), `${secret('佐证文件名')}.pdf`)).statusCode).toBe(201)
  expect((await w.transition(unitStaff.token, inNotice.id, 'request_closure', secret('自查报告'))).statusCode).toBe(200)
  const accepted = await w.transition(insiderToken, inNotice.id, 'accept', secret('验收意见'))
  expect(accepted.statusCode, accepted.body).toBe(200)
  const objection = await as(t.app).post(`/api/v1/public/items/${inNotice.id}/objections`, {
    contact: secret('联系方式'),
    content: secret('异议内容'),
  })
  expect(objection.statusCode).toBe(201)

  const rejected = await w.itemIn('closure_requested', { code: '1-2' })
  itemIds.push(rejected.id)
  expect((await w.transition(insiderToken, rejected.id, 'reject', secret('退回意见'))).statusCode).toBe(200)
  const report = await as(t.app, unitStaff.token).post(`/api/v1/items/${rejected.id}/progress-reports`, {
    period: '2018-10',
    text: secret('进展报告'),
  })
  expect(report.statusCode, report.body).toBe(201)

  // Case leads: one disclosed (its outcome is public, its comments are not), one still under investigation.
  const leads = as(t.app, insiderToken)
  const disclosed = (
    await leads.post('/api/v1/case-leads', {
      planId,
      number: '移交〔2018〕1号',
      summary: '某街道违规审批建筑工地',
      handlingUnitId: w.lead.id,
      receivedOn: '2018-10-10',
      comment: secret('线索备注'),
    })
  ).json()
  await leads.post(`/api/v1/case-leads/${disclosed.id}/transitions`, { action: 'start_investigation', comment: secret('调查备注') })
  await leads.post(`/api/v1/case-leads/${disclosed.id}/transitions`, {
    action: 'record_outcome',
    comment: secret('办结备注'),
    outcome: { summary: '经查属实，已依纪依法处理', measures: [{ kind: '诫勉谈话', subject: '某街道办事处副主任', detail: '诫勉谈话' }] },
  })
  expect(
    (await leads.post(`/api/v1/case-leads/${disclosed.id}/transitions`, { action: 'disclose', comment: secret('公开备注') })).statusCode,
  ).toBe(200)
  const hidden = (
    await leads.post('/api/v1/case-leads', {
      planId,
      number: '移交〔2018〕2号',
      summary: secret('未公开线索'),
      handlingUnitId: w.lead.id,
      receivedOn: '2018-10-11',
    })
  ).json()
  await leads.post(`/api/v1/case-leads/${hidden.id}/transitions`, { action: 'start_investigation' })

  // November: October's bulletin is issued and published; another item goes into notice and draws an objection.
  t.clock.set('2018-11-01T02:00:00.000Z')
  expect((await leads.post(`/api/v1/plans/${planId}/bulletins`, { period: '2018-10' })).statusCode).toBe(201)
  expect((await leads.post(`/api/v1/plans/${planId}/bulletins/2018-10/publish`)).statusCode).toBe(200)
  const second = await w.itemIn('in_public_notice', { code: '2-1', measures })
  itemIds.push(second.id)
  await as(t.app).post(`/api/v1/public/items/${second.id}/objections`, { contact: secret('联系方式'), content: secret('异议内容') })
})
afterAll(async () => t.close())

const sorted = (keys: readonly string[]) => [...keys].sort()

describe('public JSON carries exactly the allow-listed fields', () => {
  it('items of a plan, one item and the notices', async () => {
    const list = (await as(t.app).get(`/api/v1/public/plans/${planId}/items`)).json() as Record<string, unknown>[]
    expect(list).toHaveLength(3)
    const notices = (await as(t.app).get('/api/v1/public/notices')).json() as Record<string, unknown>[]
    expect(notices.map((n) => n.code)).toEqual(['2-1'])
    const one = (await as(t.app).get(`/api/v1/public/items/${itemIds[0]}`)).json() as Record<string, unknown>
    for (const item of [...list, ...notices, one]) expect(sorted(Object.keys(item))).toEqual(sorted(PUBLIC_ITEM_FIELDS))
  })

  it('plans, bulletins and case leads', async () => {
    const plans = (await as(t.app).get('/api/v1/public/plans')).json() as Record<string, unknown>[]
    expect(plans).toHaveLength(1)
    for (const p of plans) expect(sorted(Object.keys(p))).toEqual(sorted(PUBLIC_PLAN_FIELDS))
    for (const url of ['/api/v1/public/bulletins', `/api/v1/public/plans/${planId}/bulletins`]) {
      const bulletins = (await as(t.app).get(url)).json() as Record<string, unknown>[]
      expect(bulletins.map((b) => b.period)).toEqual(['2018-10'])
      for (const b of bulletins) expect(sorted(Object.keys(b))).toEqual(sorted(PUBLIC_BULLETIN_FIELDS))
    }
    const leads = (await as(t.app).get('/api/v1/public/case-leads')).json() as Record<string, unknown>[]
    expect(leads.map((l) => l.number)).toEqual(['移交〔2018〕1号'])
    for (const l of leads) {
      expect(sorted(Object.keys(l))).toEqual(sorted(PUBLIC_CASE_LEAD_FIELDS))
      expect(l.outcome).toEqual({
        summary: '经查属实，已依纪依法处理',
        measures: [{ kind: '诫勉谈话', subject: '某街道办事处副主任', detail: '诫勉谈话' }],
      })
    }
  })
})

describe('no internal value appears on any public page or in any public JSON', () => {
  it('the secrets are really in the database (so the check below means something)', async () => {
    const events = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${itemIds[0]}/events`)).body
    expect(events).toContain(secrets[0]) // the insider's name
    const objections = (await as(t.app, w.tokens.supervisor).get('/api/v1/objections')).body
    expect(objections).toMatch(/联系方式内部/)
  })

  it('every public GET route, for every item, plan and period', async () => {
    const routes = t.app.routeCatalog.filter(
      (r) => r.permission === null && r.method === 'GET' && /^\/(public|api\/v1\/public)(\/|$)/.test(r.url),
    )
    expect(routes.length).toBeGreaterThanOrEqual(15)
    const accountNames = (t.database.sqlite.prepare('select name from accounts').all() as { name: string }[]).map((a) => a.name)
    const forbidden = [...new Set([...secrets, ...accountNames])]
    let checked = 0
    for (const route of routes) {
      const urls = route.url.includes(':itemId')
        ? itemIds.map((id) => route.url.replace(':itemId', String(id)))
        : [route.url.replace(':planId', String(planId)).replace(':period', '2018-10')]
      for (const url of urls) {
        const res = await as(t.app).get(url)
        expect(res.statusCode, url).toBe(200)
        for (const value of forbidden) expect(res.body, `${url} shows "${value}"`).not.toContain(value)
        checked++
      }
    }
    expect(checked).toBeGreaterThanOrEqual(17)
  })
})
