import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Sqlite } from '../../../db/client.ts'

const Health = Type.Object({ status: Type.String() })
// A probe takes no input; a query string is refused as on every route that declares one (400 VALIDATION_FAILED),
// so an operator's typo (`/readyz?verbose`) is told rather than ignored.
const NoQuery = Type.Object({}, { additionalProperties: false })

export const healthRoutes: FastifyPluginAsyncTypebox<{ sqlite: Sqlite }> = async (app, { sqlite }) => {
  const ping = sqlite.prepare('select 1 as ok')
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'The process is up',
        security: [],
        querystring: NoQuery,
        response: { 200: Health, 400: Type.Ref('ErrorResponse') },
      },
    },
    async () => ({ status: 'ok' }),
  )
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'The database answers',
        security: [],
        querystring: NoQuery,
        response: {
          200: Health,
          400: Type.Ref('ErrorResponse'),
          503: Type.Object({ status: Type.String() }, { 'x-response-description': 'The database does not answer: not ready for traffic.' }),
        },
      },
    },
    async (_request, reply) => {
      try {
        ping.get()
        return { status: 'ready' }
      } catch {
        return reply.code(503).send({ status: 'database unavailable' })
      }
    },
  )
}
