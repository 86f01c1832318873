import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { accounts } from './accounts.ts'
import { plans } from './plans.ts'
import { auditActorColumns } from './events.ts'
import { units } from './units.ts'

export const CASE_LEAD_STAGES = ['received', 'under_investigation', 'handled', 'disclosed'] as const
/** How someone was held accountable; 其他 for whatever the list does not name. */
export const ACCOUNTABILITY_KINDS = ['党纪处分', '政务处分', '诫勉谈话', '组织处理', '立案处罚', '其他'] as const

/** What handling a case lead came to: who was held accountable and how, and a summary for the public. */
export interface CaseLeadOutcome {
  summary: string
  measures: { kind: (typeof ACCOUNTABILITY_KINDS)[number]; subject: string; detail?: string }[]
}

/**
 * Case leads (问题线索) the inspectors handed over. `stage` changes only through the case-lead state machine,
 * with a conditional update on the stage it leaves; every change has a row in case_lead_events.
 */
export const caseLeads = sqliteTable(
  'case_leads',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    /** The number the inspectors gave the lead; unique within the plan. */
    number: text('number').notNull(),
    summary: text('summary').notNull(),
    handlingUnitId: integer('handling_unit_id')
      .notNull()
      .references(() => units.id),
    /** The date the lead was handed over (plan time zone). */
    receivedOn: text('received_on').notNull(),
    stage: text('stage', { enum: CASE_LEAD_STAGES }).notNull().default('received'),
    outcome: text('outcome', { mode: 'json' }).$type<CaseLeadOutcome>(),
    handledAt: text('handled_at'),
    disclosedAt: text('disclosed_at'),
    createdAt: text('created_at').notNull(),
    createdBy: integer('created_by')
      .notNull()
      .references(() => accounts.id),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('case_leads_plan_number_uq').on(t.planId, t.number),
    index('case_leads_unit_idx').on(t.handlingUnitId, t.id),
    index('case_leads_stage_idx').on(t.stage, t.id),
  ],
)

/** The audit trail of a case lead, one row per change; append-only by trigger, actor fields copied like item_events. */
export const caseLeadEvents = sqliteTable(
  'case_lead_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    caseLeadId: integer('case_lead_id')
      .notNull()
      .references(() => caseLeads.id),
    at: text('at').notNull(),
    ...auditActorColumns(),
    action: text('action').notNull(),
    fromStage: text('from_stage'),
    toStage: text('to_stage'),
    comment: text('comment'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('case_lead_events_lead_idx').on(t.caseLeadId, t.id), index('case_lead_events_at_idx').on(t.at)],
)
