// The life of a joint supervision (联合督办), as data and pure functions: no fastify, no drizzle.
import { localDate } from '../../lib/time.ts'
import type { Actor } from '../../domain/actors.ts'

export type SupervisionStatus = 'open' | 'acknowledged' | 'replied' | 'resolved'
export type SupervisionRule = 'overdue' | 'lagging' | 'manual'

export const SUPERVISION_ACTIONS = ['acknowledge', 'reply', 'send_back', 'resolve'] as const
export type SupervisionAction = (typeof SUPERVISION_ACTIONS)[number]

export const DEFAULT_REPLY_DUE_DAYS = 15

export const SUPERVISION_STATUS_LABELS: Record<SupervisionStatus, string> = {
  open: '待签收',
  acknowledged: '已签收，待回复',
  replied: '已回复，待审核',
  resolved: '已办结',
}

interface SupervisionTransition {
  from: readonly SupervisionStatus[]
  to: SupervisionStatus
  /** The lead unit answers the notice; a supervisor judges the answer. */
  taker: 'lead_unit' | 'supervisor'
  /** The item event that records it. */
  event: string
}

export const SUPERVISION_TRANSITIONS: Readonly<Record<SupervisionAction, SupervisionTransition>> = {
  acknowledge: { from: ['open'], to: 'acknowledged', taker: 'lead_unit', event: 'supervision_acknowledged' },
  reply: { from: ['acknowledged'], to: 'replied', taker: 'lead_unit', event: 'supervision_replied' },
  send_back: { from: ['replied'], to: 'acknowledged', taker: 'supervisor', event: 'supervision_sent_back' },
  // Also before a reply: the item may have been closed out meanwhile, or the notice issued in error.
  resolve: { from: ['open', 'acknowledged', 'replied'], to: 'resolved', taker: 'supervisor', event: 'supervision_resolved' },
}

export const SUPERVISION_EVENTS = ['supervision_opened', ...Object.values(SUPERVISION_TRANSITIONS).map((t) => t.event)]

function takerOf(actor: Actor, leadUnitId: number): 'lead_unit' | 'supervisor' | null {
  if (actor.kind !== 'account') return null
  if (actor.role === 'supervisor') return 'supervisor'
  if (actor.role === 'unit' && actor.unitId !== null && actor.unitId === leadUnitId) return 'lead_unit'
  return null
}

/** The actions the actor may take on a supervision in this status, for an item led by `leadUnitId`. */
export function supervisionActionsFor(status: SupervisionStatus, actor: Actor, leadUnitId: number): SupervisionAction[] {
  const taker = takerOf(actor, leadUnitId)
  return SUPERVISION_ACTIONS.filter((a) => SUPERVISION_TRANSITIONS[a].taker === taker && SUPERVISION_TRANSITIONS[a].from.includes(status))
}

export type SupervisionDecision =
  | { ok: true; from: SupervisionStatus; to: SupervisionStatus; event: string }
  | { ok: false; statusCode: 403 | 409; code: string; message: string; allowedActions?: SupervisionAction[] }

/** 403 when the actor may never take the action, 409 (naming what the status allows) when the status does not allow it. */
export function decideSupervisionAction(
  status: SupervisionStatus,
  actor: Actor,
  leadUnitId: number,
  action: SupervisionAction,
): SupervisionDecision {
  const rule = SUPERVISION_TRANSITIONS[action]
  if (takerOf(actor, leadUnitId) !== rule.taker) {
    return {
      ok: false,
      statusCode: 403,
      code: rule.taker === 'lead_unit' ? 'NOT_LEAD_UNIT' : 'ACTION_NOT_PERMITTED',
      message:
        rule.taker === 'lead_unit'
          ? `Only the lead unit of the item may ${action.replace('_', ' ')} a supervision`
          : `Only a supervisor may ${action.replace('_', ' ')} a supervision`,
    }
  }
  if (!rule.from.includes(status)) {
    const allowed = SUPERVISION_ACTIONS.filter((a) => SUPERVISION_TRANSITIONS[a].from.includes(status))
    return {
      ok: false,
      statusCode: 409,
      code: 'SUPERVISION_ILLEGAL_TRANSITION',
      message: `Cannot ${action.replace('_', ' ')} a supervision that is ${status}; allowed: ${allowed.join(', ') || 'none'}`,
      allowedActions: allowed,
    }
  }
  return { ok: true, from: status, to: rule.to, event: rule.event }
}

export function supervisionNumber(year: number, seq: number): string {
  return `督办〔${year}〕第${seq}号`
}

/**
 * Where the reply stands: `awaiting` / `overdue` while none is due in (the deadline has passed on `today`, a date in
 * the plan's zone), `on_time` / `late` once the latest reply came, `none` when resolved without one.
 */
export type ReplyStatus = 'awaiting' | 'overdue' | 'on_time' | 'late' | 'none'

/** How the printed notice and the bulletin say a reply status. */
export const REPLY_STATUS_LABELS: Record<ReplyStatus, string> = {
  awaiting: '待回复',
  overdue: '逾期未回复',
  on_time: '已按期回复',
  late: '逾期回复',
  none: '未回复',
}

export function replyStatusOn(
  state: { status: SupervisionStatus; replyDueOn: string; replied: boolean; replyOverdue: boolean },
  today: string,
): ReplyStatus {
  if (state.status === 'open' || state.status === 'acknowledged') return today > state.replyDueOn ? 'overdue' : 'awaiting'
  if (!state.replied) return 'none'
  return state.replyOverdue ? 'late' : 'on_time'
}

/** A reply given at `at` is overdue when its date in the plan's zone is after the reply deadline. */
export function replyIsOverdue(at: Date, replyDueOn: string, timeZone: string): boolean {
  return localDate(at, timeZone) > replyDueOn
}

export interface SupervisionEventFacts {
  action: string
  at: string
  details: Record<string, unknown> | null
}

export interface SupervisionStateAt {
  status: SupervisionStatus
  replyDueOn: string
  replied: boolean
  replyOverdue: boolean
}

/**
 * The state of one supervision as of `asOf` (exclusive), replayed from its item events, oldest first: a bulletin
 * reads it for a past month from the audit trail, not from today's row. null when it had not been opened yet.
 */
export function supervisionStateAt(events: readonly SupervisionEventFacts[], asOf: Date): SupervisionStateAt | null {
  let state: SupervisionStateAt | null = null
  for (const e of events) {
    if (new Date(e.at).getTime() >= asOf.getTime()) break
    const d = e.details ?? {}
    switch (e.action) {
      case 'supervision_opened':
        state = { status: 'open', replyDueOn: String(d.replyDueOn), replied: false, replyOverdue: false }
        break
      case 'supervision_acknowledged':
        if (state) state.status = 'acknowledged'
        break
      case 'supervision_replied':
        if (state) Object.assign(state, { status: 'replied', replied: true, replyOverdue: d.replyOverdue === true })
        break
      case 'supervision_sent_back':
        if (state) Object.assign(state, { status: 'acknowledged', replyDueOn: String(d.replyDueOn ?? state.replyDueOn) })
        break
      case 'supervision_resolved':
        if (state) state.status = 'resolved'
        break
      default:
        break
    }
  }
  return state
}
