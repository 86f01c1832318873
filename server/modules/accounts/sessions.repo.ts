import { and, eq, isNull, ne, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { accounts, sessions, signInFailures } from '../../../db/schema/index.ts'

export type SessionRow = typeof sessions.$inferSelect
export type SignInFailureRow = typeof signInFailures.$inferSelect

/** Sessions, passwords and failed sign-ins: the workbench's credentials, kept beside the accounts they belong to. */
export function createSessionsRepo(db: Db) {
  // An open session of an account that is not disabled: disabling an account ends its sign-ins at once.
  const byTokenHash = db
    .select({ session: sessions })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(and(eq(sessions.tokenHash, sql.placeholder('hash')), isNull(sessions.endedAt), isNull(accounts.disabledAt)))
    .prepare()

  return {
    credentialsByLogin(login: string): { id: number; passwordHash: string | null; disabledAt: string | null } | undefined {
      return db
        .select({ id: accounts.id, passwordHash: accounts.passwordHash, disabledAt: accounts.disabledAt })
        .from(accounts)
        .where(eq(accounts.login, login))
        .get()
    },
    passwordHashOf(accountId: number): string | null {
      return db.select({ passwordHash: accounts.passwordHash }).from(accounts).where(eq(accounts.id, accountId)).get()?.passwordHash ?? null
    },
    loginOf(accountId: number): string | null {
      return db.select({ login: accounts.login }).from(accounts).where(eq(accounts.id, accountId)).get()?.login ?? null
    },
    setCredentials(accountId: number, values: { login?: string; passwordHash: string; passwordChangedAt: string }): void {
      db.update(accounts).set(values).where(eq(accounts.id, accountId)).run()
    },
    insertSession(row: Omit<SessionRow, 'id' | 'endedAt'>): number {
      return db.insert(sessions).values(row).returning({ id: sessions.id }).get().id
    },
    openSessionByTokenHash(hash: string): SessionRow | undefined {
      return byTokenHash.get({ hash })?.session
    },
    touchSession(id: number, at: string): void {
      db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id)).run()
    },
    endSession(id: number, at: string): void {
      db.update(sessions)
        .set({ endedAt: at })
        .where(and(eq(sessions.id, id), isNull(sessions.endedAt)))
        .run()
    },
    /** Ends every open session of the account except `keepId` (all of them when it is null); returns how many. */
    endSessionsOf(accountId: number, at: string, keepId: number | null): number {
      const where =
        keepId === null
          ? and(eq(sessions.accountId, accountId), isNull(sessions.endedAt))
          : and(eq(sessions.accountId, accountId), isNull(sessions.endedAt), ne(sessions.id, keepId))
      return db.update(sessions).set({ endedAt: at }).where(where).run().changes
    },
    failuresOf(login: string): SignInFailureRow | undefined {
      return db.select().from(signInFailures).where(eq(signInFailures.login, login)).get()
    },
    saveFailures(row: SignInFailureRow): void {
      db.insert(signInFailures)
        .values(row)
        .onConflictDoUpdate({
          target: signInFailures.login,
          set: { failures: row.failures, lastFailedAt: row.lastFailedAt, blockedUntil: row.blockedUntil },
        })
        .run()
    },
    clearFailures(login: string): void {
      db.delete(signInFailures).where(eq(signInFailures.login, login)).run()
    },
  }
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>
