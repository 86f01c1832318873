import { Type } from 'typebox'
import { IdParam, Instant, Nullable, Text, UnitRef } from '../../lib/schemas.ts'
import { DeadlineKindSchema } from '../items/items.schemas.ts'
import { SUPERVISION_ACTIONS } from './lifecycle.ts'

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)))

export const SupervisionStatusSchema = literals(['open', 'acknowledged', 'replied', 'resolved'] as const)
const RuleSchema = literals(['overdue', 'lagging', 'manual'] as const)
const ReplyStatusSchema = literals(['awaiting', 'overdue', 'on_time', 'late', 'none'] as const)
const ReplyDueDays = Type.Integer({ minimum: 1, maximum: 90, description: 'Days from today (plan time zone) to reply by' })

export const Supervision = Type.Object(
  {
    id: Type.Integer(),
    number: Type.String({ description: '督办〔YYYY〕第N号, sequential per calendar year of the plan time zone' }),
    year: Type.Integer(),
    seq: Type.Integer(),
    planId: Type.Integer(),
    itemId: Type.Integer(),
    status: SupervisionStatusSchema,
    statusLabel: Type.String(),
    rule: RuleSchema,
    ruleLabel: Type.String({ description: 'The rule that fired, or that a supervisor opened it' }),
    reason: Type.String(),
    item: Type.Object(
      {
        code: Type.String(),
        problem: Type.String(),
        target: Type.String(),
        deadlineKind: DeadlineKindSchema,
        deadline: Nullable(Type.String({ format: 'date' })),
      },
      { description: 'The item as it stood when the notice was issued' },
    ),
    leadUnit: UnitRef,
    responsibleUnits: Type.Array(UnitRef),
    issuedOn: Type.String({ format: 'date' }),
    replyDueOn: Type.String({ format: 'date' }),
    openedAt: Instant,
    openedBy: Nullable(Type.Object({ accountId: Type.Integer(), name: Type.String() })),
    acknowledgedAt: Nullable(Instant),
    acknowledgedBy: Nullable(Type.String()),
    reply: Nullable(
      Type.Object({
        text: Type.String(),
        at: Instant,
        by: Type.String(),
        evidence: Type.Array(Type.Object({ id: Type.Integer(), fileName: Type.String(), mediaType: Type.String() })),
      }),
    ),
    replyOverdue: Type.Boolean({ description: 'The latest reply came after the reply deadline' }),
    replyStatus: ReplyStatusSchema,
    sentBackCount: Type.Integer(),
    resolvedAt: Nullable(Instant),
    resolvedBy: Nullable(Type.String()),
    resolutionComment: Nullable(Type.String()),
    allowedActions: Type.Array(literals(SUPERVISION_ACTIONS), { description: 'What the caller may do now' }),
    steps: Type.Optional(
      Type.Array(Type.Object({ at: Instant, action: Type.String(), actor: Type.String(), comment: Nullable(Type.String()) }), {
        description: 'Every step, oldest first (on GET of one supervision)',
      }),
    ),
  },
  { $id: 'Supervision', title: 'Supervision' },
)

const ItemRef = { itemId: Type.Integer(), planId: Type.Integer(), code: Type.String() }

export const EscalationRun = Type.Object(
  {
    ranAt: Instant,
    checked: Type.Integer({ description: 'Open items looked at' }),
    urged: Type.Array(
      Type.Object({ ...ItemRef, leadUnit: Type.String(), deadline: Type.String({ format: 'date' }), daysOverdue: Type.Integer() }),
    ),
    escalated: Type.Array(
      Type.Object({
        ...ItemRef,
        leadUnit: Type.String(),
        supervisionId: Type.Integer(),
        number: Type.String(),
        rule: literals(['overdue', 'lagging'] as const),
      }),
    ),
    skipped: Type.Array(
      Type.Object({
        ...ItemRef,
        action: literals(['urge', 'supervise'] as const),
        reason: literals(['already_urged', 'supervision_open', 'already_supervised', 'not_due_yet'] as const),
        daysOverdue: Type.Optional(Type.Integer()),
        supervisionId: Type.Optional(Type.Integer()),
      }),
    ),
  },
  { $id: 'EscalationRun', title: 'EscalationRun' },
)

export const supervisionSchemas = [Supervision, EscalationRun]

export const SupervisionIdParams = Type.Object({ supervisionId: IdParam })

export const SupervisionListQuery = Type.Object(
  {
    planId: Type.Optional(IdParam),
    itemId: Type.Optional(IdParam),
    status: Type.Optional(SupervisionStatusSchema),
    leadUnitId: Type.Optional(IdParam),
    unitId: Type.Optional(IdParam),
    overdueReply: Type.Optional(Type.Boolean({ description: 'Awaiting a reply past its deadline (plan time zone)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
)

export const SupervisionList = Type.Object({
  supervisions: Type.Array(Type.Ref('Supervision')),
  nextCursor: Nullable(Type.String()),
  total: Type.Integer(),
})

export const OpenSupervisionBody = Type.Object(
  { reason: Text(2000, { description: '督办事由' }), replyDueDays: Type.Optional(ReplyDueDays) },
  { additionalProperties: false },
)
export const AcknowledgeBody = Type.Object({ comment: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })
export const ReplyBody = Type.Object(
  {
    text: Text(8000, { description: '整改落实情况' }),
    evidenceIds: Type.Optional(Type.Array(IdParam, { maxItems: 50, description: 'Evidence already filed on the item' })),
  },
  { additionalProperties: false },
)
export const SendBackBody = Type.Object({ comment: Text(2000), replyDueDays: Type.Optional(ReplyDueDays) }, { additionalProperties: false })
export const ResolveBody = Type.Object({ comment: Text(2000, { description: '办结意见' }) }, { additionalProperties: false })
