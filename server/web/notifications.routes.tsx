// Messages (消息) in the workbench: every account's list with mark read and mark all read; the deliveries to units'
// robots and mailboxes for the admin and the office (重试); a unit's channels for the admin. Registered inside the
// workbench's plugin (sessions, CSRF, error pages); every form calls the same service as the API and redirects.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Config } from '../config.ts'
import { AppError, notFound } from '../errors.ts'
import { IdParam } from '../lib/schemas.ts'
import { MAX_CHANNELS, type ChannelChange, type ChannelInput } from '../modules/notifications/notifications.service.ts'
import type { Services } from '../services.ts'
import type { Flash } from './components.tsx'
import { longDateTime } from './format.ts'
import { ChannelsPage, DeliveriesPage, MessagesPage, type ChannelFormState, type FieldErrors, type FieldValues } from './pages/messages.tsx'
import { webActorOf } from './web-auth.ts'
import { field, messageOf, sendHtml, viewerOf } from './web-kit.tsx'

const hidden = { hide: true }
const MESSAGES_PAGE = 20
const DELIVERIES_PAGE = 50
const STATUSES = ['pending', 'sent', 'failed', 'dead'] as const

const Before = Type.Optional(IdParam)
const UnitParams = Type.Object({ unitId: IdParam })
const ChannelParams = Type.Object({ unitId: IdParam, channelId: IdParam })

/** The message a redirect announces, by key: only these texts can appear, whatever the URL says. */
const FLASHES: Record<string, string> = {
  'all-read': '已全部标为已读',
  retried: '已重新排队发送，稍后即发',
  'channel-added': '渠道已添加',
  'channel-saved': '渠道已保存',
  'channel-removed': '渠道已删除',
}

function flashOf(query: unknown): Flash | null {
  const key = (query as Record<string, unknown> | undefined)?.msg
  if (typeof key !== 'string' || !Object.hasOwn(FLASHES, key)) return null
  const n = Number((query as Record<string, unknown>).n)
  const count = Number.isInteger(n) && n > 0 && n < 100_000 ? `（${n}条）` : ''
  return { kind: 'ok', text: `${FLASHES[key]}${count}` }
}

/** A refused channel: the Chinese text beside the field the service named. */
function channelErrors(err: AppError, kind: string): FieldErrors {
  const fields = (err.details?.fields as { field: string }[] | undefined) ?? []
  const failing = fields[0]?.field ?? ''
  if (err.code === 'INVALID_CHANNEL' && failing.endsWith('.address')) return { address: '请填写有效的邮箱地址，如 zhenggai@example.gov.cn' }
  if (err.code === 'INVALID_CHANNEL') return { url: '请填写以 http:// 或 https:// 开头的机器人地址' }
  return { [kind === 'email' ? 'address' : 'url']: messageOf(err) }
}

export const notificationPagesRoutes: FastifyPluginAsyncTypebox<{ services: Services; config: Config }> = async (
  app,
  { services, config },
) => {
  const { notifications, plans, units } = services
  const emailConfigured = config.notify.smtpUrl !== null

  // ── messages (消息): everyone's ─────────────────────────────────────────

  app.get(
    '/messages',
    {
      config: { permission: 'notifications:read' },
      schema: {
        ...hidden,
        querystring: Type.Object({
          before: Before,
          msg: Type.Optional(Type.String({ maxLength: 40 })),
          n: Type.Optional(Type.String({ maxLength: 10 })),
        }),
      },
    },
    async (request, reply) => {
      const before = request.query.before ?? null
      const { notifications: found, unread } = notifications.list(webActorOf(request), MESSAGES_PAGE + 1, before ?? undefined)
      const shown = found.slice(0, MESSAGES_PAGE)
      // Each message's time in its plan's zone (one look-up per plan), the default zone for one without a plan.
      const zones = new Map<number, string>()
      const zoneOf = (planId: number | null) => {
        if (planId === null) return config.defaultTimezone
        let zone = zones.get(planId)
        if (zone === undefined) {
          zone = plans.list().find((p) => p.id === planId)?.timezone ?? config.defaultTimezone
          zones.set(planId, zone)
        }
        return zone
      }
      return sendHtml(
        reply,
        200,
        <MessagesPage
          viewer={viewerOf(request, unread)}
          messages={shown.map((m) => ({
            ...m,
            // The service ends each text with the item's link for robots and mail; here the item's code links to it.
            body: m.itemId !== null ? m.body.replace(/\n详情：\S+$/, '') : m.body,
            when: longDateTime(m.createdAt, zoneOf(m.planId)),
          }))}
          unread={unread}
          before={before}
          nextBefore={found.length > MESSAGES_PAGE ? shown[shown.length - 1]!.id : null}
          flash={flashOf(request.query)}
        />,
      )
    },
  )

  app.post(
    '/messages/:notificationId/read',
    { config: { permission: 'notifications:read' }, schema: { ...hidden, params: Type.Object({ notificationId: IdParam }) } },
    async (request, reply) => {
      const { notificationId } = request.params
      notifications.markRead(webActorOf(request), notificationId)
      const before = field(request.body, 'before')
      const page = /^[1-9]\d{0,15}$/.test(before) ? `?before=${before}` : ''
      return reply.redirect(`/messages${page}#message-${notificationId}`, 303)
    },
  )

  app.post('/messages/read-all', { config: { permission: 'notifications:read' }, schema: hidden }, async (request, reply) => {
    const { marked } = notifications.markAllRead(webActorOf(request))
    return reply.redirect(`/messages?msg=all-read&n=${marked}`, 303)
  })

  // ── deliveries (the outbox): the admin and the office ─────────────────────

  app.get(
    '/deliveries',
    {
      config: { permission: 'deliveries:read' },
      schema: {
        ...hidden,
        querystring: Type.Object({
          status: Type.Optional(Type.Union(STATUSES.map((s) => Type.Literal(s)))),
          before: Before,
          msg: Type.Optional(Type.String({ maxLength: 40 })),
        }),
      },
    },
    async (request, reply) => {
      const status = request.query.status ?? null
      const before = request.query.before ?? null
      const { deliveries } = notifications.deliveries({
        status: status ?? undefined,
        limit: DELIVERIES_PAGE + 1,
        beforeId: before ?? undefined,
      })
      const shown = deliveries.slice(0, DELIVERIES_PAGE)
      return sendHtml(
        reply,
        200,
        <DeliveriesPage
          viewer={viewerOf(request)}
          deliveries={shown}
          status={status}
          before={before}
          nextBefore={deliveries.length > DELIVERIES_PAGE ? shown[shown.length - 1]!.id : null}
          timezone={config.defaultTimezone}
          flash={flashOf(request.query)}
        />,
      )
    },
  )

  app.post(
    '/deliveries/:deliveryId/retry',
    { config: { permission: 'deliveries:retry' }, schema: { ...hidden, params: Type.Object({ deliveryId: IdParam }) } },
    async (request, reply) => {
      const delivery = notifications.retryDelivery(request.params.deliveryId)
      request.log.info({ deliveryId: delivery.id }, 'delivery retried from the workbench')
      const status = field(request.body, 'status')
      const filter = (STATUSES as readonly string[]).includes(status) ? `status=${status}&` : ''
      return reply.redirect(`/deliveries?${filter}msg=retried`, 303)
    },
  )

  // ── a unit's channels (the admin) ──────────────────────────────────────

  const channelsPage = (request: FastifyRequest, reply: FastifyReply, unitId: number, status: number, state?: ChannelFormState) => {
    const unit = units.get(unitId)
    return sendHtml(
      reply,
      status,
      <ChannelsPage
        viewer={viewerOf(request)}
        unit={unit}
        mergedInto={unit.mergedIntoId !== null ? units.get(unit.mergedIntoId) : null}
        channels={unit.mergedIntoId !== null ? [] : notifications.channels(unitId).channels}
        emailConfigured={emailConfigured}
        maxChannels={MAX_CHANNELS}
        state={state}
        flash={flashOf(request.query)}
      />,
    )
  }

  /** Saves the unit's list with one entry added, changed or left out; a refusal re-renders that entry's form. */
  function saveChannels(
    request: FastifyRequest,
    reply: FastifyReply,
    unitId: number,
    edit: { form: 'add' | number; values: FieldValues; kind: string },
    entries: (current: ChannelChange[]) => (ChannelInput | ChannelChange)[],
    done: string,
  ) {
    const current = notifications.channels(unitId).channels.map((c) => ({ id: c.id }))
    try {
      services.notifications.setChannels(webActorOf(request), unitId, entries(current))
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode >= 500 || err.code === 'UNIT_NOT_FOUND') throw err
      const status = err.statusCode === 404 ? 409 : err.statusCode
      return channelsPage(request, reply, unitId, status, { form: edit.form, values: edit.values, errors: channelErrors(err, edit.kind) })
    }
    return reply.redirect(`/admin/units/${unitId}/channels?msg=${done}`, 303)
  }

  app.get(
    '/admin/units/:unitId/channels',
    {
      config: { permission: 'channels:read' },
      schema: { ...hidden, params: UnitParams, querystring: Type.Object({ msg: Type.Optional(Type.String({ maxLength: 40 })) }) },
    },
    async (request, reply) => channelsPage(request, reply, request.params.unitId, 200),
  )

  app.post(
    '/admin/units/:unitId/channels',
    { config: { permission: 'channels:edit' }, schema: { ...hidden, params: UnitParams } },
    async (request, reply) => {
      const { unitId } = request.params
      const values: FieldValues = {
        kind: field(request.body, 'kind'),
        url: field(request.body, 'url').slice(0, 2000),
        address: field(request.body, 'address').slice(0, 254),
      }
      const secret = field(request.body, 'secret').slice(0, 200)
      const again = (errors: FieldErrors) => channelsPage(request, reply, unitId, 400, { form: 'add', values, errors })
      let added: ChannelInput
      if (values.kind === 'email') {
        if (values.address!.trim() === '') return again({ address: '请填写邮箱地址' })
        added = { kind: 'email', address: values.address! }
      } else if (values.kind === 'dingtalk' || values.kind === 'wecom') {
        if (values.url!.trim() === '') return again({ url: '请填写机器人的 Webhook 地址' })
        if (values.kind === 'wecom' && secret.trim() !== '') return again({ secret: '企业微信机器人不使用加签密钥，请留空' })
        added = values.kind === 'dingtalk' ? { kind: 'dingtalk', url: values.url!, secret } : { kind: 'wecom', url: values.url! }
      } else {
        return again({ kind: '请选择渠道类型' })
      }
      return saveChannels(
        request,
        reply,
        unitId,
        { form: 'add', values, kind: values.kind },
        (current) => [...current, added],
        'channel-added',
      )
    },
  )

  app.post(
    '/admin/units/:unitId/channels/:channelId',
    { config: { permission: 'channels:edit' }, schema: { ...hidden, params: ChannelParams } },
    async (request, reply) => {
      const { unitId, channelId } = request.params
      const stored = notifications.channels(unitId).channels.find((c) => c.id === channelId)
      if (!stored) throw notFound(`Channel ${channelId}`, 'CHANNEL_NOT_FOUND')
      const values: FieldValues = {
        url: field(request.body, 'url').slice(0, 2000),
        address: field(request.body, 'address').slice(0, 254),
      }
      const secret = field(request.body, 'secret').slice(0, 200)
      if (stored.kind === 'email' && values.address!.trim() === '')
        return channelsPage(request, reply, unitId, 400, { form: channelId, values, errors: { address: '请填写邮箱地址' } })
      const change: ChannelChange = {
        id: channelId,
        url: values.url,
        address: values.address,
        secret: field(request.body, 'clearSecret') === 'yes' && secret.trim() === '' ? null : secret,
      }
      return saveChannels(
        request,
        reply,
        unitId,
        { form: channelId, values, kind: stored.kind },
        (current) => current.map((c) => (c.id === channelId ? change : c)),
        'channel-saved',
      )
    },
  )

  app.post(
    '/admin/units/:unitId/channels/:channelId/remove',
    { config: { permission: 'channels:edit' }, schema: { ...hidden, params: ChannelParams } },
    async (request, reply) => {
      const { unitId, channelId } = request.params
      const current = notifications.channels(unitId).channels
      if (!current.some((c) => c.id === channelId)) throw notFound(`Channel ${channelId}`, 'CHANNEL_NOT_FOUND')
      return saveChannels(
        request,
        reply,
        unitId,
        { form: channelId, values: {}, kind: '' },
        (list) => list.filter((c) => c.id !== channelId),
        'channel-removed',
      )
    },
  )
}
