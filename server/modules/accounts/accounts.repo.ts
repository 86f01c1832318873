import { asc, eq, sql } from 'drizzle-orm'
import type { Db, Sqlite } from '../../../db/client.ts'
import { accounts, units } from '../../../db/schema/index.ts'
import type { Actor, Role } from '../../domain/actors.ts'

/** What the admin's account list shows besides the account: its login and whether it or its token is switched off. */
export interface AccountAdminRow extends AccountRow {
  login: string | null
  disabledAt: string | null
  tokenRevokedAt: string | null
}

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

export function createAccountsRepo(db: Db, sqlite: Sqlite) {
  // Every authenticated request runs this: one lookup in the token hash's unique index, prepared once, in raw mode
  // and without the unit's name, which no request's actor carries (an account disabled by a script is refused on
  // the next request).
  const actorByTokenHash = sqlite
    .prepare<[string], [number, string, Role, number | null]>(
      'SELECT id, name, role, unit_id FROM accounts WHERE token_hash = ? AND disabled_at IS NULL',
    )
    .raw()

  const byId = db
    .select(accountColumns)
    .from(accounts)
    .leftJoin(units, eq(units.id, accounts.unitId))
    .where(eq(accounts.id, sql.placeholder('id')))
    .prepare()

  return {
    /** The active account with this token hash, as the actor its requests act as. */
    findActorByTokenHash(hash: string): Extract<Actor, { kind: 'account' }> | undefined {
      const row = actorByTokenHash.get(hash)
      return row && { kind: 'account', accountId: row[0], name: row[1], role: row[2], unitId: row[3] }
    },
    findById(id: number): AccountRow | undefined {
      return byId.get({ id })
    },
    list(): AccountRow[] {
      return db.select(accountColumns).from(accounts).leftJoin(units, eq(units.id, accounts.unitId)).orderBy(asc(accounts.id)).all()
    },
    listForAdmin(): AccountAdminRow[] {
      return db
        .select({ ...accountColumns, login: accounts.login, disabledAt: accounts.disabledAt, tokenRevokedAt: accounts.tokenRevokedAt })
        .from(accounts)
        .leftJoin(units, eq(units.id, accounts.unitId))
        .orderBy(asc(accounts.id))
        .all()
    },
    findForAdmin(id: number): AccountAdminRow | undefined {
      return db
        .select({ ...accountColumns, login: accounts.login, disabledAt: accounts.disabledAt, tokenRevokedAt: accounts.tokenRevokedAt })
        .from(accounts)
        .leftJoin(units, eq(units.id, accounts.unitId))
        .where(eq(accounts.id, id))
        .get()
    },
    setDisabled(id: number, disabledAt: string | null): void {
      db.update(accounts).set({ disabledAt }).where(eq(accounts.id, id)).run()
    },
    setTokenHash(id: number, tokenHash: string, tokenRevokedAt: string | null): void {
      db.update(accounts).set({ tokenHash, tokenRevokedAt }).where(eq(accounts.id, id)).run()
    },
    insert(row: { name: string; role: Role; unitId: number | null; tokenHash: string; createdAt: string }): number {
      return db.insert(accounts).values(row).returning({ id: accounts.id }).get().id
    },
  }
}

export type AccountsRepo = ReturnType<typeof createAccountsRepo>
