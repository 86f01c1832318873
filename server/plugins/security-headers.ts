import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'

/** A helmet policy: which headers helmet sends, and their values. A route's is laid over the service's. */
export type HelmetPolicy = Readonly<HelmetOptions>

declare module 'fastify' {
  interface RouteShorthandOptions {
    /** This route's helmet policy, over the service's (securityHeadersPlugin). */
    helmet?: HelmetPolicy
  }
  interface FastifyContextConfig {
    /** The route's helmet policy as the plugin settled it (its own, the API's, or none: the service's). */
    helmet?: HelmetPolicy
  }
}

/**
 * What a JSON API response needs (OWASP's REST Security Cheat Sheet): not to be stored by any cache (the bodies are
 * one account's view), never framed, never sniffed into another type, and, should a browser render one as a
 * document, allowed to load and run nothing. helmet sends HSTS, nosniff, `X-Frame-Options: DENY` and
 * `Referrer-Policy: same-origin` (the service's, below); the document headers (COOP, Origin-Agent-Cluster, DNS
 * prefetch …) govern pages and would only lengthen every API response. The policy and `no-store` are two fixed
 * headers (see below).
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
 * The service's policy, laid under every other: the pages' (PAGE_CSP_DIRECTIVES), sent on everything that is not
 * under /api/ — pages, the API documentation, unknown paths.
 */
export const PAGE_HELMET_POLICY: HelmetPolicy = Object.freeze({
  contentSecurityPolicy: { useDefaults: false, directives: { ...PAGE_CSP_DIRECTIVES } },
  // Not helmet's no-referrer: under it a browser sends `Origin: null` with a form, and the workbench's check that a
  // POST comes from its own pages could not tell its forms from a forged one. same-origin still sends nothing to
  // other sites.
  referrerPolicy: { policy: 'same-origin' as const },
  // As the policy's frame-ancestors 'none' says, for browsers that read only the older header.
  xFrameOptions: { action: 'deny' as const },
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

type Chain = ReturnType<typeof helmet>

/**
 * What a helmet middleware calls when it is done. An error (a policy value it refuses only when it runs) is thrown,
 * as @fastify/helmet threw it, so the request ends in the error handler rather than going out without its headers.
 */
const rethrow = (err?: unknown) => {
  if (err) throw err
}

/**
 * Security headers with helmet: the pages' policy (these options) everywhere — pages, the API documentation,
 * unknown paths — and the API's policy on every route under /api/; a route may name its own (the `helmet` route
 * option or `config.helmet`, laid over the pages' policy). A printable page under /api/ (a bulletin, a supervision
 * notice, as chosen by ?format=html) switches to the pages' values when it is sent, so that a browser renders it
 * with its styles, and keeps `no-store`. Unknown paths under /api/ get the API's policy from their not-found
 * handler's configuration (`setApiNotFoundHandler`).
 *
 * helmet(policy) checks and parses a policy (its content security policy above all) into a chain of small
 * middlewares that set the headers on the response. @fastify/helmet (13.2, the latest) calls it again for every
 * request, in two async hooks (a fifth of a small page's CPU; see the README's benchmarks). Here each policy's
 * chain is built once, as its first route is declared, and runs on the request's own response, as
 * @fastify/helmet runs it; the headers are the same, byte for byte.
 */
export const securityHeadersPlugin = fp<{ helmet: HelmetPolicy }>(async function securityHeaders(app: FastifyInstance, options) {
  const servicePolicy = options.helmet
  // Everything the API policy changed, back to the pages' values: laid over a route's policy for a printable page.
  const pageValues = {
    ...Object.fromEntries(Object.keys(API_HELMET_POLICY).map((key) => [key, true])),
    ...servicePolicy,
  } as HelmetPolicy
  const built = (chains: Map<HelmetPolicy, Chain>, policy: HelmetPolicy, merged: () => HelmetPolicy): Chain => {
    let chain = chains.get(policy)
    if (!chain) {
      chain = helmet(merged() as HelmetOptions)
      chains.set(policy, chain)
    }
    return chain
  }
  const sending = new Map<HelmetPolicy, Chain>()
  const printing = new Map<HelmetPolicy, Chain>()
  /** The chain a route's policy (none: the service's) sends with. */
  const chainOf = (policy: HelmetPolicy = servicePolicy) =>
    built(sending, policy, () => (policy === servicePolicy ? servicePolicy : Object.assign({}, servicePolicy, policy)))
  /** The chain a printable page on a route of this policy is sent with. */
  const printableOf = (policy: HelmetPolicy = servicePolicy) =>
    built(printing, policy, () => Object.assign({}, servicePolicy, policy, pageValues))

  app.addHook('onRoute', (route) => {
    const own: unknown = route.helmet ?? route.config?.helmet
    if (own !== undefined && (typeof own !== 'object' || own === null)) {
      throw new Error(`${route.method} ${route.url}: a route's helmet policy is an object of helmet's options`)
    }
    const api = route.url.startsWith(API_PREFIX)
    const policy = (own as HelmetPolicy | undefined) ?? (api ? API_HELMET_POLICY : undefined)
    if (policy !== undefined) route.config = { ...route.config, helmet: policy } as typeof route.config
    // Built now: a policy helmet refuses fails where the route is declared, not on each request to it.
    chainOf(policy)
    if (api) printableOf(policy)
  })
  app.addHook('onRequest', (request, reply, done) => {
    chainOf(request.routeOptions.config.helmet)(request.raw, reply.raw, rethrow)
    if (request.url.startsWith(API_PREFIX)) void reply.headers(API_FIXED_HEADERS)
    done()
  })
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith(API_PREFIX) && String(reply.getHeader('content-type')).startsWith('text/html')) {
      void reply.removeHeader('content-security-policy')
      printableOf(request.routeOptions.config.helmet)(request.raw, reply.raw, rethrow)
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
