import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { plans } from './plans.ts'
import { units } from './units.ts'

export const ITEM_STATUSES = ['assigned', 'in_progress', 'closure_requested', 'in_public_notice', 'closed'] as const
export const DEADLINE_KINDS = ['immediate', 'date', 'long_term'] as const

/** A checklist item (整改任务). `status` changes only through the close-out state machine; `version` counts every change. */
export const items = sqliteTable(
  'items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    code: text('code').notNull(),
    category: text('category').notNull(),
    problem: text('problem').notNull(),
    target: text('target').notNull(),
    measures: text('measures').notNull(),
    leadUnitId: integer('lead_unit_id')
      .notNull()
      .references(() => units.id),
    deadlineKind: text('deadline_kind', { enum: DEADLINE_KINDS }).notNull(),
    deadline: text('deadline'),
    /** The deadline as the checklist worded it (2018年12月底前完成，长期坚持); '' when entered as a kind and date only. */
    deadlineText: text('deadline_text').notNull().default(''),
    /** The checklist's 备注 for the item. */
    note: text('note').notNull().default(''),
    status: text('status', { enum: ITEM_STATUSES }).notNull().default('assigned'),
    version: integer('version').notNull().default(1),
    /** Instant the public notice ends (exclusive), set by `accept`. */
    noticeEndsAt: text('notice_ends_at'),
    /** True when the notice length was counted partly on the weekend fallback (no official calendar data). */
    noticeCalendarFallback: integer('notice_calendar_fallback', { mode: 'boolean' }).notNull().default(false),
    closedAt: text('closed_at'),
    /** Set once an item is reopened after close-out (反弹). */
    rebound: integer('rebound', { mode: 'boolean' }).notNull().default(false),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('items_plan_code_uq').on(t.planId, t.code),
    index('items_lead_unit_idx').on(t.leadUnitId, t.id),
    // The workbench's list of a unit's items in deadline order reads this alone: the page's deadlines in index
    // order, the count before them, and the codes of the items due on its first and last day.
    index('items_lead_unit_deadline_idx').on(t.leadUnitId, t.deadline, t.code),
    index('items_status_idx').on(t.status, t.deadline),
  ],
)

/** The responsible units (责任单位) of an item, besides its lead unit. */
export const itemResponsibleUnits = sqliteTable(
  'item_responsible_units',
  {
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.unitId] }), index('item_responsible_units_unit_idx').on(t.unitId, t.itemId)],
)
