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

/** An item a merge moved, and in which capacity the merged unit had it. */
export interface MovedItem {
  itemId: number
  code: string
  as: 'lead' | 'responsible'
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
     * Moves everything of unit `fromId` to `intoId` (call inside a transaction): items it leads, items it shares
     * (a share the survivor already has, or an item the survivor leads, is dropped rather than doubled), its
     * accounts and the case leads it handles; every moved item's version goes up. The merged unit is marked, not
     * deleted: progress reports, evidence and events keep naming it as it was.
     */
    merge(fromId: number, intoId: number, at: string): { items: MovedItem[]; accounts: number; caseLeads: number } {
      const led = db
        .select({ itemId: items.id, code: items.code })
        .from(items)
        .where(eq(items.leadUnitId, fromId))
        .orderBy(asc(items.id))
        .all()
      const shared = db
        .select({ itemId: items.id, code: items.code })
        .from(itemResponsibleUnits)
        .innerJoin(items, eq(items.id, itemResponsibleUnits.itemId))
        .where(eq(itemResponsibleUnits.unitId, fromId))
        .orderBy(asc(items.id))
        .all()
      // The version moves in the same statement as the lead unit: no item row changes without it (migration 0016).
      db.update(items)
        .set({ leadUnitId: intoId, version: sql`${items.version} + 1`, updatedAt: at })
        .where(eq(items.leadUnitId, fromId))
        .run()
      // The survivor now leads these: it is no longer also one of their responsible units.
      if (led.length > 0) {
        db.delete(itemResponsibleUnits)
          .where(
            and(
              eq(itemResponsibleUnits.unitId, intoId),
              inArray(
                itemResponsibleUnits.itemId,
                led.map((r) => r.itemId),
              ),
            ),
          )
          .run()
      }
      for (const { itemId } of shared) {
        const item = db.select({ leadUnitId: items.leadUnitId }).from(items).where(eq(items.id, itemId)).get()
        const already = db
          .select({ itemId: itemResponsibleUnits.itemId })
          .from(itemResponsibleUnits)
          .where(and(eq(itemResponsibleUnits.itemId, itemId), eq(itemResponsibleUnits.unitId, intoId)))
          .get()
        if (already || item?.leadUnitId === intoId) {
          db.delete(itemResponsibleUnits)
            .where(and(eq(itemResponsibleUnits.itemId, itemId), eq(itemResponsibleUnits.unitId, fromId)))
            .run()
        } else {
          db.update(itemResponsibleUnits)
            .set({ unitId: intoId })
            .where(and(eq(itemResponsibleUnits.itemId, itemId), eq(itemResponsibleUnits.unitId, fromId)))
            .run()
        }
      }
      const moved: MovedItem[] = [
        ...led.map((r) => ({ ...r, as: 'lead' as const })),
        ...shared.map((r) => ({ ...r, as: 'responsible' as const })),
      ]
      // The shared items' rows are unchanged, but what they show (their responsible units) is not: their versions
      // move too, once (an item both led and shared was moved on above).
      const ledIds = new Set(led.map((r) => r.itemId))
      const ids = [...new Set(shared.map((m) => m.itemId))].filter((id) => !ledIds.has(id))
      if (ids.length > 0)
        db.update(items)
          .set({ version: sql`${items.version} + 1`, updatedAt: at })
          .where(inArray(items.id, ids))
          .run()
      const movedAccounts = db.update(accounts).set({ unitId: intoId }).where(eq(accounts.unitId, fromId)).run().changes
      const movedLeads = db.update(caseLeads).set({ handlingUnitId: intoId }).where(eq(caseLeads.handlingUnitId, fromId)).run().changes
      db.update(units)
        .set({ mergedIntoId: intoId, mergedAt: at })
        .where(and(eq(units.id, fromId), isNull(units.mergedIntoId)))
        .run()
      return { items: moved, accounts: movedAccounts, caseLeads: movedLeads }
    },
  }
}

export type UnitsRepo = ReturnType<typeof createUnitsRepo>
