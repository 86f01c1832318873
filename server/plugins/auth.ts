import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { forbidden, unauthorized } from '../errors.ts'
import { roleMay, type AccountActor, type Permission } from '../modules/auth/permissions.ts'
import type { AccountsService } from '../modules/accounts/accounts.service.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route needs; routes under the authenticated prefix must name one. */
    permission?: Permission
  }
  interface FastifyRequest {
    actorOrNull: AccountActor | null
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,128})$/

/** The authenticated account of a route that declared a permission. */
export function actorOf(request: FastifyRequest): AccountActor {
  const actor = request.actorOrNull
  if (!actor) throw unauthorized()
  return actor
}

/**
 * Bearer-token authentication and the role check for every route in the scope it is registered in.
 * A route without a declared permission is refused at start-up, so nothing is open by accident.
 */
export const authPlugin = fp<{ accounts: AccountsService }>(async function auth(app: FastifyInstance, { accounts }) {
  app.decorateRequest('actorOrNull', null)

  app.addHook('onRoute', (route) => {
    if (!route.config?.permission) {
      throw new Error(`route ${route.method} ${route.url} declares no permission`)
    }
  })

  // A synchronous hook: authentication is one prepared lookup, nothing to wait for.
  app.addHook('onRequest', (request, _reply, done) => {
    let refusal: Error | undefined
    try {
      authorize(request)
    } catch (err) {
      refusal = err as Error
    }
    // Outside the try: done() runs the rest of the request, whose own errors are not this hook's.
    done(refusal)
  })

  /** Sets the request's actor (also when its role may not: the log line names the account) or throws 401/403. */
  function authorize(request: FastifyRequest): void {
    const permission = request.routeOptions.config.permission
    if (!permission) throw forbidden('This route is not available')
    const header = request.headers.authorization
    const match = typeof header === 'string' ? BEARER.exec(header.trim()) : null
    if (!match) throw unauthorized()
    const actor = accounts.authenticate(match[1]!)
    if (!actor) throw unauthorized('The bearer token is not valid')
    request.actorOrNull = actor
    if (!roleMay(actor.role, permission)) {
      throw forbidden(`The ${actor.role} role may not do this (${permission})`, 'ROLE_NOT_PERMITTED')
    }
  }
})
