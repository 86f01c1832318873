import type { CaseLeadOutcome } from '../../../db/schema/index.ts'
import { AppError, conflict, notFound, unprocessable } from '../../errors.ts'
import { isValidDate, localDate, type Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import type { AccountActor } from '../auth/permissions.ts'
import type { PlansRepo } from '../plans/plans.repo.ts'
import type { UnitsRepo } from '../units/units.repo.ts'
import type { CaseLeadEventRow, CaseLeadRecord, CaseLeadsRepo } from './case-leads.repo.ts'
import { caseLeadActionsFrom, decideCaseLeadTransition, type CaseLeadAction, type CaseLeadStage } from './state-machine.ts'

export interface CaseLeadView {
  id: number
  planId: number
  planTitle: string
  number: string
  summary: string
  handlingUnit: { id: number; name: string }
  receivedOn: string
  stage: CaseLeadStage
  outcome: CaseLeadOutcome | null
  handledAt: string | null
  disclosedAt: string | null
  allowedActions: CaseLeadAction[]
  createdAt: string
  updatedAt: string
}

export interface CaseLeadInput {
  planId: number
  number: string
  summary: string
  handlingUnitId: number
  receivedOn: string
  comment?: string | undefined
}

export interface CaseLeadTransitionInput {
  action: CaseLeadAction
  comment?: string | undefined
  outcome?: CaseLeadOutcome | undefined
}

interface Deps {
  repo: CaseLeadsRepo
  plansRepo: PlansRepo
  unitsRepo: UnitsRepo
  clock: Clock
  transact: Transact
}

/** Trims every text of an outcome; 422 when the summary or a measure's subject ends up empty. */
function normalizeOutcome(outcome: CaseLeadOutcome): CaseLeadOutcome {
  const summary = outcome.summary.trim()
  if (summary === '') throw unprocessable('OUTCOME_INCOMPLETE', 'The outcome needs a summary')
  const measures = outcome.measures.map((m, i) => {
    const subject = m.subject.trim()
    if (subject === '') throw unprocessable('OUTCOME_INCOMPLETE', `outcome.measures.${i}.subject must name who was held accountable`)
    const detail = m.detail?.trim()
    return { kind: m.kind, subject, ...(detail ? { detail } : {}) }
  })
  return { summary, measures }
}

export function createCaseLeadsService({ repo, plansRepo, unitsRepo, clock, transact }: Deps) {
  function toView(r: CaseLeadRecord, actor: AccountActor | null): CaseLeadView {
    return {
      id: r.id,
      planId: r.planId,
      planTitle: r.planTitle,
      number: r.number,
      summary: r.summary,
      handlingUnit: { id: r.handlingUnitId, name: r.handlingUnitName },
      receivedOn: r.receivedOn,
      stage: r.stage,
      outcome: r.outcome ?? null,
      handledAt: r.handledAt,
      disclosedAt: r.disclosedAt,
      allowedActions: actor?.role === 'supervisor' ? caseLeadActionsFrom(r.stage) : [],
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }
  }

  /** The lead, or 404 when it does not exist or the actor's unit does not handle it. */
  function loadVisible(actor: AccountActor, id: number): CaseLeadRecord {
    const record = repo.findRecord(id)
    // Not 403: a unit must not learn which leads other units handle.
    if (!record || (actor.role === 'unit' && record.handlingUnitId !== actor.unitId))
      throw notFound(`Case lead ${id}`, 'CASE_LEAD_NOT_FOUND')
    return record
  }

  return {
    list(
      actor: AccountActor,
      filters: { planId?: number | undefined; stage?: CaseLeadStage | undefined; handlingUnitId?: number | undefined },
    ): CaseLeadView[] {
      const scoped = actor.role === 'unit' ? { ...filters, handlingUnitId: actor.unitId ?? -1 } : filters
      if (actor.role === 'unit' && filters.handlingUnitId !== undefined && filters.handlingUnitId !== actor.unitId) return []
      return repo.list(scoped).map((r) => toView(r, actor))
    },

    get(actor: AccountActor, id: number): CaseLeadView {
      return toView(loadVisible(actor, id), actor)
    },

    events(actor: AccountActor, id: number): CaseLeadEventRow[] {
      loadVisible(actor, id)
      return repo.events(id)
    },

    /** Records a lead the inspectors handed over; its first event puts it at `received`. */
    create(actor: AccountActor, input: CaseLeadInput): CaseLeadView {
      const plan = plansRepo.findById(input.planId)
      if (!plan) throw notFound(`Plan ${input.planId}`, 'PLAN_NOT_FOUND')
      if (!unitsRepo.findById(input.handlingUnitId)) throw notFound(`Unit ${input.handlingUnitId}`, 'UNIT_NOT_FOUND')
      const number = input.number.trim()
      const summary = input.summary.trim()
      if (number === '' || summary === '') throw unprocessable('CASE_LEAD_INCOMPLETE', 'A case lead needs its number and a summary')
      if (!isValidDate(input.receivedOn)) throw unprocessable('INVALID_DATE', `receivedOn "${input.receivedOn}" is not a calendar date`)
      const now = clock.now()
      if (input.receivedOn > localDate(now, plan.timezone)) {
        throw unprocessable('RECEIVED_ON_IN_FUTURE', `receivedOn ${input.receivedOn} is after today in ${plan.timezone}`)
      }
      const at = now.toISOString()
      const id = transact(() => {
        const row = repo.insert({
          planId: plan.id,
          number,
          summary,
          handlingUnitId: input.handlingUnitId,
          receivedOn: input.receivedOn,
          stage: 'received',
          createdAt: at,
          createdBy: actor.accountId,
          updatedAt: at,
        })
        if (!row) throw conflict('DUPLICATE_CASE_LEAD_NUMBER', `Plan ${plan.id} already has a case lead numbered "${number}"`)
        repo.appendEvent({
          caseLeadId: row.id,
          at,
          actor,
          action: 'record',
          toStage: 'received',
          comment: input.comment?.trim() || null,
          details: { number, handlingUnitId: input.handlingUnitId, receivedOn: input.receivedOn },
        })
        return row.id
      })
      return toView(repo.findRecord(id)!, actor)
    },

    /** One step through the workflow; the conditional update and its event commit together or not at all. */
    transition(actor: AccountActor, id: number, input: CaseLeadTransitionInput): CaseLeadView {
      const record = loadVisible(actor, id)
      const decision = decideCaseLeadTransition(record.stage, { action: input.action, hasOutcome: input.outcome !== undefined })
      if (!decision.ok) {
        const { statusCode, code, message, allowedActions } = decision.refusal
        throw new AppError(statusCode, code, message, allowedActions ? { allowedActions } : undefined)
      }
      const outcome = input.outcome ? normalizeOutcome(input.outcome) : undefined
      const at = clock.now().toISOString()
      transact(() => {
        const moved = repo.moveIfAt(id, decision.from, {
          stage: decision.to,
          updatedAt: at,
          ...(outcome ? { outcome, handledAt: at } : {}),
          ...(decision.to === 'disclosed' ? { disclosedAt: at } : {}),
        })
        if (!moved) {
          const now = repo.findRecord(id)!.stage
          throw new AppError(
            409,
            'ILLEGAL_TRANSITION',
            `The case lead was moved to ${now} meanwhile; allowed: ${caseLeadActionsFrom(now).join(', ') || 'none'}`,
            {
              allowedActions: caseLeadActionsFrom(now),
            },
          )
        }
        repo.appendEvent({
          caseLeadId: id,
          at,
          actor,
          action: input.action,
          fromStage: decision.from,
          toStage: decision.to,
          comment: input.comment?.trim() || null,
          details: outcome ? { outcome } : null,
        })
      })
      return toView(repo.findRecord(id)!, actor)
    },

    /**
     * For the monthly bulletin: how many of the plan's leads (all plans when null) stood at each stage just before
     * `asOf`, reconstructed from case_lead_events, so a bulletin issued late counts what was true at the month's end.
     */
    caseLeadStages(planId: number | null, asOf: Date): Record<CaseLeadStage, number> {
      return repo.stagesAsOf(planId, asOf.toISOString())
    },

    /** Disclosed leads for the public side, the latest disclosure first. */
    disclosed(): CaseLeadRecord[] {
      return repo.disclosed()
    },
  }
}

export type CaseLeadsService = ReturnType<typeof createCaseLeadsService>
