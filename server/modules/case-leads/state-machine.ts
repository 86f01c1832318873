// The case-lead (问题线索) workflow: plain data and pure functions, no fastify, no drizzle.
// received → under_investigation → handled (with the outcome) → disclosed; only a supervisor moves a lead.

export const CASE_LEAD_STAGES = ['received', 'under_investigation', 'handled', 'disclosed'] as const
export type CaseLeadStage = (typeof CASE_LEAD_STAGES)[number]

export const CASE_LEAD_ACTIONS = ['start_investigation', 'record_outcome', 'disclose'] as const
export type CaseLeadAction = (typeof CASE_LEAD_ACTIONS)[number]

/** How someone was held accountable (问责方式); 其他 for whatever the list does not name. */
export const ACCOUNTABILITY_KINDS = ['党纪处分', '政务处分', '诫勉谈话', '组织处理', '立案处罚', '其他'] as const
export type AccountabilityKind = (typeof ACCOUNTABILITY_KINDS)[number]

export const STAGE_LABELS: Record<CaseLeadStage, string> = {
  received: '已接收',
  under_investigation: '调查核实中',
  handled: '已办结',
  disclosed: '已公开',
}

export const CASE_LEAD_ACTION_LABELS: Record<CaseLeadAction, string> = {
  start_investigation: '开始调查核实',
  record_outcome: '办结并记录处理结果',
  disclose: '公开处理结果',
}

interface CaseLeadRule {
  from: CaseLeadStage
  to: CaseLeadStage
  /** record_outcome carries who was held accountable and how; no other action may. */
  carriesOutcome: boolean
}

/** The transition table. */
export const CASE_LEAD_TRANSITIONS: Readonly<Record<CaseLeadAction, CaseLeadRule>> = {
  start_investigation: { from: 'received', to: 'under_investigation', carriesOutcome: false },
  record_outcome: { from: 'under_investigation', to: 'handled', carriesOutcome: true },
  disclose: { from: 'handled', to: 'disclosed', carriesOutcome: false },
}

/** The actions a stage allows (for a supervisor; nobody else moves a lead). */
export function caseLeadActionsFrom(stage: CaseLeadStage): CaseLeadAction[] {
  return CASE_LEAD_ACTIONS.filter((a) => CASE_LEAD_TRANSITIONS[a].from === stage)
}

export interface CaseLeadRefusal {
  statusCode: 409 | 422
  code: string
  message: string
  allowedActions?: CaseLeadAction[]
}

export type CaseLeadDecision = { ok: true; from: CaseLeadStage; to: CaseLeadStage } | { ok: false; refusal: CaseLeadRefusal }

/**
 * Decides one step: 409 when the stage does not allow the action (naming the ones it does), 422 when
 * record_outcome comes without an outcome or another action brings one. Who may act is the route's business.
 */
export function decideCaseLeadTransition(stage: CaseLeadStage, request: { action: CaseLeadAction; hasOutcome: boolean }): CaseLeadDecision {
  const rule = CASE_LEAD_TRANSITIONS[request.action]
  if (stage !== rule.from) {
    const allowed = caseLeadActionsFrom(stage)
    return {
      ok: false,
      refusal: {
        statusCode: 409,
        code: 'ILLEGAL_TRANSITION',
        message: `Cannot ${request.action} a case lead that is ${stage}; allowed: ${allowed.join(', ') || 'none'}`,
        allowedActions: allowed,
      },
    }
  }
  if (rule.carriesOutcome && !request.hasOutcome) {
    return {
      ok: false,
      refusal: {
        statusCode: 422,
        code: 'OUTCOME_REQUIRED',
        message: `${request.action} needs the outcome: who was held accountable and how`,
      },
    }
  }
  if (!rule.carriesOutcome && request.hasOutcome) {
    return {
      ok: false,
      refusal: {
        statusCode: 422,
        code: 'OUTCOME_NOT_EXPECTED',
        message: `${request.action} takes no outcome; the outcome is recorded with record_outcome`,
      },
    }
  }
  return { ok: true, from: rule.from, to: rule.to }
}
