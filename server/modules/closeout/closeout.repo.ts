import { and, asc, count, eq, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { calendarOverrides, evidence, objections } from '../../../db/schema/index.ts'

export function createCloseoutRepo(db: Db) {
  const evidenceCount = db
    .select({ n: count() })
    .from(evidence)
    .where(eq(evidence.itemId, sql.placeholder('itemId')))
    .prepare()
  const pendingObjections = db
    .select({ n: count() })
    .from(objections)
    .where(and(eq(objections.itemId, sql.placeholder('itemId')), eq(objections.status, 'pending')))
    .prepare()

  return {
    evidenceCount(itemId: number): number {
      return evidenceCount.get({ itemId })?.n ?? 0
    },
    pendingObjections(itemId: number): number {
      return pendingObjections.get({ itemId })?.n ?? 0
    },
    calendarOverrides() {
      return db.select().from(calendarOverrides).orderBy(asc(calendarOverrides.date)).all()
    },
    upsertCalendarOverride(row: typeof calendarOverrides.$inferInsert) {
      return db
        .insert(calendarOverrides)
        .values(row)
        .onConflictDoUpdate({
          target: calendarOverrides.date,
          set: { kind: row.kind, note: row.note, createdAt: row.createdAt, createdBy: row.createdBy },
        })
        .returning()
        .get()
    },
    deleteCalendarOverride(date: string): boolean {
      return db.delete(calendarOverrides).where(eq(calendarOverrides.date, date)).run().changes === 1
    },
  }
}

export type CloseoutRepo = ReturnType<typeof createCloseoutRepo>
