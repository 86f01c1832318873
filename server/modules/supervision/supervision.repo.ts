import { and, asc, eq, gt, gte, inArray, isNull, lt, not, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { accounts, evidence, itemEvents, itemResponsibleUnits, items, plans, supervisions } from '../../../db/schema/index.ts'
import type { SupervisionStatus } from './lifecycle.ts'

export type SupervisionRow = typeof supervisions.$inferSelect
export type NewSupervision = typeof supervisions.$inferInsert

/** A supervision with what its view needs from around it. */
export interface SupervisionRecord {
  row: SupervisionRow
  timezone: string
  /** The item's lead unit now: it answers the notice, even if the item changed hands after issue. */
  itemLeadUnitId: number
}

export interface SupervisionListQuery {
  planId?: number | undefined
  itemId?: number | undefined
  status?: SupervisionStatus | undefined
  /** Supervisions of items the unit leads. */
  leadUnitId?: number | undefined
  /** Supervisions of items the unit leads or shares. */
  unitId?: number | undefined
  /** Awaiting a reply past its deadline (true) or not (false), given today's date in each plan's zone. */
  overdueReply?: { value: boolean; todayByPlan: { planIds: number[]; today: string }[] } | undefined
  afterId?: number | undefined
  limit: number
}

function sharesItem(unitId: number): SQL {
  return or(
    eq(items.leadUnitId, unitId),
    sql`exists (select 1 from ${itemResponsibleUnits} where ${itemResponsibleUnits.itemId} = ${items.id} and ${itemResponsibleUnits.unitId} = ${unitId})`,
  )!
}

/** The SQL twin of `replyStatusOn(…) === 'overdue'`. */
function overdueReplyCondition(todayByPlan: { planIds: number[]; today: string }[]): SQL {
  const byZone = todayByPlan.map((z) => and(inArray(supervisions.planId, z.planIds), lt(supervisions.replyDueOn, z.today)))
  return and(inArray(supervisions.status, ['open', 'acknowledged']), byZone.length > 0 ? or(...byZone) : sql`0`)!
}

export function createSupervisionRepo(db: Db) {
  const recordColumns = { row: supervisions, timezone: plans.timezone, itemLeadUnitId: items.leadUnitId }
  const byId = db
    .select(recordColumns)
    .from(supervisions)
    .innerJoin(plans, eq(plans.id, supervisions.planId))
    .innerJoin(items, eq(items.id, supervisions.itemId))
    .where(eq(supervisions.id, sql.placeholder('id')))
    .prepare()
  const nextSeq = db
    .select({ next: sql<number>`coalesce(max(${supervisions.seq}), 0) + 1` })
    .from(supervisions)
    .where(eq(supervisions.year, sql.placeholder('year')))
    .prepare()

  return {
    findRecord(id: number): SupervisionRecord | undefined {
      return byId.get({ id })
    },
    /** The next number of `year`; call it in the transaction that inserts, so no two writers get the same one. */
    nextSeq(year: number): number {
      return nextSeq.get({ year })?.next ?? 1
    },
    insert(row: NewSupervision): SupervisionRow {
      return db.insert(supervisions).values(row).returning().get()
    },
    ofItem(itemId: number): SupervisionRow[] {
      return db.select().from(supervisions).where(eq(supervisions.itemId, itemId)).orderBy(asc(supervisions.id)).all()
    },
    /** Changes a supervision only if it is still in `from`; false when someone else moved it first. */
    updateIfStatus(id: number, from: SupervisionStatus, changes: Partial<Omit<SupervisionRow, 'id'>>): boolean {
      return (
        db
          .update(supervisions)
          .set(changes)
          .where(and(eq(supervisions.id, id), eq(supervisions.status, from)))
          .run().changes === 1
      )
    },
    /** One page in id order (ids only grow, so a cursor never skips or repeats). */
    list(query: SupervisionListQuery, scopeUnitId: number | null): { records: SupervisionRecord[]; total: number } {
      const where: SQL[] = []
      if (scopeUnitId !== null) where.push(sharesItem(scopeUnitId))
      if (query.planId !== undefined) where.push(eq(supervisions.planId, query.planId))
      if (query.itemId !== undefined) where.push(eq(supervisions.itemId, query.itemId))
      if (query.status !== undefined) where.push(eq(supervisions.status, query.status))
      if (query.leadUnitId !== undefined) where.push(eq(items.leadUnitId, query.leadUnitId))
      if (query.unitId !== undefined) where.push(sharesItem(query.unitId))
      if (query.overdueReply !== undefined) {
        const cond = overdueReplyCondition(query.overdueReply.todayByPlan)
        where.push(query.overdueReply.value ? cond : not(cond))
      }
      const pageWhere = query.afterId !== undefined ? [...where, gt(supervisions.id, query.afterId)] : where
      const records = db
        .select(recordColumns)
        .from(supervisions)
        .innerJoin(plans, eq(plans.id, supervisions.planId))
        .innerJoin(items, eq(items.id, supervisions.itemId))
        .where(and(...pageWhere))
        .orderBy(asc(supervisions.id))
        .limit(query.limit)
        .all()
      const total =
        db
          .select({ n: sql<number>`count(*)` })
          .from(supervisions)
          .innerJoin(items, eq(items.id, supervisions.itemId))
          .where(and(...where))
          .get()?.n ?? 0
      return { records, total }
    },
    /** Of `evidenceIds`, those filed on the item. */
    evidenceOnItem(itemId: number, evidenceIds: readonly number[]): number[] {
      if (evidenceIds.length === 0) return []
      return db
        .select({ id: evidence.id })
        .from(evidence)
        .where(and(eq(evidence.itemId, itemId), inArray(evidence.id, [...evidenceIds])))
        .all()
        .map((r) => r.id)
    },
    evidenceFiles(evidenceIds: readonly number[]): Map<number, { fileName: string; mediaType: string }> {
      if (evidenceIds.length === 0) return new Map()
      const rows = db
        .select({ id: evidence.id, fileName: evidence.fileName, mediaType: evidence.mediaType })
        .from(evidence)
        .where(inArray(evidence.id, [...evidenceIds]))
        .all()
      return new Map(rows.map((r) => [r.id, { fileName: r.fileName, mediaType: r.mediaType }]))
    },
    accountNames(accountIds: readonly number[]): Map<number, string> {
      if (accountIds.length === 0) return new Map()
      const rows = db
        .select({ id: accounts.id, name: accounts.name })
        .from(accounts)
        .where(inArray(accounts.id, [...accountIds]))
        .all()
      return new Map(rows.map((r) => [r.id, r.name]))
    },
    /** The supervision events of these items before `before` (exclusive), in the order they happened. */
    supervisionEvents(itemIds: readonly number[], actions: readonly string[], before?: string) {
      if (itemIds.length === 0) return []
      return db
        .select({
          id: itemEvents.id,
          itemId: itemEvents.itemId,
          at: itemEvents.at,
          action: itemEvents.action,
          actorName: itemEvents.actorName,
          comment: itemEvents.comment,
          details: itemEvents.details,
        })
        .from(itemEvents)
        .where(
          and(
            inArray(itemEvents.itemId, [...itemIds]),
            inArray(itemEvents.action, [...actions]),
            before !== undefined ? lt(itemEvents.at, before) : undefined,
          ),
        )
        .orderBy(asc(itemEvents.at), asc(itemEvents.id))
        .all()
    },
    /** Supervisions of a plan opened before `to` and not resolved before `from`: everything a window can mention. */
    activeInWindow(planId: number, from: string, to: string): SupervisionRow[] {
      return db
        .select()
        .from(supervisions)
        .where(
          and(
            eq(supervisions.planId, planId),
            lt(supervisions.openedAt, to),
            or(isNull(supervisions.resolvedAt), gte(supervisions.resolvedAt, from)),
          ),
        )
        .orderBy(asc(supervisions.year), asc(supervisions.seq))
        .all()
    },
  }
}

export type SupervisionRepo = ReturnType<typeof createSupervisionRepo>
