import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { actorOf } from '../../plugins/auth.ts'
import { errorResponses, IdParam, Instant, Nullable } from '../../lib/schemas.ts'
import type { NotificationsService } from './notifications.service.ts'

const NotificationSchema = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String({ description: 'urge, supervision_opened, closure_rejected, deadline_approaching, report_due …' }),
    title: Type.String(),
    body: Type.String({ description: 'The text, ending with the link to the item (PUBLIC_BASE_URL + /items/:itemId)' }),
    itemId: Nullable(Type.Integer()),
    createdAt: Instant,
    readAt: Nullable(Instant),
  },
  { $id: 'Notification', title: 'Notification' },
)

const Url = Type.String({ minLength: 1, maxLength: 2000, description: 'http or https' })

const ChannelInputSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('dingtalk'),
      url: Url,
      secret: Type.Optional(Type.String({ maxLength: 200, description: 'The robot’s signing secret (加签)' })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('wecom'), url: Url }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('email'), address: Type.String({ minLength: 3, maxLength: 254 }) }, { additionalProperties: false }),
])

const ChannelSchema = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.Union([Type.Literal('dingtalk'), Type.Literal('wecom'), Type.Literal('email')]),
    url: Type.Optional(Type.String({ description: 'The webhook, its query values (the robot’s token) hidden' })),
    hasSecret: Type.Optional(Type.Boolean({ description: 'A signing secret is set (never shown)' })),
    address: Type.Optional(Type.String()),
    configured: Type.Boolean({ description: 'false for e-mail while SMTP_URL is not set' }),
  },
  { $id: 'NotificationChannel', title: 'NotificationChannel' },
)

const ChannelsSchema = Type.Object({ channels: Type.Array(Type.Ref('NotificationChannel')) })

const DeliveryStatus = Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed'), Type.Literal('dead')])

const DeliverySchema = Type.Object(
  {
    id: Type.Integer(),
    status: DeliveryStatus,
    attempts: Type.Integer(),
    lastError: Nullable(Type.String()),
    nextAttemptAt: Nullable(Instant),
    createdAt: Instant,
    sentAt: Nullable(Instant),
    channel: Type.Object({
      id: Type.Integer(),
      kind: Type.String(),
      target: Type.String({ description: 'The address, or the webhook with its token hidden' }),
      unitId: Type.Integer(),
      unitName: Type.String(),
      removed: Type.Boolean(),
    }),
    notification: Type.Object({ id: Type.Integer(), kind: Type.String(), title: Type.String(), itemId: Nullable(Type.Integer()) }),
  },
  { $id: 'NotificationDelivery', title: 'NotificationDelivery' },
)

export const notificationSchemas = [NotificationSchema, ChannelSchema, DeliverySchema]

export const notificationsRoutes: FastifyPluginAsyncTypebox<{ notifications: NotificationsService }> = async (app, { notifications }) => {
  app.get(
    '/me/notifications',
    {
      config: { permission: 'notifications:read' },
      schema: {
        tags: ['notifications'],
        summary: 'My messages (消息), newest first, and how many are unread',
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            beforeId: Type.Optional(IdParam),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ notifications: Type.Array(Type.Ref('Notification')), unread: Type.Integer() }),
          ...errorResponses(403),
        },
      },
    },
    async (request) => notifications.list(actorOf(request), request.query.limit, request.query.beforeId),
  )
  app.post(
    '/me/notifications/:notificationId/read',
    {
      config: { permission: 'notifications:read' },
      schema: {
        tags: ['notifications'],
        summary: 'Mark one of my messages read (someone else’s: 404)',
        params: Type.Object({ notificationId: IdParam }),
        response: { 200: Type.Ref('Notification'), ...errorResponses(403, 404) },
      },
    },
    async (request) => notifications.markRead(actorOf(request), request.params.notificationId),
  )
  app.post(
    '/me/notifications/read-all',
    {
      config: { permission: 'notifications:read' },
      schema: {
        tags: ['notifications'],
        summary: 'Mark all my messages read',
        response: { 200: Type.Object({ marked: Type.Integer(), unread: Type.Integer() }), ...errorResponses(403) },
      },
    },
    async (request) => notifications.markAllRead(actorOf(request)),
  )
  app.get(
    '/units/:unitId/channels',
    {
      config: { permission: 'channels:read' },
      schema: {
        tags: ['notifications'],
        summary: 'Where a unit’s messages go (secrets never shown)',
        params: Type.Object({ unitId: IdParam }),
        response: { 200: ChannelsSchema, ...errorResponses(403, 404) },
      },
    },
    async (request) => notifications.channels(request.params.unitId),
  )
  app.put(
    '/units/:unitId/channels',
    {
      config: { permission: 'channels:edit' },
      schema: {
        tags: ['notifications'],
        summary: 'Set where a unit’s messages go: DingTalk or WeCom group robots, e-mail (replaces the list)',
        params: Type.Object({ unitId: IdParam }),
        body: Type.Object({ channels: Type.Array(ChannelInputSchema, { maxItems: 10 }) }, { additionalProperties: false }),
        response: { 200: ChannelsSchema, ...errorResponses(403, 404, 409) },
      },
    },
    async (request) => notifications.setChannels(actorOf(request), request.params.unitId, request.body.channels),
  )
  app.get(
    '/notifications/deliveries',
    {
      config: { permission: 'deliveries:read' },
      schema: {
        tags: ['notifications'],
        summary: 'Deliveries to channels, newest first, with their attempts and last error',
        querystring: Type.Object(
          {
            status: Type.Optional(DeliveryStatus),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            beforeId: Type.Optional(IdParam),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ deliveries: Type.Array(Type.Ref('NotificationDelivery')) }), ...errorResponses(403) },
      },
    },
    async (request) => notifications.deliveries(request.query),
  )
  app.post(
    '/notifications/deliveries/:deliveryId/retry',
    {
      config: { permission: 'deliveries:retry' },
      schema: {
        tags: ['notifications'],
        summary: 'Send a failed or dead delivery again (with a fresh count of tries)',
        params: Type.Object({ deliveryId: IdParam }),
        response: { 200: Type.Ref('NotificationDelivery'), ...errorResponses(403, 404, 409) },
      },
    },
    async (request) => notifications.retryDelivery(request.params.deliveryId),
  )
}
