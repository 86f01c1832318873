import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'

/**
 * The headers helmet would set, worked out once. Our policy has no per-request parts (no nonces), so running
 * helmet's middleware on every request (as @fastify/helmet does, rebuilding it each time) only repeats this.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value)
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()]
    },
  }
  let failure: unknown = null
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failure = err ?? null
  })
  if (failure) throw failure
  return headers
}

/**
 * What a JSON API response needs (OWASP's REST Security Cheat Sheet): not to be stored by any cache (the bodies are
 * one account's view), never framed, never sniffed into another type, and, should a browser render one as a
 * document, allowed to load and run nothing. The document headers (COOP, Origin-Agent-Cluster, DNS prefetch …)
 * govern pages and would only lengthen every API response.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
})

const API_PREFIX = '/api/'

/**
 * Security headers on every response of the instance it is registered on, chosen when the response is sent: the
 * API's for JSON (and files) under /api/; helmet's (with these options) for pages, the API documentation and
 * answers to unknown paths; helmet's plus `no-store` for a printable page under /api/ (a bulletin, a supervision
 * notice), which a browser must be able to render with its styles.
 */
export const securityHeadersPlugin = fp<{ helmet: HelmetOptions }>(async function securityHeadersOnResponses(app: FastifyInstance, options) {
  const documentHeaders = Object.freeze(securityHeaders(options.helmet))
  const apiPageHeaders = Object.freeze({ ...documentHeaders, 'cache-control': 'no-store' })
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.url.startsWith(API_PREFIX)) void reply.headers(documentHeaders)
    else void reply.headers(String(reply.getHeader('content-type')).startsWith('text/html') ? apiPageHeaders : API_SECURITY_HEADERS)
    done(null, payload)
  })
})
