import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { errorResponses, IdParam, Instant, Nullable, Text } from '../../lib/schemas.ts'
import { ROLES } from '../../domain/actors.ts'
import type { AccountsService } from './accounts.service.ts'

const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)))

export const AccountSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    role: RoleSchema,
    unitId: Nullable(Type.Integer()),
    unitName: Nullable(Type.String()),
    createdAt: Instant,
  },
  { $id: 'Account', title: 'Account' },
)

export const accountsRoutes: FastifyPluginAsyncTypebox<{ accounts: AccountsService }> = async (app, { accounts }) => {
  app.get(
    '/me',
    {
      config: { permission: 'me:read' },
      schema: { tags: ['accounts'], summary: 'The account behind the token', response: { 200: Type.Ref('Account'), ...errorResponses() } },
    },
    async (request) => accounts.get(actorOf(request).accountId),
  )
  app.get(
    '/accounts',
    {
      config: { permission: 'accounts:list' },
      schema: {
        tags: ['accounts'],
        summary: 'All accounts (never their tokens)',
        response: { 200: Type.Array(Type.Ref('Account')), ...errorResponses(403) },
      },
    },
    async () => accounts.list(),
  )
  app.post(
    '/accounts',
    {
      config: { permission: 'accounts:create' },
      schema: {
        tags: ['accounts'],
        summary: 'Create an account; its bearer token is in this response and nowhere else',
        body: Type.Object({ name: Text(100), role: RoleSchema, unitId: Type.Optional(Nullable(IdParam)) }, { additionalProperties: false }),
        response: {
          201: Type.Object({ account: Type.Ref('Account'), token: Type.String() }),
          ...errorResponses(403, 404),
        },
      },
    },
    async (request, reply) => reply.code(201).send(accounts.create(request.body)),
  )
}
