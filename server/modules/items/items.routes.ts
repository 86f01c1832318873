import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { actorView } from '../events/audit-actor.ts'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { AppError } from '../../errors.ts'
import { errorResponses } from '../../lib/schemas.ts'
import type { ItemEventRow } from '../events/events.repo.ts'
import type { ItemsService } from './items.service.ts'
import { ItemCreateBody, ItemEvent, ItemIdParams, ItemListQuery, ItemPatchBody, PlanIdParams } from './items.schemas.ts'

/** `If-Match: "7"`, `W/"7"` or `7` → 7; anything else is refused rather than guessed. */
function parseIfMatch(header: string | undefined): number {
  if (header === undefined || header.trim() === '') {
    throw new AppError(428, 'PRECONDITION_REQUIRED', 'Send If-Match with the version you last read (the ETag of GET /items/:id)')
  }
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim())
  if (!match) throw new AppError(400, 'INVALID_IF_MATCH', 'If-Match must be the item version, e.g. "3"')
  return Number(match[1])
}

export function eventView(e: ItemEventRow) {
  return {
    id: e.id,
    itemId: e.itemId,
    at: e.at,
    actor: actorView(e),
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    comment: e.comment,
    details: e.details,
  }
}

export const itemsRoutes: FastifyPluginAsyncTypebox<{ items: ItemsService }> = async (app, { items }) => {
  app.post(
    '/plans/:planId/items',
    {
      config: { permission: 'items:create' },
      schema: {
        tags: ['items'],
        summary: 'Add an item to a plan',
        params: PlanIdParams,
        body: ItemCreateBody,
        response: { 201: Type.Ref('Item'), ...errorResponses(403, 404, 409) },
      },
    },
    async (request, reply) => {
      const body = request.body
      const view = items.create(actorOf(request), request.params.planId, {
        ...body,
        responsibleUnitIds: body.responsibleUnitIds ?? [],
        deadline: body.deadline ?? null,
        deadlineText: body.deadlineText ?? '',
        note: body.note ?? '',
      })
      void reply.header('etag', `"${view.version}"`)
      return reply.code(201).send(view)
    },
  )

  app.get(
    '/items',
    {
      config: { permission: 'items:list' },
      schema: {
        tags: ['items'],
        summary: 'List items the caller may see, filtered, in pages',
        querystring: ItemListQuery,
        response: { 200: Type.Ref('ItemList'), ...errorResponses(403) },
      },
    },
    async (request) => items.list(actorOf(request), request.query),
  )

  app.get(
    '/items/:itemId',
    {
      config: { permission: 'items:read' },
      schema: {
        tags: ['items'],
        summary: 'One item, with what the caller may do with it',
        params: ItemIdParams,
        response: { 200: Type.Ref('Item'), ...errorResponses(403, 404) },
      },
    },
    async (request, reply) => {
      const view = items.get(actorOf(request), request.params.itemId)
      void reply.header('etag', `"${view.version}"`)
      return view
    },
  )

  app.patch(
    '/items/:itemId',
    {
      config: { permission: 'items:edit' },
      schema: {
        tags: ['items'],
        summary: 'Edit an item (If-Match: its current version)',
        params: ItemIdParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 40 })) }),
        body: ItemPatchBody,
        response: { 200: Type.Ref('Item'), ...errorResponses(403, 404, 409, 428) },
      },
    },
    async (request, reply) => {
      const version = parseIfMatch(request.headers['if-match'])
      const view = items.edit(actorOf(request), request.params.itemId, version, request.body)
      void reply.header('etag', `"${view.version}"`)
      return view
    },
  )

  app.get(
    '/items/:itemId/events',
    {
      config: { permission: 'items:events' },
      schema: {
        tags: ['items'],
        summary: 'The audit trail of an item, oldest first',
        params: ItemIdParams,
        response: { 200: Type.Array(Type.Ref('ItemEvent')), ...errorResponses(403, 404) },
      },
    },
    async (request) => items.events(actorOf(request), request.params.itemId).map(eventView),
  )
}

export const itemSchemas = [ItemEvent]
