import { describe, expect, it } from 'vitest'
import { ACCOUNTABILITY_KINDS as STORED_KINDS, CASE_LEAD_STAGES as STORED_STAGES } from '../../db/schema/case-leads.ts'
import {
  ACCOUNTABILITY_KINDS,
  CASE_LEAD_ACTIONS,
  CASE_LEAD_STAGES,
  caseLeadActionsFrom,
  decideCaseLeadTransition,
  STAGE_LABELS,
  type CaseLeadAction,
  type CaseLeadStage,
} from '../../server/modules/case-leads/state-machine.ts'

const LEGAL: Record<string, CaseLeadStage> = {
  'received start_investigation': 'under_investigation',
  'under_investigation record_outcome': 'handled',
  'handled disclose': 'disclosed',
}

describe('case-lead transitions', () => {
  const pairs = CASE_LEAD_STAGES.flatMap((stage) => CASE_LEAD_ACTIONS.map((action) => [stage, action] as const))

  it.each(pairs)('%s + %s', (stage, action) => {
    const hasOutcome = action === 'record_outcome'
    const decision = decideCaseLeadTransition(stage, { action, hasOutcome })
    const to = LEGAL[`${stage} ${action}`]
    if (to) {
      expect(decision).toEqual({ ok: true, from: stage, to })
    } else {
      expect(decision.ok).toBe(false)
      if (decision.ok) return
      expect(decision.refusal).toMatchObject({ statusCode: 409, code: 'ILLEGAL_TRANSITION', allowedActions: caseLeadActionsFrom(stage) })
      expect(decision.refusal.message).toContain(`allowed: ${caseLeadActionsFrom(stage).join(', ') || 'none'}`)
    }
  })

  it('each stage but the last allows exactly one step, and disclosed allows none', () => {
    expect(Object.fromEntries(CASE_LEAD_STAGES.map((s) => [s, caseLeadActionsFrom(s)]))).toEqual({
      received: ['start_investigation'],
      under_investigation: ['record_outcome'],
      handled: ['disclose'],
      disclosed: [],
    })
  })

  it('record_outcome needs the outcome, and the other steps refuse one', () => {
    expect(decideCaseLeadTransition('under_investigation', { action: 'record_outcome', hasOutcome: false })).toMatchObject({
      ok: false,
      refusal: { statusCode: 422, code: 'OUTCOME_REQUIRED' },
    })
    for (const [stage, action] of [
      ['received', 'start_investigation'],
      ['handled', 'disclose'],
    ] as [CaseLeadStage, CaseLeadAction][]) {
      expect(decideCaseLeadTransition(stage, { action, hasOutcome: true })).toMatchObject({
        ok: false,
        refusal: { statusCode: 422, code: 'OUTCOME_NOT_EXPECTED' },
      })
    }
  })

  it('an illegal step is refused as illegal even when it brings the wrong outcome (409 before 422)', () => {
    expect(decideCaseLeadTransition('received', { action: 'record_outcome', hasOutcome: false })).toMatchObject({
      ok: false,
      refusal: { statusCode: 409 },
    })
  })

  it('the database columns and the machine name the same stages and kinds; every stage has a Chinese label', () => {
    expect([...STORED_STAGES]).toEqual([...CASE_LEAD_STAGES])
    expect([...STORED_KINDS]).toEqual([...ACCOUNTABILITY_KINDS])
    expect(ACCOUNTABILITY_KINDS).toEqual(['党纪处分', '政务处分', '诫勉谈话', '组织处理', '立案处罚', '其他'])
    for (const stage of CASE_LEAD_STAGES) expect(STAGE_LABELS[stage]).toMatch(/\p{Script=Han}/u)
  })
})
