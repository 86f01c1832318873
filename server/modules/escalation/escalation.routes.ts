import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { errorResponses, Nullable } from '../../lib/schemas.ts'
import type { EscalationService } from './escalation.service.ts'

export const escalationRoutes: FastifyPluginAsyncTypebox<{ escalation: EscalationService }> = async (app, { escalation }) => {
  app.post(
    '/escalations/run',
    {
      config: { permission: 'escalations:run' },
      schema: {
        tags: ['supervision'],
        summary: 'Run the escalation sweep now (催办 → 联合督办) and say what it did',
        description: 'The same sweep as the daily job; running it twice in a row changes nothing the second time.',
        // Nothing to send: a bare POST will do.
        body: Nullable(Type.Object({}, { additionalProperties: false })),
        response: { 200: Type.Ref('EscalationRun'), ...errorResponses(403) },
      },
    },
    async (request) => escalation.sweep(undefined, actorOf(request)),
  )
}
