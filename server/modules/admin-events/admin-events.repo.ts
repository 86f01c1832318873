import { desc, eq, lt, and, type SQL } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { adminEvents } from '../../../db/schema/index.ts'
import type { Actor } from '../../domain/actors.ts'
import { actorColumns } from '../events/audit-actor.ts'

export type AdminEventRow = typeof adminEvents.$inferSelect

export interface NewAdminEvent {
  at: string
  actor: Actor
  action: string
  subjectKind: 'unit' | 'account' | 'plan' | 'calendar' | 'import'
  subjectId: number | null
  summary: string
  details?: Record<string, unknown> | null
}

/** The admin's audit trail: appended in the transaction of the change it records, read newest first. */
export function createAdminEventsRepo(db: Db) {
  return {
    append(event: NewAdminEvent): number {
      return db
        .insert(adminEvents)
        .values({
          at: event.at,
          ...actorColumns(event.actor),
          action: event.action,
          subjectKind: event.subjectKind,
          subjectId: event.subjectId,
          summary: event.summary,
          details: event.details ?? null,
        })
        .returning({ id: adminEvents.id })
        .get().id
    },
    /** Newest first, `limit` rows before the id `before` (all when absent); optionally of one subject. */
    list(query: {
      limit: number
      before?: number | undefined
      subjectKind?: string | undefined
      subjectId?: number | undefined
    }): AdminEventRow[] {
      const where: SQL[] = []
      if (query.before !== undefined) where.push(lt(adminEvents.id, query.before))
      if (query.subjectKind !== undefined) where.push(eq(adminEvents.subjectKind, query.subjectKind))
      if (query.subjectId !== undefined) where.push(eq(adminEvents.subjectId, query.subjectId))
      return db
        .select()
        .from(adminEvents)
        .where(and(...where))
        .orderBy(desc(adminEvents.id))
        .limit(query.limit)
        .all()
    },
  }
}

export type AdminEventsRepo = ReturnType<typeof createAdminEventsRepo>

/** The admin trail as the rest of the service uses it: record a change (now, on the clock) and read it. */
export function createAdminEventsService({ repo, clock }: { repo: AdminEventsRepo; clock: { now(): Date } }) {
  return {
    record(event: Omit<NewAdminEvent, 'at'>): number {
      return repo.append({ ...event, at: clock.now().toISOString() })
    },
    list: repo.list,
  }
}

export type AdminEventsService = ReturnType<typeof createAdminEventsService>
