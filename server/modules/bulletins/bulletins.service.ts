import { createHash } from 'node:crypto'
import { and, asc, eq, or, sql } from 'drizzle-orm'
import type { Db, Sqlite } from '../../../db/client.ts'
import { bulletinPublications, bulletins, itemResponsibleUnits, items } from '../../../db/schema/index.ts'
import { notFound, unprocessable } from '../../errors.ts'
import { addMonths, endOfPeriod, isValidPeriod, localPeriod, type Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import type { AccountActor } from '../auth/permissions.ts'
import type { PlanRow, PlansRepo } from '../plans/plans.repo.ts'
import { createBulletinComputer, firstPeriodOf, NO_SOURCES, type BulletinSources } from './bulletin.compute.ts'
import type { Bulletin, BulletinContent, BulletinTotals } from './bulletin.types.ts'

export interface BulletinSummary {
  period: string
  asOf: string
  generatedAt: string
  contentHash: string
  publishedAt: string | null
  totals: BulletinTotals
}

interface Deps {
  db: Db
  sqlite: Sqlite
  plansRepo: PlansRepo
  clock: Clock
  transact: Transact
  /** Sections other modules provide (joint supervision, case leads). */
  sources?: Partial<BulletinSources>
}

export function createBulletinsService({ db, sqlite, plansRepo, clock, transact, sources }: Deps) {
  const bulletinSources: BulletinSources = { ...NO_SOURCES, ...sources }
  const computer = createBulletinComputer(sqlite)

  const stored = (planId: number, period: string) =>
    db
      .select({
        id: bulletins.id,
        content: bulletins.content,
        contentHash: bulletins.contentHash,
        publishedAt: bulletinPublications.publishedAt,
      })
      .from(bulletins)
      .leftJoin(bulletinPublications, eq(bulletinPublications.bulletinId, bulletins.id))
      .where(and(eq(bulletins.planId, planId), eq(bulletins.period, period)))
      .get()

  // The totals alone, extracted by SQLite: the trend and the list need them, not the whole (multi-MB) document.
  const storedTotals = (planId: number, period: string): BulletinTotals | undefined => {
    const row = db
      .select({ totals: sql<string>`json_extract(${bulletins.content}, '$.totals')` })
      .from(bulletins)
      .where(and(eq(bulletins.planId, planId), eq(bulletins.period, period)))
      .get()
    return row ? (JSON.parse(row.totals) as BulletinTotals) : undefined
  }

  function toBulletin(row: NonNullable<ReturnType<typeof stored>>): Bulletin {
    return {
      ...(JSON.parse(row.content) as BulletinContent),
      id: row.id,
      contentHash: row.contentHash,
      publishedAt: row.publishedAt ?? null,
    }
  }

  function requirePlan(planId: number): PlanRow {
    const plan = plansRepo.findById(planId)
    if (!plan) throw notFound(`Plan ${planId}`, 'PLAN_NOT_FOUND')
    return plan
  }

  /** A unit reads the bulletins of plans in which it leads or shares an item; other roles read all. */
  function requireReader(actor: AccountActor, planId: number): void {
    if (actor.role !== 'unit') return
    const unitId = actor.unitId ?? -1
    const takesPart = db
      .select({ id: items.id })
      .from(items)
      .where(
        and(
          eq(items.planId, planId),
          or(
            eq(items.leadUnitId, unitId),
            sql`exists (select 1 from ${itemResponsibleUnits} where ${itemResponsibleUnits.itemId} = ${items.id} and ${itemResponsibleUnits.unitId} = ${unitId})`,
          ),
        ),
      )
      .limit(1)
      .get()
    if (!takesPart) throw notFound(`Plan ${planId}`, 'PLAN_NOT_FOUND')
  }

  /**
   * Issues the bulletin of a finished month, or returns the one already issued, unchanged. The computation and
   * the insert run in one transaction; the unique (plan, period) key makes a racing second issue a no-op.
   */
  function issue(planId: number, period: string, issuedBy: number | null): { bulletin: Bulletin; created: boolean } {
    if (!isValidPeriod(period)) throw unprocessable('INVALID_PERIOD', `"${period}" is not a month (YYYY-MM)`)
    const plan = requirePlan(planId)
    const existing = stored(planId, period)
    if (existing) return { bulletin: toBulletin(existing), created: false }
    const now = clock.now()
    if (now.getTime() < endOfPeriod(period, plan.timezone).getTime()) {
      throw unprocessable('PERIOD_NOT_ENDED', `${period} has not ended in ${plan.timezone}; its bulletin is issued after the month ends`)
    }
    if (period < firstPeriodOf(plan)) {
      throw unprocessable('PERIOD_BEFORE_PLAN', `The plan was created in ${firstPeriodOf(plan)}; there is nothing to report for ${period}`)
    }
    const issued = transact(() => {
      const content = computer.compute(plan, period, now, (month) => storedTotals(planId, month), bulletinSources)
      const text = JSON.stringify(content)
      const contentHash = createHash('sha256').update(text, 'utf8').digest('hex')
      const inserted = db
        .insert(bulletins)
        .values({
          planId,
          period,
          asOf: content.asOf,
          generatedAt: content.generatedAt,
          contentHash,
          content: text,
          issuedBy,
        })
        .onConflictDoNothing()
        .returning({ id: bulletins.id })
        .get()
      // The document in hand is the one stored: no need to read back and parse megabytes for a large plan.
      return inserted ? { ...content, id: inserted.id, contentHash, publishedAt: null } : null
    })
    // null: another process issued it between our check and our insert; theirs stands.
    return issued ? { bulletin: issued, created: true } : { bulletin: toBulletin(stored(planId, period)!), created: false }
  }

  return {
    /**
     * The bulletin's figures for the current month as of now (the leadership's dashboard): computed as an issue
     * would, stored nowhere; earlier months of the trend come from the issued bulletins, as printed.
     */
    live(actor: AccountActor, planId: number): BulletinContent {
      const plan = requirePlan(planId)
      requireReader(actor, planId)
      const now = clock.now()
      const period = localPeriod(now, plan.timezone)
      return transact(() => computer.compute(plan, period, now, (month) => storedTotals(planId, month), bulletinSources))
    },

    /** As a supervisor, or as the system (null) from a job or a script. */
    issue(actor: AccountActor | null, planId: number, period: string) {
      return issue(planId, period, actor?.accountId ?? null)
    },

    get(actor: AccountActor, planId: number, period: string): Bulletin {
      requirePlan(planId)
      requireReader(actor, planId)
      const row = stored(planId, period)
      if (!row) throw notFound(`The bulletin of ${period}`, 'BULLETIN_NOT_FOUND')
      return toBulletin(row)
    },

    list(actor: AccountActor, planId: number): BulletinSummary[] {
      requirePlan(planId)
      requireReader(actor, planId)
      return db
        .select({
          period: bulletins.period,
          asOf: bulletins.asOf,
          generatedAt: bulletins.generatedAt,
          contentHash: bulletins.contentHash,
          publishedAt: bulletinPublications.publishedAt,
          totals: sql<string>`json_extract(${bulletins.content}, '$.totals')`,
        })
        .from(bulletins)
        .leftJoin(bulletinPublications, eq(bulletinPublications.bulletinId, bulletins.id))
        .where(eq(bulletins.planId, planId))
        .orderBy(asc(bulletins.period))
        .all()
        .map((row) => ({ ...row, publishedAt: row.publishedAt ?? null, totals: JSON.parse(row.totals) as BulletinTotals }))
    },

    /** Makes an issued bulletin readable by the public; publishing twice keeps the first publication. */
    publish(actor: AccountActor, planId: number, period: string): Bulletin {
      requirePlan(planId)
      const row = stored(planId, period)
      if (!row) throw notFound(`The bulletin of ${period}`, 'BULLETIN_NOT_FOUND')
      db.insert(bulletinPublications)
        .values({ bulletinId: row.id, publishedAt: clock.now().toISOString(), publishedBy: actor.accountId })
        .onConflictDoNothing()
        .run()
      return toBulletin(stored(planId, period)!)
    },

    /** Published bulletins of a plan, for the public side. */
    published(planId: number, period?: string): Bulletin[] {
      const rows = db
        .select({
          id: bulletins.id,
          content: bulletins.content,
          contentHash: bulletins.contentHash,
          publishedAt: bulletinPublications.publishedAt,
        })
        .from(bulletins)
        .innerJoin(bulletinPublications, eq(bulletinPublications.bulletinId, bulletins.id))
        .where(and(eq(bulletins.planId, planId), period ? eq(bulletins.period, period) : undefined))
        .orderBy(asc(bulletins.period))
        .all()
      return rows.map(toBulletin)
    },

    /**
     * Issues every finished month since each plan was created that has no bulletin yet, oldest first (so each
     * month's trend reads the one before). Safe to run any number of times: issued months are skipped.
     */
    catchUp(): { planId: number; period: string }[] {
      const issued: { planId: number; period: string }[] = []
      const now = clock.now()
      for (const plan of plansRepo.list()) {
        const lastFinished = addMonths(localPeriod(now, plan.timezone), -1)
        for (let period = firstPeriodOf(plan); period <= lastFinished; period = addMonths(period, 1)) {
          if (issue(plan.id, period, null).created) issued.push({ planId: plan.id, period })
        }
      }
      return issued
    },
  }
}

export type BulletinsService = ReturnType<typeof createBulletinsService>
