import { badRequest, conflict, notFound, AppError } from '../../errors.ts'
import { localDate, type Clock } from '../../lib/time.ts'
import { canSeeItem, itemScope, type AccountActor } from '../auth/permissions.ts'
import { deadlineProblem } from '../closeout/deadlines.ts'
import type { DeadlineKind, ItemAction, ItemStatus, UnitRef } from '../../domain/items.ts'
import { allowedActions } from '../closeout/state-machine.ts'
import { earliestLaggingPeriod, isLagging, laggingWindow, overdueOn, type LaggingWindow } from './facts.ts'
import type { EventsRepo, ItemEventRow } from '../events/events.repo.ts'
import type { PlanRow, PlansRepo } from '../plans/plans.repo.ts'
import type { UnitsRepo } from '../units/units.repo.ts'
import type { DeadlineOrder, ItemListQuery, ItemRecord, ItemRow, ItemSummaryRecord, ItemsRepo, MovedItem } from './items.repo.ts'

export type { ItemRecord, MovedItem } from './items.repo.ts'
import type { Transact } from '../../lib/transact.ts'
import { endOfLocalDay } from '../../lib/time.ts'
import { createWorkingCalendar, noticePeriod } from '../../lib/working-days.ts'
import { decideTransition, unmetRequirement, type ItemFacts, type TransitionRefusal } from '../closeout/state-machine.ts'
import type { CloseoutRepo } from '../closeout/closeout.repo.ts'
import type { Actor } from '../../domain/actors.ts'
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts'
import type { SUMMARY_FIELDS } from './items.schemas.ts'

export type { UnitRef } from '../../domain/items.ts'

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

/** A list's limit that no plan reaches: the whole list as one page (its count is then the page's length). */
const EVERY_ITEM = 1_000_000_000

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

export interface TransitionInput {
  action: ItemAction
  expectedVersion: number
  comment?: string | undefined
}

interface Deps {
  repo: ItemsRepo
  /** What a transition checks besides the item: its evidence, pending objections, the notice calendar. */
  closeoutRepo: Pick<CloseoutRepo, 'evidenceCount' | 'pendingObjections' | 'calendarOverrides'>
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

export function createItemsService({ repo, closeoutRepo, eventsRepo, unitsRepo, plansRepo, clock, transact }: Deps) {
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
    return {
      overdue,
      daysOverdue,
      lagging: isLagging(record, record.reportedPeriods, zone.window),
      allowedActions: allowedActions(record, actor),
    }
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
      deadlineText: record.deadlineText,
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
    return summaryOf(record, derive(record, actor, zone))
  }

  /**
   * The summary and what only the item's own page shows (the serializer writes them in the schema's order).
   * Added with Object.assign: spreading the summary into a new literal cost some 14 µs a view.
   */
  function toView(record: ItemRecord, actor: AccountActor, zone: ZoneFacts): ItemView {
    return Object.assign(summaryOf(record, derive(record, actor, zone)), {
      target: record.target,
      measures: record.measures,
      note: record.note,
      responsibleUnitIds: record.responsibleUnits.map((u) => u.id),
      responsibleUnits: record.responsibleUnits,
      evidenceCount: record.evidenceCount,
      evidenceReused: record.evidenceReused,
      noticeEndsAt: record.noticeEndsAt,
      noticeCalendarFallback: record.noticeCalendarFallback,
      createdAt: record.createdAt,
    })
  }

  /** Whether the actor's unit has a part in the item (or the actor sees every item). */
  const visibleTo = (actor: AccountActor, record: ItemRecord) =>
    canSeeItem(actor, { leadUnitId: record.leadUnitId, responsibleUnitIds: record.responsibleUnits.map((u) => u.id) })

  /** Whether the item exists and the actor may see it (its report months are not read: they decide nothing here). */
  function canSee(actor: AccountActor, itemId: number): boolean {
    const record = repo.findRecord(itemId)
    return record !== undefined && visibleTo(actor, record)
  }

  /** The item, or 404 when it does not exist or the actor's unit has no part in it. */
  function loadVisible(actor: AccountActor, itemId: number): { record: ItemRecord; responsible: UnitRef[] } {
    const record = repo.findRecord(itemId, earliestLaggingPeriod(clock.now()))
    // Not 403: a unit must not learn that another unit's item exists.
    if (!record || !visibleTo(actor, record)) throw notFound(`Item ${itemId}`, 'ITEM_NOT_FOUND')
    return { record, responsible: record.responsibleUnits }
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
      throw badRequest(
        'UNKNOWN_CATEGORY',
        `category "${content.category}" is not a task area of plan ${plan.id}: ${plan.categories.join(', ')}`,
      )
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

  /** What an action changes on the item row besides status and version, and what its event records of that. */
  function effects(record: ItemRecord, action: ItemAction, now: Date): Partial<ItemRow> & { details?: Record<string, unknown> } {
    switch (action) {
      case 'accept': {
        const plan = plansRepo.findById(record.planId)
        const calendar = createWorkingCalendar(closeoutRepo.calendarOverrides())
        const period = noticePeriod(calendar, localDate(now, record.timezone), plan?.noticeWorkingDays ?? 5)
        const noticeEndsAt = endOfLocalDay(period.lastDay, record.timezone).toISOString()
        return {
          noticeEndsAt,
          noticeCalendarFallback: period.usedFallback,
          details: { noticeFirstDay: period.firstDay, noticeLastDay: period.lastDay, noticeEndsAt, calendarFallback: period.usedFallback },
        }
      }
      case 'close':
        return { closedAt: now.toISOString() }
      case 'uphold_objection':
        return { noticeEndsAt: null, noticeCalendarFallback: false }
      case 'reopen':
        return { rebound: true, closedAt: null, noticeEndsAt: null, noticeCalendarFallback: false, details: { rebound: true } }
      default:
        return {}
    }
  }

  /** What the state machine knows of an item, read as a transition reads it (pending objections from the repo). */
  function factsOf(
    item: Pick<ItemRecord, 'id' | 'status' | 'leadUnitId' | 'noticeEndsAt'>,
    responsibleUnitIds: readonly number[],
    evidenceCount: number,
  ): ItemFacts {
    return {
      status: item.status,
      leadUnitId: item.leadUnitId,
      responsibleUnitIds,
      evidenceCount,
      noticeEndsAt: item.noticeEndsAt ? new Date(item.noticeEndsAt) : null,
      pendingObjections: closeoutRepo.pendingObjections(item.id),
    }
  }

  function refusal(code: number, body: { code: string; message: string; allowedActions?: ItemAction[] }): AppError {
    return new AppError(
      code as 403 | 409 | 422,
      body.code,
      body.message,
      body.allowedActions ? { allowedActions: body.allowedActions } : undefined,
    )
  }

  /**
   * Applies one close-out action, deciding through the state machine: the conditional update on (id, version,
   * status) and the event row commit together or not at all. `extra` carries what a calling module records with
   * it (`within` runs inside the transaction). Returns the item as the transaction left it.
   */
  function applyTransition(
    actor: Actor,
    record: ItemRecord,
    responsibleUnitIds: number[],
    input: TransitionInput,
    extra: { details?: Record<string, unknown>; within?: () => void } = {},
  ): ItemRecord {
    const now = clock.now()
    const at = now.toISOString()
    // Reads, decision and write in one IMMEDIATE transaction: no other writer (another process) can file an
    // objection or evidence between the check and the change.
    return transact(() => {
      const evidenceCount = closeoutRepo.evidenceCount(record.id)
      const decision = decideTransition(
        factsOf(record, responsibleUnitIds, evidenceCount),
        actor,
        { action: input.action, comment: input.comment },
        now,
      )
      // Who may act is answered before whether the caller's copy is current; both before the status and the rules.
      if (!decision.ok && decision.refusal.statusCode === 403) throw refusal(403, decision.refusal)
      if (record.version !== input.expectedVersion) throw staleVersion(record.version)
      if (!decision.ok) throw refusal(decision.refusal.statusCode, decision.refusal)
      const { details: effectDetails, ...changes } = effects(record, input.action, now)
      const updated = repo.updateIfCurrent(
        record.id,
        input.expectedVersion,
        { ...changes, status: decision.to, updatedAt: at },
        decision.from,
      )
      if (!updated) throw staleVersion(repo.findRecord(record.id)?.version ?? input.expectedVersion)
      extra.within?.()
      eventsRepo.append({
        itemId: record.id,
        at,
        actor,
        action: input.action,
        fromStatus: decision.from,
        toStatus: decision.to,
        comment: input.comment?.trim() || null,
        details: effectDetails || extra.details ? { ...effectDetails, ...extra.details } : null,
      })
      // The row as updated. Its content and responsible units cannot have changed (an edit bumps the version the
      // update was conditional on); the evidence count is the one read in this transaction.
      return { ...record, ...changes, status: decision.to, version: record.version + 1, updatedAt: at, evidenceCount }
    })
  }

  return {
    loadVisible,
    viewOf,
    applyTransition,

    /** POST /items/:id/transitions: the caller's view of the item after the action. */
    transition(actor: AccountActor, itemId: number, input: TransitionInput): ItemView {
      const { record, responsible } = loadVisible(actor, itemId)
      return viewOf(
        actor,
        applyTransition(
          actor,
          record,
          responsible.map((u) => u.id),
          input,
        ),
      )
    },

    /**
     * Each action the caller may take on the item now (its allowedActions) with the rule of the domain the state
     * machine would refuse it for, or null: the machine's own check, on the facts a transition reads. A page shows
     * an action it would refuse as unavailable, with the reason, rather than as a form.
     */
    actionChecks(actor: AccountActor, item: ItemView): { action: ItemAction; unmet: TransitionRefusal | null }[] {
      if (item.allowedActions.length === 0) return []
      const facts = factsOf(item, item.responsibleUnitIds, item.evidenceCount)
      const now = clock.now()
      return item.allowedActions.map((action) => ({ action, unmet: unmetRequirement(facts, actor, action, now) }))
    },

    canSee,

    /** The item as the system reads it (no caller's scope): jobs, public objections, supervision. */
    record(itemId: number): ItemRecord | undefined {
      return repo.findRecord(itemId)
    },

    responsibleUnits(itemId: number): UnitRef[] {
      return repo.responsibleUnits(itemId)
    },

    /** For each item, the periods among `periods` in which any unit reported on it. */
    reportedPeriods(itemIds: readonly number[], periods: readonly string[]): Map<number, Set<string>> {
      return repo.reportedPeriods(itemIds, periods)
    },

    /** Items still being rectified, in every plan, in id order: the ones the escalation sweep looks at. */
    rectifyingItemIds(): number[] {
      return repo.rectifyingItemIds()
    },

    /** Items whose public notice has ended by `now`, oldest notice first. */
    noticesEndedBy(now: string): { id: number; version: number }[] {
      return repo.noticesEndedBy(now)
    },

    /** The codes of a plan's items with their ids and versions (what an import matches rows against). */
    codesInPlan(planId: number): { id: number; code: string; version: number }[] {
      return repo.codesInPlan(planId)
    },

    /**
     * A unit merge's part in the items (the units service calls it inside the merge's transaction, and records one
     * event per moved item): the merged unit's led items and shares move to the survivor, each item's version once.
     */
    moveUnitItems(fromId: number, intoId: number, at: string): MovedItem[] {
      return repo.moveUnit(fromId, intoId, at)
    },

    /** How many of a plan's items are in each task area (what a plan edit checks before it drops an area). */
    categoryCounts(planId: number): { category: string; items: number }[] {
      return repo.categoryCounts(planId)
    },

    /**
     * Moves an approved extension's deadline onto the item, inside the caller's transaction (the caller records
     * the event); the item's version moves as with any change of its row.
     */
    moveDeadline(itemId: number, newDeadline: string, at: string): void {
      const current = repo.findRecord(itemId)
      if (!current) throw notFound(`Item ${itemId}`, 'ITEM_NOT_FOUND')
      // The wording the deadline was written in no longer says when it is (as an edit of the date clears it).
      repo.updateIfCurrent(itemId, current.version, { deadline: newDeadline, deadlineText: '', updatedAt: at })
    },

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
      const scope = itemScope(actor)
      const now = clock.now()
      const full = filters.view === 'full'
      const query: ItemListQuery = {
        ...filterQuery(filters, now),
        afterId: filters.cursor !== undefined ? decodeCursor(filters.cursor) : undefined,
        limit,
        full,
      }
      const facts = zoneFacts(now)
      const { records, nextAfterId, total } = repo.list(query, scope.kind === 'unit' ? scope.unitId : null)
      const views = full
        ? (records as ItemRecord[]).map((r) => toView(r, actor, facts(r.timezone)))
        : records.map((r) => toSummary(r, actor, facts(r.timezone)))
      return {
        items: views as V extends 'full' ? ItemView[] : ItemSummaryView[],
        nextCursor: nextAfterId !== null ? encodeCursor(nextAfterId) : null,
        total,
      }
    },

    /**
     * Every item that `list` finds, in id order, read in one pass: no pages, and no count (a count after every page
     * of a filter decided per row, such as overdue or lagging, read the whole plan again each time). For what the
     * workbench shows or sums whole: a unit's to-do lists, the office's queues, a bulk action over a filter.
     */
    listAll(actor: AccountActor, filters: Omit<ItemListFilters, 'cursor' | 'limit' | 'view'>): ItemSummaryView[] {
      const scope = itemScope(actor)
      const now = clock.now()
      const query: ItemListQuery = { ...filterQuery(filters, now), afterId: undefined, limit: EVERY_ITEM, full: false }
      const facts = zoneFacts(now)
      return repo.list(query, scope.kind === 'unit' ? scope.unitId : null).records.map((r) => toSummary(r, actor, facts(r.timezone)))
    },

    /**
     * The workbench's list: page `page` of what `list` finds, `pageSize` to a page, in deadline order (undated
     * last), ties by code as Chinese readers order codes (numbers by value: 2-9 before 2-10), then by id; the page
     * shown is the last one when a later one is asked for. Only the page's items are read.
     */
    listByDeadline(
      actor: AccountActor,
      filters: Omit<ItemListFilters, 'cursor' | 'limit' | 'view'>,
      page: number,
      pageSize: number,
    ): { items: ItemSummaryView[]; total: number; page: number } {
      const scope = itemScope(actor)
      const now = clock.now()
      const found = repo.deadlinePage(filterQuery(filters, now), scope.kind === 'unit' ? scope.unitId : null, page, pageSize, byDeadline)
      const facts = zoneFacts(now)
      return { items: found.records.map((r) => toSummary(r, actor, facts(r.timezone))), total: found.total, page: found.page }
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
        if (changes.responsibleUnitIds) repo.setResponsibleUnits(itemId, merged.responsibleUnitIds)
        eventsRepo.append({ itemId, at: now, actor, action: 'edit', details: { changes } })
      })
      return this.get(actor, itemId)
    },

    /**
     * Of these items, the ones being rectified again because their close-out was turned down, on review (退回整改) or
     * by an objection upheld during the public notice (异议成立): their latest status change was one of those. One
     * statement for all of them; only the ones found are read again, to leave out what the actor may not see.
     */
    sentBack(actor: AccountActor, itemIds: readonly number[]): Set<number> {
      const found = new Set<number>()
      for (const [itemId, action] of eventsRepo.lastStatusActions(itemIds)) {
        if (action !== 'reject' && action !== 'uphold_objection') continue
        if (canSee(actor, itemId)) found.add(itemId)
      }
      return found
    },
    events(actor: AccountActor, itemId: number): ItemEventRow[] {
      loadVisible(actor, itemId)
      return eventsRepo.listForItem(itemId)
    },
  }
}

/** What the repository's list queries take of a list's filters, at `now`. */
function filterQuery(filters: ItemListFilters, now: Date): Omit<ItemListQuery, 'afterId' | 'limit' | 'full'> {
  return {
    planId: filters.planId,
    status: filters.status,
    leadUnitId: filters.leadUnitId,
    unitId: filters.unitId,
    category: filters.category,
    q: filters.q?.trim(),
    overdue: filters.overdue,
    lagging: filters.lagging,
    now: now.toISOString(),
    reportsSince: earliestLaggingPeriod(now),
  }
}

const CODES = new Intl.Collator('zh-CN', { numeric: true })

/**
 * The order of the workbench's lists: by deadline, undated last, then by code as Chinese readers order codes
 * (numbers by value: 2-9 before 2-10; characters as zh-CN collates them).
 */
export const byDeadline: DeadlineOrder = (a, b) => {
  if (a.deadline !== b.deadline) {
    if (a.deadline === null) return 1
    if (b.deadline === null) return -1
    return a.deadline < b.deadline ? -1 : 1
  }
  return CODES.compare(a.code, b.code)
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
