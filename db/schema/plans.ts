import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { accounts } from './accounts.ts'

/** A rectification plan (整改方案) and the settings its deadlines and notices are computed with. */
export const plans = sqliteTable('plans', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title').notNull(),
  issuedBy: text('issued_by').notNull(),
  timezone: text('timezone').notNull().default('Asia/Shanghai'),
  /** JSON array of task-area names, in the plan's order. */
  categories: text('categories', { mode: 'json' }).$type<string[]>().notNull(),
  noticeWorkingDays: integer('notice_working_days').notNull().default(5),
  jointSupervisionAfterDays: integer('joint_supervision_after_days').notNull().default(15),
  /** A lead unit is reminded when an item's deadline is this many working days away. */
  reminderDays: integer('reminder_days').notNull().default(3),
  /** Monthly progress reports are due by this day of the month (in the plan's zone). */
  reportDueDay: integer('report_due_day').notNull().default(25),
  createdAt: text('created_at').notNull(),
  createdBy: integer('created_by').references(() => accounts.id),
})
