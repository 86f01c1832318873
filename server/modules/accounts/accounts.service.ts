import { badRequest, conflict, notFound } from '../../errors.ts'
import type { Clock } from '../../lib/time.ts'
import type { Role } from '../../domain/actors.ts'
import type { AccountActor } from '../auth/permissions.ts'
import type { UnitsRepo } from '../units/units.repo.ts'
import type { Transact } from '../../lib/transact.ts'
import type { AdminEventsRepo } from '../admin-events/admin-events.repo.ts'
import type { AccountAdminRow, AccountRow, AccountsRepo } from './accounts.repo.ts'
import { generateToken, hashToken } from './tokens.ts'

export function toActor(account: AccountRow): AccountActor {
  return { kind: 'account', accountId: account.id, name: account.name, role: account.role, unitId: account.unitId }
}

interface Deps {
  repo: AccountsRepo
  unitsRepo: UnitsRepo
  clock: Clock
  /** For the admin's changes, each recorded in the admin trail in the same transaction. */
  transact?: Transact
  adminEvents?: AdminEventsRepo
}

export function createAccountsService({ repo, unitsRepo, clock, transact, adminEvents }: Deps) {
  function audited<T>(fn: () => T): T {
    if (!transact || !adminEvents) throw new Error('accounts service wired without transact and adminEvents')
    return transact(fn)
  }
  function requireAdminRow(id: number): AccountAdminRow {
    const account = repo.findForAdmin(id)
    if (!account) throw notFound(`Account ${id}`, 'ACCOUNT_NOT_FOUND')
    return account
  }
  function record(actor: AccountActor, action: string, account: AccountRow, summary: string) {
    adminEvents!.append({ at: clock.now().toISOString(), actor, action, subjectKind: 'account', subjectId: account.id, summary })
  }

  return {
    listForAdmin(): AccountAdminRow[] {
      return repo.listForAdmin()
    },
    getForAdmin(id: number): AccountAdminRow {
      return requireAdminRow(id)
    },
    /** Disables an account (its token and its sessions stop working at once) or enables it again. */
    setDisabled(actor: AccountActor, id: number, disabled: boolean): AccountAdminRow {
      return audited(() => {
        const account = requireAdminRow(id)
        if (disabled && account.id === actor.accountId) throw conflict('CANNOT_DISABLE_SELF', 'An admin cannot disable their own account')
        if ((account.disabledAt !== null) === disabled) return account
        repo.setDisabled(id, disabled ? clock.now().toISOString() : null)
        record(actor, disabled ? 'account.disable' : 'account.enable', account, `${disabled ? '停用' : '启用'}账号“${account.name}”`)
        return requireAdminRow(id)
      })
    },
    /** A new bearer token for the account (the old one stops working); shown once, to the caller. */
    issueToken(actor: AccountActor, id: number): { account: AccountAdminRow; token: string } {
      return audited(() => {
        const account = requireAdminRow(id)
        const token = generateToken()
        repo.setTokenHash(id, hashToken(token), null)
        record(actor, 'account.token_issue', account, `为账号“${account.name}”签发新的接口令牌`)
        return { account: requireAdminRow(id), token }
      })
    },
    /** Revokes the bearer token: its hash is replaced by that of a value never handed out. */
    revokeToken(actor: AccountActor, id: number): AccountAdminRow {
      return audited(() => {
        const account = requireAdminRow(id)
        repo.setTokenHash(id, hashToken(generateToken()), clock.now().toISOString())
        record(actor, 'account.token_revoke', account, `吊销账号“${account.name}”的接口令牌`)
        return requireAdminRow(id)
      })
    },
    /** The actor a bearer token acts as, or undefined; the token itself is hashed and forgotten. */
    authenticate(token: string): AccountActor | undefined {
      return repo.findActorByTokenHash(hashToken(token))
    },
    get(id: number): AccountRow {
      const account = repo.findById(id)
      if (!account) throw notFound(`Account ${id}`, 'ACCOUNT_NOT_FOUND')
      return account
    },
    list(): AccountRow[] {
      return repo.list()
    },
    /** Creates an account and returns its token: the only time the token exists outside the caller's hands. */
    create(input: { name: string; role: Role; unitId?: number | null | undefined }): { account: AccountRow; token: string } {
      const name = input.name.trim()
      if (name === '') throw badRequest('VALIDATION_FAILED', 'name must not be blank')
      const unitId = input.unitId ?? null
      if (input.role === 'unit' && unitId === null) throw badRequest('UNIT_REQUIRED', 'A unit account must belong to a unit')
      if ((input.role === 'admin' || input.role === 'leader') && unitId !== null) {
        throw badRequest('UNIT_NOT_ALLOWED', `A ${input.role} account does not belong to a unit`)
      }
      let unitName: string | null = null
      if (unitId !== null) {
        const unit = unitsRepo.findById(unitId)
        if (!unit) throw notFound(`Unit ${unitId}`, 'UNIT_NOT_FOUND')
        if (unit.mergedIntoId !== null) throw conflict('UNIT_MERGED', `Unit ${unitId} was merged into unit ${unit.mergedIntoId}`)
        unitName = unit.name
      }
      const token = generateToken()
      const createdAt = clock.now().toISOString()
      const id = repo.insert({ name, role: input.role, unitId, tokenHash: hashToken(token), createdAt })
      return { account: { id, name, role: input.role, unitId, unitName, createdAt }, token }
    },
  }
}

export type AccountsService = ReturnType<typeof createAccountsService>
