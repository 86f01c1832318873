import { badRequest, conflict, notFound, AppError } from '../../errors.ts'
import { localDate, type Clock } from '../../lib/time.ts'
import { canSeeItem, itemScope, type AccountActor } from '../auth/permissions.ts'
import { deadlineProblem, overdueOn, type DeadlineKind } from '../closeout/deadlines.ts'
import { allowedActions, type ItemAction, type ItemStatus } from '../closeout/state-machine.ts'
import { earliestLaggingPeriod, isLagging, laggingWindow, type LaggingWindow } from '../closeout/lagging.ts'
import type { EventsRepo, ItemEventRow } from '../events/events.repo.ts'
import type { PlanRow, PlansRepo } from '../plans/plans.repo.ts'
import type { UnitsRepo } from '../units/units.repo.ts'
import type { ItemListQuery, ItemRecord, ItemSummaryRecord, ItemsRepo } from './items.repo.ts'
import type { Transact } from '../../lib/transact.ts'
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts'
import { deepFreeze } from '../../../db/change-epoch.ts'
import type { SUMMARY_FIELDS } from './items.schemas.ts'

export interface UnitRef {
  id: number
  name: string
}

export interface ItemView {
  id: number
  planId: number
  code: string
  category: string
  problem: string
  target: string
  measures: string
  leadUnitId: number
  leadUnit: UnitRef
  responsibleUnitIds: number[]
  responsibleUnits: UnitRef[]
  deadlineKind: DeadlineKind
  deadline: string | null
  /** The deadline as the checklist worded it; '' when entered as a kind and date only. */
  deadlineText: string
  /** The checklist's 备注. */
  note: string
  status: ItemStatus
  version: number
  overdue: boolean
  daysOverdue: number
  lagging: boolean
  allowedActions: ItemAction[]
  evidenceCount: number
  /** A file of this item also stands on another item (possible 纸面销号). */
  evidenceReused: boolean
  noticeEndsAt: string | null
  /** The notice length was counted partly on weekends only, past the official calendar data. */
  noticeCalendarFallback: boolean
  closedAt: string | null
  rebound: boolean
  createdAt: string
  updatedAt: string
}

export type ItemSummaryView = Pick<ItemView, (typeof SUMMARY_FIELDS)[number]>

export interface ItemContent {
  code: string
  category: string
  problem: string
  target: string
  measures: string
  leadUnitId: number
  responsibleUnitIds: number[]
  deadlineKind: DeadlineKind
  deadline: string | null
  /** The deadline as worded in the checklist (default ''). */
  deadlineText?: string | undefined
  /** The checklist's 备注 (default ''). */
  note?: string | undefined
}

export type ItemPatch = Partial<ItemContent>

export interface ItemListFilters {
  planId?: number | undefined
  status?: ItemStatus | undefined
  leadUnitId?: number | undefined
  unitId?: number | undefined
  category?: string | undefined
  overdue?: boolean | undefined
  lagging?: boolean | undefined
  q?: string | undefined
  cursor?: string | undefined
  limit?: number | undefined
  /** `summary` (the default) leaves out what only the item's own page needs; `full` gives whole items. */
  view?: 'summary' | 'full' | undefined
}

const EDITABLE_FIELDS = [
  'code',
  'category',
  'problem',
  'target',
  'measures',
  'leadUnitId',
  'responsibleUnitIds',
  'deadlineKind',
  'deadline',
  'deadlineText',
  'note',
] as const satisfies readonly (keyof ItemContent)[]

interface Deps {
  repo: ItemsRepo
  eventsRepo: EventsRepo
  unitsRepo: UnitsRepo
  plansRepo: PlansRepo
  clock: Clock
  transact: Transact
}

interface ZoneFacts {
  today: string
  window: LaggingWindow
}

type DerivedFacts = Pick<ItemView, 'overdue' | 'daysOverdue' | 'lagging' | 'allowedActions'>

/** Views kept per record with the facts derived for them; a few per record at most (facts change daily at most). */
type SharedViews<V> = WeakMap<ItemSummaryRecord, { facts: DerivedFacts; view: V }[]>
const VIEWS_PER_RECORD = 8

const sameFacts = (a: DerivedFacts, b: DerivedFacts) =>
  a.overdue === b.overdue &&
  a.daysOverdue === b.daysOverdue &&
  a.lagging === b.lagging &&
  a.allowedActions.length === b.allowedActions.length &&
  a.allowedActions.every((action, i) => action === b.allowedActions[i])

/**
 * The view of a record the repository shares (frozen), made once for each set of derived facts and handed out
 * again, frozen too, while the record stays current: the HTTP layer keeps the JSON of a frozen view with it
 * (lib/json-bytes.ts), so an unchanged item is serialized once, not on every read. A record that is not shared (read
 * inside a transaction) gets a fresh view each time.
 */
function sharedView<V extends object>(views: SharedViews<V>, record: ItemSummaryRecord, facts: DerivedFacts, make: () => V): V {
  if (!Object.isFrozen(record)) return make()
  let kept = views.get(record)
  if (kept === undefined) {
    kept = []
    views.set(record, kept)
  }
  const found = kept.find((k) => sameFacts(k.facts, facts))
  if (found) return found.view
  if (kept.length >= VIEWS_PER_RECORD) kept.length = 0
  const view = deepFreeze(make())
  kept.push({ facts, view })
  return view
}

export function createItemsService({ repo, eventsRepo, unitsRepo, plansRepo, clock, transact }: Deps) {
  const summaryViews: SharedViews<ItemSummaryView> = new WeakMap()
  const fullViews: SharedViews<ItemView> = new WeakMap()

  /** Today and the lagging window in each zone at `now`: the same for every item of a plan, so worked out once. */
  function zoneFacts(now: Date): (timeZone: string) => ZoneFacts {
    const byZone = new Map<string, ZoneFacts>()
    return (timeZone) => {
      let facts = byZone.get(timeZone)
      if (!facts) {
        facts = { today: localDate(now, timeZone), window: laggingWindow(now, timeZone) }
        byZone.set(timeZone, facts)
      }
      return facts
    }
  }

  /** What a view shows beyond its record: it depends on today, the month and the caller. */
  function derive(record: ItemSummaryRecord, actor: AccountActor, zone: ZoneFacts): DerivedFacts {
    const { overdue, daysOverdue } = overdueOn(record, zone.today)
    return { overdue, daysOverdue, lagging: isLagging(record, record.reportedPeriods, zone.window), allowedActions: allowedActions(record, actor) }
  }

  /** The fields of a list entry: the record's, and what is derived for the caller today. */
  function summaryOf(record: ItemSummaryRecord, facts: DerivedFacts): ItemSummaryView {
    return {
      id: record.id,
      planId: record.planId,
      code: record.code,
      category: record.category,
      problem: record.problem,
      leadUnitId: record.leadUnitId,
      leadUnit: { id: record.leadUnitId, name: record.leadUnitName },
      deadlineKind: record.deadlineKind,
      deadline: record.deadline,
      status: record.status,
      version: record.version,
      overdue: facts.overdue,
      daysOverdue: facts.daysOverdue,
      lagging: facts.lagging,
      allowedActions: facts.allowedActions,
      closedAt: record.closedAt,
      rebound: record.rebound,
      updatedAt: record.updatedAt,
    }
  }

  function toSummary(record: ItemSummaryRecord, actor: AccountActor, zone: ZoneFacts): ItemSummaryView {
    const facts = derive(record, actor, zone)
    return sharedView(summaryViews, record, facts, () => summaryOf(record, facts))
  }

  /**
   * The summary and what only the item's own page shows (the serializer writes them in the schema's order).
   * Added with Object.assign: spreading the summary into a new literal cost some 14 µs a view.
   */
  function toView(record: ItemRecord, actor: AccountActor, zone: ZoneFacts): ItemView {
    const facts = derive(record, actor, zone)
    return sharedView(fullViews, record, facts, () =>
      Object.assign(summaryOf(record, facts), {
        target: record.target,
        measures: record.measures,
        deadlineText: record.deadlineText,
        note: record.note,
        responsibleUnitIds: record.responsibleUnits.map((u) => u.id),
        responsibleUnits: record.responsibleUnits,
        evidenceCount: record.evidenceCount,
        evidenceReused: record.evidenceReused,
        noticeEndsAt: record.noticeEndsAt,
        noticeCalendarFallback: record.noticeCalendarFallback,
        createdAt: record.createdAt,
      }),
    )
  }

  /** The item, or 404 when it does not exist or the actor's unit has no part in it. */
  function loadVisible(actor: AccountActor, itemId: number): { record: ItemRecord; responsible: UnitRef[] } {
    const record = repo.findRecord(itemId, earliestLaggingPeriod(clock.now()))
    if (!record) throw notFound(`Item ${itemId}`, 'ITEM_NOT_FOUND')
    const responsible = record.responsibleUnits
    if (!canSeeItem(actor, { leadUnitId: record.leadUnitId, responsibleUnitIds: responsible.map((u) => u.id) })) {
      // Not 403: a unit must not learn that another unit's item exists.
      throw notFound(`Item ${itemId}`, 'ITEM_NOT_FOUND')
    }
    return { record, responsible }
  }

  function requirePlan(planId: number): PlanRow {
    const plan = plansRepo.findById(planId)
    if (!plan) throw notFound(`Plan ${planId}`, 'PLAN_NOT_FOUND')
    return plan
  }

  /** Checks an item's content against its plan and the unit list; throws 400/404/409 naming the field. */
  function checkContent(plan: PlanRow, content: ItemContent, exceptItemId?: number): void {
    const trimmedCode = content.code.trim()
    if (trimmedCode === '') throw badRequest('VALIDATION_FAILED', 'code must not be blank')
    if (plan.categories.length > 0 && !plan.categories.includes(content.category)) {
      throw badRequest('UNKNOWN_CATEGORY', `category "${content.category}" is not a task area of plan ${plan.id}: ${plan.categories.join(', ')}`)
    }
    const problem = deadlineProblem(content.deadlineKind, content.deadline)
    if (problem) throw badRequest('INVALID_DEADLINE', problem)
    if (content.responsibleUnitIds.includes(content.leadUnitId)) {
      throw badRequest('LEAD_UNIT_ALSO_RESPONSIBLE', 'The lead unit is not also listed as a responsible unit')
    }
    if (new Set(content.responsibleUnitIds).size !== content.responsibleUnitIds.length) {
      throw badRequest('DUPLICATE_RESPONSIBLE_UNIT', 'responsibleUnitIds lists a unit twice')
    }
    const wanted = [content.leadUnitId, ...content.responsibleUnitIds]
    const found = new Set(unitsRepo.findByIds(wanted).map((u) => u.id))
    const missing = wanted.filter((id) => !found.has(id))
    if (missing.length > 0) throw notFound(`Unit ${missing.join(', ')}`, 'UNIT_NOT_FOUND')
    if (repo.codeTaken(plan.id, trimmedCode, exceptItemId)) {
      throw conflict('DUPLICATE_ITEM_CODE', `Plan ${plan.id} already has an item with code "${trimmedCode}"`)
    }
  }

  function normalize(content: ItemContent): ItemContent {
    return {
      ...content,
      code: content.code.trim(),
      category: content.category.trim(),
      problem: content.problem.trim(),
      target: content.target.trim(),
      measures: content.measures.trim(),
      deadlineText: (content.deadlineText ?? '').trim(),
      note: (content.note ?? '').trim(),
    }
  }

  /** The caller's view of a record read by `loadVisible` (or re-read after a change). */
  function viewOf(actor: AccountActor, record: ItemRecord): ItemView {
    return toView(record, actor, zoneFacts(clock.now())(record.timezone))
  }

  return {
    loadVisible,
    viewOf,

    get(actor: AccountActor, itemId: number): ItemView {
      return viewOf(actor, loadVisible(actor, itemId).record)
    },

    /** Creates an item and its first audit event in one transaction. */
    create(actor: AccountActor, planId: number, input: ItemContent): ItemView {
      const plan = requirePlan(planId)
      const content = normalize(input)
      const now = clock.now().toISOString()
      const itemId = transact(() => {
        checkContent(plan, content)
        const row = repo.insert({
          planId,
          code: content.code,
          category: content.category,
          problem: content.problem,
          target: content.target,
          measures: content.measures,
          leadUnitId: content.leadUnitId,
          deadlineKind: content.deadlineKind,
          deadline: content.deadline,
          deadlineText: content.deadlineText ?? '',
          note: content.note ?? '',
          createdAt: now,
        })
        repo.setResponsibleUnits(row.id, content.responsibleUnitIds)
        eventsRepo.append({ itemId: row.id, at: now, actor, action: 'create', toStatus: 'assigned', details: { item: content } })
        return row.id
      })
      return this.get(actor, itemId)
    },

    list<V extends 'summary' | 'full' = 'summary'>(
      actor: AccountActor,
      filters: ItemListFilters & { view?: V | undefined },
    ): { items: V extends 'full' ? ItemView[] : ItemSummaryView[]; nextCursor: string | null; total: number } {
      const limit = filters.limit ?? 50
      const afterId = filters.cursor !== undefined ? decodeCursor(filters.cursor) : undefined
      const scope = itemScope(actor)
      const now = clock.now()
      const query: ItemListQuery = {
        planId: filters.planId,
        status: filters.status,
        leadUnitId: filters.leadUnitId,
        unitId: filters.unitId,
        category: filters.category,
        q: filters.q?.trim(),
        afterId,
        limit: limit + 1,
        reportsSince: earliestLaggingPeriod(now),
      }
      if (filters.overdue !== undefined) {
        query.overdue = {
          value: filters.overdue,
          todayByPlan: planZones().map(({ zone, planIds }) => ({ planIds, today: localDate(now, zone) })),
        }
      }
      if (filters.lagging !== undefined) {
        query.lagging = {
          value: filters.lagging,
          windows: planZones().map(({ zone, planIds }) => {
            const window = laggingWindow(now, zone)
            return { planIds, periods: window.periods, listedBefore: window.listedBeforeIso }
          }),
        }
      }
      const scopeUnitId = scope.kind === 'unit' ? scope.unitId : null
      const facts = zoneFacts(now)
      const { records, total } = repo.list(query, scopeUnitId)
      const page = records.slice(0, limit)
      const last = page[page.length - 1]
      const views =
        filters.view === 'full' ? page.map((r) => toView(r, actor, facts(r.timezone))) : page.map((r) => toSummary(r, actor, facts(r.timezone)))
      return {
        items: views as V extends 'full' ? ItemView[] : ItemSummaryView[],
        nextCursor: records.length > limit && last ? encodeCursor(last.id) : null,
        total,
      }
    },

    /**
     * Edits an item's content if `ifMatchVersion` is still current; every edit is an event listing the changed
     * fields with their old and new values. An edit that changes nothing returns the item as it is.
     */
    edit(actor: AccountActor, itemId: number, ifMatchVersion: number, patch: ItemPatch): ItemView {
      const { record, responsible } = loadVisible(actor, itemId)
      if (record.version !== ifMatchVersion) throw staleVersion(record.version)
      const plan = requirePlan(record.planId)
      const before: ItemContent = {
        code: record.code,
        category: record.category,
        problem: record.problem,
        target: record.target,
        measures: record.measures,
        leadUnitId: record.leadUnitId,
        responsibleUnitIds: responsible.map((u) => u.id),
        deadlineKind: record.deadlineKind,
        deadline: record.deadline,
        deadlineText: record.deadlineText,
        note: record.note,
      }
      // Switching to long term drops the date unless the patch names one; that is what the user means. A new kind
      // or date without new wording drops the old wording, which no longer says what the deadline is.
      const deadlineMoves =
        (patch.deadlineKind !== undefined && patch.deadlineKind !== before.deadlineKind) ||
        (patch.deadline !== undefined && patch.deadline !== before.deadline)
      const merged = normalize({
        ...before,
        ...(patch.deadlineKind === 'long_term' && patch.deadline === undefined ? { deadline: null } : {}),
        ...(deadlineMoves && patch.deadlineText === undefined ? { deadlineText: '' } : {}),
        ...stripUndefined(patch),
      })
      const changes: Record<string, { from: unknown; to: unknown }> = {}
      for (const field of EDITABLE_FIELDS) {
        const a = before[field]
        const b = merged[field]
        const same = Array.isArray(a) && Array.isArray(b) ? sameSet(a, b) : a === b
        if (!same) changes[field] = { from: a, to: b }
      }
      if (Object.keys(changes).length === 0) return viewOf(actor, record)
      const now = clock.now().toISOString()
      transact(() => {
        checkContent(plan, merged, itemId)
        const updated = repo.updateIfCurrent(itemId, ifMatchVersion, {
          code: merged.code,
          category: merged.category,
          problem: merged.problem,
          target: merged.target,
          measures: merged.measures,
          leadUnitId: merged.leadUnitId,
          deadlineKind: merged.deadlineKind,
          deadline: merged.deadline,
          deadlineText: merged.deadlineText,
          note: merged.note,
          updatedAt: now,
        })
        if (!updated) throw staleVersion(repo.findRecord(itemId)?.version ?? ifMatchVersion)
        if (changes['responsibleUnitIds']) repo.setResponsibleUnits(itemId, merged.responsibleUnitIds)
        eventsRepo.append({ itemId, at: now, actor, action: 'edit', details: { changes } })
      })
      return this.get(actor, itemId)
    },

    events(actor: AccountActor, itemId: number): ItemEventRow[] {
      loadVisible(actor, itemId)
      return eventsRepo.listForItem(itemId)
    },
  }

  /** Plans grouped by time zone, for filters that compare with "today" or "last month" in each plan's zone. */
  function planZones(): { zone: string; planIds: number[] }[] {
    const byZone = new Map<string, number[]>()
    for (const plan of plansRepo.timezones()) {
      const list = byZone.get(plan.timezone) ?? []
      list.push(plan.id)
      byZone.set(plan.timezone, list)
    }
    return [...byZone].map(([zone, planIds]) => ({ zone, planIds }))
  }
}

export function staleVersion(currentVersion: number): AppError {
  return conflict('VERSION_CONFLICT', `The item has changed since you read it; its current version is ${currentVersion}`, {
    currentVersion,
  })
}

function sameSet(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x))
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>
}

export type ItemsService = ReturnType<typeof createItemsService>
