import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { errorResponses, IdParam, Instant, Nullable, Text } from '../../lib/schemas.ts'
import type { UnitsService } from './units.service.ts'

export const UnitSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    createdAt: Instant,
    mergedIntoId: Nullable(Type.Integer({ description: 'The unit that took this one over in a merge; null while it stands on its own' })),
    mergedAt: Nullable(Instant),
  },
  { $id: 'Unit', title: 'Unit' },
)

const UnitParams = Type.Object({ unitId: IdParam })

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
    async (request, reply) => reply.code(201).send(units.create(request.body.name, actorOf(request))),
  )
  app.patch(
    '/units/:unitId',
    {
      config: { permission: 'units:edit' },
      schema: {
        tags: ['units'],
        summary: 'Rename a unit: the new name shows everywhere from now on; issued bulletins keep the name they were issued with',
        params: UnitParams,
        body: Type.Object({ name: Text(100) }, { additionalProperties: false }),
        response: { 200: Type.Ref('Unit'), ...errorResponses(403, 404, 409) },
      },
    },
    async (request) => units.rename(actorOf(request), request.params.unitId, request.body.name),
  )
  app.post(
    '/units/:unitId/merge',
    {
      config: { permission: 'units:merge' },
      schema: {
        tags: ['units'],
        summary: 'Merge a unit into another (机构改革): its items, accounts and case leads move; the unit stays, marked merged',
        params: UnitParams,
        body: Type.Object({ intoUnitId: IdParam }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            from: Type.Ref('Unit'),
            into: Type.Ref('Unit'),
            movedItems: Type.Array(
              Type.Object({
                itemId: Type.Integer(),
                code: Type.String(),
                as: Type.Union([Type.Literal('lead'), Type.Literal('responsible')]),
              }),
            ),
            movedAccounts: Type.Integer(),
            movedCaseLeads: Type.Integer(),
          }),
          ...errorResponses(403, 404, 409),
        },
      },
    },
    async (request) => {
      const result = units.merge(actorOf(request), request.params.unitId, request.body.intoUnitId)
      return {
        from: result.from,
        into: result.into,
        movedItems: result.items,
        movedAccounts: result.accounts,
        movedCaseLeads: result.caseLeads,
      }
    },
  )
}
