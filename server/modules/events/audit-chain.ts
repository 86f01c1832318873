// Tamper evidence for the audit trail: every item event carries the SHA-256 of the previous event's hash and its
// own fields, in one chain over all items. The append-only triggers stop the service from rewriting history; the
// chain shows whether anyone rewrote it behind the service's back (editing a row, or removing or inserting one).
import { createHash } from 'node:crypto'
import type { Sqlite } from '../../../db/client.ts'

/** The fields a hash covers, as stored (`details` is the stored JSON text). */
export interface ChainedFields {
  itemId: number
  at: string
  actorAccountId: number | null
  actorName: string
  actorRole: string
  actorUnitId: number | null
  action: string
  fromStatus: string | null
  toStatus: string | null
  comment: string | null
  details: string | null
}

export const GENESIS_HASH = '0'.repeat(64)

export function eventHash(prevHash: string, row: ChainedFields): string {
  const canonical = JSON.stringify([
    row.itemId,
    row.at,
    row.actorAccountId,
    row.actorName,
    row.actorRole,
    row.actorUnitId,
    row.action,
    row.fromStatus,
    row.toStatus,
    row.comment,
    row.details,
  ])
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex')
}

export interface ChainBreak {
  eventId: number
  itemId: number
  /** `altered`: the row no longer matches its hash; `unlinked`: it does not follow the row before it. */
  problem: 'altered' | 'unlinked'
  message: string
}

/** Walks the whole chain in id order, streaming rows; stops at the first broken link. */
export function verifyAuditChain(sqlite: Sqlite): { checked: number; broken: ChainBreak | null } {
  const rows = sqlite
    .prepare(
      `SELECT id, item_id AS itemId, at, actor_account_id AS actorAccountId, actor_name AS actorName, actor_role AS actorRole,
        actor_unit_id AS actorUnitId, action, from_status AS fromStatus, to_status AS toStatus, comment, details,
        prev_hash AS prevHash, hash FROM item_events ORDER BY id`,
    )
    .iterate() as IterableIterator<ChainedFields & { id: number; prevHash: string | null; hash: string | null }>
  let previous = GENESIS_HASH
  let checked = 0
  for (const row of rows) {
    if (row.prevHash !== previous) {
      return {
        checked,
        broken: {
          eventId: row.id,
          itemId: row.itemId,
          problem: 'unlinked',
          message: `event ${row.id} (item ${row.itemId}) does not follow the event before it: a row before it was removed, inserted or altered`,
        },
      }
    }
    if (row.hash !== eventHash(previous, row)) {
      return {
        checked,
        broken: {
          eventId: row.id,
          itemId: row.itemId,
          problem: 'altered',
          message: `event ${row.id} (item ${row.itemId}, ${row.action} at ${row.at}) was changed after it was written`,
        },
      }
    }
    previous = row.hash
    checked++
  }
  return { checked, broken: null }
}
