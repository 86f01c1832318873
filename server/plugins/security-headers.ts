import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

type HelmetPolicy = NonNullable<Parameters<FastifyReply['helmet']>[0]>

/**
 * What a JSON API response needs (OWASP's REST Security Cheat Sheet): not to be stored by any cache (the bodies are
 * one account's view), never framed, never sniffed into another type, and, should a browser render one as a
 * document, allowed to load and run nothing. helmet sends HSTS, nosniff, `X-Frame-Options: DENY` and
 * `Referrer-Policy: no-referrer`; the document headers (COOP, Origin-Agent-Cluster, DNS prefetch …) govern pages
 * and would only lengthen every API response. The policy and `no-store` are two fixed headers (see below).
 */
export const API_HELMET_POLICY: HelmetPolicy = Object.freeze({
  contentSecurityPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: { action: 'deny' as const },
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
})

/**
 * The pages' content security policy (app.ts sends it everywhere but under /api/). The pages carry no script and
 * load nothing from elsewhere; their CSS is one stylesheet or one <style> element (and the bulletin's column widths
 * are style attributes), hence 'unsafe-inline' for styles only. Swagger UI at /docs loads its scripts from
 * /docs/static, which 'self' allows. No page may be framed, except where a route says otherwise.
 */
export const PAGE_CSP_DIRECTIVES = Object.freeze({
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
})

/**
 * A page the workbench shows inside one of its own pages (the printable bulletin in its month's page): the pages'
 * policy, but framed by this site (and only this site).
 */
export const FRAMED_BY_SELF_POLICY: HelmetPolicy = Object.freeze({
  contentSecurityPolicy: { useDefaults: false, directives: { ...PAGE_CSP_DIRECTIVES, frameAncestors: ["'self'"] } },
  xFrameOptions: { action: 'sameorigin' as const },
})

/**
 * A stored file (an evidence PDF or image) opened in the browser: it runs nothing and loads nothing. `sandbox`
 * gives it an opaque origin with scripts, forms and pop-ups off, so a crafted file cannot act as this site even if
 * a browser were talked into rendering it as something else; `default-src 'none'` lets it load nothing. Chromium's
 * PDF viewer and its image document style their own wrapper page with inline styles (refused, they log console
 * errors and the image is no longer centred), hence 'unsafe-inline' for styles, which a PDF or an image cannot use.
 * Never framed: it opens as a page of its own.
 */
export const STORED_FILE_POLICY: HelmetPolicy = Object.freeze({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: ["'unsafe-inline'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
      sandbox: [],
    },
  },
  xFrameOptions: { action: 'deny' as const },
  crossOriginResourcePolicy: { policy: 'same-origin' as const },
})

/** The API's own two headers, sent as they are (the policy's exact text is part of the contract). */
export const API_FIXED_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
})

const API_PREFIX = '/api/'

/**
 * Security headers with @fastify/helmet: the pages' policy (these options) everywhere — pages, the API
 * documentation, unknown paths — and the API's policy on every route under /api/ (a per-route helmet
 * configuration, set as each route is added). A printable page under /api/ (a bulletin, a supervision notice, as
 * chosen by ?format=html) switches to the pages' policy when it is sent, so that a browser renders it with its
 * styles, and keeps `no-store`. Unknown paths under /api/ get the API's policy from their not-found handler's
 * configuration (`apiNotFoundConfig`).
 */
export const securityHeadersPlugin = fp<{ helmet: HelmetPolicy }>(async function securityHeaders(app: FastifyInstance, options) {
  await app.register(fastifyHelmet, { global: true, ...options.helmet } as FastifyHelmetOptions)
  // Everything the API policy changed, back to the pages' values: what a printable page is sent with.
  const pagePolicy = { ...Object.fromEntries(Object.keys(API_HELMET_POLICY).map((key) => [key, true])), ...options.helmet } as HelmetPolicy

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(API_PREFIX) && (route.config as { helmet?: unknown } | undefined)?.helmet === undefined) {
      route.config = { ...route.config, helmet: API_HELMET_POLICY } as typeof route.config
    }
  })
  app.addHook('onRequest', (request, reply, done) => {
    if (request.url.startsWith(API_PREFIX)) void reply.headers(API_FIXED_HEADERS)
    done()
  })
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith(API_PREFIX) && String(reply.getHeader('content-type')).startsWith('text/html')) {
      void reply.removeHeader('content-security-policy')
      reply.helmet(pagePolicy)
    }
    done(null, payload)
  })
})

/**
 * Makes `handler` the answer to unknown paths under the instance's prefix, with the API's headers. Fastify reads
 * `config` from a not-found handler's options (lib/four-oh-four.js) though its types leave it out.
 */
export function setApiNotFoundHandler(app: FastifyInstance, handler: (request: FastifyRequest, reply: FastifyReply) => void): void {
  const options = { config: { helmet: API_HELMET_POLICY } } as unknown as Parameters<FastifyInstance['setNotFoundHandler']>[0]
  app.setNotFoundHandler(options as never, handler as never)
}
