import { asc, eq, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { plans } from '../../../db/schema/index.ts'

export type PlanRow = typeof plans.$inferSelect

export function createPlansRepo(db: Db) {
  const byId = db
    .select()
    .from(plans)
    .where(eq(plans.id, sql.placeholder('id')))
    .prepare()
  return {
    list(): PlanRow[] {
      return db.select().from(plans).orderBy(asc(plans.id)).all()
    },
    findById(id: number): PlanRow | undefined {
      return byId.get({ id })
    },
    insert(row: typeof plans.$inferInsert): PlanRow {
      return db.insert(plans).values(row).returning().get()
    },
    update(id: number, changes: Partial<Omit<typeof plans.$inferInsert, 'id' | 'createdAt' | 'createdBy'>>): void {
      db.update(plans).set(changes).where(eq(plans.id, id)).run()
    },
    /** Plan id → time zone, for queries that compare deadlines with "today" in each plan's zone. */
    timezones(): { id: number; timezone: string }[] {
      return db.select({ id: plans.id, timezone: plans.timezone }).from(plans).all()
    },
  }
}

export type PlansRepo = ReturnType<typeof createPlansRepo>
