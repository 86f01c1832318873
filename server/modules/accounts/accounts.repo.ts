import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import type { Db, Sqlite } from '../../../db/client.ts'
import { createEpochCache, type ChangeEpoch } from '../../../db/change-epoch.ts'
import { accounts, units } from '../../../db/schema/index.ts'
import type { Role } from '../../domain/actors.ts'

export interface AccountRow {
  id: number
  name: string
  role: Role
  unitId: number | null
  unitName: string | null
  createdAt: string
}

const accountColumns = {
  id: accounts.id,
  name: accounts.name,
  role: accounts.role,
  unitId: accounts.unitId,
  unitName: units.name,
  createdAt: accounts.createdAt,
}

/** Active accounts by token hash, for as long as nothing is written (see db/change-epoch.ts). */
const ACCOUNT_CACHE_SIZE = 1_000

export function createAccountsRepo(db: Db, sqlite: Sqlite, changeEpoch: ChangeEpoch) {
  // Every authenticated request runs this: prepared once, and its answer kept until the database changes (an
  // account disabled by a script is refused on the next request). Only accounts found are kept, so guessed tokens
  // cannot fill the cache.
  const byTokenHash = db
    .select(accountColumns)
    .from(accounts)
    .leftJoin(units, eq(units.id, accounts.unitId))
    .where(and(eq(accounts.tokenHash, sql.placeholder('hash')), isNull(accounts.disabledAt)))
    .prepare()

  const byTokenHashCache = createEpochCache<string, AccountRow>(sqlite, ACCOUNT_CACHE_SIZE)

  const byId = db.select(accountColumns).from(accounts).leftJoin(units, eq(units.id, accounts.unitId)).where(eq(accounts.id, sql.placeholder('id'))).prepare()

  return {
    findActiveByTokenHash(hash: string): AccountRow | undefined {
      const epoch = changeEpoch()
      const hit = byTokenHashCache.get(hash, epoch)
      if (hit) return hit
      const account = byTokenHash.get({ hash })
      return account && byTokenHashCache.set(hash, epoch, account)
    },
    findById(id: number): AccountRow | undefined {
      return byId.get({ id })
    },
    list(): AccountRow[] {
      return db.select(accountColumns).from(accounts).leftJoin(units, eq(units.id, accounts.unitId)).orderBy(asc(accounts.id)).all()
    },
    insert(row: { name: string; role: Role; unitId: number | null; tokenHash: string; createdAt: string }): number {
      return db.insert(accounts).values(row).returning({ id: accounts.id }).get().id
    },
  }
}

export type AccountsRepo = ReturnType<typeof createAccountsRepo>
