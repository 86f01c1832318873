import { badRequest, notFound } from '../../errors.ts'
import { isValidTimeZone, type Clock } from '../../lib/time.ts'
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

export function createPlansService({ repo, clock, defaultTimezone }: { repo: PlansRepo; clock: Clock; defaultTimezone: string }) {
  return {
    list(): PlanRow[] {
      return repo.list()
    },
    get(id: number): PlanRow {
      const plan = repo.findById(id)
      if (!plan) throw notFound(`Plan ${id}`, 'PLAN_NOT_FOUND')
      return plan
    },
    create(actor: AccountActor, input: CreatePlanInput): PlanRow {
      const timezone = input.timezone ?? defaultTimezone
      if (!isValidTimeZone(timezone)) {
        throw badRequest('INVALID_TIMEZONE', `Unknown time zone "${timezone}"; use an IANA name such as Asia/Shanghai`)
      }
      const categories = input.categories.map((c) => c.trim()).filter((c) => c !== '')
      if (new Set(categories).size !== categories.length) throw badRequest('DUPLICATE_CATEGORY', 'Task areas must be distinct')
      return repo.insert({
        title: input.title.trim(),
        issuedBy: input.issuedBy.trim(),
        timezone,
        categories,
        noticeWorkingDays: input.noticeWorkingDays ?? 5,
        jointSupervisionAfterDays: input.jointSupervisionAfterDays ?? 15,
        reminderDays: input.reminderDays ?? 3,
        reportDueDay: input.reportDueDay ?? 25,
        createdAt: clock.now().toISOString(),
        createdBy: actor.accountId,
      })
    },
  }
}

export type PlansService = ReturnType<typeof createPlansService>
