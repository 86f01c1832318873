// Overdue (逾期) is derived, never stored: it depends on today's date in the plan's time zone.
import { daysBetween } from '../../lib/time.ts'
import { RECTIFYING_STATUSES, type DeadlineKind, type ItemStatus } from '../../domain/items.ts'

export { RECTIFYING_STATUSES, type DeadlineKind } from '../../domain/items.ts'

export interface DeadlineFacts {
  status: ItemStatus
  deadlineKind: DeadlineKind
  deadline: string | null
}

/**
 * Overdue when still being rectified and `today` (a date in the plan's zone) is after the deadline.
 * A closure request stops the clock while it is reviewed; a rejection after the deadline starts it again.
 * Long-term items, and items without a date, are never overdue.
 */
export function overdueOn(item: DeadlineFacts, today: string): { overdue: boolean; daysOverdue: number } {
  if (item.deadlineKind === 'long_term' || item.deadline === null || !RECTIFYING_STATUSES.includes(item.status)) {
    return { overdue: false, daysOverdue: 0 }
  }
  // Dates as YYYY-MM-DD compare as strings: only a past deadline needs the days counted.
  if (item.deadline >= today) return { overdue: false, daysOverdue: 0 }
  return { overdue: true, daysOverdue: daysBetween(item.deadline, today) }
}

/**
 * A deadline is consistent with its kind: a date needs one; immediate and long term may name one
 * (立行立改 with a date; "2018年12月底前完成，长期坚持" records the first stage's date, but is never overdue).
 */
export function deadlineProblem(kind: DeadlineKind, deadline: string | null): string | null {
  if (kind === 'date' && deadline === null) return 'deadlineKind "date" needs a deadline'
  return null
}
