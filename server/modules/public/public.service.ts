// The public side (信息公开): read-only, no account. Everything it returns goes through the allow-lists in
// public.fields.ts; internal rows never leave this module whole.
import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { items, plans, units } from '../../../db/schema/index.ts'
import { notFound } from '../../errors.ts'
import { localDate, type Clock } from '../../lib/time.ts'
import type { Bulletin } from '../bulletins/bulletin.types.ts'
import type { BulletinsService } from '../bulletins/bulletins.service.ts'
import type { CaseLeadsService } from '../case-leads/case-leads.service.ts'
import type { PlansRepo } from '../plans/plans.repo.ts'
import {
  PUBLIC_BULLETIN_FIELDS,
  PUBLIC_CASE_LEAD_FIELDS,
  PUBLIC_ITEM_FIELDS,
  PUBLIC_PLAN_FIELDS,
  pickPublic,
  type PublicBulletin,
  type PublicCaseLead,
  type PublicItem,
  type PublicPlan,
} from './public.fields.ts'

interface Deps {
  db: Db
  plansRepo: PlansRepo
  bulletins: BulletinsService
  caseLeads: CaseLeadsService
  clock: Clock
}

export function createPublicService({ db, plansRepo, bulletins, caseLeads, clock }: Deps) {
  const itemColumns = {
    id: items.id,
    planId: items.planId,
    code: items.code,
    category: items.category,
    problem: items.problem,
    target: items.target,
    leadUnit: units.name,
    deadlineKind: items.deadlineKind,
    deadline: items.deadline,
    status: items.status,
    noticeEndsAt: items.noticeEndsAt,
    timezone: plans.timezone,
    // The first day of the running notice, as the acceptance recorded it.
    noticeFirstDay: sql<string | null>`case when ${items.status} = 'in_public_notice' then (
      select json_extract(e.details, '$.noticeFirstDay') from item_events e
      where e.item_id = ${items.id} and e.action = 'accept' order by e.id desc limit 1) end`,
  }
  const selectItems = (where: SQL | undefined) =>
    db
      .select(itemColumns)
      .from(items)
      .innerJoin(units, eq(units.id, items.leadUnitId))
      .innerJoin(plans, eq(plans.id, items.planId))
      .where(where)
      .orderBy(asc(items.planId), asc(items.id))
      .all()
  type ItemRow = ReturnType<typeof selectItems>[number]

  function toPublicItem(row: ItemRow, now: Date): PublicItem {
    const inNotice = row.status === 'in_public_notice' && row.noticeEndsAt !== null
    const endsAt = inNotice ? new Date(row.noticeEndsAt!) : null
    return pickPublic(PUBLIC_ITEM_FIELDS, {
      ...row,
      noticeFirstDay: inNotice ? row.noticeFirstDay : null,
      // noticeEndsAt is the exclusive end, so the last day of the notice is the date one millisecond before it.
      noticeLastDay: endsAt ? localDate(new Date(endsAt.getTime() - 1), row.timezone) : null,
      noticeEndsAt: endsAt ? endsAt.toISOString() : null,
      objectionsOpen: endsAt !== null && now.getTime() < endsAt.getTime(),
    })
  }

  function requirePlan(planId: number) {
    const plan = plansRepo.findById(planId)
    if (!plan) throw notFound(`Plan ${planId}`, 'PLAN_NOT_FOUND')
    return plan
  }

  function plansWithCounts(): PublicPlan[] {
    const counts = new Map(
      db
        .select({
          planId: items.planId,
          itemCount: sql<number>`count(*)`,
          closedCount: sql<number>`sum(${items.status} = 'closed')`,
          inNoticeCount: sql<number>`sum(${items.status} = 'in_public_notice')`,
        })
        .from(items)
        .groupBy(items.planId)
        .all()
        .map((c) => [c.planId, c]),
    )
    return plansRepo.list().map((plan) => {
      const c = counts.get(plan.id)
      return pickPublic(PUBLIC_PLAN_FIELDS, {
        ...plan,
        itemCount: c?.itemCount ?? 0,
        closedCount: c?.closedCount ?? 0,
        inNoticeCount: c?.inNoticeCount ?? 0,
      })
    })
  }

  function toPublicBulletin(b: Bulletin): PublicBulletin {
    return pickPublic(PUBLIC_BULLETIN_FIELDS, { ...b, publishedAt: b.publishedAt! })
  }

  return {
    plans: plansWithCounts,

    plan(planId: number): PublicPlan {
      requirePlan(planId)
      return plansWithCounts().find((p) => p.id === planId)!
    },

    planItems(planId: number): PublicItem[] {
      requirePlan(planId)
      const now = clock.now()
      return selectItems(eq(items.planId, planId)).map((r) => toPublicItem(r, now))
    },

    item(itemId: number): PublicItem {
      const now = clock.now()
      const row = selectItems(eq(items.id, itemId))[0]
      if (!row) throw notFound(`Item ${itemId}`, 'ITEM_NOT_FOUND')
      return toPublicItem(row, now)
    },

    /** Items whose public notice runs now, the soonest to end first. */
    notices(): PublicItem[] {
      const now = clock.now()
      return selectItems(and(eq(items.status, 'in_public_notice'), gt(items.noticeEndsAt, now.toISOString())))
        .map((r) => toPublicItem(r, now))
        .sort((a, b) => a.noticeEndsAt!.localeCompare(b.noticeEndsAt!) || a.id - b.id)
    },

    /** Published bulletins of every plan, the latest month first. */
    bulletins(planId?: number): PublicBulletin[] {
      const planIds = planId !== undefined ? [requirePlan(planId).id] : plansRepo.list().map((p) => p.id)
      return planIds
        .flatMap((id) => bulletins.published(id))
        .map(toPublicBulletin)
        .sort((a, b) => b.period.localeCompare(a.period) || a.planId - b.planId)
    },

    /** One published bulletin, whole: publishing it made all of it public. */
    bulletin(planId: number, period: string): Bulletin {
      requirePlan(planId)
      const found = bulletins.published(planId, period)[0]
      if (!found) throw notFound(`The published bulletin of ${period}`, 'BULLETIN_NOT_FOUND')
      return found
    },

    caseLeads(): PublicCaseLead[] {
      return caseLeads.disclosed().map((lead) =>
        pickPublic(PUBLIC_CASE_LEAD_FIELDS, {
          ...lead,
          handlingUnit: lead.handlingUnitName,
          handledOn: lead.handledAt ? localDate(new Date(lead.handledAt), lead.timezone) : null,
          disclosedOn: lead.disclosedAt ? localDate(new Date(lead.disclosedAt), lead.timezone) : null,
          outcome: lead.outcome ?? { summary: '', measures: [] },
        }),
      )
    },
  }
}

export type PublicService = ReturnType<typeof createPublicService>
