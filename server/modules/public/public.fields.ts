// What the public side may show, as allow-lists. Every public JSON object is built by copying exactly these
// fields (`pickPublic`) and serialised with a closed schema of the same keys, so a field added to an internal
// row never reaches the public until someone adds it here. test/api/public-allowlist.test.ts holds the lists to it.
import { Type, type Static, type TSchema } from 'typebox'
import { Instant, Nullable } from '../../lib/schemas.ts'
import { ACCOUNTABILITY_KINDS } from '../case-leads/state-machine.ts'
import { STATUSES } from '../../domain/items.ts'

const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD' })

/** A checklist item as the public sees it: no measures text, comments, evidence, objections or accounts. */
export const PUBLIC_ITEM_FIELDS = [
  'id',
  'planId',
  'code',
  'category',
  'problem',
  'target',
  'leadUnit',
  'deadlineKind',
  'deadline',
  'status',
  'noticeFirstDay',
  'noticeLastDay',
  'noticeEndsAt',
  'objectionsOpen',
] as const

export const PUBLIC_PLAN_FIELDS = ['id', 'title', 'issuedBy', 'categories', 'itemCount', 'closedCount', 'inNoticeCount'] as const

export const PUBLIC_BULLETIN_FIELDS = ['planId', 'planTitle', 'period', 'asOf', 'publishedAt', 'contentHash'] as const

/** A disclosed case lead: the outcome is what disclosure publishes; comments and who recorded it stay inside. */
export const PUBLIC_CASE_LEAD_FIELDS = [
  'id',
  'planId',
  'planTitle',
  'number',
  'summary',
  'handlingUnit',
  'receivedOn',
  'handledOn',
  'disclosedOn',
  'outcome',
] as const

type Fields<L extends readonly string[]> = Record<L[number], TSchema>

const itemProperties = {
  id: Type.Integer(),
  planId: Type.Integer(),
  code: Type.String(),
  category: Type.String({ description: '任务领域' }),
  problem: Type.String({ description: '督察反馈问题' }),
  target: Type.String({ description: '整改目标' }),
  leadUnit: Type.String({ description: '牵头单位' }),
  deadlineKind: Type.Enum(['immediate', 'date', 'long_term'], { description: 'immediate 立行立改, date 限期, long_term 长期坚持' }),
  deadline: Nullable(DateOnly),
  status: Type.Enum(STATUSES, {
    description: 'assigned 已交办, in_progress 整改中, closure_requested 申请销号, in_public_notice 公示中, closed 已销号',
  }),
  noticeFirstDay: Nullable(DateOnly),
  noticeLastDay: Nullable({ ...DateOnly, description: 'The last day of the public notice, in the plan time zone' }),
  noticeEndsAt: Nullable(Instant),
  objectionsOpen: Type.Boolean({ description: 'The notice runs now: objections are taken' }),
} satisfies Fields<typeof PUBLIC_ITEM_FIELDS>

const planProperties = {
  id: Type.Integer(),
  title: Type.String(),
  issuedBy: Type.String(),
  categories: Type.Array(Type.String()),
  itemCount: Type.Integer(),
  closedCount: Type.Integer(),
  inNoticeCount: Type.Integer(),
} satisfies Fields<typeof PUBLIC_PLAN_FIELDS>

const bulletinProperties = {
  planId: Type.Integer(),
  planTitle: Type.String(),
  period: Type.String({ description: 'YYYY-MM' }),
  asOf: Instant,
  publishedAt: Instant,
  contentHash: Type.String(),
} satisfies Fields<typeof PUBLIC_BULLETIN_FIELDS>

const caseLeadProperties = {
  id: Type.Integer(),
  planId: Type.Integer(),
  planTitle: Type.String(),
  number: Type.String(),
  summary: Type.String(),
  handlingUnit: Type.String({ description: '承办单位' }),
  receivedOn: DateOnly,
  handledOn: Nullable(DateOnly),
  disclosedOn: Nullable(DateOnly),
  outcome: Type.Object(
    {
      summary: Type.String(),
      measures: Type.Array(
        Type.Object(
          { kind: Type.Enum(ACCOUNTABILITY_KINDS), subject: Type.String(), detail: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
} satisfies Fields<typeof PUBLIC_CASE_LEAD_FIELDS>

export const PublicItemSchema = Type.Object(itemProperties, { additionalProperties: false, $id: 'PublicItem', title: 'PublicItem' })
export const PublicPlanSchema = Type.Object(planProperties, { additionalProperties: false, $id: 'PublicPlan', title: 'PublicPlan' })
export const PublicBulletinSchema = Type.Object(bulletinProperties, {
  additionalProperties: false,
  $id: 'PublicBulletin',
  title: 'PublicBulletin',
})
export const PublicCaseLeadSchema = Type.Object(caseLeadProperties, {
  additionalProperties: false,
  $id: 'PublicCaseLead',
  title: 'PublicCaseLead',
})

export const publicSchemas = [PublicItemSchema, PublicPlanSchema, PublicBulletinSchema, PublicCaseLeadSchema]

export type PublicItem = Static<typeof PublicItemSchema>
export type PublicPlan = Static<typeof PublicPlanSchema>
export type PublicBulletin = Static<typeof PublicBulletinSchema>
export type PublicCaseLead = Static<typeof PublicCaseLeadSchema>

/** A new object with exactly the allow-listed fields of `source`, whatever else the source carries. */
export function pickPublic<const L extends readonly string[], T extends Record<L[number], unknown>>(
  fields: L,
  source: T,
): Pick<T, L[number]> {
  const out = {} as Pick<T, L[number]>
  for (const field of fields as readonly L[number][]) out[field] = source[field]
  return out
}
