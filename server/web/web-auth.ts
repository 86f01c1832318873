import cookie from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { roleMay, type AccountActor, type Permission } from '../modules/auth/permissions.ts'
import { toActor } from '../modules/accounts/accounts.service.ts'
import type { SignInService, WebSession } from '../modules/accounts/sign-in.service.ts'

export const SESSION_COOKIE = 'zg_session'
/** The sign-in form's double-submit token: the form and this cookie must carry the same random value. */
export const LOGIN_CSRF_COOKIE = 'zg_login_csrf'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A workbench page anyone may open (sign-in, the stylesheet); every other page names a `permission`. */
    signedOut?: boolean
    /** The form's CSRF token arrives in a multipart body: the handler checks it with `checkMultipartCsrf`. */
    multipartCsrf?: boolean
  }
  interface FastifyRequest {
    webSession: WebSession | null
    /** The signed-in person's unread messages, counted when a page first asks (once per request). */
    webUnreadCount: (() => number) | null
  }
}

/** The signed-in person of a page that named a permission (the hook has made sure there is one). */
export function sessionOf(request: FastifyRequest): WebSession {
  if (!request.webSession) throw new Error('sessionOf on a page without a session')
  return request.webSession
}

export function webActorOf(request: FastifyRequest): AccountActor {
  return toActor(sessionOf(request).account)
}

export class WebRefusal extends Error {
  constructor(
    readonly statusCode: 403,
    readonly reason: 'csrf' | 'origin' | 'role',
  ) {
    super(`refused: ${reason}`)
  }
}

function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a.length === 0) return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * A state-changing request must come from a page of this service: its Origin (or, without one, its Referer) names
 * this host. Browsers send Origin on every cross-site POST, so a forged form from elsewhere is refused here.
 */
function fromThisSite(request: FastifyRequest): boolean {
  const source = request.headers.origin ?? request.headers.referer
  if (typeof source !== 'string' || source === 'null') return false
  try {
    // Both through URL, so that a default port (`:80`, `:443`) compares equal to none.
    return new URL(source).host === new URL(`${request.protocol}://${request.host}`).host
  } catch {
    return false
  }
}

/** The CSRF token a multipart form sent as its first field; call before reading any file. */
export function checkMultipartCsrf(request: FastifyRequest, token: string | undefined): void {
  if (!sameToken(token, sessionOf(request).csrfToken)) throw new WebRefusal(403, 'csrf')
}

/** A fresh double-submit token for the sign-in form, set as a cookie; the form carries the same value. */
export function issueLoginCsrf(reply: FastifyReply, secure: boolean): string {
  const token = randomBytes(24).toString('base64url')
  void reply.setCookie(LOGIN_CSRF_COOKIE, token, { path: '/login', httpOnly: true, sameSite: 'lax', secure })
  return token
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure })
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure })
}

/**
 * Sessions, roles and CSRF for the workbench's pages (the scope it is registered in). A page names the permission
 * it needs from the one permission table, as API routes do; signed out, a page redirects to /login; a POST must
 * come from this site and carry the session's CSRF token, or it is refused with 403 before anything runs.
 */
export const webAuthPlugin = fp<{ signIn: SignInService; unreadCount?: (actor: AccountActor) => number }>(async function webAuth(
  app: FastifyInstance,
  { signIn, unreadCount },
) {
  await app.register(cookie)
  app.decorateRequest('webSession', null)
  app.decorateRequest('webUnreadCount', null)

  app.addHook('onRoute', (route) => {
    if (!route.config?.permission && !route.config?.signedOut) throw new Error(`page ${route.method} ${route.url} declares no permission`)
  })

  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config
    const token = request.cookies[SESSION_COOKIE]
    request.webSession = token ? signIn.authenticate(token) : null
    const session = request.webSession
    if (session && unreadCount) {
      let counted: number | undefined
      request.webUnreadCount = () => {
        counted ??= unreadCount(toActor(session.account))
        return counted
      }
    }
    if (config.signedOut) return
    const permission = config.permission as Permission
    if (!request.webSession) {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : ''
      return reply.redirect(`/login${next}`, 303)
    }
    if (!roleMay(request.webSession.account.role, permission)) throw new WebRefusal(403, 'role')
  })

  app.addHook('preHandler', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') return
    if (!fromThisSite(request)) throw new WebRefusal(403, 'origin')
    const config = request.routeOptions.config
    if (config.multipartCsrf) return
    const sent = (request.body as Record<string, unknown> | null | undefined)?._csrf
    const expected = config.signedOut ? request.cookies[LOGIN_CSRF_COOKIE] : request.webSession?.csrfToken
    if (!sameToken(typeof sent === 'string' ? sent : undefined, expected)) throw new WebRefusal(403, 'csrf')
  })
})
