import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { DateString, errorResponses, Instant, Nullable, Text } from '../../lib/schemas.ts'
import type { ItemsService } from '../items/items.service.ts'
import { ItemActionSchema, ItemIdParams } from '../items/items.schemas.ts'
import type { CloseoutService } from './closeout.service.ts'

const CalendarOverride = Type.Object({
  date: Type.String({ format: 'date' }),
  kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')]),
  note: Nullable(Type.String()),
  createdAt: Instant,
  createdBy: Nullable(Type.Integer()),
})

export const closeoutRoutes: FastifyPluginAsyncTypebox<{ closeout: CloseoutService; items: ItemsService }> = async (
  app,
  { closeout, items },
) => {
  app.post(
    '/items/:itemId/transitions',
    {
      config: { permission: 'items:transition' },
      schema: {
        tags: ['close-out'],
        summary: 'Move an item through the close-out workflow',
        description:
          'comment carries the self-check statement (request_closure), the reason (reject, reopen, uphold_objection) ' +
          'or the acceptance opinion (accept). 409 VERSION_CONFLICT when expectedVersion is stale, 409 ILLEGAL_TRANSITION ' +
          'naming the allowed actions, 422 for a rule not met (EVIDENCE_REQUIRED, COMMENT_REQUIRED, VERIFIER_NOT_INDEPENDENT, NOTICE_NOT_ENDED, OBJECTION_PENDING).',
        params: ItemIdParams,
        body: Type.Object(
          {
            action: ItemActionSchema,
            expectedVersion: Type.Integer({ minimum: 1 }),
            comment: Type.Optional(Type.String({ maxLength: 4000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('Item'), ...errorResponses(403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const view = items.transition(actorOf(request), request.params.itemId, request.body)
      void reply.header('etag', `"${view.version}"`)
      return view
    },
  )

  app.get(
    '/calendar/overrides',
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags: ['calendar'],
        summary: 'Holidays and workdays added by hand to the official calendar',
        response: { 200: Type.Array(CalendarOverride), ...errorResponses(403) },
      },
    },
    async () => closeout.calendarOverrides(),
  )
  app.post(
    '/calendar/overrides',
    {
      config: { permission: 'calendar:edit' },
      schema: {
        tags: ['calendar'],
        summary: 'Declare a date a holiday or a working day (for years past the official data, or corrections)',
        body: Type.Object(
          { date: DateString, kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')]), note: Type.Optional(Text(200)) },
          { additionalProperties: false },
        ),
        response: { 201: CalendarOverride, ...errorResponses(403) },
      },
    },
    async (request, reply) => reply.code(201).send(closeout.setCalendarOverride(actorOf(request), request.body)),
  )
  app.delete(
    '/calendar/overrides/:date',
    {
      config: { permission: 'calendar:edit' },
      schema: {
        tags: ['calendar'],
        summary: 'Remove a date added by hand',
        params: Type.Object({ date: DateString }),
        response: { 204: Type.Null(), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      closeout.removeCalendarOverride(request.params.date)
      return reply.code(204).send(null)
    },
  )
}
