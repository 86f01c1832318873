// How the workbench writes dates, deadlines and messages: Chinese, in the plan's time zone.
import type { DeadlineKind } from '../modules/closeout/deadlines.ts'
import { chineseDate, chineseMonth } from '../lib/chinese-date.ts'
import { wordingAgainst } from '../modules/import/deadline-phrase.ts'

/** 'YYYY-MM-DD' → '2018年12月31日'; anything else is shown as given. */
export function longDate(date: string | null | undefined): string {
  return date ? chineseDate(date) : '—'
}

/** 'YYYY-MM' → '2018年11月'. */
export function longPeriod(period: string): string {
  return chineseMonth(period)
}

/** The deadline from its kind and date alone: 立行立改, a date, 长期坚持, or a date and then 长期坚持. */
function deadlineFromDate(item: { deadlineKind: DeadlineKind; deadline: string | null }): string {
  const date = item.deadline ? `${longDate(item.deadline)}前` : null
  switch (item.deadlineKind) {
    case 'immediate':
      return date ? `立行立改（${date}）` : '立行立改'
    case 'long_term':
      return date ? `${date}完成，长期坚持` : '长期坚持'
    default:
      return date ?? '—'
  }
}

/**
 * The deadline as the workbench shows it everywhere, in two parts: the checklist's own wording (2026年第三季度,
 * 长期坚持) with the date it means beside it when the wording does not name that day (2026年第三季度 and
 * 2026年9月30日前); wording the reader cannot check against the date (entered through the API) with the kind and date
 * beside it; and only the kind and date (2026年9月30日前, 立行立改, 长期坚持) without wording or once an extension or
 * an edit has outdated it.
 */
export function deadlineParts(item: { deadlineKind: DeadlineKind; deadline: string | null; deadlineText?: string }): {
  text: string
  /** What the text means, shown beside it in brackets; null when the text says it all. */
  meaning: string | null
} {
  const wording = item.deadlineText?.trim() ?? ''
  switch (wordingAgainst(wording, item)) {
    case 'says':
      return item.deadline === null || wording.includes(longDate(item.deadline))
        ? { text: wording, meaning: null }
        : { text: wording, meaning: `${longDate(item.deadline)}前` }
    case 'unreadable':
      return { text: wording, meaning: deadlineFromDate(item) }
    default:
      return { text: deadlineFromDate(item), meaning: null }
  }
}

/** deadlineParts as one line: 2026年第三季度（2026年9月30日前）. */
export function deadlineText(item: { deadlineKind: DeadlineKind; deadline: string | null; deadlineText?: string }): string {
  const { text, meaning } = deadlineParts(item)
  return meaning === null ? text : `${text}（${meaning}）`
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>()

/** An instant as '2018-10-15 10:00' in the given zone. */
export function localDateTime(iso: string, timeZone: string): string {
  let format = dateTimeFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    dateTimeFormats.set(timeZone, format)
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`
}

/** '1.2 MB' */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** An instant as '2018年10月15日 10:00' in the given zone. */
export function longDateTime(iso: string, timeZone: string): string {
  const [date, time] = localDateTime(iso, timeZone).split(' ')
  return `${chineseDate(date!)} ${time}`
}
