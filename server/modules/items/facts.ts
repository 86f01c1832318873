// The derived facts of an item — overdue (逾期), days overdue, lagging (进展缓慢) — each defined once, here. They are
// computed, never stored: they depend on today's date and the last two full months in the plan's time zone.
// SQL asks the same functions: `registerItemFacts` makes them SQL functions of a connection, so the list filters,
// the bulletin's reconstruction and the views (items.service.ts) and escalation rules (escalation/rules.ts) that
// call them directly cannot drift apart.
import type Database from 'better-sqlite3'
import { RECTIFYING_STATUSES, type DeadlineKind, type ItemStatus } from '../../domain/items.ts'
import { addMonths, daysBetween, endOfPeriod, localDate, localPeriod } from '../../lib/time.ts'

export interface DeadlineFacts {
  status: ItemStatus
  deadlineKind: DeadlineKind
  deadline: string | null
}

/**
 * Overdue when still being rectified and `today` (a date in the plan's zone) is after the deadline day.
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

export interface LaggingWindow {
  /** The two last full months, older first. */
  periods: [string, string]
  /** Items put on the list at or after this instant are too new to be lagging (the end of the older month). */
  listedBefore: Date
  /** `listedBefore` as an ISO string, to compare with an item's `createdAt`. */
  listedBeforeIso: string
}

// Every read of an item needs its window, which changes once a month per zone: worked out once per month.
const windows = new Map<string, LaggingWindow>()

/** The months that decide lagging at `now` in this zone: the two last full months. */
export function laggingWindow(now: Date, timeZone: string): LaggingWindow {
  const current = localPeriod(now, timeZone)
  const key = `${timeZone} ${current}`
  let window = windows.get(key)
  if (!window) {
    window = windowEndingWith(addMonths(current, -1), timeZone)
    if (windows.size >= 64) windows.clear()
    windows.set(key, window)
  }
  return window
}

/** The window whose newer month is `period` (what a bulletin for that month counts as lagging). */
export function windowEndingWith(period: string, timeZone: string): LaggingWindow {
  const older = addMonths(period, -1)
  const listedBefore = endOfPeriod(older, timeZone)
  return { periods: [older, period], listedBefore, listedBeforeIso: listedBefore.toISOString() }
}

/**
 * The oldest month a lagging window can include at `now`, in any zone: local months are at most one off the UTC
 * month (zones run from UTC−12 to UTC+14), and a window reaches two months back. Reading reports from this month
 * on is enough to decide lagging in every plan's zone without knowing the zone first.
 */
export function earliestLaggingPeriod(now: Date): string {
  return addMonths(localPeriod(now, 'UTC'), -3)
}

/**
 * Lagging: still being rectified with no progress report for either month of the window. Only months that ended
 * after the item was put on the list count, and both must count, so an item on the list for less than two full
 * months is never lagging.
 */
export function isLagging(
  item: { status: ItemStatus; createdAt: string },
  reportedPeriods: ReadonlySet<string> | readonly string[],
  window: Pick<LaggingWindow, 'periods' | 'listedBeforeIso'>,
): boolean {
  if (!RECTIFYING_STATUSES.includes(item.status)) return false
  if (item.createdAt >= window.listedBeforeIso) return false
  const reported = Array.isArray(reportedPeriods)
    ? (p: string) => reportedPeriods.includes(p)
    : (p: string) => (reportedPeriods as ReadonlySet<string>).has(p)
  return !window.periods.some(reported)
}

/** Today in a zone at an instant, remembered for the few (instant, zone) pairs a statement asks about. */
const todays = new Map<string, string>()
function todayIn(nowIso: string, timeZone: string): string {
  const key = `${timeZone} ${nowIso}`
  let today = todays.get(key)
  if (today === undefined) {
    today = localDate(new Date(nowIso), timeZone)
    if (todays.size >= 256) todays.clear()
    todays.set(key, today)
  }
  return today
}

/**
 * The months in which any unit reported on an item, as an SQL expression for the lagging functions below: `itemId`
 * is the SQL naming the item's id, `where` narrows its reports (`r`: which months, filed by when). Once each
 * ('YYYY-MM,YYYY-MM', or null when none): corrections and several units' reports repeat a month, and a repeated
 * month only lengthens the text. The one reading of report months that lagging is decided from: the list filter
 * and the views (items.repo.ts) and the bulletin's reconstruction (bulletin.compute.ts) all build it here.
 */
export function reportedMonthsSql(itemId: string, where: string): string {
  return `(SELECT group_concat(DISTINCT r.period) FROM progress_reports r WHERE r.item_id = ${itemId} AND ${where})`
}

/** Month lists as SQL hands them over (see `reportedMonthsSql`), repeats allowed. */
const periodsOf = (csv: string | null): string[] => (csv === null ? [] : csv.split(','))

const registered = new WeakSet<Database.Database>()

/**
 * Makes the facts SQL functions of this connection (deterministic, so SQLite may factor them out):
 * - `item_days_overdue(status, deadline_kind, deadline, today)` → days overdue on that date (0: not overdue);
 * - `local_date(now_iso, time_zone)` → today's date in the zone at that instant;
 * - `item_lagging(status, created_at, reported_csv, older, newer, listed_before_iso)` → 1 when lagging in that window;
 * - `item_lagging_at(status, created_at, reported_csv, now_iso, time_zone)` → 1 when lagging at that instant.
 */
export function registerItemFacts(sqlite: Database.Database): void {
  if (registered.has(sqlite)) return
  registered.add(sqlite)
  const options = { deterministic: true, varargs: false } as const
  sqlite.function(
    'item_days_overdue',
    options,
    (status: unknown, deadlineKind: unknown, deadline: unknown, today: unknown) =>
      overdueOn(
        { status: status as ItemStatus, deadlineKind: deadlineKind as DeadlineKind, deadline: deadline as string | null },
        today as string,
      ).daysOverdue,
  )
  sqlite.function('local_date', options, (nowIso: unknown, timeZone: unknown) => todayIn(nowIso as string, timeZone as string))
  sqlite.function(
    'item_lagging',
    options,
    (status: unknown, createdAt: unknown, reported: unknown, older: unknown, newer: unknown, listedBefore: unknown) =>
      isLagging({ status: status as ItemStatus, createdAt: createdAt as string }, periodsOf(reported as string | null), {
        periods: [older as string, newer as string],
        listedBeforeIso: listedBefore as string,
      })
        ? 1
        : 0,
  )
  sqlite.function(
    'item_lagging_at',
    options,
    (status: unknown, createdAt: unknown, reported: unknown, nowIso: unknown, timeZone: unknown) =>
      isLagging(
        { status: status as ItemStatus, createdAt: createdAt as string },
        periodsOf(reported as string | null),
        laggingWindow(new Date(nowIso as string), timeZone as string),
      )
        ? 1
        : 0,
  )
}
