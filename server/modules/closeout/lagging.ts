// Lagging (进展缓慢) is derived, never stored: an item still being rectified with no progress report for
// either of the last two full months. Only months that ended after the item was put on the list count,
// and both must count, so an item on the list for less than two full months is never lagging.
import { addMonths, endOfPeriod, localPeriod } from '../../lib/time.ts'
import { RECTIFYING_STATUSES } from './deadlines.ts'
import type { ItemStatus } from './state-machine.ts'

export interface LaggingWindow {
  /** The two last full months, older first. */
  periods: [string, string]
  /** Items put on the list at or after this instant are too new to be lagging (the end of the older month). */
  listedBefore: Date
}

export function laggingWindow(now: Date, timeZone: string): LaggingWindow {
  const current = localPeriod(now, timeZone)
  const older = addMonths(current, -2)
  return { periods: [older, addMonths(current, -1)], listedBefore: endOfPeriod(older, timeZone) }
}

export function isLagging(
  item: { status: ItemStatus; createdAt: string },
  reportedPeriods: ReadonlySet<string>,
  window: LaggingWindow,
): boolean {
  if (!RECTIFYING_STATUSES.includes(item.status)) return false
  if (new Date(item.createdAt).getTime() >= window.listedBefore.getTime()) return false
  return !window.periods.some((p) => reportedPeriods.has(p))
}
