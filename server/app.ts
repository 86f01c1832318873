import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { DatabaseHandle } from '../db/client.ts'
import type { Config } from './config.ts'
import type { Clock } from './lib/time.ts'
import { ErrorResponse } from './lib/schemas.ts'
import { authPlugin } from './plugins/auth.ts'
import { docsPlugin } from './plugins/docs.ts'
import { answerFrameworkError, errorHandlerPlugin, routeNotFound } from './plugins/errors.ts'
import { requestLogPlugin } from './plugins/request-log.ts'
import { overloadPlugin } from './plugins/overload.ts'
import { AccountSchema, accountsRoutes } from './modules/accounts/accounts.routes.ts'
import { healthRoutes } from './modules/health/health.routes.ts'
import { faviconRoutes } from './plugins/favicon.ts'
import { ItemEvent, ItemList, ItemListEntry, ItemView } from './modules/items/items.schemas.ts'
import { itemsRoutes } from './modules/items/items.routes.ts'
import { PlanSchema, plansRoutes } from './modules/plans/plans.routes.ts'
import { UnitSchema, unitsRoutes } from './modules/units/units.routes.ts'
import { createServices, type Services } from './services.ts'
import multipart from '@fastify/multipart'
import rateLimit from '@fastify/rate-limit'
import { ArrivalCountStore, clientKey } from './plugins/rate-limit-store.ts'
import { PAGE_HELMET_POLICY, securityHeadersPlugin, setApiNotFoundHandler } from './plugins/security-headers.ts'
import { closeoutRoutes } from './modules/closeout/closeout.routes.ts'
import { evidenceRoutes, evidenceSchemas } from './modules/evidence/evidence.routes.ts'
import { extensionSchemas, extensionsRoutes } from './modules/extensions/extensions.routes.ts'
import { objectionSchemas, objectionsRoutes, publicObjectionRoutes } from './modules/objections/objections.routes.ts'
import { progressRoutes, progressSchemas } from './modules/progress/progress.routes.ts'
import { checklistRoutes, checklistSchemas } from './modules/checklist/checklist.routes.ts'
import { schedulerPlugin } from './plugins/scheduler.ts'
import { supervisionRoutes } from './modules/supervision/supervision.routes.ts'
import { supervisionSchemas } from './modules/supervision/supervision.schemas.ts'
import { escalationRoutes } from './modules/escalation/escalation.routes.ts'
import { bulletinsRoutes } from './modules/bulletins/bulletins.routes.ts'
import { BulletinSchema } from './modules/bulletins/bulletins.schemas.ts'
import type { Permission } from './modules/auth/permissions.ts'
import { caseLeadSchemas, caseLeadsRoutes } from './modules/case-leads/case-leads.routes.ts'
import { publicApiRoutes } from './modules/public/public.api.ts'
import { publicSchemas } from './modules/public/public.fields.ts'
import { publicPageRoutes } from './modules/public/public.pages.ts'
import { workbenchRoutes } from './web/workbench.routes.tsx'
import { NotFoundPage } from './web/pages/sign-in.tsx'
import { notificationSchemas, notificationsRoutes } from './modules/notifications/notifications.routes.ts'
import { createSenders } from './modules/notifications/senders.ts'
import { bulkRoutes, bulkSchemas } from './modules/bulk/bulk.routes.ts'

export interface AppOptions {
  config: Config
  database: DatabaseHandle
  clock: Clock
  logger: Logger
}

export interface RouteEntry {
  method: string
  url: string
  permission: Permission | null
  /** The declared request body (a JSON schema, or per content type under `content`), if any. */
  body: unknown
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services
    /** Every route with the permission it requires (null: public); the permission matrix test walks it. */
    routeCatalog: RouteEntry[]
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/

const buildAjvValidator = AjvCompiler()

/**
 * Validators for the request's parts: a JSON body as it is (a number where a string is declared, or '5' where an
 * integer is, is a 400 naming the field, never converted), everything else, which arrives as text (query strings,
 * path parameters, headers, form fields declared per content type), converted to the declared types.
 */
const strictBodyValidation: ValidatorFactory = (externalSchemas, options) => {
  const coercing = buildAjvValidator(externalSchemas, options)
  const strict = buildAjvValidator(externalSchemas, {
    ...options,
    mode: undefined,
    customOptions: { ...(options?.customOptions as object), coerceTypes: false },
  })
  return (route) => {
    // Fastify names the media type of a body schema declared per content type (body.content[type].schema).
    const contentType = (route as { contentType?: string }).contentType
    const json = contentType === undefined || /\bjson\b/i.test(contentType)
    return (route.httpPart === 'body' && json ? strict : coercing)(route)
  }
}

const buildFastJsonStringify = SerializerSelector()

/**
 * Response bodies serialised from their declared schemas by fast-json-stringify, as Fastify's default does, and
 * handed to Node as UTF-8 bytes. Left as a string (mostly Chinese text, so UTF-16 inside V8), the body would be
 * encoded twice: once by Fastify to count its Content-Length, once more by the socket's write. A list of 50 items
 * (~40 KB) spent ~5% of its time on the second encoding. Fastify sends whatever a serializer returns (a Buffer as
 * it is); the compiler's types say string only, hence the cast.
 */
const utf8Serialization = ((externalSchemas?: unknown, options?: Parameters<typeof buildFastJsonStringify>[1]) => {
  const compile = buildFastJsonStringify(externalSchemas, options)
  return (route: Parameters<ReturnType<typeof buildFastJsonStringify>>[0]) => {
    const serialize = compile(route)
    return (data: unknown): Buffer => Buffer.from(serialize(data))
  }
}) as unknown as ReturnType<typeof SerializerSelector>

/** Builds the whole service as a Fastify instance; it never listens (main.ts and the tests decide that). */
export async function buildApp({ config, database, clock, logger }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Our own onResponse hook writes the one line per request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // Keep a client's request id when it is sane, so its logs and ours can be joined.
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    ajv: {
      customOptions: {
        // Reject unknown properties instead of silently dropping them.
        removeAdditional: false,
        // Query strings and path parameters are text: '5' is read as the integer a schema declares. JSON bodies are
        // typed already and are not converted (strictBodyValidation above).
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: false,
      },
    },
    schemaController: { compilersFactory: { buildValidator: strictBodyValidation, buildSerializer: utf8Serialization } },
    routerOptions: { maxParamLength: 200 },
    // A URL Fastify cannot decode (`/items/%E0`), or a path parameter over 200 characters: 400 BAD_URL or 414
    // URI_TOO_LONG in the one shape rather than Fastify's own.
    frameworkErrors: answerFrameworkError,
  }).withTypeProvider<TypeBoxTypeProvider>()

  const services = createServices({ database, clock, config })
  app.decorate('services', services)
  const routeCatalog: RouteEntry[] = []
  app.decorate('routeCatalog', routeCatalog)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue
      routeCatalog.push({ method, url: route.url, permission: route.config?.permission ?? null, body: route.schema?.body })
    }
  })

  for (const schema of [
    ErrorResponse,
    UnitSchema,
    AccountSchema,
    PlanSchema,
    ItemView,
    ItemListEntry,
    ItemList,
    ItemEvent,
    ...progressSchemas,
    ...extensionSchemas,
    ...objectionSchemas,
    ...evidenceSchemas,
    ...checklistSchemas,
    ...supervisionSchemas,
    BulletinSchema,
    ...bulkSchemas,
    ...caseLeadSchemas,
    ...publicSchemas,
    ...notificationSchemas,
  ]) {
    app.addSchema(schema)
  }

  await app.register(errorHandlerPlugin, { notFoundPage: NotFoundPage })
  await app.register(requestLogPlugin)
  await app.register(overloadPlugin, { ...config.underPressure })
  // Security headers on every response: the pages' policy, the API's under /api/.
  await app.register(securityHeadersPlugin, { helmet: PAGE_HELMET_POLICY })
  // Unknown paths under /api/ answer as the API does, with the API's headers.
  await app.register(async (apiFallback) => setApiNotFoundHandler(apiFallback, routeNotFound), { prefix: '/api' })
  await app.register(docsPlugin)
  await app.register(healthRoutes, { sqlite: database.sqlite })
  await app.register(faviconRoutes)

  await app.register(
    async (api) => {
      await api.register(authPlugin, { accounts: services.accounts })
      await api.register(accountsRoutes, { accounts: services.accounts })
      await api.register(unitsRoutes, { units: services.units })
      await api.register(plansRoutes, { plans: services.plans })
      await api.register(itemsRoutes, { items: services.items })
      await api.register(closeoutRoutes, { closeout: services.closeout, items: services.items })
      await api.register(progressRoutes, { progress: services.progress })
      await api.register(extensionsRoutes, { extensions: services.extensions })
      await api.register(objectionsRoutes, { objections: services.objections })
      await api.register(supervisionRoutes, { supervision: services.supervision })
      await api.register(escalationRoutes, { escalation: services.escalation })
      await api.register(bulkRoutes, { bulk: services.bulk })
      await api.register(bulletinsRoutes, { bulletins: services.bulletins })
      await api.register(caseLeadsRoutes, { caseLeads: services.caseLeads })
      await api.register(notificationsRoutes, { notifications: services.notifications })
      await api.register(async (uploads) => {
        // Files stream to disk part by part; the limits make a too-large file a 413 while it arrives.
        await uploads.register(multipart, {
          limits: { fileSize: config.evidenceMaxBytes, files: 1, fields: 10, parts: 11, fieldSize: 4096, headerPairs: 100 },
        })
        await uploads.register(evidenceRoutes, { evidence: services.evidence, maxBytes: config.evidenceMaxBytes })
      })
      await api.register(async (checklists) => {
        // Its own scope: a spreadsheet has its own size limit, and it is read into memory, not streamed to disk.
        await checklists.register(multipart, {
          limits: { fileSize: config.importMaxBytes, files: 1, fields: 4, parts: 5, fieldSize: 64, headerPairs: 100 },
        })
        await checklists.register(checklistRoutes, { checklist: services.checklist, maxBytes: config.importMaxBytes })
      })
    },
    { prefix: '/api/v1' },
  )

  // Everything without an account: one per-minute allowance per client across the pages and the JSON; filing an
  // objection has its own, tighter, hourly one. A client is counted as the sign-in limit counts it (an IPv6 address
  // by its /64), so rotating addresses within one network does not multiply either allowance.
  await app.register(async (publicScope) => {
    await publicScope.register(rateLimit, {
      max: config.publicRequestsPerMinute,
      timeWindow: '1 minute',
      store: ArrivalCountStore,
      keyGenerator: (request) => clientKey(request.ip),
    })
    await publicScope.register(
      async (publicApi) => {
        await publicApi.register(publicObjectionRoutes, { objections: services.objections, perHour: config.objectionsPerHour })
        await publicApi.register(publicApiRoutes, { publicData: services.publicData })
      },
      { prefix: '/api/v1/public' },
    )
    await publicScope.register(publicPageRoutes, {
      prefix: '/public',
      publicData: services.publicData,
      objections: services.objections,
      objectionsPerHour: config.objectionsPerHour,
    })
  })

  // The workbench: the same services' pages for people, signed in with a session cookie.
  await app.register(workbenchRoutes, { services, config, clock })

  if (config.jobs) {
    const senders = createSenders({ smtpUrl: config.notify.smtpUrl, mailFrom: config.notify.mailFrom })
    await app.register(schedulerPlugin, {
      services,
      clock,
      timezone: config.defaultTimezone,
      escalationHour: config.escalationHour,
      senders,
    })
  }

  return app as unknown as FastifyInstance
}
