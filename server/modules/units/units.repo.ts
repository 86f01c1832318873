import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { accounts, caseLeads, itemResponsibleUnits, items, units } from '../../../db/schema/index.ts'

export interface UnitRow {
  id: number
  name: string
  createdAt: string
  /** The unit that took this one over in a merge (机构改革); null while the unit stands on its own. */
  mergedIntoId: number | null
  mergedAt: string | null
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
      return db
        .select()
        .from(units)
        .where(inArray(units.id, [...ids]))
        .all()
    },
    /** Inserts or returns undefined when the name is taken (the unique index decides, not a prior read). */
    insert(name: string, createdAt: string): UnitRow | undefined {
      return db.insert(units).values({ name, createdAt }).onConflictDoNothing({ target: units.name }).returning().get()
    },
    /** Renames; false when another unit has the name (the unique index decides). */
    rename(id: number, name: string): boolean {
      const taken = db
        .select({ id: units.id })
        .from(units)
        .where(and(eq(units.name, name), ne(units.id, id)))
        .get()
      if (taken) return false
      db.update(units).set({ name }).where(eq(units.id, id)).run()
      return true
    },
    /** How many items (as lead or responsible) and accounts a unit has. */
    usage(id: number): { leadItems: number; responsibleItems: number; accounts: number } {
      const count = (q: { n: number } | undefined) => q?.n ?? 0
      return {
        leadItems: count(db.select({ n: sql<number>`count(*)` }).from(items).where(eq(items.leadUnitId, id)).get()),
        responsibleItems: count(
          db.select({ n: sql<number>`count(*)` }).from(itemResponsibleUnits).where(eq(itemResponsibleUnits.unitId, id)).get(),
        ),
        accounts: count(db.select({ n: sql<number>`count(*)` }).from(accounts).where(eq(accounts.unitId, id)).get()),
      }
    },
    /**
     * Moves unit `fromId`'s accounts and the case leads it handles to `intoId` and marks it merged (call inside a
     * transaction, after the items module has moved its items). The merged unit is marked, not deleted: progress
     * reports, evidence and events keep naming it as it was.
     */
    merge(fromId: number, intoId: number, at: string): { accounts: number; caseLeads: number } {
      const movedAccounts = db.update(accounts).set({ unitId: intoId }).where(eq(accounts.unitId, fromId)).run().changes
      const movedLeads = db.update(caseLeads).set({ handlingUnitId: intoId }).where(eq(caseLeads.handlingUnitId, fromId)).run().changes
      db.update(units)
        .set({ mergedIntoId: intoId, mergedAt: at })
        .where(and(eq(units.id, fromId), isNull(units.mergedIntoId)))
        .run()
      return { accounts: movedAccounts, caseLeads: movedLeads }
    },
  }
}

export type UnitsRepo = ReturnType<typeof createUnitsRepo>
