// What the bulletin's page and its workbook both say, formatted the same way: percents, dates in Beijing time, the
// summary sentence. No markup here: the page is rendered in bulletin.page.tsx.
import { localDate } from '../../lib/time.ts'
import { chineseDate, chineseMonth } from '../../lib/chinese-date.ts'
import { STATUS_LABELS, type ItemStatus } from '../../domain/items.ts'
import type { BulletinContent } from './bulletin.types.ts'

/** Rows of the overdue list printed on paper; the spreadsheet always has all of them. */
export const OVERDUE_ROWS_PRINTED = 100

const BEIJING = 'Asia/Shanghai'
export const NONE = '本月无'

// ── formatting ───────────────────────────────────────────────────────────

/** One decimal and a percent sign; '—' when there is nothing to divide by. */
export function formatPercent(rate: number | null | undefined): string {
  return rate === null || rate === undefined || !Number.isFinite(rate) ? '—' : `${rate.toFixed(1)}%`
}

/** 'YYYY-MM-DD' → '2019年2月28日'; anything else is shown as given. */
export function longDate(date: string): string {
  return chineseDate(date)
}

/** 'YYYY-MM' → '2019年2月'. */
export function longPeriod(period: string): string {
  return chineseMonth(period)
}

export function shortDate(date: string | null | undefined): string {
  return date ? date : '—'
}

/** `asOf` is the exclusive end of the month, so the last day it covers is the local date one millisecond earlier. */
export function lastDayCovered(bulletin: Pick<BulletinContent, 'asOf' | 'timezone'>): string {
  return localDate(new Date(Date.parse(bulletin.asOf) - 1), bulletin.timezone)
}

const beijingClock = new Intl.DateTimeFormat('en-US', { timeZone: BEIJING, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' })

/** An instant as Beijing wall-clock time: '2019年3月1日 01:00'. */
export function beijingDateTime(instant: string): string {
  const at = new Date(instant)
  if (Number.isNaN(at.getTime())) return instant
  return `${longDate(localDate(at, BEIJING))} ${beijingClock.format(at)}`
}

export function statusLabel(status: ItemStatus): string {
  return STATUS_LABELS[status] ?? status
}

// ── the summary sentence ─────────────────────────────────────────────────

function changeClause(change: number | null | undefined): string {
  if (change === null || change === undefined) return '（本期为首期，无上月数据）'
  const points = Math.abs(change).toFixed(1)
  if (Number(points) === 0) return '，与上月持平'
  return change > 0 ? `，较上月提高${points}个百分点` : `，较上月下降${points}个百分点`
}

/** 总体进展 in one paragraph, the way the supervision office writes it by hand. */
export function summarySentence(b: BulletinContent): string {
  const t = b.totals
  const head = `总体进展：共${t.items}项，已销号${t.closed}项，完成率${formatPercent(t.completionRate)}${changeClause(b.change ? b.change.completionRate : null)}；逾期${t.overdue}项；进展缓慢${t.lagging}项。`
  const tail = [
    `本月销号${b.closedThisMonth.length}项`,
    `下月到期${b.dueNextMonth.length}项`,
    `新启动联合督办${b.supervision.opened.length}件、办结${b.supervision.resolved.length}件`,
    `批准延期${b.extensions.length}项`,
    `反弹${b.rebounds.length}项`,
  ]
  return `${head}${tail.join('，')}。`
}
