import { Type } from 'typebox'
import { DateString, IdParam, Instant, Nullable, Text, UnitRef } from '../../lib/schemas.ts'
import { ACTIONS, STATUSES } from '../../domain/items.ts'
import { AuditActorSchema } from '../events/audit-actor.ts'

export const ItemStatusSchema = Type.Union(STATUSES.map((s) => Type.Literal(s)))
export const ItemActionSchema = Type.Union(ACTIONS.map((a) => Type.Literal(a)))
export const DeadlineKindSchema = Type.Union([Type.Literal('immediate'), Type.Literal('date'), Type.Literal('long_term')])

const contentFields = {
  code: Text(32, { description: 'The code as printed in the plan, e.g. 3-2' }),
  category: Text(200, { description: 'The task area; one of the plan categories' }),
  problem: Text(4000, { description: '督察反馈问题' }),
  target: Text(4000, { description: '整改目标' }),
  measures: Text(8000, { description: '整改措施' }),
  leadUnitId: IdParam,
  responsibleUnitIds: Type.Array(IdParam, { maxItems: 50 }),
  deadlineKind: DeadlineKindSchema,
  deadline: Nullable(DateString),
  deadlineText: Type.String({
    maxLength: 200,
    description: 'The deadline as the checklist words it (完成时限); cleared by a change of kind or date that does not give it',
  }),
  note: Type.String({ maxLength: 2000, description: "The checklist's 备注 for the item" }),
}

export const ItemCreateBody = Type.Object(
  {
    ...contentFields,
    responsibleUnitIds: Type.Optional(contentFields.responsibleUnitIds),
    deadline: Type.Optional(contentFields.deadline),
    deadlineText: Type.Optional(contentFields.deadlineText),
    note: Type.Optional(contentFields.note),
  },
  { additionalProperties: false },
)

export const ItemPatchBody = Type.Object(
  Object.fromEntries(Object.entries(contentFields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof contentFields]: ReturnType<typeof Type.Optional<(typeof contentFields)[K]>>
  },
  { additionalProperties: false, minProperties: 1 },
)

export const ItemView = Type.Object(
  {
    id: Type.Integer(),
    planId: Type.Integer(),
    code: Type.String(),
    category: Type.String(),
    problem: Type.String(),
    target: Type.String(),
    measures: Type.String(),
    leadUnitId: Type.Integer(),
    leadUnit: UnitRef,
    responsibleUnitIds: Type.Array(Type.Integer()),
    responsibleUnits: Type.Array(UnitRef),
    deadlineKind: DeadlineKindSchema,
    deadline: Nullable(Type.String({ format: 'date' })),
    deadlineText: Type.String({ description: 'The deadline as the checklist worded it; empty when entered as a kind and date only' }),
    note: Type.String({ description: "The checklist's 备注 (remark) for the item" }),
    status: ItemStatusSchema,
    version: Type.Integer(),
    overdue: Type.Boolean({ description: 'Past its deadline (plan time zone) while still being rectified' }),
    daysOverdue: Type.Integer(),
    lagging: Type.Boolean({ description: 'No progress report for either of the last two full months' }),
    allowedActions: Type.Array(ItemActionSchema, { description: 'What the caller may do now' }),
    evidenceCount: Type.Integer(),
    evidenceReused: Type.Boolean({ description: 'A file of this item also stands on another item (纸面销号 check)' }),
    noticeEndsAt: Nullable(Instant),
    noticeCalendarFallback: Type.Boolean({ description: 'The notice was counted on weekends only, past the official calendar data' }),
    closedAt: Nullable(Instant),
    rebound: Type.Boolean({ description: 'Reopened after close-out (反弹)' }),
    createdAt: Instant,
    updatedAt: Instant,
  },
  { $id: 'Item', title: 'Item' },
)

/** What a list shows of an item unless the caller asks for `view=full`. */
export const SUMMARY_FIELDS = [
  'id',
  'planId',
  'code',
  'category',
  'problem',
  'leadUnitId',
  'leadUnit',
  'deadlineKind',
  'deadline',
  'deadlineText',
  'status',
  'version',
  'overdue',
  'daysOverdue',
  'lagging',
  'allowedActions',
  'closedAt',
  'rebound',
  'updatedAt',
] as const satisfies readonly (keyof typeof ItemView.properties)[]

/**
 * A list entry: the summary fields always, the rest only with `view=full`. One schema with optional fields rather
 * than a union, so the serializer writes what is there instead of testing which variant an entry matches.
 */
export const ItemListEntry = Type.Object(
  Object.fromEntries(
    Object.entries(ItemView.properties).map(([key, schema]) => [
      key,
      (SUMMARY_FIELDS as readonly string[]).includes(key) ? schema : Type.Optional(schema),
    ]),
  ),
  {
    $id: 'ItemListEntry',
    title: 'ItemListEntry',
    description: `An item in a list: ${SUMMARY_FIELDS.join(', ')}; with view=full, every field of Item`,
  },
)

export const ItemListQuery = Type.Object(
  {
    planId: Type.Optional(IdParam),
    status: Type.Optional(ItemStatusSchema),
    leadUnitId: Type.Optional(IdParam),
    unitId: Type.Optional(IdParam),
    category: Type.Optional(Type.String({ maxLength: 200 })),
    overdue: Type.Optional(Type.Boolean()),
    lagging: Type.Optional(Type.Boolean()),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Substring of code, problem, target or measures' })),
    cursor: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    view: Type.Optional(
      Type.Union([Type.Literal('summary'), Type.Literal('full')], {
        default: 'summary',
        description: 'summary: what a list shows; full: whole items, as GET /items/:itemId returns them',
      }),
    ),
  },
  { additionalProperties: false },
)

export const ItemList = Type.Object(
  {
    items: Type.Array(Type.Ref('ItemListEntry')),
    nextCursor: Nullable(Type.String()),
    total: Type.Integer({ description: 'Items matching the filters (across all pages)' }),
  },
  { $id: 'ItemList', title: 'ItemList' },
)

export const ItemEvent = Type.Object(
  {
    id: Type.Integer(),
    itemId: Type.Integer(),
    at: Instant,
    actor: AuditActorSchema,
    action: Type.String(),
    fromStatus: Nullable(Type.String()),
    toStatus: Nullable(Type.String()),
    comment: Nullable(Type.String()),
    details: Nullable(Type.Object({}, { additionalProperties: true })),
  },
  { $id: 'ItemEvent', title: 'ItemEvent' },
)

export const ItemIdParams = Type.Object({ itemId: IdParam })
export const PlanIdParams = Type.Object({ planId: IdParam })
