import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyError, FastifyReply } from 'fastify'
import { Type } from 'typebox'
import { AppError, badRequest } from '../../errors.ts'
import { IdParam, PeriodString, Text } from '../../lib/schemas.ts'
import { lazy } from '../../lib/lazy.ts'
import type { ObjectionsService } from '../objections/objections.service.ts'
import { objectionRateLimit } from '../objections/objections.routes.ts'
import { bulletinsPage, caseLeadsPage, errorPage, itemPage, noticesPage, objectionFiledPage, planPage, plansPage } from './public.html.tsx'
import type { PublicService } from './public.service.ts'

// Loaded on first use: the renderers bring in large libraries (see lib/lazy.ts).
const htmlRenderer = lazy(() => import('../bulletins/bulletin.html.ts'))

/** Largest objection form body: 4,200 characters of Chinese, percent-encoded, with room to spare. */
const FORM_BODY_LIMIT = 64 * 1024

// What the public reads when something goes wrong, by the error's code; the API's English messages stay in the API.
const PROBLEMS: Record<string, { title: string; message: string }> = {
  ITEM_NOT_FOUND: { title: '未找到该整改任务', message: '该整改任务不存在，请检查网址。' },
  PLAN_NOT_FOUND: { title: '未找到该整改方案', message: '该整改方案不存在，请检查网址。' },
  BULLETIN_NOT_FOUND: { title: '未找到该月度通报', message: '该月度通报不存在或尚未公开发布。' },
  NOTICE_NOT_OPEN: { title: '不在公示期内', message: '该整改任务目前不在公示期内，不受理异议。' },
  OBJECTION_INCOMPLETE: { title: '异议内容不完整', message: '请填写联系方式和异议内容。' },
  FORM_INVALID: { title: '提交的内容有误', message: '请填写联系方式（不超过200字）和异议内容（不超过4000字）。' },
  BAD_URL: { title: '网址有误', message: '请检查网址。' },
  RATE_LIMITED: { title: '操作过于频繁', message: '您提交或访问过于频繁，请稍后再试。' },
  PAYLOAD_TOO_LARGE: { title: '提交的内容过长', message: '异议内容不超过4000字，请精简后再提交。' },
  UNSUPPORTED_MEDIA_TYPE: { title: '提交格式不受支持', message: '请通过页面上的表单提交。' },
  INTERNAL_ERROR: { title: '系统繁忙', message: '系统暂时无法处理您的请求，请稍后再试。' },
}

function sendPage(reply: FastifyReply, statusCode: number, html: string) {
  return reply.code(statusCode).type('text/html; charset=utf-8').send(html)
}

/** application/x-www-form-urlencoded → one string per field; a field sent twice is refused rather than guessed. */
export function parseUrlEncoded(body: string): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const [name, value] of new URLSearchParams(body)) {
    if (Object.hasOwn(fields, name)) throw badRequest('FORM_INVALID', `The field ${name} was sent twice`)
    // defineProperty: a field named __proto__ becomes a plain field (and the closed schema then refuses it).
    Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true })
  }
  return fields
}

/**
 * The public pages under /public, server-rendered in Chinese; the objection form posts here as a plain HTML form,
 * so filing works without JavaScript. Every route is rate-limited by the scope it is registered in.
 */
export const publicPageRoutes: FastifyPluginAsyncTypebox<{
  publicData: PublicService
  objections: ObjectionsService
  objectionsPerHour: number
}> = async (app, { publicData, objections, objectionsPerHour }) => {
  const hidden = { hide: true }

  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    let statusCode: number
    let code: string
    if (err instanceof AppError) {
      statusCode = err.statusCode
      code = err.code
    } else if ('validation' in err && err.validation) {
      statusCode = 400
      code = err.validationContext === 'body' ? 'FORM_INVALID' : 'BAD_URL'
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      statusCode = err.statusCode
      code =
        statusCode === 429
          ? 'RATE_LIMITED'
          : statusCode === 413
            ? 'PAYLOAD_TOO_LARGE'
            : statusCode === 415
              ? 'UNSUPPORTED_MEDIA_TYPE'
              : 'BAD_URL'
    } else if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      statusCode = 503
      code = 'INTERNAL_ERROR'
      void reply.header('retry-after', '1')
    } else {
      statusCode = 500
      code = 'INTERNAL_ERROR'
      request.log.error({ err }, 'public page failed')
    }
    const problem = PROBLEMS[code] ?? PROBLEMS.BAD_URL!
    return sendPage(reply, statusCode, errorPage(problem.title, problem.message))
  })

  app.setNotFoundHandler((_request, reply) => sendPage(reply, 404, errorPage('页面不存在', '您访问的页面不存在，请检查网址。')))

  app.get('/', { schema: hidden }, async (_request, reply) =>
    sendPage(reply, 200, plansPage(publicData.plans(), publicData.notices().length)),
  )

  app.get('/plans/:planId', { schema: { ...hidden, params: Type.Object({ planId: IdParam }) } }, async (request, reply) => {
    const plan = publicData.plan(request.params.planId)
    return sendPage(reply, 200, planPage(plan, publicData.planItems(plan.id)))
  })

  app.get('/notices', { schema: hidden }, async (_request, reply) => {
    const titles = new Map(publicData.plans().map((p) => [p.id, p.title]))
    return sendPage(reply, 200, noticesPage(publicData.notices(), titles))
  })

  app.get('/items/:itemId', { schema: { ...hidden, params: Type.Object({ itemId: IdParam }) } }, async (request, reply) => {
    const item = publicData.item(request.params.itemId)
    return sendPage(reply, 200, itemPage(item, publicData.plan(item.planId).title))
  })

  app.get('/bulletins', { schema: hidden }, async (_request, reply) => sendPage(reply, 200, bulletinsPage(publicData.bulletins())))

  app.get(
    '/plans/:planId/bulletins/:period',
    { schema: { ...hidden, params: Type.Object({ planId: IdParam, period: PeriodString }) } },
    async (request, reply) => {
      const bulletin = publicData.bulletin(request.params.planId, request.params.period)
      void reply.header('etag', `"${bulletin.contentHash}"`)
      const { renderBulletinHtml } = await htmlRenderer()
      return sendPage(reply, 200, renderBulletinHtml(bulletin))
    },
  )

  app.get('/case-leads', { schema: hidden }, async (_request, reply) => sendPage(reply, 200, caseLeadsPage(publicData.caseLeads())))

  await app.register(async (scope) => {
    const form = scope.withTypeProvider<TypeBoxTypeProvider>()
    // Scoped to this one route: the rest of the service reads JSON only.
    form.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => {
        try {
          done(null, parseUrlEncoded(body as string))
        } catch (err) {
          done(err as Error, undefined)
        }
      },
    )

    form.post(
      '/items/:itemId/objections',
      {
        // The JSON route's hourly allowance, counted with it (a route with its own limit leaves the scope's one).
        config: { rateLimit: objectionRateLimit(objectionsPerHour) },
        schema: {
          ...hidden,
          params: Type.Object({ itemId: IdParam }),
          body: Type.Object({ contact: Text(200), content: Text(4000) }, { additionalProperties: false }),
        },
      },
      async (request, reply) => {
        const item = publicData.item(request.params.itemId)
        try {
          const filed = objections.file(item.id, request.body)
          return sendPage(reply, 201, objectionFiledPage(item, filed.id))
        } catch (err) {
          if (!(err instanceof AppError) || err.statusCode === 404) throw err
          const problem = PROBLEMS[err.code] ?? PROBLEMS.FORM_INVALID!
          const fresh = publicData.item(item.id)
          if (!fresh.objectionsOpen) {
            return sendPage(
              reply,
              err.statusCode,
              errorPage(problem.title, problem.message, { href: `/public/items/${item.id}`, label: '返回该整改任务' }),
            )
          }
          // The item page again, with what was typed and what went wrong, so nothing has to be typed twice.
          return sendPage(
            reply,
            err.statusCode,
            itemPage(fresh, publicData.plan(fresh.planId).title, { ...request.body, error: problem.message }),
          )
        }
      },
    )
  })
}
