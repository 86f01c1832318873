// The monthly bulletin (月通报) as stored: every format (JSON, HTML, xlsx) renders from this one shape.
import type { ItemStatus } from '../../domain/items.ts'
import type { ReplyStatus } from '../supervision/lifecycle.ts'

export type CaseLeadStage = 'received' | 'under_investigation' | 'handled' | 'disclosed'
export type CaseLeadStageCounts = Record<CaseLeadStage, number>

export const CASE_LEAD_STAGE_LABELS: Record<CaseLeadStage, string> = {
  received: '已接收',
  under_investigation: '调查核实中',
  handled: '已处理',
  disclosed: '已公开',
}

export interface BulletinItemRef {
  itemId: number
  code: string
  problem: string
  leadUnit: string
}

export interface BulletinTotals {
  items: number
  byStatus: Record<ItemStatus, number>
  closed: number
  overdue: number
  lagging: number
  /** closed / items, in percent with one decimal; null for an empty plan. */
  completionRate: number | null
}

export interface BulletinContent {
  planId: number
  planTitle: string
  /** Who issued the plan (the heading of the printed bulletin names it). */
  planIssuedBy: string
  timezone: string
  /** 'YYYY-MM' */
  period: string
  /** The instant the bulletin describes: the end of the month in the plan's zone (exclusive). */
  asOf: string
  generatedAt: string
  totals: BulletinTotals
  /** The same totals at the end of the previous month (null before the plan's first month). */
  previous: BulletinTotals | null
  /** This month minus the previous one; null when there is no previous month. */
  change: { items: number; closed: number; overdue: number; completionRate: number | null } | null
  byCategory: { category: string; items: number; closed: number; overdue: number; completionRate: number | null }[]
  /** Ranked: completion rate (desc), then overdue (asc), then on-time rate (desc), then name. */
  byLeadUnit: {
    rank: number
    unitId: number
    leadUnit: string
    items: number
    closed: number
    overdue: number
    lagging: number
    completionRate: number | null
    /** Of its items closed by the month's end with a dated deadline, the share requested on or before it. */
    onTimeRate: number | null
    /** Items still being rectified at the month's end that have a progress report for the month. */
    reportsFiled: number
    reportsExpected: number
  }[]
  closedThisMonth: (BulletinItemRef & { closedOn: string })[]
  dueNextMonth: (BulletinItemRef & { deadline: string; status: ItemStatus })[]
  /** Longest overdue first. */
  overdue: (BulletinItemRef & { deadline: string; daysOverdue: number; status: ItemStatus })[]
  lagging: BulletinItemRef[]
  unitsWithoutReport: { unitId: number; name: string; openItems: number }[]
  supervision: {
    opened: { supervisionId: number; number: string; code: string; leadUnit: string; openedOn: string; reason: string }[]
    resolved: { supervisionId: number; number: string; code: string; leadUnit: string; resolvedOn: string }[]
    /** Open at the month's end, with where the reply stands. */
    open: { supervisionId: number; number: string; code: string; leadUnit: string; replyDueOn: string; replyStatus: ReplyStatus }[]
  }
  extensions: (BulletinItemRef & { oldDeadline: string | null; newDeadline: string | null; approvedOn: string })[]
  rebounds: (BulletinItemRef & { reopenedOn: string; reason: string | null })[]
  /** Case leads handed over by the inspectors (问题线索), by stage at the month's end. */
  caseLeads: CaseLeadStageCounts
  /** Completion over the months so far, oldest first, ending with this month. */
  trend: { period: string; items: number; closed: number; completionRate: number | null }[]
}

/** What the API returns: the stored content plus its hash and publication. */
export interface Bulletin extends BulletinContent {
  id: number
  contentHash: string
  publishedAt: string | null
}
