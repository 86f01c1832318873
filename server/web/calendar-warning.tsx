// The warning an admin sees on the home page and on 系统管理 when the coming year's working days are unknown:
// neither the built-in official data (chinese-days) nor entered overrides cover it, so public notices in that year
// would count weekends only.
import { localDate } from '../lib/time.ts'
import { OFFICIAL_DATA_YEARS } from '../lib/working-days.ts'

/** The years that entered overrides (the admin's calendar page, or the API) cover. */
export function overrideYears(overrides: { date: string }[]): number[] {
  return [...new Set(overrides.map((o) => Number(o.date.slice(0, 4))))].sort()
}

/** The warning's text for `now` in `timezone`, or null when the coming year is covered. */
export function calendarWarning(overrides: { date: string }[], now: Date, timezone: string): string | null {
  const coming = Number(localDate(now, timezone).slice(0, 4)) + 1
  if (coming <= OFFICIAL_DATA_YEARS.last || overrideYears(overrides).includes(coming)) return null
  return `内置节假日数据仅覆盖至${OFFICIAL_DATA_YEARS.last}年，${coming}年的节假日和调休上班日尚未录入，公示期将仅按周末计算。`
}

export function CalendarWarning({ text }: { text: string | null }) {
  if (text === null) return ''
  return (
    <div class="flash flash-error" role="alert">
      <span safe>{text}</span> <a href="/admin/calendar">录入工作日历</a>
    </div>
  )
}
