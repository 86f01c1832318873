import { Type } from 'typebox'
import { Instant, Nullable } from '../../lib/schemas.ts'
import { ItemStatusSchema } from '../items/items.schemas.ts'

const Rate = Nullable(Type.Number({ description: 'Percent, one decimal' }))
const ItemRef = { itemId: Type.Integer(), code: Type.String(), problem: Type.String(), leadUnit: Type.String() }

export const BulletinTotalsSchema = Type.Object({
  items: Type.Integer(),
  byStatus: Type.Object({
    assigned: Type.Integer(),
    in_progress: Type.Integer(),
    closure_requested: Type.Integer(),
    in_public_notice: Type.Integer(),
    closed: Type.Integer(),
  }),
  closed: Type.Integer(),
  overdue: Type.Integer(),
  lagging: Type.Integer(),
  completionRate: Rate,
})

export const BulletinSchema = Type.Object(
  {
    id: Type.Integer(),
    planId: Type.Integer(),
    planTitle: Type.String(),
    planIssuedBy: Type.String(),
    timezone: Type.String(),
    period: Type.String({ description: 'YYYY-MM' }),
    asOf: Instant,
    generatedAt: Instant,
    contentHash: Type.String({ description: 'SHA-256 of the stored content' }),
    publishedAt: Nullable(Instant),
    totals: BulletinTotalsSchema,
    previous: Nullable(BulletinTotalsSchema),
    change: Nullable(Type.Object({ items: Type.Integer(), closed: Type.Integer(), overdue: Type.Integer(), completionRate: Rate })),
    byCategory: Type.Array(
      Type.Object({
        category: Type.String(),
        items: Type.Integer(),
        closed: Type.Integer(),
        overdue: Type.Integer(),
        completionRate: Rate,
      }),
    ),
    byLeadUnit: Type.Array(
      Type.Object({
        rank: Type.Integer(),
        unitId: Type.Integer(),
        leadUnit: Type.String(),
        items: Type.Integer(),
        closed: Type.Integer(),
        overdue: Type.Integer(),
        lagging: Type.Integer(),
        completionRate: Rate,
        onTimeRate: Rate,
        reportsFiled: Type.Integer(),
        reportsExpected: Type.Integer(),
      }),
    ),
    closedThisMonth: Type.Array(Type.Object({ ...ItemRef, closedOn: Type.String() })),
    dueNextMonth: Type.Array(Type.Object({ ...ItemRef, deadline: Type.String(), status: ItemStatusSchema })),
    overdue: Type.Array(Type.Object({ ...ItemRef, deadline: Type.String(), daysOverdue: Type.Integer(), status: ItemStatusSchema })),
    lagging: Type.Array(Type.Object(ItemRef)),
    unitsWithoutReport: Type.Array(Type.Object({ unitId: Type.Integer(), name: Type.String(), openItems: Type.Integer() })),
    supervision: Type.Object({
      opened: Type.Array(
        Type.Object({
          supervisionId: Type.Integer(),
          number: Type.String(),
          code: Type.String(),
          leadUnit: Type.String(),
          openedOn: Type.String(),
          reason: Type.String(),
        }),
      ),
      resolved: Type.Array(
        Type.Object({
          supervisionId: Type.Integer(),
          number: Type.String(),
          code: Type.String(),
          leadUnit: Type.String(),
          resolvedOn: Type.String(),
        }),
      ),
      open: Type.Array(
        Type.Object({
          supervisionId: Type.Integer(),
          number: Type.String(),
          code: Type.String(),
          leadUnit: Type.String(),
          replyDueOn: Type.String(),
          replyStatus: Type.Union(['awaiting', 'overdue', 'on_time', 'late', 'none'].map((s) => Type.Literal(s))),
        }),
      ),
    }),
    extensions: Type.Array(
      Type.Object({ ...ItemRef, oldDeadline: Nullable(Type.String()), newDeadline: Nullable(Type.String()), approvedOn: Type.String() }),
    ),
    rebounds: Type.Array(Type.Object({ ...ItemRef, reopenedOn: Type.String(), reason: Nullable(Type.String()) })),
    caseLeads: Type.Object(
      { received: Type.Integer(), under_investigation: Type.Integer(), handled: Type.Integer(), disclosed: Type.Integer() },
      { description: 'Case leads (问题线索) by stage at the month end' },
    ),
    trend: Type.Array(Type.Object({ period: Type.String(), items: Type.Integer(), closed: Type.Integer(), completionRate: Rate })),
  },
  { $id: 'Bulletin', title: 'Bulletin' },
)

export const BulletinSummarySchema = Type.Object({
  period: Type.String(),
  asOf: Instant,
  generatedAt: Instant,
  contentHash: Type.String(),
  publishedAt: Nullable(Instant),
  totals: BulletinTotalsSchema,
})
