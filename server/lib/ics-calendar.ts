// Reads a holiday calendar exported as iCalendar (.ics) into days off and make-up workdays. Chinese government
// holiday calendars mark a holiday as an all-day event (several days: DTEND is exclusive) named like “国庆节” or
// “国庆节 休”, and a make-up workday (调休上班) as one named with 班 (“补班”, “上班”, “国庆节 班”).
import ICAL from 'ical.js'
import { addDays } from './time.ts'

export interface CalendarDay {
  date: string
  kind: 'holiday' | 'workday'
  /** The event's name without its 休/班 marker, e.g. 国庆节. */
  note: string
}

export interface IgnoredEvent {
  summary: string
  reason: string
}

/** At most this many days from one event: a longer “holiday” is a mistake (or a whole-year event), not a holiday. */
const MAX_EVENT_DAYS = 31

const WORKDAY = /班/
const DAY_OFF = /休|假/
const MARKER = /[\s（(【[]*(?:补班|上班|调休|放假|休息|休|班|假)[\s）)】\]]*$/

export type IcsReadResult = { ok: true; days: CalendarDay[]; ignored: IgnoredEvent[] } | { ok: false; error: string }

/**
 * The days an .ics file marks, sorted by date. When any event carries a 休/假 marker, events with neither marker
 * (observances such as 植树节 that are not days off) are listed as ignored rather than taken as holidays.
 */
export function readHolidayIcs(text: string): IcsReadResult {
  const body = text.replace(/^\uFEFF/, '').trimStart()
  if (!/^BEGIN:VCALENDAR/i.test(body))
    return { ok: false, error: '该文件不是 iCalendar 日历文件（.ics），请从日历软件或政府网站导出后上传' }
  let root: ICAL.Component
  try {
    const parsed = ICAL.parse(body)
    const first = (typeof parsed[0] === 'string' ? parsed : parsed[0]) as unknown[]
    root = new ICAL.Component(first as never)
  } catch {
    return { ok: false, error: '无法读取该日历文件：格式不符合 iCalendar 规范' }
  }
  if (root.name !== 'vcalendar') return { ok: false, error: '该文件不是 iCalendar 日历文件（.ics）' }

  const events = root.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c))
  const marked = events.some((e) => DAY_OFF.test(e.summary ?? '') && !WORKDAY.test(e.summary ?? ''))
  const days = new Map<string, CalendarDay>()
  const ignored: IgnoredEvent[] = []
  for (const event of events) {
    const summary = (event.summary ?? '').trim()
    const start = event.startDate
    if (!start) {
      ignored.push({ summary, reason: '没有开始日期' })
      continue
    }
    if (!start.isDate) {
      ignored.push({ summary, reason: '不是全天日程' })
      continue
    }
    if (event.isRecurring()) {
      ignored.push({ summary, reason: '重复的日程不导入，请逐日列出' })
      continue
    }
    const kind = WORKDAY.test(summary) ? 'workday' : DAY_OFF.test(summary) || !marked ? 'holiday' : null
    if (!kind) {
      ignored.push({ summary, reason: '未标“休”或“班”，不是放假或调休上班日' })
      continue
    }
    const first = start.toString()
    const end = event.endDate?.isDate ? event.endDate.toString() : addDays(first, 1)
    const last = end > first ? addDays(end, -1) : first
    let count = 0
    for (let d = first; d <= last; d = addDays(d, 1)) count++
    if (count > MAX_EVENT_DAYS) {
      ignored.push({ summary, reason: `跨${count}天，超过${MAX_EVENT_DAYS}天，不像是节假日` })
      continue
    }
    const note = summary.replace(MARKER, '').trim() || (kind === 'holiday' ? '放假' : '调休上班')
    for (let d = first; d <= last; d = addDays(d, 1)) {
      const already = days.get(d)
      if (already && already.kind !== kind) {
        return { ok: false, error: `${d}在文件中既标为放假又标为调休上班（“${already.note}”和“${note}”），请核对文件` }
      }
      if (!already) days.set(d, { date: d, kind, note })
    }
  }
  return { ok: true, days: [...days.values()].sort((a, b) => (a.date < b.date ? -1 : 1)), ignored }
}
