import { sql } from 'drizzle-orm'
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { accounts } from './accounts.ts'
import { items } from './items.ts'
import { units } from './units.ts'

/** Evidence files (佐证材料), stored under DATA_DIR by SHA-256. The same hash on two items is flagged as reuse. */
export const evidence = sqliteTable(
  'evidence',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    sha256: text('sha256').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    /** Decided from the content, never from the file name: pdf, jpeg, png, docx, xlsx. */
    fileType: text('file_type').notNull(),
    mediaType: text('media_type').notNull(),
    fileName: text('file_name').notNull(),
    uploadedAt: text('uploaded_at').notNull(),
    uploadedBy: integer('uploaded_by')
      .notNull()
      .references(() => accounts.id),
    uploaderUnitId: integer('uploader_unit_id').references(() => units.id),
  },
  (t) => [uniqueIndex('evidence_item_sha_uq').on(t.itemId, t.sha256), index('evidence_sha_idx').on(t.sha256)],
)

/** Monthly progress reports (月调度). Never edited: a correction is a new report that names the one it corrects. */
export const progressReports = sqliteTable(
  'progress_reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    period: text('period').notNull(),
    text: text('text').notNull(),
    percent: integer('percent'),
    correctsReportId: integer('corrects_report_id'),
    createdAt: text('created_at').notNull(),
    createdBy: integer('created_by')
      .notNull()
      .references(() => accounts.id),
  },
  (t) => [index('progress_reports_item_idx').on(t.itemId, t.period), index('progress_reports_unit_idx').on(t.unitId, t.period)],
)

/** Extension requests (延期申请); at most one pending per item, enforced by a partial unique index. */
export const extensions = sqliteTable(
  'extensions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] }).notNull(),
    oldDeadline: text('old_deadline').notNull(),
    newDeadline: text('new_deadline').notNull(),
    reason: text('reason').notNull(),
    progress: text('progress').notNull(),
    requestedAt: text('requested_at').notNull(),
    requestedBy: integer('requested_by')
      .notNull()
      .references(() => accounts.id),
    decidedAt: text('decided_at'),
    decidedBy: integer('decided_by').references(() => accounts.id),
    decisionComment: text('decision_comment'),
  },
  (t) => [index('extensions_item_idx').on(t.itemId), uniqueIndex('extensions_one_pending_uq').on(t.itemId).where(sql`status = 'pending'`)],
)

/** Objections (异议) filed by the public while an item is in public notice. */
export const objections = sqliteTable(
  'objections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemId: integer('item_id')
      .notNull()
      .references(() => items.id),
    contact: text('contact').notNull(),
    content: text('content').notNull(),
    status: text('status', { enum: ['pending', 'upheld', 'dismissed', 'superseded'] }).notNull(),
    filedAt: text('filed_at').notNull(),
    decidedAt: text('decided_at'),
    decidedBy: integer('decided_by').references(() => accounts.id),
    decisionComment: text('decision_comment'),
  },
  (t) => [index('objections_item_idx').on(t.itemId, t.status), index('objections_status_idx').on(t.status)],
)

/** Holidays and make-up workdays an admin adds where the official calendar data ends or is wrong. */
export const calendarOverrides = sqliteTable('calendar_overrides', {
  date: text('date').primaryKey(),
  kind: text('kind', { enum: ['holiday', 'workday'] }).notNull(),
  note: text('note'),
  createdAt: text('created_at').notNull(),
  createdBy: integer('created_by').references(() => accounts.id),
})
