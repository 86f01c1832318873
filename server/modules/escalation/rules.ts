// The escalation rules (催办 → 联合督办), as a pure function of an item, its history and now: no fastify, no drizzle.
// The sweep reads the facts inside its transaction, asks `decideEscalation`, and writes what it says.
import { chineseDate, chineseMonth } from '../../lib/chinese-date.ts'
import { localDate } from '../../lib/time.ts'

export { chineseDate } from '../../lib/chinese-date.ts'
import type { DeadlineKind, ItemStatus } from '../../domain/items.ts'
import { isLagging, laggingWindow, overdueOn } from '../items/facts.ts'

export const DEFAULT_JOINT_SUPERVISION_AFTER_DAYS = 15

export interface EscalationItem {
  status: ItemStatus
  deadlineKind: DeadlineKind
  deadline: string | null
  createdAt: string
  /** The plan's time zone: "today" and "the last two full months" are counted in it. */
  timezone: string
  /** The plan's setting: overdue this many days or more → joint supervision. */
  jointSupervisionAfterDays: number
}

export interface EscalationHistory {
  /** Deadlines the lead unit has already been urged for. */
  urgedDeadlines: ReadonlySet<string>
  /** The supervision not yet resolved on the item, if any. */
  openSupervisionId: number | null
  /** Trigger keys that an earlier or the open supervision already answers. */
  answeredTriggers: ReadonlySet<string>
  /** Months ('YYYY-MM') in which any unit reported progress on the item. */
  reportedPeriods: ReadonlySet<string>
}

export type Trigger =
  | { rule: 'overdue'; key: string; deadline: string; daysOverdue: number; afterDays: number }
  | { rule: 'lagging'; key: string; periods: [string, string] }

export type SkipReason =
  /** The lead unit was already urged for this deadline. */
  | 'already_urged'
  /** A supervision on the item is still open; it covers whatever fires now. */
  | 'supervision_open'
  /** The condition fired before and a supervision answered it; it does not fire again until it changes. */
  | 'already_supervised'
  /** Overdue, but fewer days than the plan's threshold for joint supervision. */
  | 'not_due_yet'

export interface EscalationSkip {
  action: 'urge' | 'supervise'
  reason: SkipReason
  daysOverdue?: number
  supervisionId?: number
}

export interface EscalationDecision {
  urge: { deadline: string; daysOverdue: number } | null
  /** The rule that opens a supervision now; `answers` lists every trigger it settles (the first is `trigger`). */
  supervise: { trigger: Trigger; answers: string[]; reason: string } | null
  skipped: EscalationSkip[]
}

/** The rule conditions that hold for the item now, overdue first (the stronger reason when both hold). */
export function firingTriggers(item: EscalationItem, reportedPeriods: ReadonlySet<string>, now: Date): Trigger[] {
  const triggers: Trigger[] = []
  const today = localDate(now, item.timezone)
  const { overdue, daysOverdue } = overdueOn(item, today)
  if (overdue && daysOverdue >= item.jointSupervisionAfterDays) {
    triggers.push({
      rule: 'overdue',
      key: `overdue:${item.deadline}`,
      deadline: item.deadline!,
      daysOverdue,
      afterDays: item.jointSupervisionAfterDays,
    })
  }
  const window = laggingWindow(now, item.timezone)
  if (isLagging(item, reportedPeriods, window)) {
    triggers.push({ rule: 'lagging', key: `lagging:${window.periods[1]}`, periods: window.periods })
  }
  return triggers
}

/**
 * What the sweep does for one item: urge once per deadline when overdue; open joint supervision when a rule fires
 * that no supervision has answered and none is open. Deciding twice on the same facts after applying gives nothing new.
 */
export function decideEscalation(item: EscalationItem, history: EscalationHistory, now: Date): EscalationDecision {
  const skipped: EscalationSkip[] = []
  const { overdue, daysOverdue } = overdueOn(item, localDate(now, item.timezone))

  let urge: EscalationDecision['urge'] = null
  if (overdue) {
    if (history.urgedDeadlines.has(item.deadline!)) skipped.push({ action: 'urge', reason: 'already_urged', daysOverdue })
    else urge = { deadline: item.deadline!, daysOverdue }
  }

  const firing = firingTriggers(item, history.reportedPeriods, now)
  let supervise: EscalationDecision['supervise'] = null
  if (history.openSupervisionId !== null) {
    if (firing.length > 0 || overdue)
      skipped.push({ action: 'supervise', reason: 'supervision_open', supervisionId: history.openSupervisionId })
  } else {
    const fresh = firing.filter((t) => !history.answeredTriggers.has(t.key))
    if (fresh.length > 0) {
      supervise = { trigger: fresh[0]!, answers: firing.map((t) => t.key), reason: describeTriggers(fresh) }
    } else if (firing.length > 0) {
      skipped.push({ action: 'supervise', reason: 'already_supervised' })
    } else if (overdue) {
      skipped.push({ action: 'supervise', reason: 'not_due_yet', daysOverdue })
    }
  }
  return { urge, supervise, skipped }
}

/** The reason printed on the notice, in the words of the office. */
export function describeTriggers(triggers: readonly Trigger[]): string {
  return triggers
    .map((t) =>
      t.rule === 'overdue'
        ? `该任务完成时限为${chineseDate(t.deadline)}，已逾期${t.daysOverdue}天（逾期满${t.afterDays}天列入联合督办），整改落实不力。`
        : `该任务${chineseMonth(t.periods[0])}、${chineseMonth(t.periods[1])}均未报送整改进展，进展缓慢。`,
    )
    .join('')
}

/** The rule as the notice names it; the figures (days overdue, the plan's threshold then) are in its reason. */
export function ruleLabel(rule: 'overdue' | 'lagging' | 'manual'): string {
  if (rule === 'overdue') return '逾期未完成，自动列入联合督办'
  if (rule === 'lagging') return '进展缓慢（连续两个月未报送进展），自动列入联合督办'
  return '督查人员提请联合督办'
}

export function urgeText(deadline: string, daysOverdue: number): string {
  return `该任务已超过完成时限（${chineseDate(deadline)}）${daysOverdue}天，请牵头单位抓紧整改，及时报送整改进展。`
}
