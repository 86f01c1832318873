import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { actorView, AuditActorSchema } from '../events/audit-actor.ts'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { DateString, errorResponses, IdParam, Instant, Nullable, Text, UnitRef } from '../../lib/schemas.ts'
import type { CaseLeadEventRow } from './case-leads.repo.ts'
import type { CaseLeadsService } from './case-leads.service.ts'
import { ACCOUNTABILITY_KINDS, CASE_LEAD_ACTIONS, CASE_LEAD_STAGES } from './state-machine.ts'

export const CaseLeadStageSchema = Type.Enum(CASE_LEAD_STAGES)
const CaseLeadActionSchema = Type.Enum(CASE_LEAD_ACTIONS)

const AccountabilityMeasure = Type.Object(
  {
    kind: Type.Enum(ACCOUNTABILITY_KINDS, { description: '问责方式' }),
    subject: Text(200, { description: 'Who was held accountable: the person (name and post) or the unit, as text' }),
    detail: Type.Optional(Text(1000, { description: 'The sanction in words, e.g. 党内警告' })),
  },
  { additionalProperties: false },
)

export const CaseLeadOutcomeSchema = Type.Object(
  {
    summary: Text(2000, { description: 'What the investigation found and how the lead was handled' }),
    measures: Type.Array(AccountabilityMeasure, {
      maxItems: 100,
      description: 'Who was held accountable and how; empty when the investigation found no one to hold accountable',
    }),
  },
  { additionalProperties: false },
)

const CaseLead = Type.Object(
  {
    id: Type.Integer(),
    planId: Type.Integer(),
    planTitle: Type.String(),
    number: Type.String(),
    summary: Type.String(),
    handlingUnit: UnitRef,
    receivedOn: Type.String({ format: 'date' }),
    stage: CaseLeadStageSchema,
    outcome: Nullable(CaseLeadOutcomeSchema),
    handledAt: Nullable(Instant),
    disclosedAt: Nullable(Instant),
    allowedActions: Type.Array(CaseLeadActionSchema, { description: 'What the caller may do now' }),
    createdAt: Instant,
    updatedAt: Instant,
  },
  { $id: 'CaseLead', title: 'CaseLead' },
)

const CaseLeadEvent = Type.Object({
  id: Type.Integer(),
  caseLeadId: Type.Integer(),
  at: Instant,
  actor: AuditActorSchema,
  action: Type.String(),
  fromStage: Nullable(Type.String()),
  toStage: Nullable(Type.String()),
  comment: Nullable(Type.String()),
  details: Nullable(Type.Object({}, { additionalProperties: true })),
})

export const caseLeadSchemas = [CaseLead]

const CaseLeadParams = Type.Object({ caseLeadId: IdParam })

function eventView(e: CaseLeadEventRow) {
  return {
    id: e.id,
    caseLeadId: e.caseLeadId,
    at: e.at,
    actor: actorView(e),
    action: e.action,
    fromStage: e.fromStage,
    toStage: e.toStage,
    comment: e.comment,
    details: e.details,
  }
}

export const caseLeadsRoutes: FastifyPluginAsyncTypebox<{ caseLeads: CaseLeadsService }> = async (app, { caseLeads }) => {
  app.get(
    '/case-leads',
    {
      config: { permission: 'caseLeads:read' },
      schema: {
        tags: ['case-leads'],
        summary: 'Case leads (问题线索) the caller may see; a unit sees the leads it handles',
        querystring: Type.Object(
          { planId: Type.Optional(IdParam), stage: Type.Optional(CaseLeadStageSchema), handlingUnitId: Type.Optional(IdParam) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Type.Ref('CaseLead')), ...errorResponses(403) },
      },
    },
    async (request) => caseLeads.list(actorOf(request), request.query),
  )

  app.post(
    '/case-leads',
    {
      config: { permission: 'caseLeads:record' },
      schema: {
        tags: ['case-leads'],
        summary: 'Record a case lead handed over by the inspectors',
        description: '409 DUPLICATE_CASE_LEAD_NUMBER when the plan already has a lead with that number.',
        body: Type.Object(
          {
            planId: IdParam,
            number: Text(64, { description: 'The number the inspectors gave the lead' }),
            summary: Text(4000, { description: 'What the lead is about' }),
            handlingUnitId: IdParam,
            receivedOn: DateString,
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('CaseLead'), ...errorResponses(403, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(caseLeads.create(actorOf(request), request.body)),
  )

  app.get(
    '/case-leads/:caseLeadId',
    {
      config: { permission: 'caseLeads:read' },
      schema: {
        tags: ['case-leads'],
        summary: 'One case lead, with what the caller may do with it',
        params: CaseLeadParams,
        response: { 200: Type.Ref('CaseLead'), ...errorResponses(403, 404) },
      },
    },
    async (request) => caseLeads.get(actorOf(request), request.params.caseLeadId),
  )

  app.get(
    '/case-leads/:caseLeadId/events',
    {
      config: { permission: 'caseLeads:read' },
      schema: {
        tags: ['case-leads'],
        summary: 'The audit trail of a case lead, oldest first',
        params: CaseLeadParams,
        response: { 200: Type.Array(CaseLeadEvent), ...errorResponses(403, 404) },
      },
    },
    async (request) => caseLeads.events(actorOf(request), request.params.caseLeadId).map(eventView),
  )

  app.post(
    '/case-leads/:caseLeadId/transitions',
    {
      config: { permission: 'caseLeads:transition' },
      schema: {
        tags: ['case-leads'],
        summary: 'Move a case lead: start_investigation, record_outcome (with outcome), disclose',
        description:
          'received → under_investigation → handled → disclosed. record_outcome needs outcome { summary, measures: [{ kind, subject, detail? }] }; ' +
          '409 ILLEGAL_TRANSITION naming the allowed actions; 422 OUTCOME_REQUIRED, OUTCOME_NOT_EXPECTED, OUTCOME_INCOMPLETE.',
        params: CaseLeadParams,
        body: Type.Object(
          {
            action: CaseLeadActionSchema,
            comment: Type.Optional(Type.String({ maxLength: 2000 })),
            outcome: Type.Optional(CaseLeadOutcomeSchema),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('CaseLead'), ...errorResponses(403, 404, 409, 422) },
      },
    },
    async (request) => caseLeads.transition(actorOf(request), request.params.caseLeadId, request.body),
  )
}
