import type { Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import { badRequest, conflict, notFound } from '../../errors.ts'
import type { AccountActor } from '../auth/permissions.ts'
import type { AdminEventsRepo } from '../admin-events/admin-events.repo.ts'
import type { EventsRepo } from '../events/events.repo.ts'
import type { MovedItem } from '../items/items.service.ts'
import type { UnitRow, UnitsRepo } from './units.repo.ts'

/** Unit names are compared after trimming and folding full-width spaces, as they are typed in spreadsheets. */
export function normalizeUnitName(name: string): string {
  return name
    .replace(/\u3000/g, ' ')
    .trim()
    .replace(/\s+/g, ' ')
}

export interface MergeResult {
  from: UnitRow
  into: UnitRow
  items: MovedItem[]
  accounts: number
  caseLeads: number
}

interface Deps {
  repo: UnitsRepo
  clock: Clock
  /** For rename and merge: both write audit rows in the transaction of the change. */
  transact?: Transact
  eventsRepo?: EventsRepo
  adminEvents?: AdminEventsRepo
  /**
   * What other modules do when a unit is merged, inside the merge's transaction (a throw rolls the merge back): the
   * notifications module moves the unit's inbox and channels. The units module never writes their tables.
   */
  onMerged?: ((merge: { fromId: number; intoId: number; at: string }) => void)[]
  /** The items module's part in a merge: it moves the unit's items (the units module never writes item rows). */
  moveItems?: (fromId: number, intoId: number, at: string) => MovedItem[]
}

export function createUnitsService({ repo, clock, transact, eventsRepo, adminEvents, onMerged = [], moveItems }: Deps) {
  function validName(rawName: string): string {
    const name = normalizeUnitName(rawName)
    if (name === '')
      throw badRequest('VALIDATION_FAILED', 'body.name must not be blank', {
        fields: [{ field: 'body.name', message: 'must not be blank' }],
      })
    if (name.length > 100)
      throw badRequest('VALIDATION_FAILED', 'body.name is longer than 100 characters', {
        fields: [{ field: 'body.name', message: 'too long' }],
      })
    return name
  }
  function requireUnit(id: number): UnitRow {
    const unit = repo.findById(id)
    if (!unit) throw notFound(`Unit ${id}`, 'UNIT_NOT_FOUND')
    return unit
  }
  function audited<T>(fn: () => T): T {
    if (!transact || !adminEvents) throw new Error('units service wired without transact and adminEvents')
    return transact(fn)
  }

  return {
    list(): UnitRow[] {
      return repo.list()
    },
    get(id: number): UnitRow {
      return requireUnit(id)
    },
    usage(id: number) {
      requireUnit(id)
      return repo.usage(id)
    },
    /** Adds a unit; with an actor (the admin's page and the API) the creation is recorded in the admin trail. */
    create(rawName: string, actor?: AccountActor): UnitRow {
      const name = validName(rawName)
      const run = () => {
        const created = repo.insert(name, clock.now().toISOString())
        if (!created) throw conflict('UNIT_NAME_TAKEN', `A unit named "${name}" already exists`)
        if (actor) {
          adminEvents!.append({
            at: created.createdAt,
            actor,
            action: 'unit.create',
            subjectKind: 'unit',
            subjectId: created.id,
            summary: `新增单位“${name}”`,
          })
        }
        return created
      }
      return actor ? audited(run) : run()
    },
    /** Finds a unit by name, creating it when asked to. */
    findOrCreate(rawName: string): { unit: UnitRow; created: boolean } {
      const name = normalizeUnitName(rawName)
      let existing = repo.findByName(name)
      // A merged unit's old name still finds the unit that took it over.
      for (let hops = 0; existing?.mergedIntoId != null && hops < 20; hops++) existing = repo.findById(existing.mergedIntoId)
      if (existing) return { unit: existing, created: false }
      return { unit: this.create(name), created: true }
    },
    /**
     * Renames a unit. Pages, lists and exports read the name from the unit, so they show the new one from now on;
     * issued bulletins and supervision notices keep the names they were issued with (their content is a snapshot).
     */
    rename(actor: AccountActor, id: number, rawName: string): UnitRow {
      const name = validName(rawName)
      return audited(() => {
        const unit = requireUnit(id)
        if (unit.mergedIntoId !== null) throw conflict('UNIT_MERGED', `Unit ${id} was merged into unit ${unit.mergedIntoId}`)
        if (unit.name === name) return unit
        if (!repo.rename(id, name)) throw conflict('UNIT_NAME_TAKEN', `A unit named "${name}" already exists`)
        adminEvents!.append({
          at: clock.now().toISOString(),
          actor,
          action: 'unit.rename',
          subjectKind: 'unit',
          subjectId: id,
          summary: `单位“${unit.name}”更名为“${name}”`,
          details: { from: unit.name, to: name },
        })
        return requireUnit(id)
      })
    },
    /**
     * Merges unit `fromId` into `intoId` after a reorganisation: its items (as lead and as responsible unit), its
     * accounts and the case leads it handles move to the survivor, supervisions with their items. Each moved item
     * gets an event in its own trail; the merged unit stays, marked merged, so history still names it.
     */
    merge(actor: AccountActor, fromId: number, intoId: number): MergeResult {
      if (fromId === intoId) throw badRequest('MERGE_INTO_SELF', 'A unit cannot be merged into itself')
      return audited(() => {
        const from = requireUnit(fromId)
        const into = requireUnit(intoId)
        if (from.mergedIntoId !== null) throw conflict('UNIT_MERGED', `Unit ${fromId} was already merged into unit ${from.mergedIntoId}`)
        if (into.mergedIntoId !== null)
          throw conflict('UNIT_MERGED', `Unit ${intoId} was merged into unit ${into.mergedIntoId}; merge into that one`)
        const at = clock.now().toISOString()
        if (!moveItems) throw new Error('units service wired without moveItems')
        const moved = { items: moveItems(fromId, intoId, at), ...repo.merge(fromId, intoId, at) }
        for (const hook of onMerged) hook({ fromId, intoId, at })
        for (const item of moved.items) {
          eventsRepo!.append({
            itemId: item.itemId,
            at,
            actor,
            action: 'unit_merged',
            comment: `机构改革：${item.as === 'lead' ? '牵头单位' : '责任单位'}“${from.name}”并入“${into.name}”`,
            details: { fromUnitId: from.id, fromUnitName: from.name, intoUnitId: into.id, intoUnitName: into.name, as: item.as },
          })
        }
        adminEvents!.append({
          at,
          actor,
          action: 'unit.merge',
          subjectKind: 'unit',
          subjectId: fromId,
          summary: `单位“${from.name}”并入“${into.name}”：移交任务${new Set(moved.items.map((i) => i.itemId)).size}项、账号${moved.accounts}个`,
          details: { intoUnitId: intoId, items: moved.items.map((i) => i.code), accounts: moved.accounts, caseLeads: moved.caseLeads },
        })
        return { from: requireUnit(fromId), into, ...moved }
      })
    },
  }
}

export type UnitsService = ReturnType<typeof createUnitsService>
