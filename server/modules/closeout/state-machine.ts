// The close-out (销号) state machine: plain data and pure functions, no fastify, no drizzle.
// The API and the scheduled jobs both decide every status change here.

import { ACTIONS, type ItemAction, type ItemStatus } from '../../domain/items.ts'
import type { Actor } from '../../domain/actors.ts'

/** Who may take an action: the item's lead unit (a `unit` account of that unit), a supervisor, or the system. */
type Taker = 'lead_unit' | 'supervisor' | 'system'

interface TransitionRule {
  from: ItemStatus
  to: ItemStatus
  takers: readonly Taker[]
  /** The comment is the self-check statement, the reason or the acceptance opinion, and may not be empty. */
  commentRequired: boolean
}

/** DOMAIN.md's action table, as data. */
export const TRANSITIONS: Readonly<Record<ItemAction, TransitionRule>> = {
  start: { from: 'assigned', to: 'in_progress', takers: ['lead_unit', 'supervisor'], commentRequired: false },
  request_closure: { from: 'in_progress', to: 'closure_requested', takers: ['lead_unit'], commentRequired: true },
  reject: { from: 'closure_requested', to: 'in_progress', takers: ['supervisor'], commentRequired: true },
  accept: { from: 'closure_requested', to: 'in_public_notice', takers: ['supervisor'], commentRequired: true },
  uphold_objection: { from: 'in_public_notice', to: 'in_progress', takers: ['supervisor'], commentRequired: true },
  close: { from: 'in_public_notice', to: 'closed', takers: ['system', 'supervisor'], commentRequired: false },
  reopen: { from: 'closed', to: 'in_progress', takers: ['supervisor'], commentRequired: true },
}

/** What the machine needs to know about an item to decide. */
export interface ItemFacts {
  status: ItemStatus
  leadUnitId: number
  responsibleUnitIds: readonly number[]
  /** Evidence files filed on the item. */
  evidenceCount: number
  /** When the public notice ends (exclusive); set while in notice. */
  noticeEndsAt: Date | null
  /** Objections filed during the notice and not yet decided. */
  pendingObjections: number
}

export interface TransitionRequest {
  action: ItemAction
  comment?: string | undefined
}

export type TransitionRefusal = {
  statusCode: 403 | 409 | 422
  code: string
  message: string
  allowedActions?: ItemAction[]
}

export type TransitionDecision = { ok: true; from: ItemStatus; to: ItemStatus } | { ok: false; refusal: TransitionRefusal }

function takerOf(item: Pick<ItemFacts, 'leadUnitId'>, actor: Actor): Taker | null {
  if (actor.kind === 'system') return 'system'
  if (actor.kind === 'public') return null
  if (actor.role === 'supervisor') return 'supervisor'
  if (actor.role === 'unit' && actor.unitId !== null && actor.unitId === item.leadUnitId) return 'lead_unit'
  return null
}

function mayTake(item: Pick<ItemFacts, 'leadUnitId'>, actor: Actor, action: ItemAction): boolean {
  const taker = takerOf(item, actor)
  return taker !== null && TRANSITIONS[action].takers.includes(taker)
}

/** The actions the status allows at all, whoever asks. */
export function actionsFrom(status: ItemStatus): ItemAction[] {
  return ACTIONS.filter((a) => TRANSITIONS[a].from === status)
}

/** The actions this actor may take on the item now, by role and status (requirements are checked on the attempt). */
export function allowedActions(item: Pick<ItemFacts, 'status' | 'leadUnitId'>, actor: Actor): ItemAction[] {
  return actionsFrom(item.status).filter((a) => mayTake(item, actor, a))
}

/**
 * Decides one transition, or says why not: 403 when the actor may never take the action on this item,
 * 409 when the status does not allow it (naming the actions it does allow), 422 when a rule of the domain is not met.
 */
export function decideTransition(item: ItemFacts, actor: Actor, request: TransitionRequest, now: Date): TransitionDecision {
  const rule = TRANSITIONS[request.action]
  if (!mayTake(item, actor, request.action)) {
    const who = rule.takers.map((t) => (t === 'lead_unit' ? 'the lead unit' : t === 'supervisor' ? 'a supervisor' : 'the system'))
    return refuse(403, 'ACTION_NOT_PERMITTED', `Only ${who.join(' or ')} may ${request.action} an item`)
  }
  if (item.status !== rule.from) {
    const allowed = actionsFrom(item.status)
    return refuse(
      409,
      'ILLEGAL_TRANSITION',
      `Cannot ${request.action} an item that is ${item.status}; allowed: ${allowed.join(', ') || 'none'}`,
      allowed,
    )
  }
  const comment = request.comment?.trim() ?? ''
  if (rule.commentRequired && comment === '') {
    return refuse(422, 'COMMENT_REQUIRED', `${request.action} needs a comment (${commentPurpose[request.action]})`)
  }
  const unmet = unmetRequirement(item, actor, request.action, now)
  if (unmet) return { ok: false, refusal: unmet }
  return { ok: true, from: rule.from, to: rule.to }
}

/**
 * The rule of the domain (422) the action would break on this item now, or null when none: the last check of
 * `decideTransition`, after who may act, the status and the comment. Pages ask it so as not to offer a button the
 * machine would refuse.
 */
export function unmetRequirement(item: ItemFacts, actor: Actor, action: ItemAction, now: Date): TransitionRefusal | null {
  switch (action) {
    case 'request_closure':
      if (item.evidenceCount < 1) {
        return { statusCode: 422, code: 'EVIDENCE_REQUIRED', message: 'Closure needs at least one evidence file filed on the item' }
      }
      return null
    case 'accept':
      if (actor.kind === 'account' && actor.unitId !== null) {
        if (actor.unitId === item.leadUnitId || item.responsibleUnitIds.includes(actor.unitId)) {
          return {
            statusCode: 422,
            code: 'VERIFIER_NOT_INDEPENDENT',
            message: 'The verifier belongs to the lead unit or a responsible unit of this item; another supervisor must accept it',
          }
        }
      }
      return null
    case 'close':
      if (item.noticeEndsAt === null || now.getTime() < item.noticeEndsAt.getTime()) {
        return { statusCode: 422, code: 'NOTICE_NOT_ENDED', message: 'The public notice has not ended yet' }
      }
      if (item.pendingObjections > 0) {
        return { statusCode: 422, code: 'OBJECTION_PENDING', message: 'An objection filed during the notice awaits a decision' }
      }
      return null
    default:
      return null
  }
}

const commentPurpose: Record<ItemAction, string> = {
  start: 'optional',
  request_closure: 'the self-check statement',
  reject: 'the reason and further requirements',
  accept: 'the acceptance opinion',
  uphold_objection: 'the objection that was upheld',
  close: 'optional',
  reopen: 'the reason for reopening',
}

function refuse(statusCode: TransitionRefusal['statusCode'], code: string, message: string, allowed?: ItemAction[]): TransitionDecision {
  return { ok: false, refusal: allowed ? { statusCode, code, message, allowedActions: allowed } : { statusCode, code, message } }
}
