import type { Clock } from '../../lib/time.ts'
import { conflict, badRequest } from '../../errors.ts'
import type { UnitRow, UnitsRepo } from './units.repo.ts'

/** Unit names are compared after trimming and folding full-width spaces, as they are typed in spreadsheets. */
export function normalizeUnitName(name: string): string {
  return name.replace(/\u3000/g, ' ').trim().replace(/\s+/g, ' ')
}

export function createUnitsService({ repo, clock }: { repo: UnitsRepo; clock: Clock }) {
  return {
    list(): UnitRow[] {
      return repo.list()
    },
    create(rawName: string): UnitRow {
      const name = normalizeUnitName(rawName)
      if (name === '') throw badRequest('VALIDATION_FAILED', 'body.name must not be blank', { fields: [{ field: 'body.name', message: 'must not be blank' }] })
      const created = repo.insert(name, clock.now().toISOString())
      if (!created) throw conflict('UNIT_NAME_TAKEN', `A unit named "${name}" already exists`)
      return created
    },
    /** Finds a unit by name, creating it when asked to. */
    findOrCreate(rawName: string): { unit: UnitRow; created: boolean } {
      const name = normalizeUnitName(rawName)
      const existing = repo.findByName(name)
      if (existing) return { unit: existing, created: false }
      return { unit: this.create(name), created: true }
    },
  }
}

export type UnitsService = ReturnType<typeof createUnitsService>
