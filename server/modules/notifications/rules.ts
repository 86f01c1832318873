// Which events and reminders produce which messages for whom, and what they say. Pure: no fastify, no drizzle.
import { addDays } from '../../lib/time.ts'
import type { WorkingCalendar } from '../../lib/working-days.ts'

export type Recipient = { kind: 'unit'; unitId: number } | { kind: 'office' }

/** What a message says about its item, read in the transaction that writes it. */
export interface ItemFacts {
  itemId: number
  planId: number
  planTitle: string
  code: string
  problem: string
  leadUnitId: number
  leadUnitName: string
  deadlineKind: 'immediate' | 'date' | 'long_term'
  deadline: string | null
}

export interface MessageSpec {
  kind: NotificationKind
  recipient: Recipient
  title: string
  body: string
  planId: number | null
  itemId: number | null
  /** The item's (or the list's) path in the workbench, e.g. /items/12. */
  path: string
  /** What caused it (an event, or a rule and its subject) with kind and recipient: unique. */
  dedupeKey: string
}

export const NOTIFICATION_KINDS = [
  'urge',
  'supervision_opened',
  'supervision_sent_back',
  'closure_rejected',
  'closure_accepted',
  'item_closed',
  'objection_upheld',
  'item_reopened',
  'extension_approved',
  'extension_rejected',
  'closure_requested',
  'extension_requested',
  'objection_filed',
  'supervision_replied',
  'deadline_approaching',
  'report_due',
  'report_overdue',
  'supervision_reply_due',
  'supervision_reply_overdue',
] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

/** An appended item event, as the events repository hands it over. */
export interface ItemEventFacts {
  id: number
  itemId: number
  action: string
  comment?: string | null | undefined
  details?: Record<string, unknown> | null | undefined
}

type EventRule = {
  kind: NotificationKind
  to: 'lead_unit' | 'office'
  say: (f: ItemFacts, e: ItemEventFacts) => { title: string; body: string }
}

/** 2018-12-31 → 2018年12月31日 */
export function chineseDate(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return date
  const [y, m, d] = date.split('-').map(Number)
  return `${y}年${m}月${d}日`
}

function deadlineText(f: Pick<ItemFacts, 'deadlineKind' | 'deadline'>): string {
  if (f.deadlineKind === 'long_term') return '长期坚持'
  if (f.deadline === null) return '立行立改'
  return chineseDate(f.deadline)
}

function short(text: string, max = 60): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()]
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('')
}

/** 《方案》第3-2项「问题」（完成时限：2018年12月31日） */
export function itemLine(f: ItemFacts): string {
  return `《${f.planTitle}》第${f.code}项「${short(f.problem)}」（完成时限：${deadlineText(f)}）`
}

const detail = (e: ItemEventFacts, key: string): string => {
  const value = e.details?.[key]
  return value === undefined || value === null ? '' : String(value)
}
/** 意见：…。 (the text's own closing punctuation dropped, so it never doubles), or nothing without a comment. */
const withComment = (label: string, e: ItemEventFacts): string => {
  const text = e.comment ? short(e.comment, 200).replace(/[。．.！!；;，,、\s]+$/u, '') : ''
  return text ? `${label}：${text}。` : ''
}
const sentences = (...parts: string[]) => parts.filter((p) => p !== '').join('')

/** Item events that notify someone; every other action writes no message. */
export const EVENT_RULES: Readonly<Record<string, EventRule>> = {
  urge: {
    kind: 'urge',
    to: 'lead_unit',
    say: (f, e) => ({
      title: `【催办】${f.code}已逾期${detail(e, 'daysOverdue')}天`,
      body: `${itemLine(f)}已逾期${detail(e, 'daysOverdue')}天，请抓紧整改并及时报送整改进展。`,
    }),
  },
  supervision_opened: {
    kind: 'supervision_opened',
    to: 'lead_unit',
    say: (f, e) => ({
      title: `【督办】${detail(e, 'number')}：${f.code}`,
      body: sentences(
        `${itemLine(f)}已列入联合督办（${detail(e, 'number')}）。`,
        withComment('督办事由', e),
        `请及时签收，并于${chineseDate(detail(e, 'replyDueOn'))}前回复督办情况。`,
      ),
    }),
  },
  supervision_sent_back: {
    kind: 'supervision_sent_back',
    to: 'lead_unit',
    say: (f, e) => ({
      title: `【督办】${detail(e, 'number')}的回复被退回`,
      body: sentences(
        `${itemLine(f)}的督办回复（${detail(e, 'number')}）未通过审核。`,
        withComment('意见', e),
        detail(e, 'replyDueOn') ? `请于${chineseDate(detail(e, 'replyDueOn'))}前重新回复。` : '请重新回复。',
      ),
    }),
  },
  reject: {
    kind: 'closure_rejected',
    to: 'lead_unit',
    say: (f, e) => ({
      title: `【退回整改】${f.code}的销号申请被退回`,
      body: sentences(`${itemLine(f)}的销号申请未通过审核，已退回继续整改。`, withComment('意见', e)),
    }),
  },
  accept: {
    kind: 'closure_accepted',
    to: 'lead_unit',
    say: (f, e) => ({
      title: `【验收通过】${f.code}进入公示`,
      body: sentences(
        `${itemLine(f)}已验收通过，进入公示`,
        detail(e, 'noticeLastDay') ? `，公示期至${chineseDate(detail(e, 'noticeLastDay'))}` : '',
        '。',
      ),
    }),
  },
  close: {
    kind: 'item_closed',
    to: 'lead_unit',
    say: (f) => ({ title: `【已销号】${f.code}`, body: `${itemLine(f)}公示期满无异议，已销号。` }),
  },
  uphold_objection: {
    kind: 'objection_upheld',
    to: 'lead_unit',
    say: (f, e) => ({
      title: `【异议成立】${f.code}重新整改`,
      body: sentences(`${itemLine(f)}公示期间的异议经核查成立，事项退回继续整改。`, withComment('意见', e)),
    }),
  },
  reopen: {
    kind: 'item_reopened',
    to: 'lead_unit',
    say: (f, e) => ({
      title: `【重新整改】${f.code}`,
      body: sentences(`${itemLine(f)}已重新打开，需继续整改。`, withComment('原因', e)),
    }),
  },
  extension_approved: {
    kind: 'extension_approved',
    to: 'lead_unit',
    say: (f, e) => ({
      title: `【延期】${f.code}的延期申请已同意`,
      body: sentences(
        `${itemLine(f)}的延期申请已同意，完成时限由${chineseDate(detail(e, 'oldDeadline'))}调整为${chineseDate(detail(e, 'newDeadline'))}。`,
        withComment('意见', e),
      ),
    }),
  },
  extension_rejected: {
    kind: 'extension_rejected',
    to: 'lead_unit',
    say: (f, e) => ({
      title: `【延期】${f.code}的延期申请未同意`,
      body: sentences(`${itemLine(f)}的延期申请未同意，请按原完成时限完成整改。`, withComment('意见', e)),
    }),
  },
  request_closure: {
    kind: 'closure_requested',
    to: 'office',
    say: (f) => ({ title: `【申请销号】${f.code}（${f.leadUnitName}）`, body: `${f.leadUnitName}申请对${itemLine(f)}销号，请审核验收。` }),
  },
  extension_requested: {
    kind: 'extension_requested',
    to: 'office',
    say: (f, e) => ({
      title: `【延期申请】${f.code}（${f.leadUnitName}）`,
      body: sentences(
        `${f.leadUnitName}申请将${itemLine(f)}的完成时限延至${chineseDate(detail(e, 'newDeadline'))}`,
        '。',
        withComment('理由', e),
        '请审核。',
      ),
    }),
  },
  objection_filed: {
    kind: 'objection_filed',
    to: 'office',
    say: (f) => ({ title: `【公示异议】${f.code}`, body: `${itemLine(f)}公示期间收到公众异议，请核查处理。` }),
  },
  supervision_replied: {
    kind: 'supervision_replied',
    to: 'office',
    say: (f, e) => ({
      title: `【督办回复】${detail(e, 'number')}：${f.code}（${f.leadUnitName}）`,
      body: sentences(
        `${f.leadUnitName}已回复${detail(e, 'number')}，事项：${itemLine(f)}`,
        e.details?.replyOverdue === true ? '，回复已超过期限' : '',
        '，请审核。',
      ),
    }),
  },
}

export function itemPath(itemId: number): string {
  return `/items/${itemId}`
}

function recipientKey(r: Recipient): string {
  return r.kind === 'office' ? 'office' : `unit:${r.unitId}`
}

function spec(
  kind: NotificationKind,
  recipient: Recipient,
  cause: string,
  text: { title: string; body: string },
  refs: { planId: number | null; itemId: number | null; path: string },
): MessageSpec {
  return { kind, recipient, ...text, ...refs, dedupeKey: `${cause}:${kind}:${recipientKey(recipient)}` }
}

/** The messages an item event causes (none for most actions). */
export function messagesForEvent(event: ItemEventFacts, facts: ItemFacts): MessageSpec[] {
  const rule = EVENT_RULES[event.action]
  if (!rule) return []
  const recipient: Recipient = rule.to === 'office' ? { kind: 'office' } : { kind: 'unit', unitId: facts.leadUnitId }
  return [
    spec(rule.kind, recipient, `event:${event.id}`, rule.say(facts, event), {
      planId: facts.planId,
      itemId: facts.itemId,
      path: itemPath(facts.itemId),
    }),
  ]
}

/** Working days after `today` up to and including `day` (0 when `day` is not after today). */
export function workingDaysUntil(calendar: WorkingCalendar, today: string, day: string): number {
  let count = 0
  for (let d = addDays(today, 1); d <= day; d = addDays(d, 1)) if (calendar.isWorkingDay(d)) count++
  return count
}

/** The last date whose working days after `today` are at most `n`: the day before the (n+1)-th working day. */
export function lastDayWithin(calendar: WorkingCalendar, today: string, n: number): string {
  let counted = 0
  let d = today
  // A year without working days cannot happen in a real calendar; stop anyway.
  for (let guard = 0; guard < 3660; guard++) {
    d = addDays(d, 1)
    if (calendar.isWorkingDay(d) && ++counted === n + 1) return addDays(d, -1)
  }
  return d
}

/**
 * Remind of a date (an item's deadline, the report due day, a reply deadline) from the day it is `n` working days
 * away until the day itself; once per date, by the message's key. A day missed (the server was down) still reminds.
 */
export function isWithinReminder(calendar: WorkingCalendar, today: string, day: string, n: number): boolean {
  return day >= today && workingDaysUntil(calendar, today, day) <= n
}

function daysLeftText(left: number): string {
  return left > 0 ? `距完成时限还有${left}个工作日` : '完成时限前已无工作日'
}

export function deadlineApproaching(f: ItemFacts & { deadline: string }, workingDaysLeft: number): MessageSpec {
  return spec(
    'deadline_approaching',
    { kind: 'unit', unitId: f.leadUnitId },
    `deadline:${f.itemId}:${f.deadline}`,
    {
      title: `【临期提醒】${f.code}将于${chineseDate(f.deadline)}到期`,
      body: `${itemLine(f)}${daysLeftText(workingDaysLeft)}，请抓紧推进整改；确需延期的，请在到期前申请延期。`,
    },
    { planId: f.planId, itemId: f.itemId, path: itemPath(f.itemId) },
  )
}

export interface ReportGap {
  planId: number
  planTitle: string
  unitId: number
  period: string
  dueOn: string
  /** Open items the unit leads with no report for the period yet. */
  items: { code: string; problem: string }[]
}

function itemList(items: ReportGap['items']): string {
  const shown = items.slice(0, 10).map((i) => `${i.code}「${short(i.problem, 30)}」`)
  return shown.join('；') + (items.length > 10 ? `等${items.length}项` : '')
}

function monthText(period: string): string {
  return `${period.slice(0, 4)}年${Number(period.slice(5, 7))}月`
}

export function reportDue(gap: ReportGap): MessageSpec {
  return spec(
    'report_due',
    { kind: 'unit', unitId: gap.unitId },
    `report_due:${gap.planId}:${gap.period}`,
    {
      title: `【月调度】请于${chineseDate(gap.dueOn)}前报送${monthText(gap.period)}整改进展`,
      body: `《${gap.planTitle}》${monthText(gap.period)}整改进展于${chineseDate(gap.dueOn)}截止报送，请报送本月整改进展。尚未报送的事项（${gap.items.length}项）：${itemList(gap.items)}。`,
    },
    { planId: gap.planId, itemId: null, path: `/items?planId=${gap.planId}` },
  )
}

export function reportOverdue(gap: ReportGap): MessageSpec {
  return spec(
    'report_overdue',
    { kind: 'unit', unitId: gap.unitId },
    `report_overdue:${gap.planId}:${gap.period}`,
    {
      title: `【月调度】${monthText(gap.period)}整改进展逾期未报`,
      body: `《${gap.planTitle}》${monthText(gap.period)}整改进展已于${chineseDate(gap.dueOn)}截止，以下事项（${gap.items.length}项）尚未报送，请尽快报送本月整改进展：${itemList(gap.items)}。`,
    },
    { planId: gap.planId, itemId: null, path: `/items?planId=${gap.planId}` },
  )
}

export interface OpenSupervisionFacts extends ItemFacts {
  supervisionId: number
  number: string
  replyDueOn: string
}

export function supervisionReplyDue(s: OpenSupervisionFacts, workingDaysLeft: number): MessageSpec {
  return spec(
    'supervision_reply_due',
    { kind: 'unit', unitId: s.leadUnitId },
    `reply_due:${s.supervisionId}:${s.replyDueOn}`,
    {
      title: `【督办】${s.number}将于${chineseDate(s.replyDueOn)}到期回复`,
      body: `${itemLine(s)}的督办（${s.number}）回复期限为${chineseDate(s.replyDueOn)}，${workingDaysLeft > 0 ? `还有${workingDaysLeft}个工作日` : '期限前已无工作日'}，请按时回复督办情况。`,
    },
    { planId: s.planId, itemId: s.itemId, path: itemPath(s.itemId) },
  )
}

export function supervisionReplyOverdue(s: OpenSupervisionFacts): MessageSpec {
  return spec(
    'supervision_reply_overdue',
    { kind: 'office' },
    `reply_overdue:${s.supervisionId}:${s.replyDueOn}`,
    {
      title: `【督办】${s.number}逾期未回复（${s.leadUnitName}）`,
      body: `${s.leadUnitName}未在${chineseDate(s.replyDueOn)}前回复${s.number}，事项：${itemLine(s)}，请跟进。`,
    },
    { planId: s.planId, itemId: s.itemId, path: itemPath(s.itemId) },
  )
}
