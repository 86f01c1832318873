import { asc, eq, inArray } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { items, urges } from '../../../db/schema/index.ts'
import { RECTIFYING_STATUSES } from '../../domain/items.ts'

export function createEscalationRepo(db: Db) {
  return {
    /** Items still being rectified, in every plan: the ones the sweep looks at. */
    openItemIds(): number[] {
      return db
        .select({ id: items.id })
        .from(items)
        .where(inArray(items.status, [...RECTIFYING_STATUSES]))
        .orderBy(asc(items.id))
        .all()
        .map((r) => r.id)
    },
    urgedDeadlines(itemId: number): Set<string> {
      return new Set(db.select({ deadline: urges.deadline }).from(urges).where(eq(urges.itemId, itemId)).all().map((r) => r.deadline))
    },
    insertUrge(row: typeof urges.$inferInsert): number {
      return db.insert(urges).values(row).returning({ id: urges.id }).get().id
    },
  }
}

export type EscalationRepo = ReturnType<typeof createEscalationRepo>
