import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { accounts } from './accounts.ts'
import { items } from './items.ts'
import { plans } from './plans.ts'
import { units } from './units.ts'

export const NOTIFICATION_RECIPIENTS = ['unit', 'office'] as const
export const CHANNEL_KINDS = ['dingtalk', 'wecom', 'email'] as const
export const DELIVERY_STATUSES = ['pending', 'sent', 'failed', 'dead'] as const

/**
 * Messages (消息) to a unit (every account of the unit reads them) or to the office (every supervisor reads them).
 * `dedupeKey` names what caused the message (an event, or a reminder rule and its subject) with its kind and
 * recipient: unique, so a job run twice, or an event replayed, writes nothing twice.
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    recipient: text('recipient', { enum: NOTIFICATION_RECIPIENTS }).notNull(),
    /** The unit for `recipient = 'unit'`; null for the office. */
    unitId: integer('unit_id').references(() => units.id),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    planId: integer('plan_id').references(() => plans.id),
    itemId: integer('item_id').references(() => items.id),
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('notifications_dedupe_uq').on(t.dedupeKey),
    index('notifications_unit_idx').on(t.unitId, t.id),
    index('notifications_recipient_idx').on(t.recipient, t.id),
  ],
)

/** Which account has read which message, and when. */
export const notificationReads = sqliteTable(
  'notification_reads',
  {
    notificationId: integer('notification_id')
      .notNull()
      .references(() => notifications.id),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id),
    readAt: text('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.notificationId, t.accountId] }), index('notification_reads_account_idx').on(t.accountId)],
)

/**
 * Where a unit's messages also go: a DingTalk or WeCom group robot, or an e-mail address. Setting a unit's channels
 * retires the old rows (`removedAt`) rather than deleting them, so the deliveries that went to them keep their target.
 * `secret` (DingTalk signing) is stored but never returned or logged.
 */
export const notificationChannels = sqliteTable(
  'notification_channels',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    kind: text('kind', { enum: CHANNEL_KINDS }).notNull(),
    /** The webhook URL, or the e-mail address. */
    target: text('target').notNull(),
    secret: text('secret'),
    createdAt: text('created_at').notNull(),
    removedAt: text('removed_at'),
  },
  (t) => [index('notification_channels_unit_idx').on(t.unitId)],
)

/**
 * The outbox: one row per message and channel, written in the transaction that writes the message. The dispatcher
 * sends the rows that are due (`nextAttemptAt`), several to one channel as one digest, and records the outcome:
 * `sent`, or `failed` with the error and the time of the next try, or `dead` after the last try.
 */
export const notificationDeliveries = sqliteTable(
  'notification_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    notificationId: integer('notification_id')
      .notNull()
      .references(() => notifications.id),
    channelId: integer('channel_id')
      .notNull()
      .references(() => notificationChannels.id),
    /** What is sent: the message's title, text and link as they were when it was written. */
    payload: text('payload', { mode: 'json' }).$type<{ title: string; body: string; link: string | null }>().notNull(),
    status: text('status', { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When it may next be sent: the end of its digest window, or of its backoff after a failure. */
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
  },
  (t) => [
    uniqueIndex('notification_deliveries_uq').on(t.notificationId, t.channelId),
    index('notification_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('notification_deliveries_channel_idx').on(t.channelId, t.status),
  ],
)
