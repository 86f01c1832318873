// Overdue (逾期) is derived, never stored: it depends on today's date in the plan's time zone.
import type { DeadlineKind } from '../../domain/items.ts'

export { RECTIFYING_STATUSES, type DeadlineKind } from '../../domain/items.ts'

// Overdue is defined once, with the other derived facts, in items/facts.ts; re-exported for old imports.
export { overdueOn, type DeadlineFacts } from '../items/facts.ts'

/**
 * A deadline is consistent with its kind: a date needs one; immediate and long term may name one
 * (立行立改 with a date; "2018年12月底前完成，长期坚持" records the first stage's date, but is never overdue).
 */
export function deadlineProblem(kind: DeadlineKind, deadline: string | null): string | null {
  if (kind === 'date' && deadline === null) return 'deadlineKind "date" needs a deadline'
  return null
}
