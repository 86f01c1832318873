import { randomBytes } from 'node:crypto'
import type { Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import type { Role } from '../../domain/actors.ts'
import type { AccountRow } from './accounts.repo.ts'
import type { AccountsService } from './accounts.service.ts'
import { DECOY_HASH, hashPassword, passwordProblem, verifyPassword } from './passwords.ts'
import type { SessionsRepo } from './sessions.repo.ts'
import type { AdminEventsRepo } from '../admin-events/admin-events.repo.ts'
import type { AccountActor } from '../auth/permissions.ts'
import { AppError } from '../../errors.ts'
import { generateToken, hashToken } from './tokens.ts'

const LOGIN_PATTERN = /^[\p{L}\p{N}._@-]{2,64}$/u

/** Failures of one login allowed before each further attempt must wait. */
export const FAILURES_BEFORE_SLOWING = 3
/** Failures of one login after which it is locked for LOCK_MINUTES. */
export const FAILURES_BEFORE_LOCK = 6
export const LOCK_MINUTES = 15
/** A session's last use is written at most this often (each write is a database change). */
const TOUCH_EVERY_MS = 60_000

export type SignInResult =
  | { ok: true; token: string; account: AccountRow }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'blocked'; retryAfterSeconds: number }

export interface WebSession {
  id: number
  account: AccountRow
  /** The synchronizer token the session's forms carry. */
  csrfToken: string
}

export type PasswordChangeResult =
  | { ok: true; endedSessions: number }
  | { ok: false; field: 'currentPassword' | 'newPassword'; message: string }

/** What the admin's account form gets back when it cannot create the account: the field at fault and why. */
export type AdminAccountResult =
  | { ok: true; account: AccountRow }
  | { ok: false; field: 'login' | 'password' | 'name' | 'unitId'; message: string }

interface Deps {
  adminEvents?: AdminEventsRepo
  repo: SessionsRepo
  accounts: AccountsService
  clock: Clock
  transact: Transact
  idleMinutes: number
  maxHours: number
}

/**
 * Signing in to the workbench: passwords, sessions kept in the database (they survive a restart) and the slowing
 * and locking of guessed passwords. Bearer tokens for programs are the accounts service's and are not touched here.
 */
export function createSignInService({ repo, accounts, clock, transact, idleMinutes, maxHours, adminEvents }: Deps) {
  const idleMs = idleMinutes * 60_000

  /** How long a login must wait after `failures` failures (0: not at all). */
  function waitAfter(failures: number): number {
    if (failures >= FAILURES_BEFORE_LOCK) return LOCK_MINUTES * 60_000
    if (failures >= FAILURES_BEFORE_SLOWING) return 2 ** (failures - FAILURES_BEFORE_SLOWING) * 5_000
    return 0
  }

  return {
    /**
     * Checks a login and password. The same answer (and about the same time) whether or not the login exists;
     * while a login is blocked nothing is checked and the attempt does not count. Each attempt is counted as a
     * failure before its password is checked (the check is asynchronous): guesses sent at once are checked only
     * as far as the rules allow, and a right password clears the count afterwards.
     */
    async signIn(rawLogin: string, password: string): Promise<SignInResult> {
      const login = rawLogin.trim()
      const now = clock.now()
      const at = now.toISOString()
      const blockedMs = transact(() => {
        const previous = repo.failuresOf(login)
        const blocked = previous?.blockedUntil ? Date.parse(previous.blockedUntil) - now.getTime() : 0
        if (blocked > 0) return blocked
        // Failures long past are forgotten: a person who mistyped last week starts afresh.
        const stale = previous && now.getTime() - Date.parse(previous.lastFailedAt) > LOCK_MINUTES * 60_000
        const failures = (stale || !previous ? 0 : previous.failures) + 1
        const wait = waitAfter(failures)
        repo.saveFailures({
          login,
          failures,
          lastFailedAt: at,
          blockedUntil: wait > 0 ? new Date(now.getTime() + wait).toISOString() : null,
        })
        return 0
      })
      if (blockedMs > 0) return { ok: false, reason: 'blocked', retryAfterSeconds: Math.ceil(blockedMs / 1000) }
      const credentials = login === '' ? undefined : repo.credentialsByLogin(login)
      const usable = credentials && credentials.disabledAt === null && credentials.passwordHash !== null
      const matches = await verifyPassword(password, usable ? credentials.passwordHash! : DECOY_HASH)
      // The failure is already counted.
      if (!usable || !matches) return { ok: false, reason: 'invalid' }
      const token = generateToken()
      transact(() => {
        repo.clearFailures(login)
        repo.insertSession({
          tokenHash: hashToken(token),
          accountId: credentials.id,
          csrfToken: randomBytes(24).toString('base64url'),
          createdAt: at,
          lastSeenAt: at,
          expiresAt: new Date(now.getTime() + maxHours * 3_600_000).toISOString(),
        })
      })
      return { ok: true, token, account: accounts.get(credentials.id) }
    },

    /** The open session a cookie names, or null when it never existed, was ended, sat idle too long or is too old. */
    authenticate(token: string): WebSession | null {
      const session = repo.openSessionByTokenHash(hashToken(token))
      if (!session) return null
      const now = clock.now()
      const idleUntil = Date.parse(session.lastSeenAt) + idleMs
      if (now.getTime() >= idleUntil || now.getTime() >= Date.parse(session.expiresAt)) {
        repo.endSession(session.id, now.toISOString())
        return null
      }
      if (now.getTime() - Date.parse(session.lastSeenAt) >= TOUCH_EVERY_MS) repo.touchSession(session.id, now.toISOString())
      return { id: session.id, account: accounts.get(session.accountId), csrfToken: session.csrfToken }
    },

    /** Signing out: the session ends on the server, whatever the browser keeps. */
    signOut(sessionId: number): void {
      repo.endSession(sessionId, clock.now().toISOString())
    },

    /** The person changes their own password; their other sessions end (a stolen session does not outlive it). */
    async changePassword(session: WebSession, currentPassword: string, newPassword: string): Promise<PasswordChangeResult> {
      const stored = repo.passwordHashOf(session.account.id)
      if (!stored || !(await verifyPassword(currentPassword, stored))) {
        return { ok: false, field: 'currentPassword', message: '当前密码不正确' }
      }
      const problem = passwordProblem(newPassword)
      if (problem) return { ok: false, field: 'newPassword', message: problem }
      const passwordHash = await hashPassword(newPassword)
      const at = clock.now().toISOString()
      const endedSessions = transact(() => {
        repo.setCredentials(session.account.id, { passwordHash, passwordChangedAt: at })
        return repo.endSessionsOf(session.account.id, at, session.id)
      })
      return { ok: true, endedSessions }
    },

    /**
     * `npm run account`: gives an existing login a new password (ending its sessions), or creates an account with
     * this login. Throws on a password that is too short.
     */
    async setPassword(input: {
      login: string
      password: string
      role: Role
      name: string
      unitId: number | null
    }): Promise<{ account: AccountRow; created: boolean }> {
      const login = input.login.trim()
      if (!LOGIN_PATTERN.test(login)) throw new Error('登录名须为2至64个字母、数字或 . _ @ -')
      const problem = passwordProblem(input.password)
      if (problem) throw new Error(problem)
      const passwordHash = await hashPassword(input.password)
      const at = clock.now().toISOString()
      return transact(() => {
        const existing = repo.credentialsByLogin(login)
        if (existing) {
          repo.setCredentials(existing.id, { passwordHash, passwordChangedAt: at })
          repo.endSessionsOf(existing.id, at, null)
          repo.clearFailures(login)
          return { account: accounts.get(existing.id), created: false }
        }
        const { account } = accounts.create({ name: input.name, role: input.role, unitId: input.unitId })
        repo.setCredentials(account.id, { login, passwordHash, passwordChangedAt: at })
        return { account, created: true }
      })
    },

    /** The admin creates an account that can sign in: a login, a role, a unit where the role has one, a first password. */
    async createWithPassword(
      actor: AccountActor,
      input: { login: string; name: string; role: Role; unitId: number | null; password: string },
    ): Promise<AdminAccountResult> {
      const login = input.login.trim()
      if (!LOGIN_PATTERN.test(login)) return { ok: false, field: 'login', message: '用户名须为2至64个字母、数字或 . _ @ -' }
      if (input.name.trim() === '') return { ok: false, field: 'name', message: '请填写姓名' }
      const problem = passwordProblem(input.password)
      if (problem) return { ok: false, field: 'password', message: problem }
      const passwordHash = await hashPassword(input.password)
      const at = clock.now().toISOString()
      try {
        return transact(() => {
          if (repo.credentialsByLogin(login)) return { ok: false as const, field: 'login' as const, message: '该用户名已被使用' }
          const { account } = accounts.create({ name: input.name, role: input.role, unitId: input.unitId })
          repo.setCredentials(account.id, { login, passwordHash, passwordChangedAt: at })
          adminEvents?.append({
            at,
            actor,
            action: 'account.create',
            subjectKind: 'account',
            subjectId: account.id,
            summary: `新建账号“${account.name}”（用户名 ${login}）`,
          })
          return { ok: true as const, account }
        })
      } catch (err) {
        if (err instanceof AppError && ['UNIT_REQUIRED', 'UNIT_NOT_ALLOWED', 'UNIT_NOT_FOUND', 'UNIT_MERGED'].includes(err.code)) {
          const message =
            err.code === 'UNIT_REQUIRED'
              ? '责任单位账号须选择单位'
              : err.code === 'UNIT_NOT_ALLOWED'
                ? '系统管理员和领导小组账号不属于任何单位'
                : '所选单位不存在或已合并'
          return { ok: false, field: 'unitId', message }
        }
        throw err
      }
    },

    /** The admin sets a new password for an account (it is told to the person); the account's sessions end. */
    async resetPassword(actor: AccountActor, accountId: number, password: string): Promise<{ ok: true } | { ok: false; message: string }> {
      const account = accounts.get(accountId)
      const problem = passwordProblem(password)
      if (problem) return { ok: false, message: problem }
      const passwordHash = await hashPassword(password)
      const at = clock.now().toISOString()
      transact(() => {
        repo.setCredentials(account.id, { passwordHash, passwordChangedAt: at })
        repo.endSessionsOf(account.id, at, null)
        adminEvents?.append({
          at,
          actor,
          action: 'account.password_reset',
          subjectKind: 'account',
          subjectId: account.id,
          summary: `重置账号“${account.name}”的密码`,
        })
      })
      return { ok: true }
    },

    loginOf(accountId: number): string | null {
      return repo.loginOf(accountId)
    },
  }
}

export type SignInService = ReturnType<typeof createSignInService>
