import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { TSchema } from 'typebox'
import { operationIds } from './operation-ids.ts'

declare module 'fastify' {
  interface FastifySchema {
    /**
     * Documentation only: the form of a multipart upload, shown as the operation's request body. Fastify does not
     * validate against it (a multipart body is read part by part by the handler, which answers 400/413/415 itself).
     */
    multipartBody?: TSchema
  }
}

type Schema = Record<string, unknown>

/** What an error status means on this API; the body is always { statusCode, code, error, message }. */
const ERROR_DESCRIPTIONS: Record<string, string> = {
  '400':
    'The request is malformed: a path, query or body field fails its schema, or the body cannot be read (code VALIDATION_FAILED or a more specific one).',
  '401': 'No bearer token, or one that is unknown or belongs to a disabled account.',
  '403': 'Signed in, but not allowed to do this: the role lacks the permission, or the unit has no part in it.',
  '404': 'No such resource, or one this account may not see (a unit sees only the items it leads or shares).',
  '409': 'Conflict: the action is not allowed in the current status, the version sent is stale, or the name or code is taken.',
  '413': 'The body or the uploaded file is larger than the configured limit.',
  '415': 'The body is not of a media type this operation takes, or the uploaded file is not of an accepted type.',
  '422': 'The request is well-formed but a rule of the domain is not met; `code` names the rule.',
  '428': 'The If-Match header with the current version is required.',
  '429': 'Too many requests from this client; retry after the time in Retry-After.',
  '503': 'The service cannot answer now (the database does not answer, or the process is overloaded).',
}

const SUCCESS_PREFIX: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted', '204': 'Done, no body' }

/** A description for every response: the route's own, else one derived from the status (and, for success, the summary). */
function describeResponses(responses: Schema | undefined, summary: string | undefined, publicRoute: boolean): Schema | undefined {
  if (!responses) return responses
  const described: Schema = {}
  for (const [status, declared] of Object.entries(responses)) {
    // No token is asked for, so none is refused: errorResponses() lists 401 for every route.
    if (publicRoute && status === '401') continue
    const response = declared as Schema
    // A plain schema's own description says what the value is, not what the response means; a $ref or a content map
    // has none of its own, so a description beside it is the response's.
    const own = response['x-response-description'] ?? ('content' in response || '$ref' in response ? response.description : undefined)
    const description =
      typeof own === 'string'
        ? own
        : (ERROR_DESCRIPTIONS[status] ?? `${SUCCESS_PREFIX[status] ?? `Status ${status}`}${summary ? `: ${summary}` : ''}`)
    // A $ref or a content map takes the description beside it (Swagger drops $ref siblings from the schema); a plain
    // schema takes it as x-response-description, which Swagger removes before the schema goes into the document.
    described[status] =
      '$ref' in response || 'content' in response ? { ...response, description } : { ...response, 'x-response-description': description }
  }
  return described
}

function isDocumented(route: Pick<RouteOptions, 'method' | 'schema'>): boolean {
  const schema = route.schema as Schema | undefined
  return route.method !== 'HEAD' && schema?.hide !== true
}

/**
 * Swagger UI as it comes fails axe-core: its dark-mode toggle and the servers list have no accessible name
 * (button-name, select-name, label: critical), an image has no alt, deep links nest a link in each operation's button (nested-interactive), and
 * its light theme's badges and links are too pale (color-contrast). The plugin serves this script and stylesheet at
 * /docs/static/theme/ (the pages' policy allows 'self'); deep linking is off (below). The dark theme's own rules are
 * more specific than these and keep its colours.
 */
const ACCESSIBLE_NAMES = `(function () {
  var names = [
    ['.dark-mode-toggle button', '切换深色模式'],
    ['select#servers', '服务器'],
    ['#download-url-input', 'OpenAPI 文档地址'],
  ]
  function name() {
    names.forEach(function (entry) {
      document.querySelectorAll(entry[0] + ':not([aria-label])').forEach(function (element) {
        element.setAttribute('aria-label', entry[1])
        element.setAttribute('title', entry[1])
      })
    })
    // Pictures without a text of their own (the top bar's logo) are decoration.
    document.querySelectorAll('#swagger-ui img:not([alt])').forEach(function (img) {
      img.setAttribute('alt', '')
    })
  }
  name()
  new MutationObserver(name).observe(document.body, { childList: true, subtree: true })
})()
`

/** Colours with at least 4.5:1 against their background, in place of Swagger UI's paler ones. */
const CONTRAST_CSS = `.swagger-ui .opblock.opblock-get .opblock-summary-method{background:#1565c0}
.swagger-ui .opblock.opblock-post .opblock-summary-method{background:#1b7a4a}
.swagger-ui .opblock.opblock-put .opblock-summary-method{background:#a85400}
.swagger-ui .opblock.opblock-delete .opblock-summary-method{background:#c62828}
.swagger-ui .opblock.opblock-patch .opblock-summary-method{background:#00796b}
.swagger-ui .opblock.opblock-head .opblock-summary-method{background:#7b1fa2}
.swagger-ui .opblock.opblock-options .opblock-summary-method{background:#0d47a1}
.swagger-ui .topbar .download-url-wrapper .download-url-button{background:#2e7d32}
.swagger-ui .info .title small{background:#5c6370}
.swagger-ui .info .title small.version-stamp{background-color:#3f6b00}
.swagger-ui .info a{color:#1a5fb4}
.swagger-ui .btn.authorize{border-color:#1b7a4a;color:#1b7a4a}
.swagger-ui .btn.authorize svg{fill:#1b7a4a}
.swagger-ui .btn.execute{background-color:#1565c0;border-color:#1565c0}
`

/**
 * The terms the document's info names (package.json says UNLICENSED, npm's word for "not published under a
 * licence"), served beside it so the licence's URL leads somewhere.
 */
const LICENCE_TEXT = `整改销号 — rectification checklist and close-out tracker

Not published under an open-source licence. All rights reserved by the organisation that operates this service;
no permission to copy, modify or redistribute it is granted by its being reachable. The API may be used by the
programs that organisation authorises, under its own rules.
`

/** The OpenAPI 3 document, generated from the route schemas, and Swagger UI served from local files. */
export const docsPlugin = fp(async function docs(app: FastifyInstance) {
  // A documented route without an operationId would get none in the document (and a generated client would name
  // it after its URL): stop at start, as a route without a permission does.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (!isDocumented({ method, schema: route.schema })) continue
      const key = `${method} ${route.url}`
      if (!operationIds[key]) throw new Error(`route ${key} has no operationId: add it to server/plugins/operation-ids.ts`)
    }
  })

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: '整改销号 API',
        description:
          'Rectification checklist and close-out tracker for environmental-inspection findings. ' +
          'Send `Authorization: Bearer <token>`; routes under /api/v1/public need none.',
        version: '0.1.0',
        // Relative, as the servers' URL is: resolved against this service.
        license: { name: 'Proprietary (UNLICENSED): all rights reserved', url: '/docs/license' },
      },
      // Relative: the API is wherever this document was fetched from (behind a proxy, under its public name).
      servers: [{ url: '/', description: 'This service' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    // Only the document changes here; the route's own schema (what Fastify validates and serializes with) is untouched.
    transform: ({ schema, url, route }) => {
      if (!schema || (schema as Schema).hide === true) return { schema, url }
      const { multipartBody, ...rest } = schema as Schema & { multipartBody?: TSchema }
      const method = [route.method].flat()[0]
      const publicRoute = Array.isArray(rest.security) && rest.security.length === 0
      const documented: Schema = {
        ...rest,
        operationId: operationIds[`${method} ${url}`],
        response: describeResponses(rest.response as Schema | undefined, rest.summary as string | undefined, publicRoute),
      }
      if (multipartBody) {
        documented.body = multipartBody
        documented.consumes = ['multipart/form-data']
      }
      return { schema: documented as typeof schema, url }
    },
  })
  app.get('/docs/license', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=3600').send(LICENCE_TEXT),
  )
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // A deep link is a link inside each operation's toggle button (axe: nested-interactive).
    uiConfig: { deepLinking: false },
    theme: {
      title: '整改销号 API 文档',
      js: [{ filename: 'accessible-names.js', content: ACCESSIBLE_NAMES }],
      css: [{ filename: 'contrast.css', content: CONTRAST_CSS }],
    },
  })
})
