import { asc, eq, sql } from 'drizzle-orm'
import type { Db, Sqlite } from '../../../db/client.ts'
import { accounts, units } from '../../../db/schema/index.ts'
import type { Role } from '../../domain/actors.ts'

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
  // Every authenticated request runs this: one lookup in the token hash's unique index, prepared once and run as
  // plain SQL (its row is the AccountRow as it is; an account disabled by a script is refused on the next request).
  const byTokenHash = sqlite.prepare<{ hash: string }, AccountRow>(
    `SELECT a.id, a.name, a.role, a.unit_id AS unitId, u.name AS unitName, a.created_at AS createdAt
     FROM accounts a LEFT JOIN units u ON u.id = a.unit_id WHERE a.token_hash = @hash AND a.disabled_at IS NULL`,
  )

  const byId = db
    .select(accountColumns)
    .from(accounts)
    .leftJoin(units, eq(units.id, accounts.unitId))
    .where(eq(accounts.id, sql.placeholder('id')))
    .prepare()

  return {
    findActiveByTokenHash(hash: string): AccountRow | undefined {
      return byTokenHash.get({ hash })
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
