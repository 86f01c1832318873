import { badRequest, notFound } from '../../errors.ts'
import type { Clock } from '../../lib/time.ts'
import type { Role } from '../../domain/actors.ts'
import type { AccountActor } from '../auth/permissions.ts'
import type { UnitsRepo } from '../units/units.repo.ts'
import type { AccountRow, AccountsRepo } from './accounts.repo.ts'
import { generateToken, hashToken } from './tokens.ts'

export function toActor(account: AccountRow): AccountActor {
  return { kind: 'account', accountId: account.id, name: account.name, role: account.role, unitId: account.unitId }
}

export function createAccountsService({ repo, unitsRepo, clock }: { repo: AccountsRepo; unitsRepo: UnitsRepo; clock: Clock }) {
  return {
    /** The account a bearer token belongs to, or undefined; the token itself is hashed and forgotten. */
    authenticate(token: string): AccountRow | undefined {
      return repo.findActiveByTokenHash(hashToken(token))
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
