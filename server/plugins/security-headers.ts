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

/** Security headers on every response of the instance it is registered on. */
export const securityHeadersPlugin = fp<{ helmet: HelmetOptions }>(async function securityHeadersOnResponses(app: FastifyInstance, options) {
  const headers = securityHeaders(options.helmet)
  app.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers)
    done()
  })
})
