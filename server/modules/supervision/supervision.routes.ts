import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { errorResponses, Nullable } from '../../lib/schemas.ts'
import { ItemIdParams } from '../items/items.schemas.ts'
import type { SupervisionService } from './supervision.service.ts'
import {
  AcknowledgeBody,
  OpenSupervisionBody,
  ReplyBody,
  ResolveBody,
  SendBackBody,
  SupervisionIdParams,
  SupervisionList,
  SupervisionListQuery,
} from './supervision.schemas.ts'

export const supervisionRoutes: FastifyPluginAsyncTypebox<{ supervision: SupervisionService }> = async (app, { supervision }) => {
  app.get(
    '/supervisions',
    {
      config: { permission: 'supervisions:read' },
      schema: {
        tags: ['supervision'],
        summary: 'Joint supervisions (联合督办) the caller may see, filtered, in pages',
        description: 'A unit sees the supervisions of items it leads or shares. overdueReply=true: awaiting a reply past its deadline.',
        querystring: SupervisionListQuery,
        response: { 200: SupervisionList, ...errorResponses(403) },
      },
    },
    async (request) => supervision.list(actorOf(request), request.query),
  )

  app.get(
    '/supervisions/:supervisionId',
    {
      config: { permission: 'supervisions:read' },
      schema: {
        tags: ['supervision'],
        summary: 'One supervision notice (督办单) with its steps; ?format=html is the printable page',
        params: SupervisionIdParams,
        querystring: Type.Object(
          { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html')])) },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: 'The notice as JSON, or as a printable Chinese page (format=html)',
            content: {
              'application/json': { schema: Type.Ref('Supervision') },
              'text/html': { schema: Type.String() },
            },
          },
          ...errorResponses(403, 404),
        },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      if (request.query.format === 'html') {
        return reply.type('text/html; charset=utf-8').send(supervision.renderNotice(actor, request.params.supervisionId))
      }
      return reply.type('application/json; charset=utf-8').send(supervision.get(actor, request.params.supervisionId))
    },
  )

  app.post(
    '/items/:itemId/supervisions',
    {
      config: { permission: 'supervisions:open' },
      schema: {
        tags: ['supervision'],
        summary: 'Open joint supervision on an item by hand, with a reason',
        description:
          'The reply is due replyDueDays (default 15) after today in the plan time zone. 409 SUPERVISION_ALREADY_OPEN, 409 ITEM_NOT_OPEN.',
        params: ItemIdParams,
        body: OpenSupervisionBody,
        response: { 201: Type.Ref('Supervision'), ...errorResponses(403, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(supervision.open(actorOf(request), request.params.itemId, request.body)),
  )

  app.post(
    '/supervisions/:supervisionId/acknowledge',
    {
      config: { permission: 'supervisions:answer' },
      schema: {
        tags: ['supervision'],
        summary: 'The lead unit acknowledges receipt (签收)',
        params: SupervisionIdParams,
        body: Nullable(AcknowledgeBody),
        response: { 200: Type.Ref('Supervision'), ...errorResponses(403, 404, 409) },
      },
    },
    async (request) => supervision.acknowledge(actorOf(request), request.params.supervisionId, request.body ?? {}),
  )

  app.post(
    '/supervisions/:supervisionId/reply',
    {
      config: { permission: 'supervisions:answer' },
      schema: {
        tags: ['supervision'],
        summary: 'The lead unit replies, citing evidence filed on the item; a reply after the deadline is flagged',
        params: SupervisionIdParams,
        body: ReplyBody,
        response: { 200: Type.Ref('Supervision'), ...errorResponses(403, 404, 409, 422) },
      },
    },
    async (request) => supervision.reply(actorOf(request), request.params.supervisionId, request.body),
  )

  app.post(
    '/supervisions/:supervisionId/send-back',
    {
      config: { permission: 'supervisions:decide' },
      schema: {
        tags: ['supervision'],
        summary: 'A supervisor sends the reply back for a new one (by a new deadline when replyDueDays is given)',
        params: SupervisionIdParams,
        body: SendBackBody,
        response: { 200: Type.Ref('Supervision'), ...errorResponses(403, 404, 409, 422) },
      },
    },
    async (request) => supervision.sendBack(actorOf(request), request.params.supervisionId, request.body),
  )

  app.post(
    '/supervisions/:supervisionId/resolve',
    {
      config: { permission: 'supervisions:decide' },
      schema: {
        tags: ['supervision'],
        summary: 'A supervisor resolves the supervision (办结) with a comment',
        params: SupervisionIdParams,
        body: ResolveBody,
        response: { 200: Type.Ref('Supervision'), ...errorResponses(403, 404, 409, 422) },
      },
    },
    async (request) => supervision.resolve(actorOf(request), request.params.supervisionId, request.body),
  )
}
