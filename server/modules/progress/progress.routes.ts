import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { errorResponses, IdParam, Instant, Nullable, PeriodString, Text, UnitRef } from '../../lib/schemas.ts'
import { ItemIdParams } from '../items/items.schemas.ts'
import type { ProgressService } from './progress.service.ts'

const ProgressReport = Type.Object(
  {
    id: Type.Integer(),
    itemId: Type.Integer(),
    unit: UnitRef,
    period: Type.String(),
    text: Type.String(),
    percent: Nullable(Type.Integer()),
    correctsReportId: Nullable(Type.Integer()),
    createdAt: Instant,
    createdBy: Type.String(),
  },
  { $id: 'ProgressReport', title: 'ProgressReport' },
)

export const progressSchemas = [ProgressReport]

export const progressRoutes: FastifyPluginAsyncTypebox<{ progress: ProgressService }> = async (app, { progress }) => {
  app.get(
    '/items/:itemId/progress-reports',
    {
      config: { permission: 'reports:read' },
      schema: {
        tags: ['progress'],
        summary: 'Monthly progress reports on an item, oldest first',
        params: ItemIdParams,
        response: { 200: Type.Array(Type.Ref('ProgressReport')), ...errorResponses(403, 404) },
      },
    },
    async (request) => progress.list(actorOf(request), request.params.itemId),
  )
  app.post(
    '/items/:itemId/progress-reports',
    {
      config: { permission: 'reports:create' },
      schema: {
        tags: ['progress'],
        summary: 'Report progress for a month (月调度); a correction is a new report naming the corrected one',
        params: ItemIdParams,
        body: Type.Object(
          {
            period: PeriodString,
            text: Text(4000),
            percent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
            correctsReportId: Type.Optional(IdParam),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Ref('ProgressReport'), ...errorResponses(403, 404, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(progress.file(actorOf(request), request.params.itemId, request.body)),
  )
}
