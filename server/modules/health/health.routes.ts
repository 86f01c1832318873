import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Sqlite } from '../../../db/client.ts'

const Health = Type.Object({ status: Type.String() })
// A probe answers whatever query string a monitor adds (a cache-buster, say): API.md's 200 while the process runs.
// Its one 4xx is the URL no route could read (400 BAD_URL, as on every path).
const BadUrl = Type.Ref('ErrorResponse', { 'x-response-description': 'The URL is malformed (400 BAD_URL).' })

export const healthRoutes: FastifyPluginAsyncTypebox<{ sqlite: Sqlite }> = async (app, { sqlite }) => {
  const ping = sqlite.prepare('select 1 as ok')
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'The process is up',
        security: [],
        response: { 200: Health, 400: BadUrl },
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
        response: {
          200: Health,
          400: BadUrl,
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
