// The official Chinese working calendar (法定节假日 and 调休 make-up workdays), used to count
// public-notice (公示) periods in working days.
//
// Official data comes from the `chinese-days` package. We read its published JSON table rather
// than calling its isWorkday()/getDayDetail(): those build and look up their tables with the
// machine's local-time Date getters on dates parsed as UTC, so on a host west of UTC every date
// shifts by one day. Reading the table keeps this module independent of the machine's time zone,
// like time.ts.

import { createRequire } from 'node:module'
import { addDays, isoWeekday, isValidDate } from './time.ts'

export interface CalendarOverride {
  date: string /* YYYY-MM-DD */
  kind: 'holiday' | 'workday'
}

/** What decided whether a day is a working day. */
export type DaySource = 'override' | 'official' | 'fallback'

export interface DayDecision {
  working: boolean
  source: DaySource
}

export interface WorkingCalendar {
  /** true when the date is a working day (overrides > official data > weekend fallback) */
  isWorkingDay(date: string): boolean
  /** true when official data covers this date's year (so no fallback was needed) */
  hasOfficialData(date: string): boolean
  /**
   * Optional so that hand-written calendars (e.g. test fakes) need only the two methods above.
   * Without it, noticePeriod cannot tell an override from the fallback and treats every day in a
   * year without official data as decided by the fallback.
   */
  decide?(date: string): DayDecision
}

export interface NoticePeriod {
  firstDay: string
  lastDay: string
  usedFallback: boolean
}

export const DEFAULT_NOTICE_WORKING_DAYS = 5

/**
 * No real calendar has a year without a working day, so a gap this long can only come from
 * overrides declaring everything a holiday; stop instead of looping forever.
 */
const MAX_CONSECUTIVE_NON_WORKING_DAYS = 366

interface ChineseDaysTable {
  holidays: Record<string, string>
  workdays: Record<string, string>
}

function loadOfficialTable(): ChineseDaysTable {
  // createRequire rather than a JSON import: Node 20 still flags JSON modules as experimental and
  // would print a warning at start-up.
  const require = createRequire(import.meta.url)
  const raw: unknown = require('chinese-days/dist/chinese-days.json')
  const isTable = (v: unknown): v is Record<string, string> => typeof v === 'object' && v !== null
  if (typeof raw !== 'object' || raw === null) throw new Error('chinese-days: holiday table is not an object')
  const { holidays, workdays } = raw as Record<string, unknown>
  if (!isTable(holidays) || !isTable(workdays)) {
    throw new Error('chinese-days: holiday table lacks "holidays"/"workdays"; has its data format changed?')
  }
  return { holidays, workdays }
}

const official = loadOfficialTable()
const officialHolidays = new Set(Object.keys(official.holidays))
const officialWorkdays = new Set(Object.keys(official.workdays))

// Every year the State Council publishes an arrangement has at least 元旦 in it, so "the year
// appears in the table" is what "official data covers the year" means. A year appears in full
// or not at all, because each year's arrangement is published in one notice.
const officialYears: ReadonlySet<number> = new Set([...officialHolidays, ...officialWorkdays].map((d) => Number(d.slice(0, 4))))

/** The first and last year with official data in the installed chinese-days (2004–2026 as of 1.5.7). */
export const OFFICIAL_DATA_YEARS: { readonly first: number; readonly last: number } = Object.freeze({
  first: Math.min(...officialYears),
  last: Math.max(...officialYears),
})

function assertDate(date: string, what: string): void {
  if (!isValidDate(date)) throw new RangeError(`${what} is not a valid YYYY-MM-DD date: ${JSON.stringify(date)}`)
}

function yearOf(date: string): number {
  return Number(date.slice(0, 4))
}

export function createWorkingCalendar(overrides: readonly CalendarOverride[] = []): WorkingCalendar {
  const overrideKinds = new Map<string, CalendarOverride['kind']>()
  for (const o of overrides) {
    assertDate(o.date, 'calendar override date')
    if (o.kind !== 'holiday' && o.kind !== 'workday') {
      throw new RangeError(`calendar override for ${o.date} has unknown kind ${JSON.stringify(o.kind)}`)
    }
    const previous = overrideKinds.get(o.date)
    // Silently picking one of two contradicting admin entries would make deadlines depend on
    // list order; refuse instead so the conflict gets fixed at the source.
    if (previous !== undefined && previous !== o.kind) {
      throw new RangeError(`calendar overrides for ${o.date} contradict each other (${previous} and ${o.kind})`)
    }
    overrideKinds.set(o.date, o.kind)
  }

  const hasOfficialData = (date: string): boolean => {
    assertDate(date, 'date')
    return officialYears.has(yearOf(date))
  }

  const decide = (date: string): DayDecision => {
    assertDate(date, 'date')
    const override = overrideKinds.get(date)
    if (override !== undefined) return { working: override === 'workday', source: 'override' }
    const weekday = isoWeekday(date) <= 5
    if (officialYears.has(yearOf(date))) {
      if (officialWorkdays.has(date)) return { working: true, source: 'official' }
      if (officialHolidays.has(date)) return { working: false, source: 'official' }
      return { working: weekday, source: 'official' }
    }
    return { working: weekday, source: 'fallback' }
  }

  return {
    isWorkingDay: (date) => decide(date).working,
    hasOfficialData,
    decide,
  }
}

/** The notice runs from the first working day after `acceptedOn` through the end of the `workingDays`-th working day. */
export function noticePeriod(calendar: WorkingCalendar, acceptedOn: string, workingDays: number): NoticePeriod {
  assertDate(acceptedOn, 'acceptedOn')
  if (!Number.isInteger(workingDays) || workingDays < 1) {
    throw new RangeError(`workingDays must be an integer >= 1, got ${String(workingDays)}`)
  }
  const decide = (date: string): DayDecision =>
    calendar.decide?.(date) ?? {
      working: calendar.isWorkingDay(date),
      source: calendar.hasOfficialData(date) ? 'official' : 'fallback',
    }

  let firstDay: string | undefined
  let counted = 0
  let gap = 0
  let usedFallback = false
  let day = acceptedOn
  for (;;) {
    day = addDays(day, 1)
    const decision = decide(day)
    // Non-working days inside the period count too: with real data one of them might have been
    // a 调休 workday, which would have ended the notice earlier.
    if (decision.source === 'fallback') usedFallback = true
    if (!decision.working) {
      gap += 1
      if (gap >= MAX_CONSECUTIVE_NON_WORKING_DAYS) {
        throw new Error(
          `no working day in the ${MAX_CONSECUTIVE_NON_WORKING_DAYS} days after ${addDays(day, -gap)}; check the calendar overrides`,
        )
      }
      continue
    }
    gap = 0
    firstDay ??= day
    counted += 1
    if (counted === workingDays) return { firstDay, lastDay: day, usedFallback }
  }
}
