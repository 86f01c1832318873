import { and, asc, eq, sql, type SQL } from 'drizzle-orm'
import { inJsonArray } from '../../../db/json-list.ts'
import type { Db } from '../../../db/client.ts'
import { accounts, progressReports, units } from '../../../db/schema/index.ts'
import { AppError, forbidden, unprocessable } from '../../errors.ts'
import { localPeriod, type Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import { isItemUnit, type AccountActor } from '../auth/permissions.ts'
import type { EventsRepo } from '../events/events.repo.ts'
import type { ItemsService } from '../items/items.service.ts'

export interface ProgressReportView {
  id: number
  itemId: number
  unit: { id: number; name: string }
  period: string
  text: string
  percent: number | null
  correctsReportId: number | null
  createdAt: string
  createdBy: string
}

export function createProgressService({
  db,
  items,
  eventsRepo,
  clock,
  transact,
}: {
  db: Db
  items: ItemsService
  eventsRepo: EventsRepo
  clock: Clock
  transact: Transact
}) {
  // Every statement of a report's filing and reading is prepared once: compiling one costs more than running it.
  const ph = (name: string) => sql.placeholder(name)
  const reportsWhere = (where: SQL) =>
    db
      .select({
        id: progressReports.id,
        itemId: progressReports.itemId,
        unitId: progressReports.unitId,
        unitName: units.name,
        period: progressReports.period,
        text: progressReports.text,
        percent: progressReports.percent,
        correctsReportId: progressReports.correctsReportId,
        createdAt: progressReports.createdAt,
        createdBy: accounts.name,
      })
      .from(progressReports)
      .innerJoin(units, eq(units.id, progressReports.unitId))
      .innerJoin(accounts, eq(accounts.id, progressReports.createdBy))
      .where(where)
      .orderBy(asc(progressReports.id))
      .prepare()
  const ofItem = reportsWhere(eq(progressReports.itemId, ph('itemId')))
  const byId = reportsWhere(eq(progressReports.id, ph('id')))
  const unitsReport = db
    .select({ id: progressReports.id })
    .from(progressReports)
    .where(and(eq(progressReports.id, ph('id')), eq(progressReports.itemId, ph('itemId')), eq(progressReports.unitId, ph('unitId'))))
    .prepare()
  const insert = db
    .insert(progressReports)
    .values({
      itemId: ph('itemId'),
      unitId: ph('unitId'),
      period: ph('period'),
      text: ph('text'),
      percent: ph('percent'),
      correctsReportId: ph('correctsReportId'),
      createdAt: ph('createdAt'),
      createdBy: ph('createdBy'),
    })
    .returning({ id: progressReports.id })
    .prepare()

  // The items (a JSON array of ids, one statement however many) that a unit reported on in a month.
  const reportedInPeriod = db
    .selectDistinct({ itemId: progressReports.itemId })
    .from(progressReports)
    .where(
      and(eq(progressReports.unitId, ph('unitId')), eq(progressReports.period, ph('period')), inJsonArray(progressReports.itemId, 'ids')),
    )
    .prepare()

  type ReportRow = ReturnType<typeof ofItem.all>[number]
  const toView = ({ unitId, unitName, ...r }: ReportRow): ProgressReportView => ({ ...r, unit: { id: unitId, name: unitName } })

  function list(itemId: number): ProgressReportView[] {
    return ofItem.all({ itemId }).map(toView)
  }

  return {
    list(actor: AccountActor, itemId: number): ProgressReportView[] {
      items.loadVisible(actor, itemId)
      return list(itemId)
    },

    /**
     * Files a report for a month that has begun, as the lead unit or a responsible unit (its own part).
     * Reports are never edited: a correction is a new report naming the one it corrects.
     */
    file(
      actor: AccountActor,
      itemId: number,
      input: { period: string; text: string; percent?: number | undefined; correctsReportId?: number | undefined },
    ): ProgressReportView {
      const { record, responsible } = items.loadVisible(actor, itemId)
      const unitId = actor.unitId
      if (unitId === null || !isItemUnit(actor, { leadUnitId: record.leadUnitId, responsibleUnitIds: responsible.map((u) => u.id) })) {
        throw forbidden('Only the lead unit or a responsible unit of the item reports on it', 'NOT_ITEM_UNIT')
      }
      const now = clock.now()
      if (input.period > localPeriod(now, record.timezone)) {
        throw unprocessable('PERIOD_IN_FUTURE', `${input.period} has not begun in ${record.timezone}`)
      }
      const text = input.text.trim()
      if (text === '') throw unprocessable('TEXT_REQUIRED', 'A progress report needs text')
      if (input.correctsReportId !== undefined) {
        const corrected = unitsReport.get({ id: input.correctsReportId, itemId, unitId })
        if (!corrected)
          throw unprocessable(
            'CORRECTED_REPORT_NOT_FOUND',
            `Report ${input.correctsReportId} is not one of your unit's reports on this item`,
          )
      }
      const at = now.toISOString()
      const id = transact(() => {
        const row = insert.get({
          itemId,
          unitId,
          period: input.period,
          text,
          percent: input.percent ?? null,
          correctsReportId: input.correctsReportId ?? null,
          createdAt: at,
          createdBy: actor.accountId,
        })!
        eventsRepo.append({
          itemId,
          at,
          actor,
          action: 'progress_reported',
          comment: text,
          details: {
            reportId: row.id,
            period: input.period,
            percent: input.percent ?? null,
            correctsReportId: input.correctsReportId ?? null,
          },
        })
        return row.id
      })
      // The report as a list shows it, read alone: an item's list of reports only grows.
      return toView(byId.get({ id })!)
    },

    /**
     * The monthly report (月调度): several items' reports filed in one transaction, all or nothing; each is its own
     * report and its own audited event, checked as `file` checks one. A refusal names the item it is about
     * (`details.itemId`).
     */
    fileMany(
      actor: AccountActor,
      entries: { itemId: number; period: string; text: string; percent?: number | undefined }[],
    ): ProgressReportView[] {
      return transact(() =>
        entries.map((entry) => {
          try {
            return this.file(actor, entry.itemId, entry)
          } catch (err) {
            if (err instanceof AppError) throw new AppError(err.statusCode, err.code, err.message, { ...err.details, itemId: entry.itemId })
            throw err
          }
        }),
      )
    },

    /** Which of these items have a report of `unitId` for `period` (for to-do lists; visibility is the caller's). */
    reportedIn(itemIds: readonly number[], unitId: number, period: string): Set<number> {
      if (itemIds.length === 0) return new Set()
      return new Set(reportedInPeriod.all({ ids: JSON.stringify(itemIds), unitId, period }).map((r) => r.itemId))
    },
  }
}

export type ProgressService = ReturnType<typeof createProgressService>
