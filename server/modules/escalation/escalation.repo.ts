import { eq } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { urges } from '../../../db/schema/index.ts'

export function createEscalationRepo(db: Db) {
  return {
    urgedDeadlines(itemId: number): Set<string> {
      return new Set(
        db
          .select({ deadline: urges.deadline })
          .from(urges)
          .where(eq(urges.itemId, itemId))
          .all()
          .map((r) => r.deadline),
      )
    },
    insertUrge(row: typeof urges.$inferInsert): number {
      return db.insert(urges).values(row).returning({ id: urges.id }).get().id
    },
  }
}

export type EscalationRepo = ReturnType<typeof createEscalationRepo>
