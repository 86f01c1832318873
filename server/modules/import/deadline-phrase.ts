// Deadline phrases (完成时限) as written in rectification checklists: '立行立改', '2018年12月底前', '2019.6.30',
// '2018年第四季度', '长期坚持' and their combinations.
//
// The parser accepts only text it can read completely and refuses everything else: a guessed deadline would
// silently make a finding overdue (or hide that it is), which is worse than asking the importer to fix the cell.

import { daysInMonth } from '../../lib/time.ts'

export type DeadlineKind = 'immediate' | 'date' | 'long_term'

export interface ParsedDeadline {
  deadlineKind: DeadlineKind
  /** 'YYYY-MM-DD', the last day of the named day/month/quarter/half-year/year; null when none is named. */
  deadline: string | null
  /** The phrase says 立行立改 (kept even when a date or a long-term marker decides the kind). */
  immediate: boolean
  /** The phrase says 长期坚持 / 持续推进 / 长期 ... */
  longTerm: boolean
}

export type DeadlineParseResult = { ok: true; value: ParsedDeadline } | { ok: false; message: string }

// Earlier or later years in a deadline cell are typos (1018, 2108) rather than real dates, so they are refused.
export const MIN_DEADLINE_YEAR = 2000
export const MAX_DEADLINE_YEAR = 2099

const MESSAGE_TEXT_LIMIT = 80

/** A period named in the phrase, as its first and last calendar day. */
interface NamedPeriod {
  first: string
  last: string
}

type Token =
  | { type: 'immediate' }
  | { type: 'long_term' }
  | { type: 'deadline'; period: NamedPeriod }
  | { type: 'start'; period: NamedPeriod }

class PhraseError extends Error {}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

function isoDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers: ASCII digits (full-width ones are folded by NFKC) or Chinese numerals.

const CN_DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }

/** '二〇一八' is read digit by digit, as years are spoken. */
function readYear(raw: string): number {
  if (/^\d{4}$/u.test(raw)) return Number(raw)
  let year = 0
  for (const ch of raw) {
    const digit = CN_DIGITS[ch]
    if (digit === undefined) throw new PhraseError(`"${raw}" is not a year`)
    year = year * 10 + digit
  }
  return year
}

/** Small numbers up to 99: '7', '07', '十', '十二', '二十', '三十一'. */
function readSmall(raw: string): number {
  if (/^\d{1,2}$/u.test(raw)) return Number(raw)
  const m = /^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/u.exec(raw)
  // Without 十 only a single numeral is a number; '二三' is not 23.
  if (!m || raw === '' || (!m[2] && m[1] !== undefined && m[3] !== undefined)) {
    throw new PhraseError(`"${raw}" is not a number`)
  }
  const [, tensDigit, ten, units] = m
  if (!ten) return CN_DIGITS[units ?? tensDigit ?? ''] ?? 0
  const tens = tensDigit === undefined ? 1 : (CN_DIGITS[tensDigit] ?? 0)
  return tens * 10 + (units === undefined ? 0 : (CN_DIGITS[units] ?? 0))
}

function checkYear(year: number): number {
  if (year < MIN_DEADLINE_YEAR || year > MAX_DEADLINE_YEAR) {
    throw new PhraseError(`year ${year} is outside ${MIN_DEADLINE_YEAR}–${MAX_DEADLINE_YEAR}`)
  }
  return year
}

function checkMonth(month: number): number {
  if (month < 1 || month > 12) throw new PhraseError(`month ${month} does not exist`)
  return month
}

function checkDay(year: number, month: number, day: number): number {
  if (day < 1 || day > daysInMonth(year, month)) {
    throw new PhraseError(`${year}-${pad(month)} has no day ${day}`)
  }
  return day
}

function monthPeriod(year: number, month: number): NamedPeriod {
  return { first: isoDate(year, month, 1), last: isoDate(year, month, daysInMonth(year, month)) }
}

function spanPeriod(year: number, fromMonth: number, toMonth: number): NamedPeriod {
  return { first: monthPeriod(year, fromMonth).first, last: monthPeriod(year, toMonth).last }
}

/** 底/末 narrows a period to its last day, which only matters when it starts a long-term phrase (…年底起). */
function narrowToEnd(period: NamedPeriod, end: string | undefined): NamedPeriod {
  return end ? { first: period.last, last: period.last } : period
}

// ---------------------------------------------------------------------------------------------------------------
// Date expressions. Each pattern is sticky and tried at the tokenizer's position; more specific forms come first
// so that '2018年12月31日' is not read as the year 2018 followed by leftovers.

// 于/在 introduce a deadline, 自/从 a start.
const PREFIX = '(于|在|自|从)?'
const YEAR = '(\\d{4}|[〇零一二三四五六七八九]{4})'
const SMALL = '(\\d{1,2}|[一二三四五六七八九十]{1,3})'

interface DateForm {
  re: RegExp
  read(groups: (string | undefined)[]): NamedPeriod
}

const sticky = (source: string) => new RegExp(source, 'uy')

const DATE_FORMS: DateForm[] = [
  {
    // 2019年6月30日 / 2019年6月30号
    re: sticky(`${PREFIX}${YEAR}年${SMALL}月${SMALL}[日号]`),
    read: ([y, m, d]) => {
      const year = checkYear(readYear(y ?? ''))
      const month = checkMonth(readSmall(m ?? ''))
      const day = checkDay(year, month, readSmall(d ?? ''))
      const date = isoDate(year, month, day)
      return { first: date, last: date }
    },
  },
  {
    // 2019.6.30 / 2019-06-30 / 2019/6/30: the same separator twice, and no digit straight after the day.
    re: sticky(`${PREFIX}(\\d{4})([./-])(\\d{1,2})\\3(\\d{1,2})(?!\\d)`),
    read: ([y, , m, d]) => {
      const year = checkYear(readYear(y ?? ''))
      const month = checkMonth(readSmall(m ?? ''))
      const day = checkDay(year, month, readSmall(d ?? ''))
      const date = isoDate(year, month, day)
      return { first: date, last: date }
    },
  },
  {
    // 2018年12月 / 2018年12月底 / 2018年12月末 / 2018年12月份
    re: sticky(`${PREFIX}${YEAR}年${SMALL}月份?([底末])?`),
    read: ([y, m, end]) => {
      const year = checkYear(readYear(y ?? ''))
      const month = checkMonth(readSmall(m ?? ''))
      return narrowToEnd(monthPeriod(year, month), end)
    },
  },
  {
    // 2018年第四季度 / 2018年四季度 / 2018年第1季度末
    re: sticky(`${PREFIX}${YEAR}年第?${SMALL}季度([底末])?`),
    read: ([y, q, end]) => {
      const year = checkYear(readYear(y ?? ''))
      const quarter = readSmall(q ?? '')
      if (quarter < 1 || quarter > 4) throw new PhraseError(`quarter ${quarter} does not exist`)
      return narrowToEnd(spanPeriod(year, quarter * 3 - 2, quarter * 3), end)
    },
  },
  {
    // 2019年上半年 / 2019年下半年底
    re: sticky(`${PREFIX}${YEAR}年([上下])半年([底末])?`),
    read: ([y, half, end]) => {
      const year = checkYear(readYear(y ?? ''))
      return narrowToEnd(half === '上' ? spanPeriod(year, 1, 6) : spanPeriod(year, 7, 12), end)
    },
  },
  {
    // 2018年底 / 2018年末 / 2018年年底 / 2018年终 / 2018年内 / 2018年
    re: sticky(`${PREFIX}${YEAR}年(?:年?([底末终])|内)?`),
    read: ([y, end]) => {
      const year = checkYear(readYear(y ?? ''))
      return narrowToEnd(spanPeriod(year, 1, 12), end)
    },
  },
]

const START_SUFFIX = sticky('起开始|起|开始')
const DEADLINE_SUFFIX = sticky('(?:以前|之前|前)?(?:基本完成|整改完成|完成整改|完成)?')
const IMMEDIATE = sticky('立行立改')
// Longest first, so that '长期坚持' is not read as '长期' followed by an unknown '坚持'.
const LONG_TERM = sticky('长期坚持|长期推进|长期执行|长期保持|长期开展|持续推进|持续坚持|持续开展|持续整改|长期')
const SEPARATORS = sticky('(?:[\\s,、;。]|并且|并|且)+')

function matchAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at
  return re.exec(text)
}

function readDate(text: string, at: number): { token: Token; end: number } | null {
  for (const form of DATE_FORMS) {
    const m = matchAt(form.re, text, at)
    if (!m) continue
    const [, prefix, ...groups] = m
    const period = form.read(groups)
    let end = at + m[0].length
    const start = matchAt(START_SUFFIX, text, end)
    if (start || prefix === '自' || prefix === '从') {
      if (prefix === '于' || prefix === '在') throw new PhraseError(`"${m[0]}" is both a deadline and a start`)
      return { token: { type: 'start', period }, end: end + (start?.[0].length ?? 0) }
    }
    end += matchAt(DEADLINE_SUFFIX, text, end)?.[0].length ?? 0
    return { token: { type: 'deadline', period }, end }
  }
  return null
}

/** Why the wording at `rest` could not be read, as precisely as can be told without guessing. */
function unreadable(rest: string): string {
  if (/^\d{1,3}(?:年|[./-]\d)/u.test(rest)) return `the year in "${shorten(rest)}" must have four digits`
  if (/^\d{4}[./-]\d{1,2}(?![\d./-])/u.test(rest)) {
    // Spreadsheets store 2019.10 as the number 2019.1, so a dotted year-month cannot be trusted to mean a month.
    return `"${shorten(rest)}" gives a month only in numbers; write it as 2019年6月 or name the day`
  }
  if (/^(?:第?(?:\d{1,2}|[一二三四五六七八九十]{1,3})(?:月|季度)|[上下]半年|年(?:[底末终内中])|[今明本当后次]年)/u.test(rest)) {
    return `no year is named in "${shorten(rest)}"`
  }
  return `unrecognised wording "${shorten(rest)}"`
}

function shorten(s: string): string {
  const chars = Array.from(s)
  return chars.length > MESSAGE_TEXT_LIMIT ? `${chars.slice(0, MESSAGE_TEXT_LIMIT).join('')}…` : s
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < text.length) {
    const sep = matchAt(SEPARATORS, text, at)
    if (sep) {
      at += sep[0].length
      continue
    }
    if (matchAt(IMMEDIATE, text, at)) {
      tokens.push({ type: 'immediate' })
      at += 4
      continue
    }
    const long = matchAt(LONG_TERM, text, at)
    if (long) {
      tokens.push({ type: 'long_term' })
      at += long[0].length
      continue
    }
    const date = readDate(text, at)
    if (date) {
      tokens.push(date.token)
      at = date.end
      continue
    }
    throw new PhraseError(unreadable(text.slice(at)))
  }
  return tokens
}

/**
 * NFKC folds full-width digits and punctuation (２０１８，；) into ASCII. Whitespace is dropped except between
 * two digits, where dropping it would join separate numbers into a different one ('2019 6' is not 20196).
 */
function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .trim()
    .replace(/\s+/gu, (ws: string, offset: number, whole: string) =>
      /\d/u.test(whole.charAt(offset - 1)) && /\d/u.test(whole.charAt(offset + ws.length)) ? ' ' : '',
    )
}

function distinct(values: string[]): string[] {
  return [...new Set(values)].sort()
}

function resolve(tokens: Token[]): ParsedDeadline {
  const immediate = tokens.some((t) => t.type === 'immediate')
  const longTerm = tokens.some((t) => t.type === 'long_term')
  const deadlines = distinct(tokens.flatMap((t) => (t.type === 'deadline' ? [t.period.last] : [])))
  const starts = distinct(tokens.flatMap((t) => (t.type === 'start' ? [t.period.first] : [])))

  if (deadlines.length > 1) throw new PhraseError(`it names different deadlines (${deadlines.join(', ')})`)
  if (starts.length > 1) throw new PhraseError(`it names different start dates (${starts.join(', ')})`)
  const deadline = deadlines[0] ?? null
  const start = starts[0]
  if (start !== undefined && !longTerm) {
    throw new PhraseError(`a start date (起/开始, ${start}) is not a deadline and no long-term marker follows it`)
  }
  if (start !== undefined && deadline !== null && start > deadline) {
    throw new PhraseError(`the start date ${start} is after the deadline ${deadline}`)
  }
  if (!immediate && !longTerm && deadline === null) throw new PhraseError('it names no deadline')

  const deadlineKind: DeadlineKind = longTerm ? 'long_term' : deadline !== null ? 'date' : 'immediate'
  return { deadlineKind, deadline, immediate, longTerm }
}

export function parseDeadlinePhrase(text: string): DeadlineParseResult {
  // Spreadsheet cells arrive untyped at runtime; a number or null must be refused, not crash the import.
  if (typeof text !== 'string') return { ok: false, message: `cannot read deadline ${String(text)}: it is not text` }
  const named = JSON.stringify(shorten(text.trim()))
  try {
    const normalized = normalize(text)
    if (normalized === '') return { ok: false, message: `cannot read deadline ${named}: it is empty` }
    return { ok: true, value: resolve(tokenize(normalized)) }
  } catch (err) {
    if (err instanceof PhraseError) return { ok: false, message: `cannot read deadline ${named}: ${err.message}` }
    throw err
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

/** Why `value` could not have come from parseDeadlinePhrase, or null when it could. */
function inconsistency(value: ParsedDeadline): string | null {
  const { deadline, immediate, longTerm, deadlineKind } = value
  if (deadline !== null) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(deadline)
    const [year, month, day] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [NaN, NaN, NaN]
    if (!m || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return `deadline ${deadline} is not a date`
    }
    if (year < MIN_DEADLINE_YEAR || year > MAX_DEADLINE_YEAR) return `deadline ${deadline} is out of range`
  }
  const expected: DeadlineKind | null = longTerm ? 'long_term' : deadline !== null ? 'date' : immediate ? 'immediate' : null
  if (expected === null) return 'it says nothing'
  if (expected !== deadlineKind) return `its flags make it ${expected}, not ${deadlineKind}`
  return null
}

/**
 * The canonical phrase for a parsed deadline, used when exporting; parseDeadlinePhrase(formatDeadlinePhrase(x))
 * gives back x. Throws a RangeError for a value the parser could never have produced (a programming error).
 */
export function formatDeadlinePhrase(value: ParsedDeadline): string {
  const problem = inconsistency(value)
  if (problem !== null) throw new RangeError(`cannot format deadline ${JSON.stringify(value)}: ${problem}`)
  const parts: string[] = []
  if (value.immediate) parts.push('立行立改')
  if (value.deadline !== null) {
    const [year, month, day] = value.deadline.split('-').map(Number) as [number, number, number]
    // Month ends are written the way checklists write them (12月底前) rather than as 12月31日前.
    parts.push(day === daysInMonth(year, month) ? `${year}年${month}月底前` : `${year}年${month}月${day}日前`)
  }
  if (value.longTerm) parts.push('长期坚持')
  return parts.join('，')
}

/**
 * What a deadline's wording says of the item's kind and date: nothing (empty), the same (`says`), another deadline
 * (`outdated`: the deadline was moved, by an extension or an edit, since it was written) or nothing readable.
 */
export function wordingAgainst(
  text: string,
  deadline: { deadlineKind: DeadlineKind; deadline: string | null },
): 'empty' | 'says' | 'outdated' | 'unreadable' {
  if (text.trim() === '') return 'empty'
  const parsed = parseDeadlinePhrase(text)
  if (!parsed.ok) return 'unreadable'
  return parsed.value.deadlineKind === deadline.deadlineKind && parsed.value.deadline === deadline.deadline ? 'says' : 'outdated'
}
