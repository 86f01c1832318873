// Reconstructs a plan as it stood at the end of a month, from the items and the audit trail, in set-based SQL:
// a temporary table holds one row per item (at most the plan's size), rolled back field by field from the events
// after the month's end. Nothing loops over events in JavaScript.
import type { Sqlite } from '../../../db/client.ts'
import { addMonths, endOfPeriod, firstDayOfPeriod, lastDayOfPeriod, localDate, localPeriod } from '../../lib/time.ts'
import { STATUSES, type ItemStatus } from '../../domain/items.ts'
import { registerItemFacts, reportedMonthsSql, windowEndingWith } from '../items/facts.ts'
import type { PlanRow } from '../plans/plans.repo.ts'
import type { BulletinContent, BulletinItemRef, BulletinTotals } from './bulletin.types.ts'

/**
 * The only events that change an item's content fields (items.edit and an approved extension, both through
 * the items service's conditional update), recording `details.changes.<field>.from/to`.
 */
const FIELD_CHANGING_ACTIONS = "('edit', 'extension_approved')"

/** Fields an edit (or an approved extension) can change, as (column, key in `details.changes`). */
const RECONSTRUCTED_FIELDS = [
  ['deadline', 'deadline'],
  ['deadline_kind', 'deadlineKind'],
  ['lead_unit_id', 'leadUnitId'],
  ['category', 'category'],
  ['code', 'code'],
  ['problem', 'problem'],
] as const

export type SupervisionActivity = (planId: number, from: Date, to: Date) => BulletinContent['supervision']
export type CaseLeadStages = (planId: number, asOf: Date) => BulletinContent['caseLeads']

/** What other modules add to a bulletin; each defaults to an empty section, never an absent one. */
export interface BulletinSources {
  supervisionActivity: SupervisionActivity
  caseLeadStages: CaseLeadStages
}

export const NO_SOURCES: BulletinSources = {
  supervisionActivity: () => ({ opened: [], resolved: [], open: [] }),
  caseLeadStages: () => ({ received: 0, under_investigation: 0, handled: 0, disclosed: 0 }),
}

interface Window {
  period: string
  asOf: string
  periodStart: string
  lastDay: string
}

function windowOf(period: string, timeZone: string): Window {
  return {
    period,
    asOf: endOfPeriod(period, timeZone).toISOString(),
    periodStart: endOfPeriod(addMonths(period, -1), timeZone).toISOString(),
    lastDay: lastDayOfPeriod(period),
  }
}

export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10
}

// One collator each, made once: localeCompare with a locale builds a new one on every call, which for the sorts of
// a 100,000-item plan was seconds of work and a hundred MB of garbage.
const chinese = new Intl.Collator('zh-CN').compare
const codeOrder = new Intl.Collator('zh-CN', { numeric: true }).compare
const byCode = (a: { code: string }, b: { code: string }) => codeOrder(a.code, b.code)

/** The first month a plan's bulletins cover: the month it was created in, in its zone. */
export function firstPeriodOf(plan: Pick<PlanRow, 'createdAt' | 'timezone'>): string {
  return localPeriod(new Date(plan.createdAt), plan.timezone)
}

export function createBulletinComputer(sqlite: Sqlite) {
  // The temporary tables hold one row per item; SQLite keeps up to cache_size of the temp database's pages in
  // memory and spills the rest to its temp file. 4 MB rather than the 16 MB default: the reconstruction streams
  // through the table a few times, so a bigger cache buys little time for a plan of 100,000 items and costs memory.
  sqlite.pragma('temp.cache_size = -4000')
  sqlite.exec(`CREATE TEMP TABLE IF NOT EXISTS bulletin_items (
    item_id INTEGER PRIMARY KEY, code TEXT NOT NULL, problem TEXT NOT NULL, category TEXT NOT NULL,
    lead_unit_id INTEGER NOT NULL, deadline_kind TEXT NOT NULL, deadline TEXT, status TEXT NOT NULL,
    created_at TEXT NOT NULL, overdue_days INTEGER NOT NULL DEFAULT 0, lagging INTEGER NOT NULL DEFAULT 0,
    reported INTEGER NOT NULL DEFAULT 0, requested_at TEXT)`)

  sqlite.exec(`CREATE TEMP TABLE IF NOT EXISTS bulletin_changes (item_id INTEGER NOT NULL, at TEXT NOT NULL, id INTEGER NOT NULL, details TEXT);
    CREATE INDEX IF NOT EXISTS temp.bulletin_changes_item ON bulletin_changes (item_id, at, id)`)
  const clearChanges = sqlite.prepare('DELETE FROM temp.bulletin_changes')
  const collectChanges = sqlite.prepare(`INSERT INTO temp.bulletin_changes (item_id, at, id, details)
    SELECT item_id, at, id, details FROM item_events WHERE action IN ${FIELD_CHANGING_ACTIONS} AND at >= @asOf`)
  const clear = sqlite.prepare('DELETE FROM temp.bulletin_items')
  const fill = sqlite.prepare(`INSERT INTO temp.bulletin_items
    (item_id, code, problem, category, lead_unit_id, deadline_kind, deadline, status, created_at)
    SELECT id, code, problem, category, lead_unit_id, deadline_kind, deadline, status, created_at
    FROM items WHERE plan_id = @planId AND created_at < @asOf`)
  // Only items with a transition after the month's end need their status looked up; the rest still have it.
  // Per-item lookups name the (item_id, id) index: left to itself the planner may pick (action, at) and scan every
  // event of that kind for every item, which turns a 100k-item plan from seconds into minutes.
  const rollBackStatus = sqlite.prepare(`UPDATE temp.bulletin_items SET status = (
      SELECT e.to_status FROM item_events e INDEXED BY item_events_item_idx
      WHERE e.item_id = bulletin_items.item_id AND e.to_status IS NOT NULL AND e.at < @asOf
      ORDER BY e.at DESC, e.id DESC LIMIT 1)
    WHERE item_id IN (SELECT e.item_id FROM item_events e WHERE e.at >= @asOf AND e.to_status IS NOT NULL)`)
  // The value a field had at the month's end is the `from` of its first change after it (from the few
  // field-changing events collected into bulletin_changes, not from every event).
  const rollBackField = RECONSTRUCTED_FIELDS.map(([column, key]) =>
    sqlite.prepare(`UPDATE temp.bulletin_items SET ${column} = (
        SELECT json_extract(c.details, '$.changes.${key}.from') FROM temp.bulletin_changes c
        WHERE c.item_id = bulletin_items.item_id AND json_type(c.details, '$.changes.${key}') IS NOT NULL
        ORDER BY c.at, c.id LIMIT 1)
      WHERE item_id IN (SELECT c.item_id FROM temp.bulletin_changes c WHERE json_type(c.details, '$.changes.${key}') IS NOT NULL)`),
  )
  // Overdue and lagging as of the month's end, by the one definition of each (items/facts.ts): overdue on the
  // month's last day; lagging over the month and the one before, counting only reports filed by its end.
  registerItemFacts(sqlite)
  const markOverdue = sqlite.prepare(`UPDATE temp.bulletin_items
    SET overdue_days = item_days_overdue(status, deadline_kind, deadline, @lastDay)`)
  const reportedByMonthEnd = reportedMonthsSql('bulletin_items.item_id', 'r.period IN (@previousPeriod, @period) AND r.created_at < @asOf')
  const markLagging = sqlite.prepare(`UPDATE temp.bulletin_items SET lagging = item_lagging(status, created_at,
      ${reportedByMonthEnd}, @previousPeriod, @period, @laggingListedBefore)`)
  const markReported = sqlite.prepare(`UPDATE temp.bulletin_items SET reported = 1
    WHERE EXISTS (SELECT 1 FROM progress_reports r WHERE r.item_id = bulletin_items.item_id
      AND r.period = @period AND r.created_at < @asOf)`)
  const markRequested = sqlite.prepare(`UPDATE temp.bulletin_items SET requested_at = (
      SELECT max(e.at) FROM item_events e INDEXED BY item_events_item_idx
      WHERE e.item_id = bulletin_items.item_id AND e.action = 'request_closure' AND e.at < @asOf)
    WHERE status = 'closed'`)

  const totalsByStatus = sqlite.prepare(`SELECT status, count(*) AS n, sum(overdue_days > 0) AS overdue, sum(lagging) AS lagging
    FROM temp.bulletin_items GROUP BY status`)
  const byCategory = sqlite.prepare(`SELECT category, count(*) AS items, sum(status = 'closed') AS closed, sum(overdue_days > 0) AS overdue
    FROM temp.bulletin_items GROUP BY category`)
  const byLeadUnit = sqlite.prepare(`SELECT b.lead_unit_id AS unitId, u.name AS leadUnit, count(*) AS items,
      sum(b.status = 'closed') AS closed, sum(b.overdue_days > 0) AS overdue, sum(b.lagging) AS lagging,
      sum(b.status IN ('assigned', 'in_progress')) AS reportsExpected,
      sum(b.reported AND b.status IN ('assigned', 'in_progress')) AS reportsFiled
    FROM temp.bulletin_items b JOIN units u ON u.id = b.lead_unit_id GROUP BY b.lead_unit_id`)
  const closedWithDeadline = sqlite.prepare(`SELECT lead_unit_id AS unitId, deadline, requested_at AS requestedAt
    FROM temp.bulletin_items WHERE status = 'closed' AND deadline_kind <> 'long_term' AND deadline IS NOT NULL`)
  const refColumns = 'b.item_id AS itemId, b.code, b.problem, u.name AS leadUnit'
  const overdueList = sqlite.prepare(`SELECT ${refColumns}, b.deadline, b.overdue_days AS daysOverdue, b.status
    FROM temp.bulletin_items b JOIN units u ON u.id = b.lead_unit_id WHERE b.overdue_days > 0`)
  const laggingList = sqlite.prepare(
    `SELECT ${refColumns} FROM temp.bulletin_items b JOIN units u ON u.id = b.lead_unit_id WHERE b.lagging = 1`,
  )
  const dueList =
    sqlite.prepare(`SELECT ${refColumns}, b.deadline, b.status FROM temp.bulletin_items b JOIN units u ON u.id = b.lead_unit_id
    WHERE b.status <> 'closed' AND b.deadline_kind <> 'long_term' AND b.deadline BETWEEN @from AND @to`)
  const withoutReport = sqlite.prepare(`SELECT b.lead_unit_id AS unitId, u.name, count(*) AS openItems
    FROM temp.bulletin_items b JOIN units u ON u.id = b.lead_unit_id
    WHERE b.status IN ('assigned', 'in_progress') GROUP BY b.lead_unit_id HAVING sum(b.reported) = 0`)
  const eventsInMonth = sqlite.prepare(`SELECT ${refColumns}, e.at, e.comment, e.details
    FROM item_events e JOIN temp.bulletin_items b ON b.item_id = e.item_id JOIN units u ON u.id = b.lead_unit_id
    WHERE e.at >= @periodStart AND e.at < @asOf AND e.action = @action ORDER BY e.at, e.id`)

  /** Fills the temporary table with the plan as of the end of `window.period`. Call inside a transaction. */
  function snapshot(plan: PlanRow, window: Window): void {
    const params = { planId: plan.id, asOf: window.asOf }
    clear.run()
    fill.run(params)
    rollBackStatus.run({ asOf: window.asOf })
    clearChanges.run()
    collectChanges.run({ asOf: window.asOf })
    for (const statement of rollBackField) statement.run()
    markOverdue.run({ lastDay: window.lastDay })
    const lagging = windowEndingWith(window.period, plan.timezone)
    markLagging.run({
      previousPeriod: lagging.periods[0],
      period: lagging.periods[1],
      laggingListedBefore: lagging.listedBeforeIso,
      asOf: window.asOf,
    })
    markReported.run({ period: window.period, asOf: window.asOf })
    markRequested.run({ asOf: window.asOf })
  }

  function totals(): BulletinTotals {
    const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<ItemStatus, number>
    let items = 0
    let overdue = 0
    let lagging = 0
    for (const row of totalsByStatus.all() as { status: ItemStatus; n: number; overdue: number; lagging: number }[]) {
      byStatus[row.status] = row.n
      items += row.n
      overdue += row.overdue
      lagging += row.lagging
    }
    return { items, byStatus, closed: byStatus.closed, overdue, lagging, completionRate: rate(byStatus.closed, items) }
  }

  type Ref = BulletinItemRef & { at: string; comment: string | null; details: string | null }
  const monthEvents = (window: Window, action: string) =>
    eventsInMonth.all({ periodStart: window.periodStart, asOf: window.asOf, action }) as Ref[]
  const ref = ({ itemId, code, problem, leadUnit }: BulletinItemRef): BulletinItemRef => ({ itemId, code, problem, leadUnit })

  /**
   * The bulletin of `period` for `plan`. `earlierTotals` gives the totals of an earlier month when a bulletin for
   * it is stored (so the trend repeats what was printed); months without one are reconstructed here.
   */
  function compute(
    plan: PlanRow,
    period: string,
    generatedAt: Date,
    earlierTotals: (period: string) => BulletinTotals | undefined,
    sources: BulletinSources,
  ): BulletinContent {
    const tz = plan.timezone
    const first = firstPeriodOf(plan)
    const trend: BulletinContent['trend'] = []
    let previous: BulletinTotals | null = null
    for (let month = first; month < period; month = addMonths(month, 1)) {
      let monthTotals = earlierTotals(month)
      if (!monthTotals) {
        snapshot(plan, windowOf(month, tz))
        monthTotals = totals()
      }
      trend.push({ period: month, items: monthTotals.items, closed: monthTotals.closed, completionRate: monthTotals.completionRate })
      if (month === addMonths(period, -1)) previous = monthTotals
    }

    const window = windowOf(period, tz)
    snapshot(plan, window)
    const current = totals()
    trend.push({ period, items: current.items, closed: current.closed, completionRate: current.completionRate })

    const onTime = new Map<number, { onTime: number; closed: number }>()
    for (const row of closedWithDeadline.all() as { unitId: number; deadline: string; requestedAt: string | null }[]) {
      const entry = onTime.get(row.unitId) ?? { onTime: 0, closed: 0 }
      entry.closed++
      if (row.requestedAt && localDate(new Date(row.requestedAt), tz) <= row.deadline) entry.onTime++
      onTime.set(row.unitId, entry)
    }
    const units = (
      byLeadUnit.all() as {
        unitId: number
        leadUnit: string
        items: number
        closed: number
        overdue: number
        lagging: number
        reportsExpected: number
        reportsFiled: number
      }[]
    ).map((u) => {
      const t = onTime.get(u.unitId)
      return { ...u, completionRate: rate(u.closed, u.items), onTimeRate: t ? rate(t.onTime, t.closed) : null }
    })
    units.sort(
      (a, b) =>
        (b.completionRate ?? -1) - (a.completionRate ?? -1) ||
        a.overdue - b.overdue ||
        (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) ||
        chinese(a.leadUnit, b.leadUnit),
    )

    const categoryOrder = (c: string) => {
      const i = plan.categories.indexOf(c)
      return i === -1 ? plan.categories.length : i
    }
    const counted = byCategory.all() as { category: string; items: number; closed: number; overdue: number }[]
    // Every task area of the plan has a row, an empty one included: the reader sees it has nothing yet.
    const empty = plan.categories
      .filter((c) => !counted.some((row) => row.category === c))
      .map((category) => ({ category, items: 0, closed: 0, overdue: 0 }))
    const categories = [...counted, ...empty]
      .map((c) => ({ ...c, completionRate: rate(c.closed, c.items) }))
      .sort((a, b) => categoryOrder(a.category) - categoryOrder(b.category) || chinese(a.category, b.category))

    const nextMonth = addMonths(period, 1)
    const lastOf = <T extends { itemId: number }>(rows: T[]) => [...new Map(rows.map((r) => [r.itemId, r])).values()]
    const day = (at: string) => localDate(new Date(at), tz)

    return {
      planId: plan.id,
      planTitle: plan.title,
      planIssuedBy: plan.issuedBy,
      timezone: tz,
      period,
      asOf: window.asOf,
      generatedAt: generatedAt.toISOString(),
      totals: current,
      previous,
      change: previous
        ? {
            items: current.items - previous.items,
            closed: current.closed - previous.closed,
            overdue: current.overdue - previous.overdue,
            completionRate:
              current.completionRate !== null && previous.completionRate !== null
                ? Math.round((current.completionRate - previous.completionRate) * 10) / 10
                : null,
          }
        : null,
      byCategory: categories,
      byLeadUnit: units.map((u, i) => ({ rank: i + 1, ...u })),
      closedThisMonth: lastOf(monthEvents(window, 'close'))
        .map((e) => ({ ...ref(e), closedOn: day(e.at) }))
        .sort(byCode),
      dueNextMonth: (
        dueList.all({ from: firstDayOfPeriod(nextMonth), to: lastDayOfPeriod(nextMonth) }) as (BulletinItemRef & {
          deadline: string
          status: ItemStatus
        })[]
      ).sort((a, b) => a.deadline.localeCompare(b.deadline) || byCode(a, b)),
      overdue: (overdueList.all() as (BulletinItemRef & { deadline: string; daysOverdue: number; status: ItemStatus })[]).sort(
        (a, b) => b.daysOverdue - a.daysOverdue || byCode(a, b),
      ),
      lagging: (laggingList.all() as BulletinItemRef[]).sort(byCode),
      unitsWithoutReport: (withoutReport.all() as { unitId: number; name: string; openItems: number }[]).sort((a, b) =>
        chinese(a.name, b.name),
      ),
      supervision: sources.supervisionActivity(plan.id, new Date(window.periodStart), new Date(window.asOf)),
      extensions: monthEvents(window, 'extension_approved').map((e) => {
        const details = e.details ? (JSON.parse(e.details) as { oldDeadline?: string | null; newDeadline?: string | null }) : {}
        return { ...ref(e), oldDeadline: details.oldDeadline ?? null, newDeadline: details.newDeadline ?? null, approvedOn: day(e.at) }
      }),
      rebounds: monthEvents(window, 'reopen').map((e) => ({ ...ref(e), reopenedOn: day(e.at), reason: e.comment })),
      caseLeads: sources.caseLeadStages(plan.id, new Date(window.asOf)),
      trend,
    }
  }

  return { compute }
}

export type BulletinComputer = ReturnType<typeof createBulletinComputer>
