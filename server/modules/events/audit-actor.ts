// How an audit row records who acted, shared by the item trail and the case-lead trail. The actor is copied onto
// the row, not only referenced, so the record reads the same after an account changes.
import { Type } from 'typebox'
import { Nullable } from '../../lib/schemas.ts'
import type { Actor } from '../../domain/actors.ts'

/** The actor columns of an audit row. */
export function actorColumns(actor: Actor) {
  return {
    actorAccountId: actor.kind === 'account' ? actor.accountId : null,
    actorName: actor.name,
    actorRole: actor.kind === 'account' ? actor.role : actor.kind,
    actorUnitId: actor.kind === 'account' ? actor.unitId : null,
  }
}

/** The actor of a stored audit row as the API shows it. */
export function actorView(row: {
  actorAccountId: number | null
  actorName: string
  actorRole: string
  actorUnitId: number | null
  actorUnitName: string | null
}) {
  return { accountId: row.actorAccountId, name: row.actorName, role: row.actorRole, unitId: row.actorUnitId, unitName: row.actorUnitName }
}

export const AuditActorSchema = Type.Object({
  accountId: Nullable(Type.Integer()),
  name: Type.String(),
  role: Type.String({ description: 'admin, supervisor, leader, unit, system or public' }),
  unitId: Nullable(Type.Integer()),
  unitName: Nullable(Type.String()),
})
