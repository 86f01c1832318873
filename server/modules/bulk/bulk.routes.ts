import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import { unprocessable } from '../../errors.ts'
import { actorOf } from '../../plugins/auth.ts'
import { errorResponses, IdParam, Nullable, Text } from '../../lib/schemas.ts'
import { ItemListQuery } from '../items/items.schemas.ts'
import { BULK_MAX_ITEMS, type BulkService, type BulkTarget } from './bulk.service.ts'

const { cursor: _c, limit: _l, view: _v, ...filterFields } = ItemListQuery.properties
const BulkFilter = Type.Object(filterFields, {
  additionalProperties: false,
  description: 'The filters of GET /items: every item the caller sees that matches',
})
const ItemIds = Type.Array(IdParam, { minItems: 1, maxItems: BULK_MAX_ITEMS, description: 'The items, by id' })

const BulkOutcome = Type.Object(
  {
    itemId: Type.Integer(),
    code: Nullable(Type.String({ description: "The item's code (null when it was not found)" })),
    ok: Type.Boolean(),
    eventId: Type.Optional(Type.Integer({ description: 'urge: the audited event written on the item' })),
    supervisionId: Type.Optional(Type.Integer({ description: 'supervise: the notice opened' })),
    number: Type.Optional(Type.String({ description: 'supervise: the notice number, 督办〔年〕第N号' })),
    error: Type.Optional(
      Type.Object({
        code: Type.String({ description: 'ITEM_NOT_FOUND, ITEM_CLOSED, ITEM_NOT_OPEN, SUPERVISION_ALREADY_OPEN' }),
        message: Type.String(),
        reason: Type.String({ description: 'The refusal in Chinese, as the workbench shows it' }),
      }),
    ),
  },
  { $id: 'BulkOutcome', title: 'BulkOutcome' },
)

const BulkResult = Type.Object(
  {
    action: Type.Union([Type.Literal('urge'), Type.Literal('supervise')]),
    succeeded: Type.Integer(),
    refused: Type.Integer(),
    outcomes: Type.Array(Type.Ref('BulkOutcome')),
  },
  { $id: 'BulkResult', title: 'BulkResult' },
)

export const bulkSchemas = [BulkOutcome, BulkResult]

const UrgeBody = Type.Object(
  {
    itemIds: Type.Optional(ItemIds),
    filter: Type.Optional(BulkFilter),
    note: Text(2000, { description: 'The note sent with the urge (催办)' }),
  },
  { additionalProperties: false },
)
const SuperviseBody = Type.Object(
  {
    itemIds: Type.Optional(ItemIds),
    filter: Type.Optional(BulkFilter),
    reason: Text(2000, { description: 'The reason written on every notice (督办事由)' }),
    replyDueDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
  },
  { additionalProperties: false },
)

function targetOf(body: { itemIds?: number[] | undefined; filter?: Static<typeof BulkFilter> | undefined }): BulkTarget | null {
  if ((body.itemIds === undefined) === (body.filter === undefined)) return null
  return body.itemIds !== undefined ? { itemIds: body.itemIds } : { filter: body.filter! }
}

const description =
  'Exactly one of itemIds or filter. Each item is its own transaction with its own audited event; an item that refuses is reported in outcomes with its code while the others go through. 422 NO_ITEMS, TOO_MANY_ITEMS, TARGET_REQUIRED.'

export const bulkRoutes: FastifyPluginAsyncTypebox<{ bulk: BulkService }> = async (app, { bulk }) => {
  app.post(
    '/items/bulk/urge',
    {
      config: { permission: 'items:urge' },
      schema: {
        tags: ['supervision'],
        summary: 'Urge (催办) many items at once, with a note',
        description,
        body: UrgeBody,
        response: { 200: Type.Ref('BulkResult'), ...errorResponses(403, 422) },
      },
    },
    async (request) => {
      const target = targetOf(request.body)
      if (!target) throw unprocessable('TARGET_REQUIRED', 'Give exactly one of itemIds or filter')
      return bulk.urge(actorOf(request), target, { note: request.body.note })
    },
  )
  app.post(
    '/items/bulk/supervisions',
    {
      config: { permission: 'supervisions:open' },
      schema: {
        tags: ['supervision'],
        summary: 'Open joint supervision (联合督办) on many items at once, with a reason',
        description,
        body: SuperviseBody,
        response: { 200: Type.Ref('BulkResult'), ...errorResponses(403, 422) },
      },
    },
    async (request) => {
      const target = targetOf(request.body)
      if (!target) throw unprocessable('TARGET_REQUIRED', 'Give exactly one of itemIds or filter')
      return bulk.supervise(actorOf(request), target, { reason: request.body.reason, replyDueDays: request.body.replyDueDays })
    },
  )
}
