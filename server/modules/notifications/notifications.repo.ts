import { and, asc, desc, eq, gt, inArray, isNull, lte, ne, notExists, or, sql } from 'drizzle-orm'
import { inJsonArray } from '../../../db/json-list.ts'
import type { Db } from '../../../db/client.ts'
import {
  accounts,
  items,
  notificationChannels,
  notificationDeliveries,
  notificationReads,
  notifications,
  plans,
  progressReports,
  supervisions,
  units,
} from '../../../db/schema/index.ts'
import { RECTIFYING_STATUSES } from '../closeout/deadlines.ts'
import { supervisionNumber } from '../supervision/lifecycle.ts'
import type { ItemFacts, OpenSupervisionFacts } from './rules.ts'

export type NotificationRow = typeof notifications.$inferSelect
export type ChannelRow = typeof notificationChannels.$inferSelect
export type DeliveryRow = typeof notificationDeliveries.$inferSelect
export type DeliveryStatus = DeliveryRow['status']

/** Who is reading: a unit's accounts read the unit's messages, supervisors the office's. */
export interface Reader {
  accountId: number
  unitId: number | null
  supervisor: boolean
}

const ph = (name: string) => sql.placeholder(name)

// Reads of other modules' tables (items, plans, units, accounts, reports, supervisions) are narrow and read-only:
// what a message says and whom it reaches. Writes stay in this module's four tables.
export function createNotificationsRepo(db: Db) {
  const itemFactsColumns = {
    itemId: items.id,
    planId: items.planId,
    planTitle: plans.title,
    code: items.code,
    problem: items.problem,
    leadUnitId: items.leadUnitId,
    leadUnitName: units.name,
    deadlineKind: items.deadlineKind,
    deadline: items.deadline,
  }
  const factsOfItem = db
    .select(itemFactsColumns)
    .from(items)
    .innerJoin(plans, eq(plans.id, items.planId))
    .innerJoin(units, eq(units.id, items.leadUnitId))
    .where(eq(items.id, ph('itemId')))
    .prepare()

  const insertNotification = db
    .insert(notifications)
    .values({
      recipient: ph('recipient'),
      unitId: ph('unitId'),
      kind: ph('kind'),
      title: ph('title'),
      body: ph('body'),
      planId: ph('planId'),
      itemId: ph('itemId'),
      dedupeKey: ph('dedupeKey'),
      createdAt: ph('createdAt'),
    })
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning({ id: notifications.id })
    .prepare()

  const activeChannelsOfUnits = db
    .select()
    .from(notificationChannels)
    .where(and(inJsonArray(notificationChannels.unitId, 'unitIds'), isNull(notificationChannels.removedAt)))
    .orderBy(asc(notificationChannels.id))
    .prepare()

  const supervisorUnits = db
    .selectDistinct({ unitId: accounts.unitId })
    .from(accounts)
    .where(and(eq(accounts.role, 'supervisor'), isNull(accounts.disabledAt), sql`${accounts.unitId} is not null`))
    .prepare()

  /** The end of a channel's open digest window: the earliest untried delivery still waiting for it. */
  const openWindow = db
    .select({ at: sql<string | null>`min(${notificationDeliveries.nextAttemptAt})` })
    .from(notificationDeliveries)
    .where(
      and(
        eq(notificationDeliveries.channelId, ph('channelId')),
        eq(notificationDeliveries.status, 'pending'),
        eq(notificationDeliveries.attempts, 0),
        gt(notificationDeliveries.nextAttemptAt, ph('now')),
      ),
    )
    .prepare()

  // Only the terms that can hold (no `or 0`): SQLite then searches notifications_unit_idx and/or
  // notifications_recipient_idx instead of scanning every message (the unread count runs on every page).
  const visible = (reader: Reader) => {
    const unit = reader.unitId === null ? undefined : and(eq(notifications.unitId, reader.unitId), eq(notifications.recipient, 'unit'))
    const office = reader.supervisor ? eq(notifications.recipient, 'office') : undefined
    return unit && office ? or(unit, office)! : (unit ?? office ?? sql`0`)
  }
  const readByReader = (reader: Reader) =>
    db
      .select({ one: sql`1` })
      .from(notificationReads)
      .where(and(eq(notificationReads.notificationId, notifications.id), eq(notificationReads.accountId, reader.accountId)))

  return {
    itemFacts(itemId: number): ItemFacts | undefined {
      return factsOfItem.get({ itemId })
    },

    /** Inserts the message unless its key exists; returns its id, or null when it was already written. */
    insertNotification(row: Omit<typeof notifications.$inferInsert, 'id'>): number | null {
      return (
        insertNotification.get({ ...row, unitId: row.unitId ?? null, planId: row.planId ?? null, itemId: row.itemId ?? null })?.id ?? null
      )
    },

    activeChannels(unitIds: number[]): ChannelRow[] {
      if (unitIds.length === 0) return []
      return activeChannelsOfUnits.all({ unitIds: JSON.stringify(unitIds) })
    },

    /** The units the office's (enabled) supervisor accounts belong to. */
    officeUnitIds(): number[] {
      return supervisorUnits.all().map((r) => r.unitId!)
    },

    openDigestWindow(channelId: number, now: string): string | null {
      return openWindow.get({ channelId, now })?.at ?? null
    },

    insertDelivery(row: Omit<typeof notificationDeliveries.$inferInsert, 'id'>): void {
      db.insert(notificationDeliveries).values(row).onConflictDoNothing().run()
    },

    listFor(reader: Reader, limit: number, beforeId?: number): (NotificationRow & { readAt: string | null; itemCode: string | null })[] {
      return db
        .select({
          id: notifications.id,
          recipient: notifications.recipient,
          unitId: notifications.unitId,
          kind: notifications.kind,
          title: notifications.title,
          body: notifications.body,
          planId: notifications.planId,
          itemId: notifications.itemId,
          dedupeKey: notifications.dedupeKey,
          createdAt: notifications.createdAt,
          readAt: notificationReads.readAt,
          itemCode: items.code,
        })
        .from(notifications)
        .leftJoin(items, eq(items.id, notifications.itemId))
        .leftJoin(
          notificationReads,
          and(eq(notificationReads.notificationId, notifications.id), eq(notificationReads.accountId, reader.accountId)),
        )
        .where(and(visible(reader), beforeId !== undefined ? sql`${notifications.id} < ${beforeId}` : undefined))
        .orderBy(desc(notifications.id))
        .limit(limit)
        .all()
    },

    unreadCount(reader: Reader): number {
      return (
        db
          .select({ n: sql<number>`count(*)` })
          .from(notifications)
          .where(and(visible(reader), notExists(readByReader(reader))))
          .get()?.n ?? 0
      )
    },

    findVisible(reader: Reader, id: number): NotificationRow | undefined {
      return db
        .select()
        .from(notifications)
        .where(and(eq(notifications.id, id), visible(reader)))
        .get()
    },

    readAt(notificationId: number, accountId: number): string | null {
      return (
        db
          .select({ readAt: notificationReads.readAt })
          .from(notificationReads)
          .where(and(eq(notificationReads.notificationId, notificationId), eq(notificationReads.accountId, accountId)))
          .get()?.readAt ?? null
      )
    },

    markRead(notificationId: number, accountId: number, at: string): void {
      db.insert(notificationReads).values({ notificationId, accountId, readAt: at }).onConflictDoNothing().run()
    },

    /** Marks every message the reader sees and has not read; returns how many. */
    markAllRead(reader: Reader, at: string): number {
      const ids = db
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(visible(reader), notExists(readByReader(reader))))
        .all()
      for (const { id } of ids)
        db.insert(notificationReads).values({ notificationId: id, accountId: reader.accountId, readAt: at }).onConflictDoNothing().run()
      return ids.length
    },

    unitExists(unitId: number): boolean {
      return db.select({ id: units.id }).from(units).where(eq(units.id, unitId)).get() !== undefined
    },

    unit(unitId: number): { id: number; name: string; mergedIntoId: number | null } | undefined {
      return db.select({ id: units.id, name: units.name, mergedIntoId: units.mergedIntoId }).from(units).where(eq(units.id, unitId)).get()
    },

    /** Moves a merged unit's inbox to the unit that took it over (call inside the merge's transaction). */
    moveInbox(fromUnitId: number, intoUnitId: number): number {
      return db.update(notifications).set({ unitId: intoUnitId }).where(eq(notifications.unitId, fromUnitId)).run().changes
    },

    moveChannel(channelId: number, intoUnitId: number): void {
      db.update(notificationChannels).set({ unitId: intoUnitId }).where(eq(notificationChannels.id, channelId)).run()
    },

    /**
     * Hands what still waits for channel `fromId` to its twin `toId`; a message that already has a delivery on the
     * twin keeps its old one (it would be sent twice otherwise), which dies with the retired channel.
     */
    repointWaitingDeliveries(fromId: number, toId: number): void {
      db.run(
        sql`update or ignore ${notificationDeliveries} set channel_id = ${toId} where channel_id = ${fromId} and status in ('pending', 'failed')`,
      )
    },

    insertChannel(row: Omit<typeof notificationChannels.$inferInsert, 'id'>): void {
      db.insert(notificationChannels).values(row).run()
    },

    retireChannel(id: number, at: string): void {
      db.update(notificationChannels).set({ removedAt: at }).where(eq(notificationChannels.id, id)).run()
    },

    /** Deliveries that may be sent now, oldest first, with their channel. */
    dueDeliveries(now: string, limit: number): { delivery: DeliveryRow; channel: ChannelRow }[] {
      return db
        .select({ delivery: notificationDeliveries, channel: notificationChannels })
        .from(notificationDeliveries)
        .innerJoin(notificationChannels, eq(notificationChannels.id, notificationDeliveries.channelId))
        .where(and(inArray(notificationDeliveries.status, ['pending', 'failed']), lte(notificationDeliveries.nextAttemptAt, now)))
        .orderBy(asc(notificationDeliveries.id))
        .limit(limit)
        .all()
    },

    /** The earliest time a delivery waiting now may be sent (for the dispatcher's next wake-up). */
    nextDueAt(): string | null {
      return (
        db
          .select({ at: sql<string | null>`min(${notificationDeliveries.nextAttemptAt})` })
          .from(notificationDeliveries)
          .where(inArray(notificationDeliveries.status, ['pending', 'failed']))
          .get()?.at ?? null
      )
    },

    updateDeliveries(ids: number[], changes: Partial<DeliveryRow>): void {
      if (ids.length === 0) return
      db.update(notificationDeliveries).set(changes).where(inArray(notificationDeliveries.id, ids)).run()
    },

    deliveryById(id: number): DeliveryRow | undefined {
      return db.select().from(notificationDeliveries).where(eq(notificationDeliveries.id, id)).get()
    },

    listDeliveries(filter: { status?: DeliveryStatus | undefined; limit: number; beforeId?: number | undefined; id?: number | undefined }) {
      return db
        .select({
          delivery: notificationDeliveries,
          channel: notificationChannels,
          unitName: units.name,
          notification: { id: notifications.id, kind: notifications.kind, title: notifications.title, itemId: notifications.itemId },
        })
        .from(notificationDeliveries)
        .innerJoin(notificationChannels, eq(notificationChannels.id, notificationDeliveries.channelId))
        .innerJoin(units, eq(units.id, notificationChannels.unitId))
        .innerJoin(notifications, eq(notifications.id, notificationDeliveries.notificationId))
        .where(
          and(
            filter.status ? eq(notificationDeliveries.status, filter.status) : undefined,
            filter.id !== undefined ? eq(notificationDeliveries.id, filter.id) : undefined,
            filter.beforeId !== undefined ? sql`${notificationDeliveries.id} < ${filter.beforeId}` : undefined,
          ),
        )
        .orderBy(desc(notificationDeliveries.id))
        .limit(filter.limit)
        .all()
    },

    // ---- what the reminder jobs look at ----

    plans() {
      return db
        .select({
          id: plans.id,
          title: plans.title,
          timezone: plans.timezone,
          reminderDays: plans.reminderDays,
          reportDueDay: plans.reportDueDay,
        })
        .from(plans)
        .orderBy(asc(plans.id))
        .all()
    },

    /** A plan's items still being rectified with a dated deadline in (after, upTo]; long-term items never. */
    itemsDueBetween(planId: number, after: string, upTo: string): (ItemFacts & { deadline: string })[] {
      return db
        .select(itemFactsColumns)
        .from(items)
        .innerJoin(plans, eq(plans.id, items.planId))
        .innerJoin(units, eq(units.id, items.leadUnitId))
        .where(
          and(
            eq(items.planId, planId),
            inArray(items.status, [...RECTIFYING_STATUSES]),
            ne(items.deadlineKind, 'long_term'),
            gt(items.deadline, after),
            lte(items.deadline, upTo),
          ),
        )
        .orderBy(asc(items.id))
        .all() as (ItemFacts & { deadline: string })[]
    },

    /** A plan's items still being rectified, put on the list before `createdBefore`, whose lead unit has filed no report for `period`. */
    itemsWithoutLeadReport(planId: number, period: string, createdBefore: string): { unitId: number; code: string; problem: string }[] {
      return db
        .select({ unitId: items.leadUnitId, code: items.code, problem: items.problem })
        .from(items)
        .where(
          and(
            eq(items.planId, planId),
            inArray(items.status, [...RECTIFYING_STATUSES]),
            sql`${items.createdAt} < ${createdBefore}`,
            notExists(
              db
                .select({ one: sql`1` })
                .from(progressReports)
                .where(
                  and(
                    eq(progressReports.itemId, items.id),
                    eq(progressReports.unitId, items.leadUnitId),
                    eq(progressReports.period, period),
                  ),
                ),
            ),
          ),
        )
        .orderBy(asc(items.leadUnitId), asc(items.id))
        .all()
    },

    /** A plan's supervisions waiting for the lead unit's reply (not replied, not resolved). */
    awaitingReply(planId: number): OpenSupervisionFacts[] {
      return db
        .select({
          ...itemFactsColumns,
          supervisionId: supervisions.id,
          year: supervisions.year,
          seq: supervisions.seq,
          replyDueOn: supervisions.replyDueOn,
        })
        .from(supervisions)
        .innerJoin(items, eq(items.id, supervisions.itemId))
        .innerJoin(plans, eq(plans.id, items.planId))
        .innerJoin(units, eq(units.id, items.leadUnitId))
        .where(and(eq(supervisions.planId, planId), inArray(supervisions.status, ['open', 'acknowledged'])))
        .orderBy(asc(supervisions.id))
        .all()
        .map(({ year, seq, ...rest }) => ({ ...rest, number: supervisionNumber(year, seq) }))
    },
  }
}

export type NotificationsRepo = ReturnType<typeof createNotificationsRepo>
