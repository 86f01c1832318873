// Every permission rule of the service, in one place. Routes name a permission; the auth plugin checks the role;
// services ask `itemScope` which items an account may see at all. Pure: no fastify, no drizzle.
import type { Actor, Role } from '../../domain/actors.ts'

const ALL: readonly Role[] = ['admin', 'supervisor', 'leader', 'unit']
const STAFF_READERS: readonly Role[] = ['admin', 'supervisor', 'leader']

/** Which roles may call the routes that name each permission. */
export const PERMISSIONS = {
  'me:read': ALL,
  /** The workbench's own pages every signed-in person has: the home page, changing one's password, signing out. */
  'workbench:use': ALL,
  'units:list': ALL,
  'units:create': ['admin'],
  'units:edit': ['admin'],
  'units:merge': ['admin'],
  'accounts:edit': ['admin'],
  /** The admin's pages of the workbench and the admin trail. */
  'admin:use': ['admin'],
  /** The leadership's dashboard (read only). */
  'dashboard:read': STAFF_READERS,
  'accounts:list': ['admin'],
  'accounts:create': ['admin'],
  'plans:list': ALL,
  'plans:read': ALL,
  'plans:create': ['admin'],
  'plans:edit': ['admin'],
  'items:create': ['admin', 'supervisor'],
  'items:list': ALL,
  'items:read': ALL,
  'items:edit': ['admin', 'supervisor'],
  'items:transition': ['supervisor', 'unit'],
  'items:events': ALL,
  'reports:read': ALL,
  'reports:create': ['unit'],
  'evidence:read': ALL,
  'evidence:create': ['unit'],
  'checklist:import': ['admin', 'supervisor'],
  'checklist:export': ALL,
  'extensions:read': ALL,
  'extensions:request': ['unit'],
  'extensions:decide': ['supervisor'],
  'objections:read': ['admin', 'supervisor', 'leader'],
  'objections:decide': ['supervisor'],
  'calendar:read': ALL,
  'calendar:edit': ['admin'],
  'jobs:run': ['admin', 'supervisor'],
  'escalations:run': ['admin', 'supervisor'],
  'supervisions:read': ALL,
  'supervisions:open': ['supervisor'],
  /** 催办 by hand, one item or many at once. */
  'items:urge': ['supervisor'],
  'supervisions:answer': ['unit'],
  'supervisions:decide': ['supervisor'],
  'bulletins:read': ALL,
  'bulletins:issue': ['supervisor'],
  'bulletins:publish': ['supervisor'],
  'staff:read': STAFF_READERS,
  /** A unit reads only the case leads it handles (the service scopes it). */
  'caseLeads:read': ALL,
  'caseLeads:record': ['supervisor'],
  'caseLeads:transition': ['supervisor'],
  /** Everyone reads their own messages: a unit's, or (supervisors) the office's. */
  'notifications:read': ALL,
  'channels:read': ['admin'],
  'channels:edit': ['admin'],
  'deliveries:read': ['admin', 'supervisor'],
  'deliveries:retry': ['admin', 'supervisor'],
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof PERMISSIONS

export function roleMay(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role)
}

export type AccountActor = Extract<Actor, { kind: 'account' }>

/** `all` for roles that read everything; otherwise the one unit whose items (led or shared) the account sees. */
export type ItemScope = { kind: 'all' } | { kind: 'unit'; unitId: number }

export function itemScope(actor: AccountActor): ItemScope {
  if (actor.role === 'unit') return { kind: 'unit', unitId: actor.unitId ?? -1 }
  return { kind: 'all' }
}

/** True when the actor may see an item with these units. */
export function canSeeItem(actor: AccountActor, item: { leadUnitId: number; responsibleUnitIds: readonly number[] }): boolean {
  const scope = itemScope(actor)
  if (scope.kind === 'all') return true
  return item.leadUnitId === scope.unitId || item.responsibleUnitIds.includes(scope.unitId)
}

/** True when the actor is staff of the item's lead unit. */
export function isLeadUnit(actor: AccountActor, item: { leadUnitId: number }): boolean {
  return actor.role === 'unit' && actor.unitId !== null && actor.unitId === item.leadUnitId
}

/** True when the actor is staff of the lead unit or of a responsible unit of the item. */
export function isItemUnit(actor: AccountActor, item: { leadUnitId: number; responsibleUnitIds: readonly number[] }): boolean {
  return (
    actor.role === 'unit' && actor.unitId !== null && (actor.unitId === item.leadUnitId || item.responsibleUnitIds.includes(actor.unitId))
  )
}
