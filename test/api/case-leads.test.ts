import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'
import {
  CASE_LEAD_ACTIONS,
  CASE_LEAD_STAGES,
  caseLeadActionsFrom,
  type CaseLeadStage,
} from '../../server/modules/case-leads/state-machine.ts'

let t: TestApp
let f: ReturnType<typeof factories>
let planId: number
let otherPlanId: number
let handling: { id: number }
let other: { id: number }
const tokens = {} as Record<'admin' | 'supervisor' | 'leader' | 'handlingUnit' | 'otherUnit', string>
let supervisorName: string
let seq = 0

const OUTCOME = {
  summary: '经查，反映问题属实。对相关责任人依纪依规严肃问责。',
  measures: [
    { kind: '党纪处分', subject: '区住房城乡建设委副主任李某', detail: '党内警告' },
    { kind: '诫勉谈话', subject: '某街道办事处城管科科长王某' },
  ],
}

beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
  f = factories(t.app)
  handling = f.unit('区住房城乡建设委')
  other = f.unit('区水务局')
  planId = f.plan().id
  otherPlanId = f.plan({ title: '另一整改方案' }).id
  const supervisor = f.account('supervisor', null, '督查室张三')
  supervisorName = supervisor.account.name
  tokens.supervisor = supervisor.token
  tokens.admin = f.token('admin')
  tokens.leader = f.token('leader')
  tokens.handlingUnit = f.token('unit', handling.id)
  tokens.otherUnit = f.token('unit', other.id)
})
afterAll(async () => t.close())

const sup = () => as(t.app, tokens.supervisor)

async function record(overrides: Record<string, unknown> = {}) {
  return sup().post('/api/v1/case-leads', {
    planId,
    number: `线索〔2018〕${++seq}号`,
    summary: '群众反映某建筑工地夜间违规施工，相关部门监管不力',
    handlingUnitId: handling.id,
    receivedOn: '2018-10-12',
    ...overrides,
  })
}

async function leadIn(stage: CaseLeadStage, overrides: Record<string, unknown> = {}): Promise<number> {
  const created = await record(overrides)
  expect(created.statusCode, created.body).toBe(201)
  const id = created.json().id as number
  const steps = [{ action: 'start_investigation' }, { action: 'record_outcome', outcome: OUTCOME }, { action: 'disclose' }]
  for (let i = 0; i < CASE_LEAD_STAGES.indexOf(stage); i++) {
    const res = await sup().post(`/api/v1/case-leads/${id}/transitions`, steps[i])
    expect(res.statusCode, res.body).toBe(200)
  }
  return id
}

describe('recording a case lead', () => {
  it('a supervisor records it: 201, received, and what may happen next', async () => {
    const res = await record({ comment: '督察组第一批移交' })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({
      planId,
      summary: '群众反映某建筑工地夜间违规施工，相关部门监管不力',
      handlingUnit: { id: handling.id, name: '区住房城乡建设委' },
      receivedOn: '2018-10-12',
      stage: 'received',
      outcome: null,
      handledAt: null,
      disclosedAt: null,
      allowedActions: ['start_investigation'],
    })
  })

  it('a number is unique within its plan, not across plans', async () => {
    expect((await record({ number: '线索-重号' })).statusCode).toBe(201)
    const again = await record({ number: ' 线索-重号 ' })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('DUPLICATE_CASE_LEAD_NUMBER')
    expect((await record({ number: '线索-重号', planId: otherPlanId })).statusCode).toBe(201)
  })

  it('refuses an unknown plan or unit, a date in the future, a date that does not exist, blanks and unknown fields', async () => {
    expect((await record({ planId: 9999 })).json().code).toBe('PLAN_NOT_FOUND')
    expect((await record({ handlingUnitId: 9999 })).json().code).toBe('UNIT_NOT_FOUND')
    const future = await record({ receivedOn: '2018-10-16' })
    expect(future.statusCode).toBe(422)
    expect(future.json().code).toBe('RECEIVED_ON_IN_FUTURE')
    expect((await record({ receivedOn: '2018-02-30' })).json().code).toBe('VALIDATION_FAILED')
    expect((await record({ summary: '   ' })).json().code).toBe('CASE_LEAD_INCOMPLETE')
    expect((await record({ summary: 'x'.repeat(4001) })).statusCode).toBe(400)
    expect((await record({ handler: '某人' })).statusCode).toBe(400)
  })
})

describe('the workflow over the API', () => {
  const pairs = CASE_LEAD_STAGES.flatMap((stage) => CASE_LEAD_ACTIONS.map((action) => [stage, action] as const))
  it.each(pairs)('%s + %s', async (stage, action) => {
    const id = await leadIn(stage)
    const res = await sup().post(`/api/v1/case-leads/${id}/transitions`, {
      action,
      ...(action === 'record_outcome' ? { outcome: OUTCOME } : {}),
    })
    if (caseLeadActionsFrom(stage).includes(action)) {
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json().stage).toBe(CASE_LEAD_STAGES[CASE_LEAD_STAGES.indexOf(stage) + 1])
    } else {
      expect(res.statusCode).toBe(409)
      expect(res.json()).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { allowedActions: caseLeadActionsFrom(stage) } })
      expect((await sup().get(`/api/v1/case-leads/${id}`)).json().stage).toBe(stage)
    }
  })

  it('record_outcome keeps the outcome, trimmed, and the time; disclose the time', async () => {
    const id = await leadIn('under_investigation')
    t.clock.set('2018-10-20T03:00:00.000Z')
    const handled = await sup().post(`/api/v1/case-leads/${id}/transitions`, {
      action: 'record_outcome',
      outcome: { summary: `  ${OUTCOME.summary}  `, measures: [{ kind: '政务处分', subject: ' 区水务局科员赵某 ', detail: ' 记过 ' }] },
    })
    expect(handled.statusCode, handled.body).toBe(200)
    expect(handled.json()).toMatchObject({
      stage: 'handled',
      handledAt: '2018-10-20T03:00:00.000Z',
      outcome: { summary: OUTCOME.summary, measures: [{ kind: '政务处分', subject: '区水务局科员赵某', detail: '记过' }] },
    })
    t.clock.set('2018-10-22T03:00:00.000Z')
    expect((await sup().post(`/api/v1/case-leads/${id}/transitions`, { action: 'disclose' })).json()).toMatchObject({
      stage: 'disclosed',
      disclosedAt: '2018-10-22T03:00:00.000Z',
      allowedActions: [],
    })
  })

  it('an investigation that held no one accountable can still be handled, with its summary', async () => {
    const id = await leadIn('under_investigation')
    const res = await sup().post(`/api/v1/case-leads/${id}/transitions`, {
      action: 'record_outcome',
      outcome: { summary: '经查，反映问题不属实。', measures: [] },
    })
    expect(res.statusCode, res.body).toBe(200)
  })

  it('refuses a missing, an unexpected, an incomplete and a malformed outcome', async () => {
    const investigating = await leadIn('under_investigation')
    const missing = await sup().post(`/api/v1/case-leads/${investigating}/transitions`, { action: 'record_outcome' })
    expect([missing.statusCode, missing.json().code]).toEqual([422, 'OUTCOME_REQUIRED'])
    const blank = await sup().post(`/api/v1/case-leads/${investigating}/transitions`, {
      action: 'record_outcome',
      outcome: { summary: '属实', measures: [{ kind: '组织处理', subject: '   ' }] },
    })
    expect([blank.statusCode, blank.json().code]).toEqual([422, 'OUTCOME_INCOMPLETE'])
    const badKind = await sup().post(`/api/v1/case-leads/${investigating}/transitions`, {
      action: 'record_outcome',
      outcome: { summary: '属实', measures: [{ kind: '罚酒三杯', subject: '某人' }] },
    })
    expect(badKind.statusCode).toBe(400)
    const received = await leadIn('received')
    const unexpected = await sup().post(`/api/v1/case-leads/${received}/transitions`, { action: 'start_investigation', outcome: OUTCOME })
    expect([unexpected.statusCode, unexpected.json().code]).toEqual([422, 'OUTCOME_NOT_EXPECTED'])
    expect((await sup().get(`/api/v1/case-leads/${investigating}`)).json().stage).toBe('under_investigation')
  })
})

describe('audit trail', () => {
  it('records every step with who, when, from, to, the comment and the outcome, oldest first', async () => {
    t.clock.set('2018-10-15T02:00:00.000Z')
    const id = (await record({ comment: '第一批' })).json().id
    await sup().post(`/api/v1/case-leads/${id}/transitions`, { action: 'start_investigation', comment: '转区纪委监委调查' })
    await sup().post(`/api/v1/case-leads/${id}/transitions`, { action: 'record_outcome', outcome: OUTCOME })
    await sup().post(`/api/v1/case-leads/${id}/transitions`, { action: 'disclose', comment: '区政府网站公开' })
    const events = (await as(t.app, tokens.leader).get(`/api/v1/case-leads/${id}/events`)).json()
    expect(
      events.map((e: { action: string; fromStage: string | null; toStage: string; comment: string | null }) => [
        e.action,
        e.fromStage,
        e.toStage,
        e.comment,
      ]),
    ).toEqual([
      ['record', null, 'received', '第一批'],
      ['start_investigation', 'received', 'under_investigation', '转区纪委监委调查'],
      ['record_outcome', 'under_investigation', 'handled', null],
      ['disclose', 'handled', 'disclosed', '区政府网站公开'],
    ])
    expect(events[0]).toMatchObject({ caseLeadId: id, at: '2018-10-15T02:00:00.000Z', actor: { name: supervisorName, role: 'supervisor' } })
    expect(events[2].details).toEqual({ outcome: OUTCOME })
  })

  it('the database refuses to rewrite or remove an event, or to remove a lead', async () => {
    const id = (await record()).json().id
    const db = t.database.sqlite
    expect(() => db.prepare("update case_lead_events set comment = '改' where case_lead_id = ?").run(id)).toThrow(/append-only/)
    expect(() => db.prepare('delete from case_lead_events where case_lead_id = ?').run(id)).toThrow(/append-only/)
    expect(() => db.prepare('delete from case_leads where id = ?').run(id)).toThrow(/never deleted/)
  })
})

describe('who sees and who moves a lead', () => {
  it('the handling unit reads its leads; another unit neither lists nor finds them', async () => {
    const id = await leadIn('received')
    const own = (await as(t.app, tokens.handlingUnit).get('/api/v1/case-leads')).json() as { id: number; allowedActions: string[] }[]
    expect(own.map((l) => l.id)).toContain(id)
    expect(own.every((l) => l.allowedActions.length === 0)).toBe(true)
    expect((await as(t.app, tokens.handlingUnit).get(`/api/v1/case-leads/${id}`)).statusCode).toBe(200)
    expect((await as(t.app, tokens.otherUnit).get('/api/v1/case-leads')).json()).toEqual([])
    expect((await as(t.app, tokens.otherUnit).get(`/api/v1/case-leads?handlingUnitId=${handling.id}`)).json()).toEqual([])
    for (const url of [`/api/v1/case-leads/${id}`, `/api/v1/case-leads/${id}/events`]) {
      const res = await as(t.app, tokens.otherUnit).get(url)
      expect([res.statusCode, res.json().code]).toEqual([404, 'CASE_LEAD_NOT_FOUND'])
    }
  })

  it('admin and leader read all; only a supervisor records or moves', async () => {
    const id = await leadIn('received')
    for (const token of [tokens.admin, tokens.leader]) {
      expect((await as(t.app, token).get(`/api/v1/case-leads/${id}`)).json().allowedActions).toEqual([])
    }
    for (const token of [tokens.admin, tokens.leader, tokens.handlingUnit]) {
      const moved = await as(t.app, token).post(`/api/v1/case-leads/${id}/transitions`, { action: 'start_investigation' })
      expect([moved.statusCode, moved.json().code]).toEqual([403, 'ROLE_NOT_PERMITTED'])
    }
    expect((await sup().get(`/api/v1/case-leads/${id}`)).json().stage).toBe('received')
  })

  it('filters by plan, stage and handling unit', async () => {
    const id = await leadIn('handled', { planId: otherPlanId, handlingUnitId: other.id })
    const list = (url: string) =>
      sup()
        .get(url)
        .then((r) => (r.json() as { id: number }[]).map((l) => l.id))
    expect(await list(`/api/v1/case-leads?planId=${otherPlanId}&stage=handled`)).toEqual([id])
    expect(await list(`/api/v1/case-leads?handlingUnitId=${other.id}`)).toEqual([id])
    expect(await list(`/api/v1/case-leads?planId=${planId}&handlingUnitId=${other.id}`)).toEqual([])
  })
})

describe('caseLeadStages: leads by stage as of an instant, from the audit trail', () => {
  it('counts what the trail said before the instant, per plan or for all plans', async () => {
    const fresh = await createTestApp({ now: '2018-10-10T02:00:00.000Z' })
    try {
      const g = factories(fresh.app)
      const unit = g.unit()
      const plan = g.plan().id
      const second = g.plan().id
      const token = g.token('supervisor')
      const api = as(fresh.app, token)
      const move = (id: number, action: string, at: string) => {
        fresh.clock.set(at)
        return api.post(`/api/v1/case-leads/${id}/transitions`, { action, ...(action === 'record_outcome' ? { outcome: OUTCOME } : {}) })
      }
      const create = async (planId: number, number: string, at: string) => {
        fresh.clock.set(at)
        const res = await api.post('/api/v1/case-leads', {
          planId,
          number,
          summary: '线索',
          handlingUnitId: unit.id,
          receivedOn: '2018-10-09',
        })
        expect(res.statusCode, res.body).toBe(201)
        return res.json().id as number
      }
      const a = await create(plan, 'A', '2018-10-10T02:00:00.000Z')
      await move(a, 'start_investigation', '2018-10-20T02:00:00.000Z')
      // 00:00 on 1 November in Beijing: the instant the October bulletin describes. An event at it is November's.
      const endOfOctober = new Date('2018-10-31T16:00:00.000Z')
      await move(a, 'record_outcome', endOfOctober.toISOString())
      const b = await create(plan, 'B', '2018-11-03T02:00:00.000Z')
      await move(a, 'disclose', '2018-11-20T02:00:00.000Z')
      await create(second, 'C', '2018-10-25T02:00:00.000Z')
      void b

      const stages = fresh.app.services.caseLeads.caseLeadStages
      expect(stages(plan, new Date('2018-10-01T00:00:00.000Z'))).toEqual({ received: 0, under_investigation: 0, handled: 0, disclosed: 0 })
      expect(stages(plan, endOfOctober)).toEqual({ received: 0, under_investigation: 1, handled: 0, disclosed: 0 })
      expect(stages(plan, new Date(endOfOctober.getTime() + 1))).toEqual({ received: 0, under_investigation: 0, handled: 1, disclosed: 0 })
      expect(stages(plan, new Date('2018-11-30T16:00:00.000Z'))).toEqual({ received: 1, under_investigation: 0, handled: 0, disclosed: 1 })
      expect(stages(null, endOfOctober)).toEqual({ received: 1, under_investigation: 1, handled: 0, disclosed: 0 })
      expect(stages(second, new Date('2030-01-01T00:00:00.000Z'))).toEqual({
        received: 1,
        under_investigation: 0,
        handled: 0,
        disclosed: 0,
      })
    } finally {
      await fresh.close()
    }
  })
})
