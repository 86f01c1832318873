import { asc, eq, inArray } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { units } from '../../../db/schema/index.ts'

export interface UnitRow {
  id: number
  name: string
  createdAt: string
}

export function createUnitsRepo(db: Db) {
  return {
    list(): UnitRow[] {
      return db.select().from(units).orderBy(asc(units.id)).all()
    },
    findById(id: number): UnitRow | undefined {
      return db.select().from(units).where(eq(units.id, id)).get()
    },
    findByName(name: string): UnitRow | undefined {
      return db.select().from(units).where(eq(units.name, name)).get()
    },
    findByIds(ids: readonly number[]): UnitRow[] {
      if (ids.length === 0) return []
      return db.select().from(units).where(inArray(units.id, [...ids])).all()
    },
    /** Inserts or returns undefined when the name is taken (the unique index decides, not a prior read). */
    insert(name: string, createdAt: string): UnitRow | undefined {
      return db.insert(units).values({ name, createdAt }).onConflictDoNothing({ target: units.name }).returning().get()
    },
  }
}

export type UnitsRepo = ReturnType<typeof createUnitsRepo>
