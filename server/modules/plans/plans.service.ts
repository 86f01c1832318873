import { badRequest, conflict, notFound } from '../../errors.ts'
import { isValidTimeZone, type Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import type { AdminEventsRepo } from '../admin-events/admin-events.repo.ts'
import type { AccountActor } from '../auth/permissions.ts'
import type { PlanRow, PlansRepo } from './plans.repo.ts'

export interface CreatePlanInput {
  title: string
  issuedBy: string
  timezone?: string | undefined
  categories: string[]
  noticeWorkingDays?: number | undefined
  jointSupervisionAfterDays?: number | undefined
  reminderDays?: number | undefined
  reportDueDay?: number | undefined
}

/** What a plan edit may change; absent fields stay as they are. */
export type PlanPatch = { [K in keyof CreatePlanInput]?: CreatePlanInput[K] | undefined }

type EditableField = Exclude<keyof PlanPatch, undefined>

/** The settings as the admin's pages and the admin trail name them. */
export const PLAN_FIELD_LABELS: Record<EditableField, string> = {
  title: '方案名称',
  issuedBy: '印发单位',
  timezone: '时区',
  categories: '任务领域',
  noticeWorkingDays: '公示期（工作日）',
  jointSupervisionAfterDays: '逾期多少天联合督办',
  reminderDays: '截止前提醒（工作日）',
  reportDueDay: '月报截止日',
}

const FIELDS = Object.keys(PLAN_FIELD_LABELS) as EditableField[]

interface Deps {
  repo: PlansRepo
  clock: Clock
  defaultTimezone: string
  transact: Transact
  adminEvents: AdminEventsRepo
  /** How many of a plan's items are in each task area (the items module's query; items are not ours to read). */
  categoryCounts: (planId: number) => { category: string; items: number }[]
}

function blank(field: 'title' | 'issuedBy') {
  return badRequest('VALIDATION_FAILED', `body.${field} must not be blank`, {
    fields: [{ field: `body.${field}`, message: 'must not be blank' }],
  })
}

function checkedTimezone(timezone: string): string {
  if (!isValidTimeZone(timezone)) {
    throw badRequest('INVALID_TIMEZONE', `Unknown time zone "${timezone}"; use an IANA name such as Asia/Shanghai`)
  }
  return timezone
}

function checkedCategories(raw: string[]): string[] {
  const categories = raw.map((c) => c.trim()).filter((c) => c !== '')
  if (new Set(categories).size !== categories.length) throw badRequest('DUPLICATE_CATEGORY', 'Task areas must be distinct')
  return categories
}

function shown(field: EditableField, value: unknown): string {
  if (field === 'categories') return (value as string[]).length > 0 ? (value as string[]).join('、') : '（未设）'
  if (field === 'reportDueDay') return `每月${String(value)}日`
  return String(value)
}

export function createPlansService({ repo, clock, defaultTimezone, transact, adminEvents, categoryCounts }: Deps) {
  function requirePlan(id: number): PlanRow {
    const plan = repo.findById(id)
    if (!plan) throw notFound(`Plan ${id}`, 'PLAN_NOT_FOUND')
    return plan
  }

  return {
    list(): PlanRow[] {
      return repo.list()
    },
    get(id: number): PlanRow {
      return requirePlan(id)
    },
    /** Creates a plan; the creation is an event of the admin trail. */
    create(actor: AccountActor, input: CreatePlanInput): PlanRow {
      const title = input.title.trim()
      const issuedBy = input.issuedBy.trim()
      if (title === '') throw blank('title')
      if (issuedBy === '') throw blank('issuedBy')
      const timezone = checkedTimezone(input.timezone ?? defaultTimezone)
      const categories = checkedCategories(input.categories)
      return transact(() => {
        const plan = repo.insert({
          title,
          issuedBy,
          timezone,
          categories,
          noticeWorkingDays: input.noticeWorkingDays ?? 5,
          jointSupervisionAfterDays: input.jointSupervisionAfterDays ?? 15,
          reminderDays: input.reminderDays ?? 3,
          reportDueDay: input.reportDueDay ?? 25,
          createdAt: clock.now().toISOString(),
          createdBy: actor.accountId,
        })
        adminEvents.append({
          at: plan.createdAt,
          actor,
          action: 'plan.create',
          subjectKind: 'plan',
          subjectId: plan.id,
          summary: `新建整改方案“${plan.title}”`,
        })
        return plan
      })
    },
    /**
     * Changes a plan's settings, recorded in the admin trail field by field (from → to). A task area that items
     * still use cannot be dropped or renamed (409 CATEGORY_IN_USE naming it and its item count): items keep their
     * area, so the admin moves them first. Issued bulletins are stored snapshots and keep what they were issued
     * with; reminders, deadlines and notices read the plan when they run, so they use the new settings from now on.
     */
    update(actor: AccountActor, id: number, patch: PlanPatch): PlanRow {
      const next: PlanPatch = {}
      if (patch.title !== undefined) {
        next.title = patch.title.trim()
        if (next.title === '') throw blank('title')
      }
      if (patch.issuedBy !== undefined) {
        next.issuedBy = patch.issuedBy.trim()
        if (next.issuedBy === '') throw blank('issuedBy')
      }
      if (patch.timezone !== undefined) next.timezone = checkedTimezone(patch.timezone.trim())
      if (patch.categories !== undefined) next.categories = checkedCategories(patch.categories)
      for (const field of ['noticeWorkingDays', 'jointSupervisionAfterDays', 'reminderDays', 'reportDueDay'] as const) {
        if (patch[field] !== undefined) next[field] = patch[field]
      }
      return transact(() => {
        const plan = requirePlan(id)
        const changes: Partial<Record<EditableField, { from: unknown; to: unknown }>> = {}
        for (const field of FIELDS) {
          const to = next[field]
          if (to === undefined) continue
          const from = plan[field]
          const same = Array.isArray(from) && Array.isArray(to) ? from.join('\n') === to.join('\n') : from === to
          if (!same) changes[field] = { from, to }
        }
        if (Object.keys(changes).length === 0) return plan
        if (changes.categories) {
          const kept = new Set(changes.categories.to as string[])
          const dropped = categoryCounts(id).filter((c) => !kept.has(c.category))
          if (dropped.length > 0) {
            const [first] = dropped
            throw conflict(
              'CATEGORY_IN_USE',
              `Task area "${first!.category}" is used by ${first!.items} item(s) of plan ${id}; move them to another area before removing or renaming it`,
              { categories: dropped },
            )
          }
        }
        repo.update(id, Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.to])))
        const updated = requirePlan(id)
        adminEvents.append({
          at: clock.now().toISOString(),
          actor,
          action: 'plan.update',
          subjectKind: 'plan',
          subjectId: id,
          summary: `修改整改方案“${updated.title}”：${(Object.keys(changes) as EditableField[])
            .map((f) => `${PLAN_FIELD_LABELS[f]}由“${shown(f, changes[f]!.from)}”改为“${shown(f, changes[f]!.to)}”`)
            .join('；')}`,
          details: { changes },
        })
        return updated
      })
    },
  }
}

export type PlansService = ReturnType<typeof createPlansService>
