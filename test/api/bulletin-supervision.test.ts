import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

let t: TestApp
let w: ReturnType<typeof workflowWorld>
beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-05T02:00:00.000Z' })
  w = workflowWorld(t.app)
})
afterAll(async () => t.close())

describe('joint supervision in the monthly bulletin', () => {
  it('lists supervisions opened and resolved in the month, and the open ones with where their reply stands', async () => {
    const resolvedItem = await w.itemIn('in_progress', { code: 'S-1' })
    const openItem = await w.itemIn('in_progress', { code: 'S-2' })
    t.clock.set('2018-11-06T02:00:00.000Z')
    const first = await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${resolvedItem.id}/supervisions`, {
      reason: '进展缓慢，群众反映强烈',
    })
    expect(first.statusCode, first.body).toBe(201)
    const second = await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${openItem.id}/supervisions`, {
      reason: '整改措施落实不力',
      replyDueDays: 10,
    })
    expect(second.statusCode).toBe(201)
    const s1 = first.json().id
    await as(t.app, w.tokens.lead).post(`/api/v1/supervisions/${s1}/acknowledge`, {})
    await as(t.app, w.tokens.lead).post(`/api/v1/supervisions/${s1}/reply`, { text: '已完成整改并上传佐证' })
    t.clock.set('2018-11-20T02:00:00.000Z')
    expect(
      (await as(t.app, w.tokens.supervisor).post(`/api/v1/supervisions/${s1}/resolve`, { comment: '整改到位，办结' })).statusCode,
    ).toBe(200)

    t.clock.set('2018-12-02T02:00:00.000Z')
    const bulletin = (await as(t.app, w.tokens.supervisor).post(`/api/v1/plans/${w.plan.id}/bulletins`, { period: '2018-11' })).json()
    expect(bulletin.supervision.opened.map((s: { code: string }) => s.code).sort()).toEqual(['S-1', 'S-2'])
    expect(bulletin.supervision.opened[0].number).toMatch(/^督办〔2018〕第\d+号$/)
    expect(bulletin.supervision.resolved).toEqual([expect.objectContaining({ code: 'S-1', resolvedOn: '2018-11-20' })])
    // Issued on 6 November with 10 days to reply, unanswered at the end of the month.
    expect(bulletin.supervision.open).toEqual([expect.objectContaining({ code: 'S-2', replyDueOn: '2018-11-16', replyStatus: 'overdue' })])
    const html = (await as(t.app, w.tokens.leader).get(`/api/v1/plans/${w.plan.id}/bulletins/2018-11?format=html`)).body
    expect(html).toContain('逾期未回复')
    expect(html).toContain(bulletin.supervision.opened[0].number)
  })
})

describe('case leads in the monthly bulletin', () => {
  it('counts leads by stage as they stood at the end of the month', async () => {
    t.clock.set('2018-12-05T02:00:00.000Z')
    const sup = as(t.app, w.tokens.supervisor)
    const record = async (number: string) =>
      (
        await sup.post('/api/v1/case-leads', {
          planId: w.plan.id,
          number,
          summary: '群众反映工地夜间违规施工',
          handlingUnitId: w.lead.id,
          receivedOn: '2018-12-04',
        })
      ).json().id as number
    const a = await record('线索〔2018〕1号')
    const b = await record('线索〔2018〕2号')
    await record('线索〔2018〕3号')
    await sup.post(`/api/v1/case-leads/${a}/transitions`, { action: 'start_investigation' })
    await sup.post(`/api/v1/case-leads/${b}/transitions`, { action: 'start_investigation' })
    await sup.post(`/api/v1/case-leads/${b}/transitions`, {
      action: 'record_outcome',
      outcome: { summary: '经查属实，严肃问责', measures: [{ kind: '诫勉谈话', subject: '某街道城管科科长' }] },
    })
    // Disclosed in January: still "handled" at the end of December.
    t.clock.set('2019-01-03T02:00:00.000Z')
    expect((await sup.post(`/api/v1/case-leads/${b}/transitions`, { action: 'disclose' })).statusCode).toBe(200)
    const december = (await sup.post(`/api/v1/plans/${w.plan.id}/bulletins`, { period: '2018-12' })).json()
    expect(december.caseLeads).toEqual({ received: 1, under_investigation: 1, handled: 1, disclosed: 0 })
    expect((await as(t.app, w.tokens.leader).get(`/api/v1/plans/${w.plan.id}/bulletins/2018-12?format=html`)).body).toContain(
      '问题线索办理',
    )
  })
})
