// The vocabulary of an item's close-out (销号): statuses, actions, deadline kinds and their Chinese labels.
// Plain data shared by every module; the rules that use it live in closeout/state-machine.ts and items/facts.ts.

export const STATUSES = ['assigned', 'in_progress', 'closure_requested', 'in_public_notice', 'closed'] as const
export type ItemStatus = (typeof STATUSES)[number]

export const ACTIONS = ['start', 'request_closure', 'reject', 'accept', 'uphold_objection', 'close', 'reopen'] as const
export type ItemAction = (typeof ACTIONS)[number]

/** A unit as an item names it. */
export interface UnitRef {
  id: number
  name: string
}

export type DeadlineKind = 'immediate' | 'date' | 'long_term'

/** Statuses in which the lead unit is still rectifying, so the deadline clock runs. */
export const RECTIFYING_STATUSES: readonly ItemStatus[] = ['assigned', 'in_progress']

export const STATUS_LABELS: Record<ItemStatus, string> = {
  assigned: '已交办',
  in_progress: '整改中',
  closure_requested: '申请销号',
  in_public_notice: '公示中',
  closed: '已销号',
}

export const ACTION_LABELS: Record<ItemAction, string> = {
  start: '开始整改',
  request_closure: '申请销号',
  reject: '退回整改',
  accept: '验收通过',
  uphold_objection: '异议成立',
  close: '销号',
  reopen: '重新整改',
}
