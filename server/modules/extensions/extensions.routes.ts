import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { DateString, errorResponses, IdParam, Instant, Nullable, Text } from '../../lib/schemas.ts'
import { ItemIdParams } from '../items/items.schemas.ts'
import type { ExtensionsService } from './extensions.service.ts'

const Extension = Type.Object(
  {
    id: Type.Integer(),
    itemId: Type.Integer(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
    oldDeadline: Type.String({ format: 'date' }),
    newDeadline: Type.String({ format: 'date' }),
    reason: Type.String(),
    progress: Type.String(),
    requestedAt: Instant,
    requestedBy: Type.Integer(),
    decidedAt: Nullable(Instant),
    decidedBy: Nullable(Type.Integer()),
    decisionComment: Nullable(Type.String()),
  },
  { $id: 'Extension', title: 'Extension' },
)

export const extensionSchemas = [Extension]

export const extensionsRoutes: FastifyPluginAsyncTypebox<{ extensions: ExtensionsService }> = async (app, { extensions }) => {
  app.get(
    '/items/:itemId/extensions',
    {
      config: { permission: 'extensions:read' },
      schema: {
        tags: ['extensions'],
        summary: 'Extension requests of an item',
        params: ItemIdParams,
        response: { 200: Type.Array(Type.Ref('Extension')), ...errorResponses(403, 404) },
      },
    },
    async (request) => extensions.list(actorOf(request), request.params.itemId),
  )
  app.post(
    '/items/:itemId/extensions',
    {
      config: { permission: 'extensions:request' },
      schema: {
        tags: ['extensions'],
        summary: 'Request a later deadline (延期), before the current one passes',
        params: ItemIdParams,
        body: Type.Object({ newDeadline: DateString, reason: Text(2000), progress: Text(4000) }, { additionalProperties: false }),
        response: { 201: Type.Ref('Extension'), ...errorResponses(403, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(extensions.request(actorOf(request), request.params.itemId, request.body)),
  )
  app.post(
    '/extensions/:extensionId/decision',
    {
      config: { permission: 'extensions:decide' },
      schema: {
        tags: ['extensions'],
        summary: 'Approve (the deadline moves) or reject an extension request',
        params: Type.Object({ extensionId: IdParam }),
        body: Type.Object(
          { decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]), comment: Text(2000) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Extension'), ...errorResponses(403, 404, 409, 422) },
      },
    },
    async (request) => extensions.decide(actorOf(request), request.params.extensionId, request.body),
  )
}
