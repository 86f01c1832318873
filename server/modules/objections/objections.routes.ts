import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { errorResponses, IdParam, Instant, Nullable, Text } from '../../lib/schemas.ts'
import { ItemIdParams } from '../items/items.schemas.ts'
import type { ObjectionsService } from './objections.service.ts'

const ObjectionStatusSchema = Type.Union(['pending', 'upheld', 'dismissed', 'superseded'].map((s) => Type.Literal(s)))

const Objection = Type.Object(
  {
    id: Type.Integer(),
    itemId: Type.Integer(),
    contact: Type.String(),
    content: Type.String(),
    status: ObjectionStatusSchema,
    filedAt: Instant,
    decidedAt: Nullable(Instant),
    decidedBy: Nullable(Type.Integer()),
    decisionComment: Nullable(Type.String()),
  },
  { $id: 'Objection', title: 'Objection' },
)

export const objectionSchemas = [Objection]

/**
 * The hourly allowance of objections per client, one count across the JSON route and the public page's form (the
 * same `groupId`): filing through both does not double it.
 */
export function objectionRateLimit(perHour: number): { max: number; timeWindow: string; groupId: string } {
  return { max: perHour, timeWindow: '1 hour', groupId: 'objections' }
}

export const objectionsRoutes: FastifyPluginAsyncTypebox<{ objections: ObjectionsService }> = async (app, { objections }) => {
  app.get(
    '/objections',
    {
      config: { permission: 'objections:read' },
      schema: {
        tags: ['objections'],
        summary: 'Objections filed during public notices',
        querystring: Type.Object(
          { itemId: Type.Optional(IdParam), status: Type.Optional(ObjectionStatusSchema) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(Type.Ref('Objection')), ...errorResponses(403) },
      },
    },
    async (request) => objections.list(request.query as { itemId?: number; status?: 'pending' }),
  )
  app.post(
    '/objections/:objectionId/decision',
    {
      config: { permission: 'objections:decide' },
      schema: {
        tags: ['objections'],
        summary: 'Uphold (the item goes back to rectification) or dismiss an objection',
        params: Type.Object({ objectionId: IdParam }),
        body: Type.Object(
          { decision: Type.Union([Type.Literal('uphold'), Type.Literal('dismiss')]), comment: Text(2000) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Objection'), ...errorResponses(403, 404, 409, 422) },
      },
    },
    async (request) => objections.decide(actorOf(request), request.params.objectionId, request.body),
  )
}

/** Routes the public calls without an account; rate-limited by the scope they are registered in. */
export const publicObjectionRoutes: FastifyPluginAsyncTypebox<{ objections: ObjectionsService; perHour: number }> = async (
  app,
  { objections, perHour },
) => {
  app.post(
    '/items/:itemId/objections',
    {
      config: { rateLimit: objectionRateLimit(perHour) },
      schema: {
        tags: ['public'],
        summary: 'File an objection (异议) while an item is in public notice',
        security: [],
        params: ItemIdParams,
        body: Type.Object(
          {
            contact: Text(200, { description: 'How the office can reach you (phone or e-mail)' }),
            content: Text(4000, { description: 'What you object to, with the facts you know' }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ id: Type.Integer(), itemId: Type.Integer(), status: Type.String(), filedAt: Instant, message: Type.String() }),
          ...errorResponses(404, 409, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const row = objections.file(request.params.itemId, request.body)
      return reply.code(201).send({
        id: row.id,
        itemId: row.itemId,
        status: row.status,
        filedAt: row.filedAt,
        message: '您的异议已收到，整改办将在公示期结束前核实处理。',
      })
    },
  )
}
