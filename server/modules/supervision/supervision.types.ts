// What a supervision looks like to its readers: shared by the service that builds it and the notice that prints it.
import type { UnitRef } from '../../domain/items.ts'
import type { ReplyStatus, SupervisionAction, SupervisionRule, SupervisionStatus } from './lifecycle.ts'

export interface SupervisionView {
  id: number
  /** 督办〔2018〕第12号 */
  number: string
  year: number
  seq: number
  planId: number
  itemId: number
  status: SupervisionStatus
  statusLabel: string
  rule: SupervisionRule
  /** The rule that fired, or that a supervisor opened it, in the notice's words. */
  ruleLabel: string
  reason: string
  /** The item as it stood when the notice was issued. */
  item: { code: string; problem: string; target: string; deadlineKind: 'immediate' | 'date' | 'long_term'; deadline: string | null }
  leadUnit: UnitRef
  responsibleUnits: UnitRef[]
  issuedOn: string
  replyDueOn: string
  openedAt: string
  /** The supervisor who opened it (or ran the sweep that did); null for the scheduled sweep. */
  openedBy: { accountId: number; name: string } | null
  acknowledgedAt: string | null
  acknowledgedBy: string | null
  reply: { text: string; at: string; by: string; evidence: { id: number; fileName: string; mediaType: string }[] } | null
  /** The latest reply came after the reply deadline. */
  replyOverdue: boolean
  replyStatus: ReplyStatus
  sentBackCount: number
  resolvedAt: string | null
  resolvedBy: string | null
  resolutionComment: string | null
  allowedActions: SupervisionAction[]
  /** Every step, oldest first (one supervision only). */
  steps?: { at: string; action: string; actor: string; comment: string | null }[]
}
