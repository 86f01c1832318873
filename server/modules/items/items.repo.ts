import { and, asc, eq, inArray, lte, ne, sql } from 'drizzle-orm'
import type { Db, Sqlite } from '../../../db/client.ts'
import { itemResponsibleUnits, items } from '../../../db/schema/index.ts'
import { RECTIFYING_STATUSES, type DeadlineKind, type ItemStatus } from '../../domain/items.ts'
import { registerItemFacts, reportedMonthsSql } from './facts.ts'
import { createRowCache, type ItemOwnDetail, type ItemOwnSummary } from './row-cache.ts'

export type ItemRow = typeof items.$inferSelect

/** What a list entry shows of an item: its row but the long target and measures, its lead unit's name, its plan's zone, its recent report months. */
export type ItemSummaryRecord = Omit<ItemRow, 'target' | 'measures' | 'note' | 'noticeEndsAt' | 'noticeCalendarFallback'> & {
  leadUnitName: string
  timezone: string
  /** The months (YYYY-MM) from `reportsSince` on in which any unit reported on the item. */
  reportedPeriods: string[]
}

/** An item with everything its view needs, read in one statement. */
export type ItemRecord = ItemSummaryRecord &
  Pick<ItemRow, 'target' | 'measures' | 'note' | 'noticeEndsAt' | 'noticeCalendarFallback'> & {
    /** In unit id order. */
    responsibleUnits: { id: number; name: string }[]
    evidenceCount: number
    /** A file of this item also stands on another item (possible 纸面销号). */
    evidenceReused: boolean
  }

/** For reads that do not need report months: no month is this late. */
const NO_REPORTS = '9999-12'

/** The months (from @reportsSince on) in which any unit reported on item `i`: what lagging is decided from, in a record and in the lagging filter alike. */
const REPORTED_MONTHS = reportedMonthsSql('i.id', 'r.period >= @reportsSince')

// What a read asks SQLite for on every item: its id and version, and what is not the row's own (its lead unit's
// name, its plan's zone, its report months; for a whole item its responsible units and evidence too). The related
// rows are correlated subqueries of the same statement, evaluated only for the rows it returns: an item or a page is
// one statement, however many facts its views show. The row's own columns come from the row cache at that version
// (row-cache.ts), and from a second statement only for the rows it does not keep.
// The statements run in raw mode (each row an array, in this column order): better-sqlite3 builds a row object
// column by column, which cost ~4 µs a row of 17 columns.
const SUMMARY_CONTEXT = `i.id, i.version, u.name, p.timezone, ${REPORTED_MONTHS}`
// json_array rather than json_object, and no sort in SQL: both cost more than sorting two or three units here.
const FULL_CONTEXT = `${SUMMARY_CONTEXT},
  (SELECT json_group_array(json_array(ru.id, ru.name)) FROM item_responsible_units x JOIN units ru ON ru.id = x.unit_id
    WHERE x.item_id = i.id),
  (SELECT count(*) FROM evidence ev WHERE ev.item_id = i.id),
  EXISTS (SELECT 1 FROM evidence ev JOIN evidence other ON other.sha256 = ev.sha256 AND other.item_id <> ev.item_id
    WHERE ev.item_id = i.id)`
const FROM = 'FROM items i JOIN plans p ON p.id = i.plan_id JOIN units u ON u.id = i.lead_unit_id'
/** The row's own columns: those of a list entry, then the rest of a whole item. */
const OWN_SUMMARY_COLUMNS = `i.id, i.plan_id, i.code, i.category, i.problem, i.lead_unit_id, i.deadline_kind, i.deadline, i.status,
  i.version, i.closed_at, i.rebound, i.created_at, i.updated_at, i.deadline_text`
const OWN_DETAIL_COLUMNS = 'i.target, i.measures, i.note, i.notice_ends_at, i.notice_calendar_fallback'

/** An item a unit merge moved, and in which capacity the merged unit had it. */
export interface MovedItem {
  itemId: number
  code: string
  as: 'lead' | 'responsible'
}

/** A row of one of the statements above, as raw mode hands it over. */
type RawRow = unknown[]

function ownSummary(r: RawRow): ItemOwnSummary {
  return {
    id: r[0] as number,
    planId: r[1] as number,
    code: r[2] as string,
    category: r[3] as string,
    problem: r[4] as string,
    leadUnitId: r[5] as number,
    deadlineKind: r[6] as DeadlineKind,
    deadline: r[7] as string | null,
    status: r[8] as ItemStatus,
    version: r[9] as number,
    closedAt: r[10] as string | null,
    rebound: r[11] === 1,
    createdAt: r[12] as string,
    updatedAt: r[13] as string,
    deadlineText: r[14] as string,
  }
}

function ownDetail(r: RawRow): ItemOwnDetail {
  return {
    target: r[15] as string,
    measures: r[16] as string,
    note: r[17] as string,
    noticeEndsAt: r[18] as string | null,
    noticeCalendarFallback: r[19] === 1,
  }
}

// The records are built property by property: a fresh object each (a record is its caller's to change, and the
// kept row is not), and `{ ...own, more }` cost ~7 µs a record in V8 (a list of 50, a third of its time), this ~0.1.

/** A list entry: the row's own columns and its SUMMARY_CONTEXT row. */
function summaryRecord(own: ItemOwnSummary, context: RawRow): ItemSummaryRecord {
  const reported = context[4] as string | null
  return {
    id: own.id,
    planId: own.planId,
    code: own.code,
    category: own.category,
    problem: own.problem,
    leadUnitId: own.leadUnitId,
    leadUnitName: context[2] as string,
    deadlineKind: own.deadlineKind,
    deadline: own.deadline,
    status: own.status,
    version: own.version,
    closedAt: own.closedAt,
    rebound: own.rebound,
    createdAt: own.createdAt,
    updatedAt: own.updatedAt,
    timezone: context[3] as string,
    reportedPeriods: reported === null ? [] : reported.split(','),
    deadlineText: own.deadlineText,
  }
}

/** A whole item, from the row's own columns and its FULL_CONTEXT row. */
function itemRecord(own: { summary: ItemOwnSummary; detail: ItemOwnDetail }, context: RawRow): ItemRecord {
  const responsible = (JSON.parse(context[5] as string) as [number, string][]).sort((a, b) => a[0] - b[0])
  const record = summaryRecord(own.summary, context) as ItemRecord
  record.target = own.detail.target
  record.measures = own.detail.measures
  record.note = own.detail.note
  record.noticeEndsAt = own.detail.noticeEndsAt
  record.noticeCalendarFallback = own.detail.noticeCalendarFallback
  record.responsibleUnits = responsible.map(([id, name]) => ({ id, name }))
  record.evidenceCount = context[6] as number
  record.evidenceReused = context[7] === 1
  return record
}

/**
 * Runs a read whose statements may see different commits of other connections; `read` answers null when they did
 * (a row moved on between its two statements). It then runs again in one read transaction, which sees one snapshot.
 */
function consistently<T>(read: () => T | null, readTransaction: <R>(fn: () => R) => R): T {
  const first = read()
  if (first !== null) return first
  return readTransaction(() => {
    const again = read()
    if (again === null) throw new Error('an item row changed inside a read transaction')
    return again
  })
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
  /** Only overdue (true) or only not overdue (false) items at `now`, each in its plan's zone. */
  overdue?: boolean | undefined
  /** Only lagging (true) or only not lagging (false) items at `now`, each in its plan's zone. */
  lagging?: boolean | undefined
  /** The instant the overdue and lagging filters are decided at (ISO). */
  now: string
  /** At most this many items. */
  limit: number
  /** The first month whose progress reports the records carry (see `ItemSummaryRecord.reportedPeriods`). */
  reportsSince: string
  /** Whole items (`ItemRecord`) rather than list entries. */
  full: boolean
}

/** Items the unit leads or shares. A union of two index lookups: an OR with EXISTS would scan every item. */
const sharesItem = (param: string) =>
  `i.id IN (SELECT id FROM items WHERE lead_unit_id = @${param} UNION SELECT item_id FROM item_responsible_units WHERE unit_id = @${param})`

const planZone = '(SELECT timezone FROM plans WHERE id = i.plan_id)'

/**
 * The filters of a list query, as a shape (which filters, in what form) and the values to bind. Queries of one
 * shape share prepared statements, so a list costs no SQL building or compiling after the first of its kind; the
 * number of shapes is bounded by the filter combinations. Overdue and lagging ask the facts' SQL functions
 * (items/facts.ts), the one definition the views use too.
 */
function listFilter(query: ItemListQuery, scopeUnitId: number | null): { shape: string; where: string; params: Record<string, unknown> } {
  const shape: string[] = []
  const where: string[] = []
  const params: Record<string, unknown> = { reportsSince: query.reportsSince, now: query.now }
  const add = (key: string, condition: string, values: Record<string, unknown> = {}) => {
    shape.push(key)
    where.push(condition)
    Object.assign(params, values)
  }
  // A unit's own led items are all in its scope: no test needed (the list a lead unit works from).
  if (scopeUnitId !== null && query.leadUnitId !== scopeUnitId) {
    // With a lead-unit filter the index already narrows to that unit's items: test each for the scope.
    if (query.leadUnitId !== undefined) {
      add(
        'scopeRow',
        '(i.lead_unit_id = @scopeUnitId OR EXISTS (SELECT 1 FROM item_responsible_units r WHERE r.item_id = i.id AND r.unit_id = @scopeUnitId))',
        { scopeUnitId },
      )
    } else add('scope', sharesItem('scopeUnitId'), { scopeUnitId })
  }
  if (query.planId !== undefined) add('plan', 'i.plan_id = @planId', { planId: query.planId })
  if (query.status !== undefined) add('status', 'i.status = @status', { status: query.status })
  if (query.leadUnitId !== undefined) add('lead', 'i.lead_unit_id = @leadUnitId', { leadUnitId: query.leadUnitId })
  if (query.unitId !== undefined) add('unit', sharesItem('unitId'), { unitId: query.unitId })
  if (query.category !== undefined) add('category', 'i.category = @category', { category: query.category })
  if (query.q !== undefined && query.q !== '') {
    // instr() is a plain substring test: it finds two-character Chinese terms that tokenising indexes miss.
    add('q', '(instr(i.code, @q) > 0 OR instr(i.problem, @q) > 0 OR instr(i.target, @q) > 0 OR instr(i.measures, @q) > 0)', { q: query.q })
  }
  if (query.overdue !== undefined) {
    const days = `item_days_overdue(i.status, i.deadline_kind, i.deadline, local_date(@now, ${planZone}))`
    add(`overdue:${query.overdue}`, query.overdue ? `${days} > 0` : `${days} = 0`)
  }
  if (query.lagging !== undefined) {
    const lagging = `item_lagging_at(i.status, i.created_at, ${REPORTED_MONTHS}, @now, ${planZone})`
    add(`lagging:${query.lagging}`, `${lagging} = ${query.lagging ? 1 : 0}`)
  }
  return { shape: shape.join(','), where: where.length > 0 ? where.join(' AND ') : '1', params }
}

interface ListStatements {
  /**
   * The page's rows in one statement (one more than the page, to know whether more follow), when the plan walks
   * an index in id order, so that only the rows returned are read whole: the common lists (a unit's led items,
   * everything, everything after a cursor). Null for the shapes that would sort every match (reading each one's
   * columns to do so): those take `ids`, then `rows`.
   */
  page: { all(params: Record<string, unknown>): RawRow[] } | null
  /** The page's ids, from the items table and its indexes. */
  ids: { all(params: Record<string, unknown>): number[] }
  /** The rows of those ids that still match (a commit between the two statements never shows a row that no longer does). */
  rows: { all(params: Record<string, unknown>): RawRow[] }
  count: { get(params: Record<string, unknown>): number | undefined }
}

/** An item's place in deadline order: id, code, deadline. */
type KeyRow = [number, string, string | null]

/**
 * An order of items by deadline, undated last (as the SQL of `deadlinePage` orders them), and then by code: it
 * decides only among items due the same day.
 */
export type DeadlineOrder = (a: { deadline: string | null; code: string }, b: { deadline: string | null; code: string }) => number

interface DeadlineStatements {
  /** The deadlines of the page's positions, in deadline order (undated last). */
  deadlines: { all(params: Record<string, unknown>): (string | null)[] }
  /** Matches due before @from, and matches with a deadline at all. */
  datedBefore: { get(params: Record<string, unknown>): number | undefined }
  dated: { get(params: Record<string, unknown>): number | undefined }
  /** The order keys of the matches due from @from to @to; from @from on, undated included; undated only. */
  keysBetween: { all(params: Record<string, unknown>): KeyRow[] }
  keysFrom: { all(params: Record<string, unknown>): KeyRow[] }
  keysUndated: { all(params: Record<string, unknown>): KeyRow[] }
}

export function createItemsRepo(db: Db, sqlite: Sqlite) {
  registerItemFacts(sqlite)
  const ph = (name: string) => sql.placeholder(name)
  const byId = sqlite.prepare<{ id: number; reportsSince: string }, RawRow>(`SELECT ${FULL_CONTEXT} ${FROM} WHERE i.id = @id`).raw()
  const rowCache = createRowCache()
  /** Runs `fn` in one (deferred) read transaction: its statements read one snapshot. */
  const inReadTransaction = sqlite.transaction((fn: () => unknown) => fn())
  /** How many of our read transactions, begun outside any other transaction, are running. */
  let readOnlyDepth = 0
  const readTransaction = <T>(fn: () => T): T => {
    if (sqlite.inTransaction) return inReadTransaction(fn) as T
    readOnlyDepth++
    try {
      return inReadTransaction(fn) as T
    } finally {
      readOnlyDepth--
    }
  }
  const ownSummariesOf = sqlite
    .prepare<{ ids: string }, RawRow>(`SELECT ${OWN_SUMMARY_COLUMNS} FROM items i WHERE i.id IN (SELECT value FROM json_each(@ids))`)
    .raw()
  const ownWholesOf = sqlite
    .prepare<{ ids: string }, RawRow>(
      `SELECT ${OWN_SUMMARY_COLUMNS}, ${OWN_DETAIL_COLUMNS} FROM items i WHERE i.id IN (SELECT value FROM json_each(@ids))`,
    )
    .raw()

  /**
   * The row's own columns of each context row (id and version first), from the row cache and, for the rows it does
   * not keep at that version, one statement; null when a row read there has moved on from its context's version.
   */
  function ownOf(contexts: RawRow[], whole: false): ItemOwnSummary[] | null
  function ownOf(contexts: RawRow[], whole: true): { summary: ItemOwnSummary; detail: ItemOwnDetail }[] | null
  function ownOf(contexts: RawRow[], whole: boolean): (ItemOwnSummary | { summary: ItemOwnSummary; detail: ItemOwnDetail })[] | null {
    const own: (ItemOwnSummary | { summary: ItemOwnSummary; detail: ItemOwnDetail })[] = new Array(contexts.length)
    const missing: number[] = []
    for (let k = 0; k < contexts.length; k++) {
      const id = contexts[k]![0] as number
      const version = contexts[k]![1] as number
      const kept = whole ? rowCache.whole(id, version) : rowCache.summary(id, version)
      if (kept) own[k] = kept
      else missing.push(k)
    }
    if (missing.length === 0) return own
    const ids = JSON.stringify(missing.map((k) => contexts[k]![0]))
    const rows = new Map((whole ? ownWholesOf : ownSummariesOf).all({ ids }).map((r) => [r[0] as number, r]))
    for (const k of missing) {
      const row = rows.get(contexts[k]![0] as number)
      if (row === undefined || row[9] !== contexts[k]![1]) return null
      const summary = ownSummary(row)
      const detail = whole ? ownDetail(row) : null
      // Only committed rows are kept. Inside a write transaction a row may be at a version that is never committed
      // (the transaction rolls back), and the same version number may later be committed with other content.
      if (!sqlite.inTransaction || readOnlyDepth > 0) rowCache.keep(summary, detail)
      own[k] = detail ? { summary, detail } : summary
    }
    return own
  }
  const summariesOf = (contexts: RawRow[]): ItemSummaryRecord[] | null => {
    const own = ownOf(contexts, false)
    if (own === null) return null
    return own.map((o, k) => summaryRecord(o, contexts[k]!))
  }
  const wholesOf = (contexts: RawRow[]): ItemRecord[] | null => {
    const own = ownOf(contexts, true)
    if (own === null) return null
    return own.map((o, k) => itemRecord(o, contexts[k]!))
  }
  const responsibleOf = sqlite.prepare<{ itemId: number }, { id: number; name: string }>(
    'SELECT u.id, u.name FROM item_responsible_units r JOIN units u ON u.id = r.unit_id WHERE r.item_id = @itemId ORDER BY u.id',
  )
  const reportedOfMany = sqlite.prepare<{ ids: string; periods: string }, { itemId: number; period: string }>(
    `SELECT DISTINCT item_id AS itemId, period FROM progress_reports
     WHERE item_id IN (SELECT value FROM json_each(@ids)) AND period IN (SELECT value FROM json_each(@periods))`,
  )

  const listStatements = new Map<string, ListStatements>()
  /** The statements of one shape of list, prepared on its first use (`params`: that use's, for its plan). */
  function statementsFor(
    shape: string,
    where: string,
    afterCursor: boolean,
    full: boolean,
    params: Record<string, unknown>,
  ): ListStatements {
    const key = `${shape}|${afterCursor}|${full}`
    let statements = listStatements.get(key)
    if (!statements) {
      const page = afterCursor ? `${where} AND i.id > @afterId` : where
      const oneStatement = `SELECT ${full ? FULL_CONTEXT : SUMMARY_CONTEXT} ${FROM} WHERE ${page} ORDER BY i.id LIMIT @limit`
      const plan = sqlite.prepare<Record<string, unknown>, { detail: string }>(`EXPLAIN QUERY PLAN ${oneStatement}`).all(params)
      statements = {
        page: plan.some((step) => step.detail.includes('TEMP B-TREE'))
          ? null
          : sqlite.prepare<Record<string, unknown>, RawRow>(oneStatement).raw(),
        ids: sqlite.prepare<Record<string, unknown>, number>(`select "id" from "items" i WHERE ${page} ORDER BY i.id LIMIT @limit`).pluck(),
        rows: sqlite
          .prepare<Record<string, unknown>, RawRow>(
            `SELECT ${full ? FULL_CONTEXT : SUMMARY_CONTEXT} ${FROM} WHERE i.id IN (SELECT value FROM json_each(@ids)) AND ${where} ORDER BY i.id`,
          )
          .raw(),
        count: sqlite.prepare<Record<string, unknown>, number>(`SELECT count(*) FROM items i WHERE ${where}`).pluck(),
      }
      listStatements.set(key, statements)
    }
    return statements
  }

  const deadlineStatements = new Map<string, DeadlineStatements>()
  /** The statements of the deadline-ordered page for one shape of list, prepared on its first use. */
  function deadlineStatementsFor(shape: string, where: string): DeadlineStatements {
    let statements = deadlineStatements.get(shape)
    if (!statements) {
      const keys = (range: string) =>
        sqlite
          .prepare<Record<string, unknown>, KeyRow>(
            `SELECT i.id, i.code, i.deadline FROM items i WHERE ${where} AND ${range} ORDER BY i.id`,
          )
          .raw()
      statements = {
        deadlines: sqlite
          .prepare<Record<string, unknown>, string | null>(
            `SELECT i.deadline FROM items i WHERE ${where} ORDER BY i.deadline NULLS LAST LIMIT @limit OFFSET @offset`,
          )
          .pluck(),
        datedBefore: sqlite
          .prepare<Record<string, unknown>, number>(`SELECT count(*) FROM items i WHERE ${where} AND i.deadline < @from`)
          .pluck(),
        dated: sqlite
          .prepare<Record<string, unknown>, number>(`SELECT count(*) FROM items i WHERE ${where} AND i.deadline IS NOT NULL`)
          .pluck(),
        keysBetween: keys('i.deadline BETWEEN @from AND @to'),
        keysFrom: keys('(i.deadline >= @from OR i.deadline IS NULL)'),
        keysUndated: keys('i.deadline IS NULL'),
      }
      deadlineStatements.set(shape, statements)
    }
    return statements
  }

  /**
   * The ids at `offset` in `order`, which sorts by deadline (undated last) and then by code. SQL finds the deadlines
   * the page spans (an ORDER BY over the deadline alone, LIMIT/OFFSET) and how many matches come before the first
   * of them; only the items due on those days are sorted here, by `order` (SQLite has no collation for codes as
   * Chinese readers order them, '2-9' before '2-10'), and only the page's own rows are read after.
   */
  function deadlinePageIds(
    filter: { shape: string; where: string; params: Record<string, unknown> },
    offset: number,
    limit: number,
    order: DeadlineOrder,
  ): number[] {
    const statements = deadlineStatementsFor(filter.shape, filter.where)
    const deadlines = statements.deadlines.all({ ...filter.params, limit, offset })
    if (deadlines.length === 0) return []
    const from = deadlines[0]!
    const to = deadlines[deadlines.length - 1]!
    let before: number
    let keys: KeyRow[]
    if (from === null) {
      before = statements.dated.get(filter.params) ?? 0
      keys = statements.keysUndated.all(filter.params)
    } else {
      before = statements.datedBefore.get({ ...filter.params, from }) ?? 0
      keys = to === null ? statements.keysFrom.all({ ...filter.params, from }) : statements.keysBetween.all({ ...filter.params, from, to })
    }
    // In id order from SQL, and sort() is stable: equal deadline and code keep id order.
    return keys
      .map(([id, code, deadline]) => ({ id, code, deadline }))
      .sort(order)
      .slice(offset - before, offset - before + limit)
      .map((k) => k.id)
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
    /** The item with what its view needs; `reportsSince` bounds the months of `reportedPeriods`. */
    findRecord(id: number, reportsSince = NO_REPORTS): ItemRecord | undefined {
      return consistently(() => {
        const context = byId.get({ id, reportsSince })
        if (context === undefined) return undefined
        const record = wholesOf([context])
        return record && record[0]!
      }, readTransaction)
    },
    responsibleUnits(itemId: number): { id: number; name: string }[] {
      return responsibleOf.all({ itemId })
    },
    /** For each item, the periods among `periods` in which any unit reported on it. */
    reportedPeriods(itemIds: readonly number[], periods: readonly string[]): Map<number, Set<string>> {
      const map = new Map<number, Set<string>>()
      if (itemIds.length === 0 || periods.length === 0) return map
      for (const row of reportedOfMany.all({ ids: JSON.stringify(itemIds), periods: JSON.stringify(periods) })) {
        const set = map.get(row.itemId) ?? new Set<string>()
        set.add(row.period)
        map.set(row.itemId, set)
      }
      return map
    },
    /**
     * One page in id order (ids only grow, so a cursor never skips or repeats an item while others are added),
     * the id to continue after when more follow, and the number of items that match. The count is a statement of its own only when the
     * page does not already show every match (a later page, or more than one page).
     */
    list(
      query: ItemListQuery,
      scopeUnitId: number | null,
    ): { records: ItemSummaryRecord[] | ItemRecord[]; nextAfterId: number | null; total: number } {
      const filter = listFilter(query, scopeUnitId)
      const afterCursor = query.afterId !== undefined
      const pageParams = { ...filter.params, afterId: query.afterId, limit: query.limit + 1 }
      const statements = statementsFor(filter.shape, filter.where, afterCursor, query.full, pageParams)
      const { records, nextAfterId } = consistently(() => {
        let rows: RawRow[]
        let nextAfterId: number | null = null
        if (statements.page) {
          rows = statements.page.all(pageParams)
          if (rows.length > query.limit) {
            rows.length = query.limit
            nextAfterId = rows[query.limit - 1]![0] as number
          }
        } else {
          const ids = statements.ids.all(pageParams)
          const pageIds = ids.length > query.limit ? ids.slice(0, query.limit) : ids
          if (ids.length > query.limit) nextAfterId = pageIds[pageIds.length - 1]!
          rows = pageIds.length === 0 ? [] : statements.rows.all({ ...filter.params, ids: JSON.stringify(pageIds) })
        }
        const records = query.full ? wholesOf(rows) : summariesOf(rows)
        return records && { records, nextAfterId }
      }, readTransaction)
      const total = !afterCursor && nextAfterId === null ? records.length : (statements.count.get(filter.params) ?? 0)
      return { records, nextAfterId, total }
    },
    /**
     * The workbench's list: the matches in `order` (by deadline, undated last, then by code), then by id; the page
     * `page` of `pageSize` (the last page when asked for one after it), and the number of matches. One read
     * transaction, so the count and the page agree however others write meanwhile.
     */
    deadlinePage(
      query: Omit<ItemListQuery, 'afterId' | 'limit' | 'full'>,
      scopeUnitId: number | null,
      page: number,
      pageSize: number,
      order: DeadlineOrder,
    ): { records: ItemSummaryRecord[]; total: number; page: number } {
      const filter = listFilter({ ...query, limit: pageSize, full: false }, scopeUnitId)
      return readTransaction(() => {
        const statements = statementsFor(filter.shape, filter.where, false, false, { ...filter.params, limit: pageSize })
        const total = statements.count.get(filter.params) ?? 0
        const shown = Math.min(page, Math.max(1, Math.ceil(total / pageSize)))
        const ids = total === 0 ? [] : deadlinePageIds(filter, (shown - 1) * pageSize, pageSize, order)
        if (ids.length === 0) return { records: [], total, page: shown }
        // In one snapshot: the context rows and the row's own columns agree.
        const records = summariesOf(statements.rows.all({ ...filter.params, ids: JSON.stringify(ids) }))
        if (records === null) throw new Error('an item row changed inside a read transaction')
        const byId = new Map(records.map((record) => [record.id, record]))
        return { records: ids.map((id) => byId.get(id)!), total, page: shown }
      })
    },
    rectifyingItemIds(): number[] {
      return db
        .select({ id: items.id })
        .from(items)
        .where(inArray(items.status, [...RECTIFYING_STATUSES]))
        .orderBy(asc(items.id))
        .all()
        .map((r) => r.id)
    },
    noticesEndedBy(now: string): { id: number; version: number }[] {
      return db
        .select({ id: items.id, version: items.version })
        .from(items)
        .where(and(eq(items.status, 'in_public_notice'), lte(items.noticeEndsAt, now)))
        .orderBy(asc(items.noticeEndsAt), asc(items.id))
        .all()
    },
    codesInPlan(planId: number): { id: number; code: string; version: number }[] {
      return db.select({ id: items.id, code: items.code, version: items.version }).from(items).where(eq(items.planId, planId)).all()
    },
    categoryCounts(planId: number): { category: string; items: number }[] {
      return db
        .select({ category: items.category, items: sql<number>`count(*)` })
        .from(items)
        .where(eq(items.planId, planId))
        .groupBy(items.category)
        .orderBy(asc(items.category))
        .all()
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
      if (unitIds.length > 0)
        db.insert(itemResponsibleUnits)
          .values(unitIds.map((unitId) => ({ itemId, unitId })))
          .run()
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
     * Moves the items of unit `fromId` to `intoId` after a merge (call inside the merge's transaction): the items it
     * leads, and its shares in others (a share the survivor already has, or an item the survivor leads, is dropped
     * rather than doubled). Every moved item's version goes up once.
     */
    moveUnit(fromId: number, intoId: number, at: string): MovedItem[] {
      const led = db
        .select({ itemId: items.id, code: items.code })
        .from(items)
        .where(eq(items.leadUnitId, fromId))
        .orderBy(asc(items.id))
        .all()
      const shared = db
        .select({ itemId: items.id, code: items.code })
        .from(itemResponsibleUnits)
        .innerJoin(items, eq(items.id, itemResponsibleUnits.itemId))
        .where(eq(itemResponsibleUnits.unitId, fromId))
        .orderBy(asc(items.id))
        .all()
      // The version moves in the same statement as the lead unit: no item row changes without it (migration 0016).
      db.update(items)
        .set({ leadUnitId: intoId, version: sql`${items.version} + 1`, updatedAt: at })
        .where(eq(items.leadUnitId, fromId))
        .run()
      // The survivor now leads these: it is no longer also one of their responsible units.
      if (led.length > 0) {
        db.delete(itemResponsibleUnits)
          .where(
            and(
              eq(itemResponsibleUnits.unitId, intoId),
              inArray(
                itemResponsibleUnits.itemId,
                led.map((r) => r.itemId),
              ),
            ),
          )
          .run()
      }
      for (const { itemId } of shared) {
        const item = db.select({ leadUnitId: items.leadUnitId }).from(items).where(eq(items.id, itemId)).get()
        const already = db
          .select({ itemId: itemResponsibleUnits.itemId })
          .from(itemResponsibleUnits)
          .where(and(eq(itemResponsibleUnits.itemId, itemId), eq(itemResponsibleUnits.unitId, intoId)))
          .get()
        if (already || item?.leadUnitId === intoId) {
          db.delete(itemResponsibleUnits)
            .where(and(eq(itemResponsibleUnits.itemId, itemId), eq(itemResponsibleUnits.unitId, fromId)))
            .run()
        } else {
          db.update(itemResponsibleUnits)
            .set({ unitId: intoId })
            .where(and(eq(itemResponsibleUnits.itemId, itemId), eq(itemResponsibleUnits.unitId, fromId)))
            .run()
        }
      }
      const moved: MovedItem[] = [
        ...led.map((r) => ({ ...r, as: 'lead' as const })),
        ...shared.map((r) => ({ ...r, as: 'responsible' as const })),
      ]
      // The shared items' rows are unchanged, but what they show (their responsible units) is not: their versions
      // move too, once (an item both led and shared was moved on above).
      const ledIds = new Set(led.map((r) => r.itemId))
      const ids = [...new Set(shared.map((m) => m.itemId))].filter((id) => !ledIds.has(id))
      if (ids.length > 0)
        db.update(items)
          .set({ version: sql`${items.version} + 1`, updatedAt: at })
          .where(inArray(items.id, ids))
          .run()
      return moved
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
