import { and, asc, desc, eq, type SQL } from 'drizzle-orm'
import { actorColumns } from '../events/audit-actor.ts'
import type { Db, Sqlite } from '../../../db/client.ts'
import { caseLeadEvents, caseLeads, plans, units, type CaseLeadOutcome } from '../../../db/schema/index.ts'
import type { Actor } from '../../domain/actors.ts'
import { CASE_LEAD_STAGES, type CaseLeadStage } from './state-machine.ts'

export type CaseLeadRow = typeof caseLeads.$inferSelect
export type CaseLeadRecord = CaseLeadRow & { handlingUnitName: string; planTitle: string; timezone: string }
export type CaseLeadEventRow = typeof caseLeadEvents.$inferSelect & { actorUnitName: string | null }

export interface NewCaseLeadEvent {
  caseLeadId: number
  at: string
  actor: Actor
  action: string
  fromStage?: CaseLeadStage | null
  toStage?: CaseLeadStage | null
  comment?: string | null
  details?: Record<string, unknown> | null
}

const recordColumns = {
  id: caseLeads.id,
  planId: caseLeads.planId,
  number: caseLeads.number,
  summary: caseLeads.summary,
  handlingUnitId: caseLeads.handlingUnitId,
  receivedOn: caseLeads.receivedOn,
  stage: caseLeads.stage,
  outcome: caseLeads.outcome,
  handledAt: caseLeads.handledAt,
  disclosedAt: caseLeads.disclosedAt,
  createdAt: caseLeads.createdAt,
  createdBy: caseLeads.createdBy,
  updatedAt: caseLeads.updatedAt,
  handlingUnitName: units.name,
  planTitle: plans.title,
  timezone: plans.timezone,
}

export function createCaseLeadsRepo(db: Db, sqlite: Sqlite) {
  const selectRecords = () =>
    db
      .select(recordColumns)
      .from(caseLeads)
      .innerJoin(units, eq(units.id, caseLeads.handlingUnitId))
      .innerJoin(plans, eq(plans.id, caseLeads.planId))

  // For each lead that existed before the instant, the stage its latest event before then left it in.
  // Ordered by (at, id) like the bulletin's status roll-back, so both read the trail the same way.
  const stagesBefore = sqlite.prepare<{ asOf: string; planId: number | null }, { stage: string; count: number }>(`
    SELECT latest.stage AS stage, count(*) AS count FROM (
      SELECT (SELECT e.to_stage FROM case_lead_events e
              WHERE e.case_lead_id = l.id AND e.to_stage IS NOT NULL AND e.at < @asOf
              ORDER BY e.at DESC, e.id DESC LIMIT 1) AS stage
      FROM case_leads l
      WHERE @planId IS NULL OR l.plan_id = @planId
    ) AS latest
    WHERE latest.stage IS NOT NULL
    GROUP BY latest.stage`)

  return {
    /** Inserts the lead, or returns undefined when the plan already has a lead with that number (the unique index decides). */
    insert(row: typeof caseLeads.$inferInsert): CaseLeadRow | undefined {
      return db
        .insert(caseLeads)
        .values(row)
        .onConflictDoNothing({ target: [caseLeads.planId, caseLeads.number] })
        .returning()
        .get()
    },

    findRecord(id: number): CaseLeadRecord | undefined {
      return selectRecords().where(eq(caseLeads.id, id)).get()
    },

    list(filters: {
      planId?: number | undefined
      stage?: CaseLeadStage | undefined
      handlingUnitId?: number | undefined
    }): CaseLeadRecord[] {
      const where: SQL[] = []
      if (filters.planId !== undefined) where.push(eq(caseLeads.planId, filters.planId))
      if (filters.stage !== undefined) where.push(eq(caseLeads.stage, filters.stage))
      if (filters.handlingUnitId !== undefined) where.push(eq(caseLeads.handlingUnitId, filters.handlingUnitId))
      return selectRecords()
        .where(and(...where))
        .orderBy(asc(caseLeads.id))
        .all()
    },

    /** Disclosed leads, the latest disclosure first. */
    disclosed(): CaseLeadRecord[] {
      return selectRecords().where(eq(caseLeads.stage, 'disclosed')).orderBy(desc(caseLeads.disclosedAt), desc(caseLeads.id)).all()
    },

    /** The conditional stage change: false when the lead is no longer in `from` (someone else moved it first). */
    moveIfAt(
      id: number,
      from: CaseLeadStage,
      changes: { stage: CaseLeadStage; updatedAt: string; outcome?: CaseLeadOutcome; handledAt?: string; disclosedAt?: string },
    ): boolean {
      return (
        db
          .update(caseLeads)
          .set(changes)
          .where(and(eq(caseLeads.id, id), eq(caseLeads.stage, from)))
          .run().changes === 1
      )
    },

    /** Appends one audit row; call it inside the transaction that makes the change it records. */
    appendEvent(event: NewCaseLeadEvent): number {
      const actor = event.actor
      return db
        .insert(caseLeadEvents)
        .values({
          caseLeadId: event.caseLeadId,
          at: event.at,
          ...actorColumns(actor),
          action: event.action,
          fromStage: event.fromStage ?? null,
          toStage: event.toStage ?? null,
          comment: event.comment ?? null,
          details: event.details ?? null,
        })
        .returning({ id: caseLeadEvents.id })
        .get().id
    },

    events(caseLeadId: number): CaseLeadEventRow[] {
      return db
        .select({
          id: caseLeadEvents.id,
          caseLeadId: caseLeadEvents.caseLeadId,
          at: caseLeadEvents.at,
          actorAccountId: caseLeadEvents.actorAccountId,
          actorName: caseLeadEvents.actorName,
          actorRole: caseLeadEvents.actorRole,
          actorUnitId: caseLeadEvents.actorUnitId,
          actorUnitName: units.name,
          action: caseLeadEvents.action,
          fromStage: caseLeadEvents.fromStage,
          toStage: caseLeadEvents.toStage,
          comment: caseLeadEvents.comment,
          details: caseLeadEvents.details,
        })
        .from(caseLeadEvents)
        .leftJoin(units, eq(units.id, caseLeadEvents.actorUnitId))
        .where(eq(caseLeadEvents.caseLeadId, caseLeadId))
        .orderBy(asc(caseLeadEvents.id))
        .all()
    },

    /** Leads by stage as the audit trail stood just before `asOf`; every stage is present, zero when none. */
    stagesAsOf(planId: number | null, asOf: string): Record<CaseLeadStage, number> {
      const counts = Object.fromEntries(CASE_LEAD_STAGES.map((s) => [s, 0])) as Record<CaseLeadStage, number>
      for (const row of stagesBefore.all({ asOf, planId })) {
        if ((CASE_LEAD_STAGES as readonly string[]).includes(row.stage)) counts[row.stage as CaseLeadStage] = row.count
      }
      return counts
    },
  }
}

export type CaseLeadsRepo = ReturnType<typeof createCaseLeadsRepo>
