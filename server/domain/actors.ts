// Who acts in the service: the roles of accounts, and the actors recorded on every event. Plain data, no imports.

export const ROLES = ['admin', 'supervisor', 'leader', 'unit'] as const
export type Role = (typeof ROLES)[number]

export type Actor =
  | { kind: 'account'; accountId: number; name: string; role: Role; unitId: number | null }
  | { kind: 'system'; name: string }
  /** Anyone, without an account: may file an objection during a notice and take no action. */
  | { kind: 'public'; name: string }

export const SYSTEM_ACTOR: Actor = { kind: 'system', name: 'system' }
