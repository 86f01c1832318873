import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Services } from '../server/services.ts'
import { daysInMonth, type Clock } from '../server/lib/time.ts'
import type { AccountActor } from '../server/modules/auth/permissions.ts'
import { demoPlan, demoUnits } from './demo-data.ts'
import { playDemoHistory } from './demo-workflow.ts'

export const DEMO_SUPERVISION_OFFICE = '区环保督察整改办公室'
export const DEMO_LEAD_UNIT = '区生态环境局'

/** The demo checklist as a district would send it (generated from demo-data.ts by scripts/make-fixture.ts). */
export const DEMO_CHECKLIST_FILE = fileURLToPath(new URL('../test/fixtures/checklist.xlsx', import.meta.url))

/**
 * How many whole years the seed's 2018 timeline moves so that the demo plan started about three months before
 * `now`: the demo then has items due, overdue and closed around today instead of seven years ago.
 */
export function demoYearShift(now: Date): number {
  const planStart = new Date(demoPlan.createdAt)
  let shift = 0
  while (new Date(planStart).setUTCFullYear(planStart.getUTCFullYear() + shift + 1) <= now.getTime() - 80 * 86_400_000) shift++
  return shift
}

/** Moves a date by whole years, keeping "last day of the month" the last day (2019-02-28 → 2020-02-29). */
export function shiftDate(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const lastDay = d === daysInMonth(y, m)
  const ny = y + years
  const nd = lastDay ? daysInMonth(ny, m) : Math.min(d, daysInMonth(ny, m))
  return `${ny}-${String(m).padStart(2, '0')}-${String(nd).padStart(2, '0')}`
}

export function shiftPhrase(phrase: string, years: number): string {
  return phrase.replace(/(\d{4})年/g, (_, y: string) => `${Number(y) + years}年`)
}

export interface LoadedDemo {
  planId: number
  created: boolean
  unitIds: Map<string, number>
}

/**
 * Loads the demo plan (units, plan, items, and its first months of history) unless a plan with its title exists.
 * The clock is moved along while loading, so the audit trail reads as it would have happened.
 */
export async function loadDemo(services: Services, clock: Clock & { set(to: Date | string): void }, now: Date): Promise<LoadedDemo> {
  const unitIds = new Map<string, number>()
  for (const name of demoUnits) unitIds.set(name, services.units.findOrCreate(name).unit.id)
  const existing = services.plans.list().find((p) => p.title === demoPlan.title)
  if (existing) return { planId: existing.id, created: false, unitIds }

  const shift = demoYearShift(now)
  const start = new Date(demoPlan.createdAt)
  start.setUTCFullYear(start.getUTCFullYear() + shift)
  clock.set(start)
  const { account: admin } = services.accounts.create({ name: '系统管理员（演示数据）', role: 'admin' })
  const adminActor: AccountActor = { kind: 'account', accountId: admin.id, name: admin.name, role: 'admin', unitId: null }
  const plan = services.plans.create(adminActor, {
    title: demoPlan.title,
    issuedBy: demoPlan.issuedBy,
    timezone: demoPlan.timezone,
    categories: demoPlan.categories,
  })
  // The items arrive the way a real plan's do: the checklist spreadsheet, imported. Its 2018 deadlines move with
  // the rest of the timeline.
  const sheet = await services.checklist.readWorkbook(readFileSync(DEMO_CHECKLIST_FILE))
  const rows = sheet.rows.map((row) => ({
    ...row,
    deadline: row.deadline && {
      ...row.deadline,
      deadline: row.deadline.deadline === null ? null : shiftDate(row.deadline.deadline, shift),
    },
  }))
  services.checklist.importSheet(adminActor, plan.id, { ...sheet, rows })
  await playDemoHistory(services, clock, plan.id, unitIds, DEMO_SUPERVISION_OFFICE, now)
  clock.set(now)
  return { planId: plan.id, created: true, unitIds }
}
