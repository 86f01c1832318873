// Calendar dates ('YYYY-MM-DD') and months ('YYYY-MM') in a plan's time zone, computed from instants.
// Nothing here reads the machine's time zone: every conversion names its zone.

export const DEFAULT_TIMEZONE = 'Asia/Shanghai'

/** The source of "now" for everything that depends on time; tests inject a fixed one. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that stays where it is put; `set` and `advance` move it. */
export function fixedClock(start: Date | string): Clock & { set(to: Date | string): void; advanceMs(ms: number): void } {
  let current = new Date(start)
  return {
    now: () => new Date(current),
    set(to) {
      current = new Date(to)
    },
    advanceMs(ms) {
      current = new Date(current.getTime() + ms)
    },
  }
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const PERIOD_RE = /^(\d{4})-(\d{2})$/

const partsFormatters = new Map<string, Intl.DateTimeFormat>()
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    partsFormatters.set(timeZone, f)
  }
  return f
}

/** True when `timeZone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    partsFormatter(timeZone)
    return true
  } catch {
    return false
  }
}

function wallClock(instant: Date, timeZone: string) {
  const parts = partsFormatter(timeZone).formatToParts(instant)
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

// Zone offsets are whole multiples of 15 minutes and change only on 15-minute boundaries, so the offset found for
// any instant holds for its whole 15-minute slot. Caching it per slot makes localDate cheap enough to run for
// every item of a page (Intl's formatToParts costs microseconds per call).
const SLOT_MS = 15 * 60 * 1000
const offsetCache = new Map<string, number>()

function cachedOffsetMs(instant: Date, timeZone: string): number {
  const slot = Math.floor(instant.getTime() / SLOT_MS)
  const key = `${timeZone}|${slot}`
  let offset = offsetCache.get(key)
  if (offset === undefined) {
    offset = offsetMs(new Date(slot * SLOT_MS), timeZone)
    if (offsetCache.size > 50_000) offsetCache.clear()
    offsetCache.set(key, offset)
  }
  return offset
}

/** The calendar date of `instant` in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  const shifted = new Date(instant.getTime() + cachedOffsetMs(instant, timeZone))
  return `${pad(shifted.getUTCFullYear(), 4)}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`
}

/** The month ('YYYY-MM') of `instant` in `timeZone`. */
export function localPeriod(instant: Date, timeZone: string): string {
  return localDate(instant, timeZone).slice(0, 7)
}

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (east positive). */
function offsetMs(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone)
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000
}

/** The instant at which `date` begins (00:00) in `timeZone`. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const { year, month, day } = parseDate(date)
  const guess = Date.UTC(year, month - 1, day)
  // Two passes settle the offset even on a day whose offset changes (DST zones).
  let instant = guess - offsetMs(new Date(guess), timeZone)
  instant = guess - offsetMs(new Date(instant), timeZone)
  return new Date(instant)
}

/** The last instant (exclusive bound) of `date` in `timeZone`: the start of the next day. */
export function endOfLocalDay(date: string, timeZone: string): Date {
  return startOfLocalDay(addDays(date, 1), timeZone)
}

export function isValidDate(value: string): boolean {
  const m = DATE_RE.exec(value)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (mo < 1 || mo > 12 || d < 1) return false
  return d <= daysInMonth(y, mo)
}

export function isValidPeriod(value: string): boolean {
  const m = PERIOD_RE.exec(value)
  if (!m) return false
  const mo = Number(m[2])
  return mo >= 1 && mo <= 12
}

function parseDate(date: string) {
  const m = DATE_RE.exec(date)
  if (!m) throw new RangeError(`not a date: ${date}`)
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

// Deadlines repeat across items and days: a list works out the same few dates again and again.
const utcDaysOf = new Map<string, number>()

function toUtcDays(date: string): number {
  let days = utcDaysOf.get(date)
  if (days === undefined) {
    const { year, month, day } = parseDate(date)
    days = Date.UTC(year, month - 1, day) / 86_400_000
    if (utcDaysOf.size >= 10_000) utcDaysOf.clear()
    utcDaysOf.set(date, days)
  }
  return days
}

function fromUtcDays(days: number): string {
  const d = new Date(days * 86_400_000)
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

export function addDays(date: string, days: number): string {
  return fromUtcDays(toUtcDays(date) + days)
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return toUtcDays(to) - toUtcDays(from)
}

/** ISO weekday: 1 Monday … 7 Sunday. */
export function isoWeekday(date: string): number {
  const d = new Date(toUtcDays(date) * 86_400_000).getUTCDay()
  return d === 0 ? 7 : d
}

export function firstDayOfPeriod(period: string): string {
  return `${period}-01`
}

export function lastDayOfPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number]
  return `${period}-${pad(daysInMonth(y, m))}`
}

export function addMonths(period: string, months: number): string {
  const [y, m] = period.split('-').map(Number) as [number, number]
  const index = y * 12 + (m - 1) + months
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`
}

/** The instant at which `period` ends in `timeZone` (the start of the next month; exclusive). */
export function endOfPeriod(period: string, timeZone: string): Date {
  return startOfLocalDay(firstDayOfPeriod(addMonths(period, 1)), timeZone)
}
