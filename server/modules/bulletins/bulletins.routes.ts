import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { attachmentDisposition } from '../../lib/content-disposition.ts'
import { errorResponses, IdParam, PeriodString } from '../../lib/schemas.ts'
import { lazy } from '../../lib/lazy.ts'
import { BulletinSummarySchema } from './bulletins.schemas.ts'
import type { BulletinsService } from './bulletins.service.ts'

// Loaded on first use: the renderers bring in large libraries (see lib/lazy.ts).
const htmlRenderer = lazy(() => import('./bulletin.html.ts'))
const xlsxRenderer = lazy(() => import('./bulletin.xlsx.ts'))

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const PlanPeriodParams = Type.Object({ planId: IdParam, period: PeriodString })

export const bulletinsRoutes: FastifyPluginAsyncTypebox<{ bulletins: BulletinsService }> = async (app, { bulletins }) => {
  app.get(
    '/plans/:planId/bulletins',
    {
      config: { permission: 'bulletins:read' },
      schema: {
        tags: ['bulletins'],
        summary: 'The bulletins issued for a plan, oldest first',
        params: Type.Object({ planId: IdParam }),
        response: { 200: Type.Array(BulletinSummarySchema), ...errorResponses(403, 404) },
      },
    },
    async (request) => bulletins.list(actorOf(request), request.params.planId),
  )

  app.post(
    '/plans/:planId/bulletins',
    {
      config: { permission: 'bulletins:issue' },
      schema: {
        tags: ['bulletins'],
        summary: 'Issue the bulletin of a finished month (201), or get the one already issued (200, unchanged)',
        params: Type.Object({ planId: IdParam }),
        body: Type.Object({ period: PeriodString }, { additionalProperties: false }),
        response: {
          200: { ...Type.Ref('Bulletin'), description: 'The bulletin already issued for that month, unchanged' },
          201: { ...Type.Ref('Bulletin'), description: 'Issued: the new bulletin, stored with its SHA-256' },
          ...errorResponses(403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const { bulletin, created } = bulletins.issue(actorOf(request), request.params.planId, request.body.period)
      return reply.code(created ? 201 : 200).send(bulletin)
    },
  )

  app.get(
    '/plans/:planId/bulletins/:period',
    {
      config: { permission: 'bulletins:read' },
      schema: {
        tags: ['bulletins'],
        summary: 'One bulletin: JSON, a printable page (?format=html) or a workbook (?format=xlsx)',
        params: PlanPeriodParams,
        querystring: Type.Object(
          { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html'), Type.Literal('xlsx')])) },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: 'The bulletin as JSON (default), as the printable A4 page (format=html) or as a workbook (format=xlsx)',
            headers: {
              ETag: { type: 'string', description: "The bulletin's SHA-256, quoted: it never changes once issued" },
              'Content-Disposition': {
                type: 'string',
                description:
                  'format=xlsx: attachment; filename="bulletin-plan1-2026-10.xlsx"; filename*=UTF-8\'\'<plan title>-2026-10-月通报.xlsx',
              },
            },
            content: {
              'application/json': { schema: Type.Ref('Bulletin') },
              'text/html': { schema: Type.String({ description: 'A printable Chinese page (format=html)' }) },
              [XLSX_TYPE]: { schema: Type.String({ format: 'binary', description: 'The workbook (format=xlsx)' }) },
            },
          },
          ...errorResponses(403, 404),
        },
      },
    },
    async (request, reply) => {
      const bulletin = bulletins.get(actorOf(request), request.params.planId, request.params.period)
      void reply.header('etag', `"${bulletin.contentHash}"`)
      if (request.query.format === 'html') {
        const { renderBulletinHtml } = await htmlRenderer()
        return reply.type('text/html; charset=utf-8').send(renderBulletinHtml(bulletin))
      }
      if (request.query.format === 'xlsx') {
        const fileName = `${bulletin.planTitle}-${bulletin.period}-月通报.xlsx`
        return reply
          .type(XLSX_TYPE)
          .header('content-disposition', attachmentDisposition(fileName, `bulletin-plan${bulletin.planId}-${bulletin.period}.xlsx`))
          .send(await (await xlsxRenderer()).renderBulletinXlsx(bulletin))
      }
      return bulletin
    },
  )

  app.post(
    '/plans/:planId/bulletins/:period/publish',
    {
      config: { permission: 'bulletins:publish' },
      schema: {
        tags: ['bulletins'],
        summary: 'Publish an issued bulletin on the public side',
        params: PlanPeriodParams,
        response: { 200: Type.Ref('Bulletin'), ...errorResponses(403, 404) },
      },
    },
    async (request) => bulletins.publish(actorOf(request), request.params.planId, request.params.period),
  )
}
