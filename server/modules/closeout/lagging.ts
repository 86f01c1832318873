// Lagging (进展缓慢) is derived, never stored: an item still being rectified with no progress report for
// either of the last two full months. Only months that ended after the item was put on the list count,
// and both must count, so an item on the list for less than two full months is never lagging.
import { addMonths, endOfPeriod, localPeriod } from '../../lib/time.ts'
import { RECTIFYING_STATUSES } from '../../domain/items.ts'
import type { ItemStatus } from '../../domain/items.ts'

export interface LaggingWindow {
  /** The two last full months, older first. */
  periods: [string, string]
  /** Items put on the list at or after this instant are too new to be lagging (the end of the older month). */
  listedBefore: Date
  /** `listedBefore` as an ISO string, to compare with an item's `createdAt` as the SQL twin of `isLagging` does. */
  listedBeforeIso: string
}

// Every read of an item needs its window, which changes once a month per zone: worked out once per month.
const windows = new Map<string, LaggingWindow>()

export function laggingWindow(now: Date, timeZone: string): LaggingWindow {
  const current = localPeriod(now, timeZone)
  const key = `${timeZone} ${current}`
  let window = windows.get(key)
  if (!window) {
    const older = addMonths(current, -2)
    const listedBefore = endOfPeriod(older, timeZone)
    window = { periods: [older, addMonths(current, -1)], listedBefore, listedBeforeIso: listedBefore.toISOString() }
    if (windows.size >= 64) windows.clear()
    windows.set(key, window)
  }
  return window
}

/**
 * The oldest month a lagging window can include at `now`, in any zone: local months are at most one off the UTC
 * month (zones run from UTC−12 to UTC+14), and a window reaches two months back. Reading reports from this month
 * on is enough to decide lagging in every plan's zone without knowing the zone first.
 */
export function earliestLaggingPeriod(now: Date): string {
  return addMonths(localPeriod(now, 'UTC'), -3)
}

export function isLagging(
  item: { status: ItemStatus; createdAt: string },
  reportedPeriods: ReadonlySet<string> | readonly string[],
  window: LaggingWindow,
): boolean {
  if (!RECTIFYING_STATUSES.includes(item.status)) return false
  if (item.createdAt >= window.listedBeforeIso) return false
  const reported = Array.isArray(reportedPeriods) ? (p: string) => reportedPeriods.includes(p) : (p: string) => (reportedPeriods as ReadonlySet<string>).has(p)
  return !window.periods.some(reported)
}
