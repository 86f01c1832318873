import { and, asc, eq, gt, inArray, isNotNull, lt, ne, not, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { evidence, itemResponsibleUnits, items, plans, progressReports, units } from '../../../db/schema/index.ts'
import type { ItemStatus } from '../closeout/state-machine.ts'
import type { DeadlineKind } from '../closeout/deadlines.ts'

export type ItemRow = typeof items.$inferSelect
export type ItemRecord = ItemRow & { leadUnitName: string; timezone: string }

const recordColumns = {
  id: items.id,
  planId: items.planId,
  code: items.code,
  category: items.category,
  problem: items.problem,
  target: items.target,
  measures: items.measures,
  leadUnitId: items.leadUnitId,
  leadUnitName: units.name,
  deadlineKind: items.deadlineKind,
  deadline: items.deadline,
  status: items.status,
  version: items.version,
  noticeEndsAt: items.noticeEndsAt,
  noticeCalendarFallback: items.noticeCalendarFallback,
  closedAt: items.closedAt,
  rebound: items.rebound,
  createdAt: items.createdAt,
  updatedAt: items.updatedAt,
  timezone: plans.timezone,
}

export interface ItemListQuery {
  planId?: number | undefined
  status?: ItemStatus | undefined
  leadUnitId?: number | undefined
  /** Items the unit leads or shares. */
  unitId?: number | undefined
  category?: string | undefined
  q?: string | undefined
  /** Only items after this id (the cursor). */
  afterId?: number | undefined
  /** Restricts to overdue (true) or not overdue (false) items, given today's date in each time zone. */
  overdue?: { value: boolean; todayByPlan: { planIds: number[]; today: string }[] } | undefined
  /** Restricts to lagging (true) or not lagging (false) items, given the two months that count in each zone. */
  lagging?: { value: boolean; windows: { planIds: number[]; periods: [string, string]; listedBefore: string }[] } | undefined
  limit: number
}

/** Items the unit leads or shares. A union of two index lookups: an OR with EXISTS would scan every item. */
function sharesItem(unitId: number): SQL {
  return sql`${items.id} in (select ${items.id} from ${items} where ${items.leadUnitId} = ${unitId}
    union select ${itemResponsibleUnits.itemId} from ${itemResponsibleUnits} where ${itemResponsibleUnits.unitId} = ${unitId})`
}

/** The SQL twin of `isLagging`. */
function laggingCondition(windows: NonNullable<ItemListQuery['lagging']>['windows']): SQL {
  const byZone = windows.map((w) =>
    and(
      inArray(items.planId, w.planIds),
      lt(items.createdAt, w.listedBefore),
      sql`not exists (select 1 from ${progressReports} where ${progressReports.itemId} = ${items.id} and ${progressReports.period} in (${w.periods[0]}, ${w.periods[1]}))`,
    ),
  )
  return and(inArray(items.status, ['assigned', 'in_progress']), byZone.length > 0 ? or(...byZone) : sql`0`)!
}

/** The SQL twin of `overdueOn`: rectifying, has a date, and the date is before today in the plan's zone. */
function overdueCondition(todayByPlan: { planIds: number[]; today: string }[]): SQL {
  const byZone = todayByPlan.map((z) => and(inArray(items.planId, z.planIds), lt(items.deadline, z.today)))
  return and(
    inArray(items.status, ['assigned', 'in_progress']),
    ne(items.deadlineKind, 'long_term'),
    isNotNull(items.deadline),
    byZone.length > 0 ? or(...byZone) : sql`0`,
  )!
}

export function createItemsRepo(db: Db) {
  const byId = db
    .select(recordColumns)
    .from(items)
    .innerJoin(plans, eq(plans.id, items.planId))
    .innerJoin(units, eq(units.id, items.leadUnitId))
    .where(eq(items.id, sql.placeholder('id')))
    .prepare()
  const responsibleOf = db
    .select({ id: units.id, name: units.name })
    .from(itemResponsibleUnits)
    .innerJoin(units, eq(units.id, itemResponsibleUnits.unitId))
    .where(eq(itemResponsibleUnits.itemId, sql.placeholder('itemId')))
    .orderBy(asc(units.id))
    .prepare()

  // Per-page lookups take the page's ids as one JSON array, so each is prepared once rather than rebuilt per call.
  const responsibleOfMany = db
    .select({ itemId: itemResponsibleUnits.itemId, id: units.id, name: units.name })
    .from(itemResponsibleUnits)
    .innerJoin(units, eq(units.id, itemResponsibleUnits.unitId))
    .where(sql`${itemResponsibleUnits.itemId} in (select value from json_each(${sql.placeholder('ids')}))`)
    .orderBy(asc(itemResponsibleUnits.itemId), asc(units.id))
    .prepare()
  const reportedOfMany = db
    .selectDistinct({ itemId: progressReports.itemId, period: progressReports.period })
    .from(progressReports)
    .where(
      and(
        sql`${progressReports.itemId} in (select value from json_each(${sql.placeholder('ids')}))`,
        sql`${progressReports.period} in (select value from json_each(${sql.placeholder('periods')}))`,
      ),
    )
    .prepare()
  const evidenceOfMany = db
    .select({
      itemId: evidence.itemId,
      count: sql<number>`count(*)`,
      // Spelled out: drizzle leaves columns unqualified in a one-table select, which would bind them to e2.
      reused: sql<number>`max(exists (select 1 from evidence e2 where e2.sha256 = "evidence"."sha256" and e2.item_id <> "evidence"."item_id"))`,
    })
    .from(evidence)
    .where(sql`${evidence.itemId} in (select value from json_each(${sql.placeholder('ids')}))`)
    .groupBy(evidence.itemId)
    .prepare()

  function conditions(query: Omit<ItemListQuery, 'limit' | 'afterId'>, scopeUnitId: number | null): SQL[] {
    const where: SQL[] = []
    if (scopeUnitId !== null) where.push(sharesItem(scopeUnitId))
    if (query.planId !== undefined) where.push(eq(items.planId, query.planId))
    if (query.status !== undefined) where.push(eq(items.status, query.status))
    if (query.leadUnitId !== undefined) where.push(eq(items.leadUnitId, query.leadUnitId))
    if (query.unitId !== undefined) where.push(sharesItem(query.unitId))
    if (query.category !== undefined) where.push(eq(items.category, query.category))
    if (query.q !== undefined && query.q !== '') {
      // instr() is a plain substring test: it finds two-character Chinese terms that tokenising indexes miss.
      const q = query.q
      where.push(
        or(
          sql`instr(${items.code}, ${q}) > 0`,
          sql`instr(${items.problem}, ${q}) > 0`,
          sql`instr(${items.target}, ${q}) > 0`,
          sql`instr(${items.measures}, ${q}) > 0`,
        )!,
      )
    }
    if (query.overdue !== undefined) {
      const cond = overdueCondition(query.overdue.todayByPlan)
      where.push(query.overdue.value ? cond : not(cond))
    }
    if (query.lagging !== undefined) {
      const cond = laggingCondition(query.lagging.windows)
      where.push(query.lagging.value ? cond : not(cond))
    }
    return where
  }

  return {
    findRecord(id: number): ItemRecord | undefined {
      return byId.get({ id })
    },
    responsibleUnits(itemId: number): { id: number; name: string }[] {
      return responsibleOf.all({ itemId })
    },
    /** For each item, the periods among `periods` in which any unit reported on it. */
    reportedPeriods(itemIds: readonly number[], periods: readonly string[]): Map<number, Set<string>> {
      const map = new Map<number, Set<string>>()
      if (itemIds.length === 0 || periods.length === 0) return map
      const rows = reportedOfMany.all({ ids: JSON.stringify(itemIds), periods: JSON.stringify(periods) })
      for (const row of rows) {
        const set = map.get(row.itemId) ?? new Set<string>()
        set.add(row.period)
        map.set(row.itemId, set)
      }
      return map
    },
    /** Evidence count per item, and whether any of its files also stands on another item (纸面销号). */
    evidenceStats(itemIds: readonly number[]): Map<number, { count: number; reused: boolean }> {
      const map = new Map<number, { count: number; reused: boolean }>()
      if (itemIds.length === 0) return map
      const rows = evidenceOfMany.all({ ids: JSON.stringify(itemIds) })
      for (const row of rows) map.set(row.itemId, { count: row.count, reused: row.reused === 1 })
      return map
    },
    responsibleUnitsOfMany(itemIds: readonly number[]): Map<number, { id: number; name: string }[]> {
      const map = new Map<number, { id: number; name: string }[]>()
      if (itemIds.length === 0) return map
      const rows = responsibleOfMany.all({ ids: JSON.stringify(itemIds) })
      for (const row of rows) {
        const list = map.get(row.itemId) ?? []
        list.push({ id: row.id, name: row.name })
        map.set(row.itemId, list)
      }
      return map
    },
    /** One page in id order: ids only grow, so a cursor never skips or repeats an item while others are added. */
    list(query: ItemListQuery, scopeUnitId: number | null): { records: ItemRecord[]; total: number } {
      const where = conditions(query, scopeUnitId)
      const pageWhere = query.afterId !== undefined ? [...where, gt(items.id, query.afterId)] : where
      const records = db
        .select(recordColumns)
        .from(items)
        .innerJoin(plans, eq(plans.id, items.planId))
        .innerJoin(units, eq(units.id, items.leadUnitId))
        .where(and(...pageWhere))
        .orderBy(asc(items.id))
        .limit(query.limit)
        .all()
      const total = db.select({ n: sql<number>`count(*)` }).from(items).where(and(...where)).get()?.n ?? 0
      return { records, total }
    },
    insert(row: {
      planId: number
      code: string
      category: string
      problem: string
      target: string
      measures: string
      leadUnitId: number
      deadlineKind: DeadlineKind
      deadline: string | null
      createdAt: string
    }): ItemRow {
      return db
        .insert(items)
        .values({ ...row, status: 'assigned', version: 1, updatedAt: row.createdAt })
        .returning()
        .get()
    },
    setResponsibleUnits(itemId: number, unitIds: readonly number[]): void {
      db.delete(itemResponsibleUnits).where(eq(itemResponsibleUnits.itemId, itemId)).run()
      if (unitIds.length > 0) db.insert(itemResponsibleUnits).values(unitIds.map((unitId) => ({ itemId, unitId }))).run()
    },
    codeTaken(planId: number, code: string, exceptItemId?: number): boolean {
      const row = db
        .select({ id: items.id })
        .from(items)
        .where(and(eq(items.planId, planId), eq(items.code, code), exceptItemId !== undefined ? ne(items.id, exceptItemId) : undefined))
        .get()
      return row !== undefined
    },
    /**
     * Applies a change only if the item is still at `expectedVersion` (and `expectedStatus`, when given);
     * returns false when someone else changed it first.
     */
    updateIfCurrent(
      id: number,
      expectedVersion: number,
      changes: Partial<Omit<ItemRow, 'id' | 'planId' | 'version' | 'createdAt'>>,
      expectedStatus?: ItemStatus,
    ): boolean {
      const result = db
        .update(items)
        .set({ ...changes, version: sql`${items.version} + 1` })
        .where(
          and(
            eq(items.id, id),
            eq(items.version, expectedVersion),
            expectedStatus !== undefined ? eq(items.status, expectedStatus) : undefined,
          ),
        )
        .run()
      return result.changes === 1
    },
  }
}

export type ItemsRepo = ReturnType<typeof createItemsRepo>
