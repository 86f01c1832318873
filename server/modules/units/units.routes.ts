import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errorResponses, Instant, Text } from '../../lib/schemas.ts'
import type { UnitsService } from './units.service.ts'

export const UnitSchema = Type.Object({ id: Type.Integer(), name: Type.String(), createdAt: Instant }, { $id: 'Unit', title: 'Unit' })

export const unitsRoutes: FastifyPluginAsyncTypebox<{ units: UnitsService }> = async (app, { units }) => {
  app.get(
    '/units',
    {
      config: { permission: 'units:list' },
      schema: { tags: ['units'], summary: 'All units', response: { 200: Type.Array(Type.Ref('Unit')), ...errorResponses(403) } },
    },
    async () => units.list(),
  )
  app.post(
    '/units',
    {
      config: { permission: 'units:create' },
      schema: {
        tags: ['units'],
        summary: 'Add a unit (names are unique)',
        body: Type.Object({ name: Text(100) }, { additionalProperties: false }),
        response: { 201: Type.Ref('Unit'), ...errorResponses(403, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(units.create(request.body.name)),
  )
}
