import { and, asc, eq, fillPlaceholders, gt, inArray, isNotNull, lt, ne, not, or, sql, type SQL } from 'drizzle-orm'
import type { Db, Sqlite } from '../../../db/client.ts'
import { createEpochCache, type ChangeEpoch } from '../../../db/change-epoch.ts'
import { evidence, itemResponsibleUnits, items, plans, progressReports, units } from '../../../db/schema/index.ts'
import type { ItemStatus } from '../closeout/state-machine.ts'
import type { DeadlineKind } from '../closeout/deadlines.ts'

export type ItemRow = typeof items.$inferSelect

/** An item row with what a list entry shows: its lead unit's name, its plan's zone, its recent report months. */
export type ItemSummaryRecord = ItemRow & {
  leadUnitName: string
  timezone: string
  /** The months (YYYY-MM) from `reportsSince` on in which any unit reported on the item. */
  reportedPeriods: string[]
}

/** An item with everything its view needs, read in one statement. */
export type ItemRecord = ItemSummaryRecord & {
  /** In unit id order. */
  responsibleUnits: { id: number; name: string }[]
  evidenceCount: number
  /** A file of this item also stands on another item (possible 纸面销号). */
  evidenceReused: boolean
}

/** The item's long texts: the bulk of its row, and changed only by an edit. */
type ItemTexts = Pick<ItemRow, 'code' | 'category' | 'problem' | 'target' | 'measures' | 'deadlineText' | 'note'>

const textColumns = {
  id: items.id,
  version: items.version,
  updatedAt: items.updatedAt,
  code: items.code,
  category: items.category,
  problem: items.problem,
  target: items.target,
  measures: items.measures,
  deadlineText: items.deadlineText,
  note: items.note,
}

/**
 * Records recently read, each valid for the database epoch it was read at (see db/change-epoch.ts): while nothing
 * is written, reading an item or a page of a list costs no item row at all. Decoding a row's ~1 KB of Chinese text
 * is most of what reading an item costs, so after a write a record's texts are still taken from its stale entry
 * when its (version, updatedAt) shows that they have not changed: every change to an item row bumps both
 * (`updateIfCurrent` is the only writer), whichever process wrote. With the views made of it and their JSON
 * (items.service.ts, lib/json-bytes.ts) a record holds about 9 KB: 5,000 are at most some 45 MB, and cover the
 * items a unit works with many times over (a district plan has tens to hundreds).
 */
const RECORD_CACHE_ITEMS = 5_000

/** Pages of lists (their ids and the count of all that match), per query: a few hundred bytes each. */
const PAGE_CACHE_QUERIES = 2_000

/** A cached record and the first month of progress reports it carries (`ItemListQuery.reportsSince`). */
interface CachedRecord {
  reportsSince: string
  record: ItemRecord
}

/** For reads that do not need report months: no month is this late. */
const NO_REPORTS = '9999-12'

const summaryColumns = {
  id: items.id,
  planId: items.planId,
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
  // May repeat a month (one report per unit): the reader makes a set of them.
  reportedPeriods: sql<string | null>`(select group_concat(pr.period) from ${progressReports} pr
    where pr.item_id = ${items.id} and pr.period >= ${sql.placeholder('reportsSince')})`,
}

const recordColumns = {
  ...summaryColumns,
  // The derived facts as correlated subqueries, so that a read is one statement however many facts a view shows.
  // json_array rather than json_object, and no sort in SQL: both cost more than sorting two or three units here.
  responsibleJson: sql<string>`(select json_group_array(json_array(ru.id, ru.name))
    from ${itemResponsibleUnits} r join ${units} ru on ru.id = r.unit_id where r.item_id = ${items.id})`,
  evidenceCount: sql<number>`(select count(*) from ${evidence} ev where ev.item_id = ${items.id})`,
  evidenceReused: sql<number>`exists (select 1 from ${evidence} ev join ${evidence} other
    on other.sha256 = ev.sha256 and other.item_id <> ev.item_id where ev.item_id = ${items.id})`,
}

type SummaryRow = Omit<ItemRow, keyof ItemTexts> & { leadUnitName: string; timezone: string; reportedPeriods: string | null }
type RecordRow = SummaryRow & { responsibleJson: string; evidenceCount: number; evidenceReused: number }

function toRecord(row: RecordRow, texts: ItemTexts): ItemRecord {
  const record = toSummaryRecord(row, texts) as ItemRecord
  const responsible = (JSON.parse(row.responsibleJson) as [number, string][]).sort((a, b) => a[0] - b[0])
  record.responsibleUnits = responsible.map(([id, name]) => ({ id, name }))
  record.evidenceCount = row.evidenceCount
  record.evidenceReused = row.evidenceReused === 1
  return record
}

function toSummaryRecord(row: SummaryRow, texts: ItemTexts): ItemSummaryRecord {
  return {
    id: row.id,
    planId: row.planId,
    code: texts.code,
    category: texts.category,
    problem: texts.problem,
    target: texts.target,
    measures: texts.measures,
    deadlineText: texts.deadlineText,
    note: texts.note,
    leadUnitId: row.leadUnitId,
    leadUnitName: row.leadUnitName,
    deadlineKind: row.deadlineKind,
    deadline: row.deadline,
    status: row.status,
    version: row.version,
    noticeEndsAt: row.noticeEndsAt,
    noticeCalendarFallback: row.noticeCalendarFallback,
    closedAt: row.closedAt,
    rebound: row.rebound,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    timezone: row.timezone,
    reportedPeriods: row.reportedPeriods === null ? [] : row.reportedPeriods.split(','),
  }
}

const ph = (name: string) => sql.placeholder(name)

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
  /** The first month whose progress reports the records carry (see `ItemRecord.reportedPeriods`). */
  reportsSince: string
}

/** Items the unit leads or shares. A union of two index lookups: an OR with EXISTS would scan every item. */
function sharesItem(unitId: SQL.Aliased | SQL | ReturnType<typeof ph>): SQL {
  return sql`${items.id} in (select ${items.id} from ${items} where ${items.leadUnitId} = ${unitId}
    union select ${itemResponsibleUnits.itemId} from ${itemResponsibleUnits} where ${itemResponsibleUnits.unitId} = ${unitId})`
}

/** The same test row by row, for when another condition has already narrowed the items to a few through an index. */
function sharesThisItem(unitId: ReturnType<typeof ph>): SQL {
  return sql`(${items.leadUnitId} = ${unitId} or exists (select 1 from ${itemResponsibleUnits} r
    where r.item_id = ${items.id} and r.unit_id = ${unitId}))`
}

const inJsonList = (column: SQL | typeof items.planId, list: ReturnType<typeof ph>) => sql`${column} in (select value from json_each(${list}))`

/**
 * The filters of a list query, as a shape (which filters, in what form) and the values to bind. Queries of one
 * shape share one prepared statement, so a list costs no SQL building or compiling after the first of its kind;
 * the number of shapes is bounded by the filter combinations.
 */
function listFilter(query: Omit<ItemListQuery, 'limit' | 'afterId' | 'reportsSince'>, scopeUnitId: number | null) {
  const shape: string[] = []
  const params: Record<string, unknown> = {}
  const builders: (() => SQL)[] = []
  const add = (key: string, values: Record<string, unknown>, build: () => SQL) => {
    shape.push(key)
    Object.assign(params, values)
    builders.push(build)
  }
  // A unit's own led items are all in its scope: no test needed (the list a lead unit works from).
  if (scopeUnitId !== null && query.leadUnitId !== scopeUnitId) {
    // With a lead-unit filter the index already narrows to that unit's items: test each for the scope.
    if (query.leadUnitId !== undefined) add('scopeRow', { scopeUnitId }, () => sharesThisItem(ph('scopeUnitId')))
    else add('scope', { scopeUnitId }, () => sharesItem(ph('scopeUnitId')))
  }
  if (query.planId !== undefined) add('plan', { planId: query.planId }, () => eq(items.planId, ph('planId')))
  if (query.status !== undefined) add('status', { status: query.status }, () => eq(items.status, ph('status')))
  if (query.leadUnitId !== undefined) add('lead', { leadUnitId: query.leadUnitId }, () => eq(items.leadUnitId, ph('leadUnitId')))
  if (query.unitId !== undefined) add('unit', { unitId: query.unitId }, () => sharesItem(ph('unitId')))
  if (query.category !== undefined) add('category', { category: query.category }, () => eq(items.category, ph('category')))
  if (query.q !== undefined && query.q !== '') {
    // instr() is a plain substring test: it finds two-character Chinese terms that tokenising indexes miss.
    add('q', { q: query.q }, () =>
      or(
        sql`instr(${items.code}, ${ph('q')}) > 0`,
        sql`instr(${items.problem}, ${ph('q')}) > 0`,
        sql`instr(${items.target}, ${ph('q')}) > 0`,
        sql`instr(${items.measures}, ${ph('q')}) > 0`,
      )!,
    )
  }
  if (query.overdue !== undefined) {
    // The SQL twin of `overdueOn`: rectifying, has a date, and the date is before today in the plan's zone.
    const { value, todayByPlan } = query.overdue
    const values: Record<string, unknown> = {}
    todayByPlan.forEach((z, i) => Object.assign(values, { [`overduePlans${i}`]: JSON.stringify(z.planIds), [`overdueToday${i}`]: z.today }))
    add(`overdue:${value}:${todayByPlan.length}`, values, () => {
      const byZone = todayByPlan.map((_, i) => and(inJsonList(items.planId, ph(`overduePlans${i}`)), lt(items.deadline, ph(`overdueToday${i}`))))
      const cond = and(
        inArray(items.status, ['assigned', 'in_progress']),
        ne(items.deadlineKind, 'long_term'),
        isNotNull(items.deadline),
        byZone.length > 0 ? or(...byZone) : sql`0`,
      )!
      return value ? cond : not(cond)
    })
  }
  if (query.lagging !== undefined) {
    // The SQL twin of `isLagging`.
    const { value, windows } = query.lagging
    const values: Record<string, unknown> = {}
    windows.forEach((w, i) =>
      Object.assign(values, {
        [`laggingPlans${i}`]: JSON.stringify(w.planIds),
        [`laggingPeriods${i}`]: JSON.stringify(w.periods),
        [`laggingListedBefore${i}`]: w.listedBefore,
      }),
    )
    add(`lagging:${value}:${windows.length}`, values, () => {
      const byZone = windows.map((_, i) =>
        and(
          inJsonList(items.planId, ph(`laggingPlans${i}`)),
          lt(items.createdAt, ph(`laggingListedBefore${i}`)),
          sql`not exists (select 1 from ${progressReports} where ${progressReports.itemId} = ${items.id}
            and ${inJsonList(progressReports.period as never, ph(`laggingPeriods${i}`))})`,
        ),
      )
      const cond = and(inArray(items.status, ['assigned', 'in_progress']), byZone.length > 0 ? or(...byZone) : sql`0`)!
      return value ? cond : not(cond)
    })
  }
  return { shape: shape.join(','), params, build: () => builders.map((b) => b()) }
}

export function createItemsRepo(db: Db, sqlite: Sqlite, changeEpoch: ChangeEpoch) {
  /** One item by id with these columns, typed by the caller (drizzle's inference does not survive the generic). */
  const selectById = <Row>(columns: typeof recordColumns) =>
    db
      .select(columns)
      .from(items)
      .innerJoin(plans, eq(plans.id, items.planId))
      .innerJoin(units, eq(units.id, items.leadUnitId))
      .where(eq(items.id, ph('id')))
      .prepare() as unknown as { get(params: { id: number; reportsSince: string }): Row | undefined }
  const byId = selectById<RecordRow>(recordColumns)
  const byIdWithTexts = selectById<RecordRow & ItemTexts>({ ...recordColumns, ...textColumns })
  const byIds = db
    .select(recordColumns)
    .from(items)
    .innerJoin(plans, eq(plans.id, items.planId))
    .innerJoin(units, eq(units.id, items.leadUnitId))
    .where(inJsonList(items.id as never, ph('ids')))
    .prepare() as unknown as { all(params: { ids: string; reportsSince: string }): RecordRow[] }
  const textsOf = db
    .select(textColumns)
    .from(items)
    .where(inJsonList(items.id as never, ph('ids')))
    .prepare()
  const cache = createEpochCache<number, CachedRecord>(sqlite, RECORD_CACHE_ITEMS)
  const pages = createEpochCache<string, { ids: number[]; total: number }>(sqlite, PAGE_CACHE_QUERIES)

  function cached(id: number, epoch: number, reportsSince: string): ItemRecord | undefined {
    const entry = cache.get(id, epoch)
    return entry?.reportsSince === reportsSince ? entry.record : undefined
  }

  /**
   * The records of these items in their order (missing ones left out), read at `epoch`: from the cache, else from
   * one statement, their texts from a stale entry when unchanged or from one more statement; null when another
   * process changed one of the items between the two statements.
   */
  function recordsOf(ids: readonly number[], reportsSince: string, epoch: number): ItemRecord[] | null {
    const found = new Map<number, ItemRecord>()
    const missing: number[] = []
    for (const id of ids) {
      const record = cached(id, epoch, reportsSince)
      if (record) found.set(id, record)
      else missing.push(id)
    }
    if (missing.length > 0) {
      const rows = byIds.all({ ids: JSON.stringify(missing), reportsSince })
      const needTexts: RecordRow[] = []
      for (const row of rows) {
        const known = cache.stale(row.id)?.record
        if (known && known.version === row.version && known.updatedAt === row.updatedAt) {
          found.set(row.id, cache.set(row.id, epoch, { reportsSince, record: toRecord(row, known) }).record)
        } else needTexts.push(row)
      }
      if (needTexts.length > 0) {
        const texts = new Map(textsOf.all({ ids: JSON.stringify(needTexts.map((row) => row.id)) }).map((t) => [t.id, t]))
        for (const row of needTexts) {
          const t = texts.get(row.id)
          if (!t || t.version !== row.version || t.updatedAt !== row.updatedAt) return null
          found.set(row.id, cache.set(row.id, epoch, { reportsSince, record: toRecord(row, t) }).record)
        }
      }
    }
    return ids.flatMap((id) => found.get(id) ?? [])
  }

  /**
   * Runs `read` at the current epoch and, if a commit by another connection moved the epoch under it (or it saw
   * an item change between two statements), again in one read transaction: one snapshot, nothing cached. The
   * second look is fresh: kept records are as of the first look, the statements' rows as of now.
   */
  function consistent<T>(read: (epoch: number) => T | null): T {
    const epoch = changeEpoch()
    const first = read(epoch)
    if (first !== null && changeEpoch({ fresh: true }) === epoch) return first
    return db.transaction(() => read(changeEpoch()) as T)
  }

  const responsibleOf = db
    .select({ id: units.id, name: units.name })
    .from(itemResponsibleUnits)
    .innerJoin(units, eq(units.id, itemResponsibleUnits.unitId))
    .where(eq(itemResponsibleUnits.itemId, ph('itemId')))
    .orderBy(asc(units.id))
    .prepare()
  const reportedOfMany = db
    .selectDistinct({ itemId: progressReports.itemId, period: progressReports.period })
    .from(progressReports)
    .where(and(inJsonList(progressReports.itemId as never, ph('ids')), inJsonList(progressReports.period as never, ph('periods'))))
    .prepare()

  /**
   * A query built by drizzle, run as a plucking better-sqlite3 statement: its one column as bare values, no row
   * objects or arrays made for the ids of a page or for a count.
   */
  function plucked<T>(query: { toSQL(): { sql: string; params: unknown[] } }) {
    const { sql: text, params } = query.toSQL()
    const statement = sqlite.prepare<unknown[], T>(text).pluck()
    return {
      all: (values: Record<string, unknown>): T[] => statement.all(...fillPlaceholders(params, values)),
      get: (values: Record<string, unknown>): T | undefined => statement.get(...fillPlaceholders(params, values)),
    }
  }

  const pageStatements = new Map<string, ReturnType<typeof plucked<number>>>()
  const countStatements = new Map<string, ReturnType<typeof plucked<number>>>()

  /** The ids of one page: the filters, in id order, over the items table and its indexes alone. */
  function pageStatement(filter: ReturnType<typeof listFilter>, afterCursor: boolean) {
    const key = `${filter.shape}${afterCursor ? ',after' : ''}`
    let statement = pageStatements.get(key)
    if (!statement) {
      const where = filter.build()
      if (afterCursor) where.push(gt(items.id, ph('afterId')))
      statement = plucked<number>(
        db
          .select({ id: items.id })
          .from(items)
          .where(and(...where))
          .orderBy(asc(items.id))
          .limit(ph('limit')),
      )
      pageStatements.set(key, statement)
    }
    return statement
  }

  function countStatement(filter: ReturnType<typeof listFilter>) {
    let statement = countStatements.get(filter.shape)
    if (!statement) {
      statement = plucked<number>(
        db
          .select({ n: sql<number>`count(*)` })
          .from(items)
          .where(and(...filter.build())),
      )
      countStatements.set(filter.shape, statement)
    }
    return statement
  }

  const updateStatements = new Map<string, { run(params: Record<string, unknown>): { changes: number } }>()

  /** The conditional update of these columns, prepared once per set of columns (a handful: one per kind of change). */
  function updateStatement(columns: readonly (keyof ItemRow)[], withStatus: boolean) {
    const key = `${columns.join(',')}${withStatus ? '|status' : ''}`
    let statement = updateStatements.get(key)
    if (!statement) {
      const set = Object.fromEntries(columns.map((column) => [column, ph(column)]))
      statement = db
        .update(items)
        .set({ ...set, version: sql`${items.version} + 1` })
        .where(
          and(
            eq(items.id, ph('id')),
            eq(items.version, ph('expectedVersion')),
            withStatus ? eq(items.status, ph('expectedStatus')) : undefined,
          ),
        )
        .prepare()
      updateStatements.set(key, statement)
    }
    return statement
  }

  return {
    /** The item with its derived facts; `reportsSince` bounds the months of `reportedPeriods`. The record is shared: frozen. */
    findRecord(id: number, reportsSince = NO_REPORTS): ItemRecord | undefined {
      const epoch = changeEpoch()
      const hit = cached(id, epoch, reportsSince)
      if (hit) return hit
      // Without its texts when a stale entry may still have them; else, or when they changed, with them.
      const known = cache.stale(id)?.record
      if (known) {
        const row = byId.get({ id, reportsSince })
        if (!row) return undefined
        if (row.version === known.version && row.updatedAt === known.updatedAt) {
          return cache.set(id, epoch, { reportsSince, record: toRecord(row, known) }).record
        }
      }
      const row = byIdWithTexts.get({ id, reportsSince })
      return row && cache.set(id, epoch, { reportsSince, record: toRecord(row, row) }).record
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
    /**
     * One page in id order (ids only grow, so a cursor never skips or repeats an item while others are added) and
     * the number of items that match, from one snapshot of the database.
     */
    list(query: ItemListQuery, scopeUnitId: number | null): { records: ItemRecord[]; total: number } {
      const filter = listFilter(query, scopeUnitId)
      const afterCursor = query.afterId !== undefined
      const page = pageStatement(filter, afterCursor)
      const params = { ...filter.params, ...(afterCursor ? { afterId: query.afterId } : {}), limit: query.limit }
      // The same page asked again while nothing changed: its ids, count and records all as of one look.
      const key = `${filter.shape}${afterCursor ? ',after' : ''} ${JSON.stringify(params)}`
      const epoch = changeEpoch()
      const kept = pages.get(key, epoch)
      if (kept) {
        const records = kept.ids.map((id) => cached(id, epoch, query.reportsSince))
        if (records.every((record) => record !== undefined)) return { records, total: kept.total }
      }
      return consistent((epoch) => {
        const ids = page.all(params)
        const records = recordsOf(ids, query.reportsSince, epoch)
        if (records === null) return null
        const total = countStatement(filter).get(filter.params) ?? 0
        // Kept at this epoch; should consistent() find that another connection committed meanwhile, the epoch has
        // moved past it and the entry is never served.
        pages.set(key, epoch, { ids, total })
        return { records, total }
      })
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
      deadlineText: string
      note: string
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
      const columns = (Object.keys(changes) as (keyof typeof changes)[]).filter((key) => changes[key] !== undefined).sort()
      const params: Record<string, unknown> = { id, expectedVersion, expectedStatus: expectedStatus ?? null }
      for (const column of columns) params[column] = changes[column]
      return updateStatement(columns, expectedStatus !== undefined).run(params).changes === 1
    },
  }
}

export type ItemsRepo = ReturnType<typeof createItemsRepo>
