import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import Negotiator from 'negotiator'
import { AppError, reasonPhrase } from '../errors.ts'

interface ValidationIssue {
  instancePath?: string
  message?: string
  keyword?: string
  params?: Record<string, unknown>
}

/** An ajv instance path as a reader writes it: `/categories/0/name` → `categories[0].name`. */
function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), '')
}

/** Turns ajv's errors into `body.title: must be string` lines that name the field (`body.categories[0]` in a list). */
function describeValidation(issues: readonly ValidationIssue[], context: string | undefined) {
  const fields = issues.map((issue) => {
    const path = fieldPath(issue.instancePath ?? '')
    const extra = issue.params?.additionalProperty
    const missing = issue.params?.missingProperty
    const name = [context, path, extra ?? missing].filter((s) => s !== undefined && s !== '').join('.')
    const message =
      issue.keyword === 'additionalProperties'
        ? 'is not allowed'
        : issue.keyword === 'required'
          ? 'is required'
          : (issue.message ?? 'is invalid')
    return { field: name || context || 'request', message }
  })
  return { fields, message: fields.map((f) => `${f.field} ${f.message}`).join('; ') }
}

const frameworkCodes: Record<string, { statusCode: number; code: string; message?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { statusCode: 400, code: 'INVALID_JSON', message: 'The body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { statusCode: 400, code: 'EMPTY_BODY', message: 'The body is empty but JSON was declared' },
  FST_ERR_CTP_BODY_TOO_LARGE: { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The body is larger than allowed' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'This content type is not accepted here' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { statusCode: 400, code: 'INVALID_CONTENT_LENGTH' },
  FST_ERR_BAD_URL: { statusCode: 400, code: 'BAD_URL', message: 'The URL is malformed' },
  FST_ERR_MAX_PARAM_LENGTH: { statusCode: 414, code: 'URI_TOO_LONG', message: 'A part of the path is longer than allowed' },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { statusCode: 415, code: 'NOT_MULTIPART', message: 'Send the file as multipart/form-data' },
  FST_REQ_FILE_TOO_LARGE: { statusCode: 413, code: 'FILE_TOO_LARGE', message: 'The file is larger than allowed' },
  FST_FILES_LIMIT: { statusCode: 413, code: 'TOO_MANY_FILES', message: 'Send one file per request' },
  FST_PARTS_LIMIT: { statusCode: 413, code: 'TOO_MANY_PARTS', message: 'Too many parts in the multipart body' },
  FST_FIELDS_LIMIT: { statusCode: 413, code: 'TOO_MANY_FIELDS', message: 'Too many fields in the multipart body' },
  FST_PROTO_VIOLATION: { statusCode: 400, code: 'INVALID_JSON', message: 'The body is not allowed' },
}

// busboy's errors carry no code, only these messages: a body that is not the multipart it claims to be (no or a
// bad boundary, cut off inside a part) is the client's mistake, not a fault of ours.
const MALFORMED_MULTIPART =
  /^(Multipart: Boundary not found|Boundary required|Unexpected end of multipart data|(Part|Preamble) terminated early|The needle cannot|Unsupported Content-Type|Missing Content-Type)/

function isMalformedMultipart(err: FastifyError, request: FastifyRequest): boolean {
  // Only where uploads are taken: elsewhere such an error would be ours.
  if (typeof (request as { isMultipart?: unknown }).isMultipart !== 'function') return false
  // A part's stream destroyed under its reader: the body ended (or the client went) in the middle of the file.
  return err.code === 'ERR_STREAM_PREMATURE_CLOSE' || MALFORMED_MULTIPART.test(err.message ?? '')
}

export interface ErrorHandlerOptions {
  /** The page a browser gets for a path no route serves (outside /api/); without it, the JSON 404 everywhere. */
  notFoundPage?: () => string | Promise<string>
}

/**
 * One shape for every error: `{ statusCode, code, error, message }`; a 5xx never shows internals. An unknown path
 * outside /api/ asked for by a browser (Accept prefers text/html) gets `notFoundPage` instead.
 */
export const errorHandlerPlugin = fp(async function errorHandler(app: FastifyInstance, { notFoundPage }: ErrorHandlerOptions) {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    let statusCode: number
    let code: string
    let message: string
    let details: Record<string, unknown> | undefined
    if (err instanceof AppError) {
      ;({ statusCode, code, message, details } = err)
    } else if ('validation' in err && err.validation) {
      const described = describeValidation(err.validation as ValidationIssue[], err.validationContext)
      statusCode = 400
      code = 'VALIDATION_FAILED'
      message = described.message
      details = { fields: described.fields }
    } else if (err.code && frameworkCodes[err.code]) {
      const known = frameworkCodes[err.code]!
      statusCode = known.statusCode
      code = known.code
      message = known.message ?? err.message
    } else if (isMalformedMultipart(err, request)) {
      statusCode = 400
      code = 'MALFORMED_MULTIPART'
      message = 'The multipart body is malformed or ends before the file does'
    } else if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      statusCode = 503
      code = 'DATABASE_BUSY'
      message = 'The database is busy; try again shortly'
      void reply.header('retry-after', '1')
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      statusCode = err.statusCode
      code = statusCode === 429 ? 'RATE_LIMITED' : 'BAD_REQUEST'
      message = err.message
    } else {
      statusCode = typeof err.statusCode === 'number' && err.statusCode === 503 ? 503 : 500
      code = statusCode === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR'
      message = statusCode === 503 ? 'The service is overloaded; try again shortly' : 'Something went wrong on our side; it has been logged'
      request.log.error({ err }, 'request failed')
    }
    void reply
      .code(statusCode)
      .type('application/json; charset=utf-8')
      .send({ statusCode, code, error: reasonPhrase(statusCode), message, ...(details ? { details } : {}) })
  })

  app.setNotFoundHandler(async (request, reply) => {
    if (notFoundPage && !request.url.startsWith('/api/') && prefersHtml(request)) {
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(await notFoundPage())
    }
    return routeNotFound(request, reply)
  })
})

/** Whether the client would rather have a page than JSON (a browser's Accept does; curl's, any type, does not). */
function prefersHtml(request: FastifyRequest): boolean {
  return new Negotiator(request).mediaType(['application/json', 'text/html']) === 'text/html'
}

/**
 * Fastify's `frameworkErrors`: a URL it cannot decode, or whose parameter is longer than the router takes, is
 * answered before any route (and its error handler) is chosen; this answers it in the one shape (400 BAD_URL, 414
 * URI_TOO_LONG).
 */
export function answerFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const known = err.code ? frameworkCodes[err.code] : undefined
  const statusCode = known?.statusCode ?? 500
  const code = known?.code ?? 'INTERNAL_ERROR'
  // No hook runs for such a request, the request log's included: its one line is written here.
  if (known) request.log.info({ method: request.method, statusCode, code }, 'request refused before routing')
  else request.log.error({ err }, 'request failed before routing')
  void reply
    .code(statusCode)
    .type('application/json; charset=utf-8')
    .send({
      statusCode,
      code,
      error: reasonPhrase(statusCode),
      message: known?.message ?? 'Something went wrong on our side; it has been logged',
    })
}

/** 404 for a path no route serves. */
export function routeNotFound(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send({
    statusCode: 404,
    code: 'ROUTE_NOT_FOUND',
    error: reasonPhrase(404),
    message: `No route ${request.method} ${request.url.split('?')[0]}`,
  })
}
