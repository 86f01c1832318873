// The supervision office's part of the workbench: its queues and their decisions, bulk actions on a filtered item
// list, the supervision list and a notice's page, the monthly bulletins. Registered inside the workbench's plugin,
// so sessions, CSRF and the error pages are the same; the services and the permission table decide.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { AppError } from '../errors.ts'
import { attachmentDisposition } from '../lib/content-disposition.ts'
import { IdParam } from '../lib/schemas.ts'
import { FRAMED_BY_SELF_POLICY } from '../plugins/security-headers.ts'
import { addMonths, isValidPeriod, localPeriod, type Clock } from '../lib/time.ts'
import { roleMay, type AccountActor, type Permission } from '../modules/auth/permissions.ts'
import { firstPeriodOf } from '../modules/bulletins/bulletin.compute.ts'
import type { BulkResult, BulkTarget } from '../modules/bulk/bulk.service.ts'
import type { ItemListFilters, ItemSummaryView } from '../modules/items/items.service.ts'
import type { SupervisionView } from '../modules/supervision/supervision.service.ts'
import type { Services } from '../services.ts'
import type { FormState } from './pages/item.tsx'
import type { Flash } from './components.tsx'
import { BulletinPage, BulletinsPage, type BulletinMonth } from './pages/bulletins.tsx'
import {
  BulkResultPage,
  OfficePage,
  QUEUES,
  QueuePage,
  SupervisionPage,
  SupervisionsPage,
  type OfficeQueues,
  type QueueKey,
  type SupervisionFilterValues,
} from './pages/office.tsx'
import { ErrorPage } from './pages/sign-in.tsx'
import { webActorOf } from './web-auth.ts'
import { field, fieldAll, flashFrom, messageOf, sendHtml, viewerOf } from './web-kit.tsx'

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const Id = (name: string) => Type.Object({ [name]: IdParam })
const hidden = { hide: true }

export interface OfficeDeps {
  services: Services
  clock: Clock
  /** The item list's filters read from a query or a form (null when one is malformed), as the list page reads them. */
  readFilters: (query: Record<string, unknown>) => { service: ItemListFilters } | null
  allItems: (actor: AccountActor, filters: Omit<ItemListFilters, 'cursor' | 'limit' | 'view'>) => ItemSummaryView[]
  defaultTimezone: string
}

type SupervisionFilters = Parameters<Services['supervision']['list']>[1]

/** Every supervision matching the filters the caller sees (all pages). */
function supervisionsOf({ supervision }: Services, actor: AccountActor, filters: SupervisionFilters): SupervisionView[] {
  const found: SupervisionView[] = []
  let cursor: string | undefined
  do {
    const page = supervision.list(actor, { ...filters, limit: 200, cursor })
    found.push(...page.supervisions)
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return found
}

/** One queue of the office, read from the services as the API would. */
export function officeQueue<K extends QueueKey>(
  services: Services,
  allItems: OfficeDeps['allItems'],
  actor: AccountActor,
  key: K,
): OfficeQueues[K] {
  const { items, extensions, objections } = services
  const itemRef = (itemId: number) => {
    const i = items.get(actor, itemId)
    return { id: i.id, code: i.code, problem: i.problem, leadUnit: i.leadUnit.name }
  }
  const open = () => supervisionsOf(services, actor, {}).filter((s) => s.status !== 'resolved')
  const build: { [Q in QueueKey]: () => OfficeQueues[Q] } = {
    closure: () => allItems(actor, { status: 'closure_requested' }),
    extensions: () => extensions.pending(actor).map((extension) => ({ extension, item: itemRef(extension.itemId) })),
    objections: () => objections.list({ status: 'pending' }).map((objection) => ({ objection, item: itemRef(objection.itemId) })),
    replies: () => open().filter((s) => s.status === 'replied'),
    replyOverdue: () => supervisionsOf(services, actor, { overdueReply: true }).filter((s) => s.status !== 'resolved'),
    unsupervised: () => {
      const supervised = new Set(open().map((s) => s.itemId))
      const troubled = new Map<number, ItemSummaryView>()
      for (const i of [...allItems(actor, { overdue: true }), ...allItems(actor, { lagging: true })]) troubled.set(i.id, i)
      return [...troubled.values()].filter((i) => !supervised.has(i.id) && i.status !== 'closed')
    },
  }
  return build[key]()
}

/** What waits for the office: every queue. */
export function officeQueues(services: Services, allItems: OfficeDeps['allItems'], actor: AccountActor): OfficeQueues {
  const queue = <K extends QueueKey>(key: K) => officeQueue(services, allItems, actor, key)
  return {
    closure: queue('closure'),
    extensions: queue('extensions'),
    objections: queue('objections'),
    replies: queue('replies'),
    replyOverdue: queue('replyOverdue'),
    unsupervised: queue('unsupervised'),
  }
}

/** Entries per page of a queue's own list. */
const QUEUE_PAGE_SIZE = 20

export const officeRoutes: FastifyPluginAsyncTypebox<OfficeDeps> = async (
  app,
  { services, clock, readFilters, allItems, defaultTimezone },
) => {
  const { items, extensions, objections, supervision, bulk, bulletins, plans, units, checklist } = services

  const queuesOf = (actor: AccountActor) => officeQueues(services, allItems, actor)
  const allSupervisions = (actor: AccountActor, filters: SupervisionFilters) => supervisionsOf(services, actor, filters)

  /** The overview, or (`slug` given) one queue's own page at `page`; a form sent back shows on the page it came from. */
  function renderOffice(
    request: FastifyRequest,
    reply: FastifyReply,
    statusCode: number,
    state: FormState | null,
    flash: Flash | null = null,
    slug = '',
    page = 1,
  ) {
    const queue = QUEUES.find((q) => q.slug === slug)
    if (queue) {
      const all = officeQueue(services, allItems, webActorOf(request), queue.key) as unknown[]
      const pageCount = Math.max(1, Math.ceil(all.length / QUEUE_PAGE_SIZE))
      const shown = Math.min(page, pageCount)
      return sendHtml(
        reply,
        statusCode,
        <QueuePage
          viewer={viewerOf(request)}
          queue={queue}
          rows={all.slice((shown - 1) * QUEUE_PAGE_SIZE, shown * QUEUE_PAGE_SIZE) as never}
          total={all.length}
          page={shown}
          pageCount={pageCount}
          state={state}
          flash={flash ?? flashFrom(request.query)}
          timezone={defaultTimezone}
        />,
      )
    }
    return sendHtml(
      reply,
      statusCode,
      <OfficePage
        viewer={viewerOf(request)}
        queues={queuesOf(webActorOf(request))}
        state={state}
        flash={flash ?? flashFrom(request.query)}
        timezone={defaultTimezone}
      />,
    )
  }

  /** A decision form of the office: the service call, then back to the queue; a refusal shows the page again with it. */
  async function decide(
    request: FastifyRequest,
    reply: FastifyReply,
    form: string,
    comment: string,
    action: () => unknown,
    done: string,
    back: string,
  ) {
    try {
      await action()
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode === 404) throw err
      // A missing opinion is shown beside its field; anything else (decided meanwhile …) at the top, as the form may be gone.
      const onField = err.code === 'COMMENT_REQUIRED'
      const state: FormState = { form, values: { comment }, errors: onField ? { comment: messageOf(err) } : {} }
      const flash: Flash | null = onField ? null : { kind: 'error', text: messageOf(err) }
      if (back.startsWith('/supervisions/'))
        return renderSupervision(request, reply, Number(back.split('/')[2]), err.statusCode, state, flash)
      const onQueue = /^\/office\/([a-z-]+)(?:\?page=(\d+))?$/.exec(back)
      return renderOffice(request, reply, err.statusCode, state, flash, onQueue?.[1] ?? '', Number(onQueue?.[2] ?? 1))
    }
    return reply.redirect(`${back}${back.includes('?') ? '&' : '?'}msg=${done}`, 303)
  }

  const decision = (request: FastifyRequest) => field(request.body, 'decision')
  /** The queue list a decision form was on (its `back` field: a known slug, `?page=N` past the first page), or none. */
  const queueFrom = (request: FastifyRequest): { slug: string; page: number } => {
    const m = /^([a-z-]+)(?:\?page=([1-9]\d{0,5}))?$/.exec(field(request.body, 'back'))
    if (!m || !QUEUES.some((q) => q.slug === m[1])) return { slug: '', page: 1 }
    return { slug: m[1]!, page: Number(m[2] ?? 1) }
  }
  /** Where a decision returns: that queue's list, at its page, or else the overview. */
  const backTo = (request: FastifyRequest) => {
    const { slug, page } = queueFrom(request)
    return slug === '' ? '/office' : `/office/${slug}${page > 1 ? `?page=${page}` : ''}`
  }

  app.get('/office', { config: { permission: 'extensions:decide' }, schema: hidden }, async (request, reply) =>
    renderOffice(request, reply, 200, null),
  )

  app.get(
    '/office/:queue',
    {
      config: { permission: 'extensions:decide' },
      schema: {
        ...hidden,
        params: Type.Object({ queue: Type.Union(QUEUES.map((q) => Type.Literal(q.slug))) }),
        querystring: Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })) }, { additionalProperties: true }),
      },
    },
    async (request, reply) => renderOffice(request, reply, 200, null, null, request.params.queue, request.query.page ?? 1),
  )

  /**
   * A queue entry's decision form: POST /<kind>s/:<kind>Id/decision with one of two decisions and the comment typed
   * in the field `<kind>-<id>`. Without a decision, the queue again with `missing`; a refusal by the service, beside
   * the form; done, back to the queue (or `back`) with the choice's message.
   */
  function decisionRoute<Choice extends string>(options: {
    kind: 'extension' | 'objection' | 'supervision'
    permission: Permission
    /** Each decision, and the message shown once it is taken. */
    choices: Record<Choice, string>
    missing: string
    act: (actor: AccountActor, id: number, choice: Choice, comment: string) => unknown
    back?: (request: FastifyRequest, id: number) => string
  }) {
    const param = `${options.kind}Id`
    app.post(
      `/${options.kind}s/:${param}/decision`,
      { config: { permission: options.permission }, schema: { ...hidden, params: Id(param) } },
      async (request, reply) => {
        const id = (request.params as Record<string, number>)[param]!
        const form = `${options.kind}-${id}`
        const comment = field(request.body, form).slice(0, 2000)
        const choice = decision(request)
        if (!Object.hasOwn(options.choices, choice)) {
          const { slug, page } = queueFrom(request)
          return renderOffice(request, reply, 400, { form, values: { comment }, errors: { _form: options.missing } }, null, slug, page)
        }
        const taken = choice as Choice
        return decide(
          request,
          reply,
          form,
          comment,
          () => options.act(webActorOf(request), id, taken, comment),
          options.choices[taken],
          options.back?.(request, id) ?? backTo(request),
        )
      },
    )
  }

  decisionRoute({
    kind: 'extension',
    permission: 'extensions:decide',
    choices: { approve: 'extension-approved', reject: 'extension-rejected' },
    missing: '请选择同意或不同意延期',
    act: (actor, id, choice, comment) => extensions.decide(actor, id, { decision: choice, comment }),
  })
  decisionRoute({
    kind: 'objection',
    permission: 'objections:decide',
    choices: { uphold: 'objection-upheld', dismiss: 'objection-dismissed' },
    missing: '请选择异议成立或不成立',
    act: (actor, id, choice, comment) => objections.decide(actor, id, { decision: choice, comment }),
  })
  decisionRoute({
    kind: 'supervision',
    permission: 'supervisions:decide',
    choices: { resolve: 'supervision-resolved', send_back: 'supervision-sent-back' },
    missing: '请选择办结或退回',
    act: (actor, id, choice, comment) =>
      choice === 'resolve' ? supervision.resolve(actor, id, { comment }) : supervision.sendBack(actor, id, { comment }),
    // From the notice's own page, back to it.
    back: (request, id) => (field(request.body, 'back') === 'supervision' ? `/supervisions/${id}` : backTo(request)),
  })

  // ── bulk actions on the item list ─────────────────────────────────────

  app.post('/items/bulk', { config: { permission: 'items:list' }, schema: hidden }, async (request, reply) => {
    const actor = webActorOf(request)
    const action = field(request.body, 'action')
    const filterQuery = field(request.body, 'filter').slice(0, 4000)
    const back = `/items${filterQuery.startsWith('?') ? filterQuery : ''}`
    const read = readFilters(Object.fromEntries(new URLSearchParams(filterQuery.replace(/^\?/, ''))))
    const refuse = (statusCode: number, message: string) =>
      sendHtml(reply, statusCode, <ErrorPage viewer={viewerOf(request)} title="无法完成批量操作" message={message} />)
    if (!read) return refuse(400, '筛选条件有误，请返回任务列表重新筛选。')
    const all = field(request.body, 'scope') === 'all'
    const ids = fieldAll(request.body, 'itemIds')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0)
    const target: BulkTarget = all ? { filter: read.service } : { itemIds: ids }
    if (!all && ids.length === 0) return refuse(400, '请先勾选要处理的任务，或选择「全部符合筛选条件的任务」。')
    const { planId: _p, ...withoutPlan } = read.service
    if (action === 'export') {
      if (!roleMay(actor.role, 'checklist:export')) return refuse(403, '您无权进行此操作')
      const chosen = all ? allItems(actor, read.service) : ids.map((id) => items.get(actor, id))
      const planIds = [...new Set(chosen.map((i) => i.planId))]
      if (planIds.length !== 1)
        return refuse(400, planIds.length === 0 ? '请至少选择一项任务。' : '所选任务属于不同的整改方案，请按方案分别导出。')
      const { fileName, asciiFileName, bytes } = await checklist.exportWorkbook(
        actor,
        planIds[0]!,
        all ? { ...withoutPlan, itemIds: chosen.map((i) => i.id) } : { itemIds: chosen.map((i) => i.id) },
      )
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', attachmentDisposition(fileName, asciiFileName))
        .header('cache-control', 'no-store')
        .send(bytes)
    }
    const note = field(request.body, 'note').slice(0, 2000)
    let result: BulkResult
    try {
      if (action === 'urge') {
        if (!roleMay(actor.role, 'items:urge')) return refuse(403, '您无权进行此操作')
        result = bulk.urge(actor, target, { note })
      } else if (action === 'supervise') {
        if (!roleMay(actor.role, 'supervisions:open')) return refuse(403, '您无权进行此操作')
        result = bulk.supervise(actor, target, { reason: note })
      } else {
        return refuse(400, '请选择要进行的操作。')
      }
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode >= 500) throw err
      const missing = err.code === 'NOTE_REQUIRED' || err.code === 'REASON_REQUIRED'
      return refuse(err.statusCode, missing ? (action === 'urge' ? '请填写催办内容。' : '请填写督办事由。') : messageOf(err))
    }
    request.log.info({ action, succeeded: result.succeeded, refused: result.refused }, 'bulk action')
    return sendHtml(reply, 200, <BulkResultPage viewer={viewerOf(request)} result={result} back={back} />)
  })

  // ── supervision (督办) ────────────────────────────────────────────────

  app.get('/supervisions', { config: { permission: 'supervisions:read' }, schema: hidden }, async (request, reply) => {
    const q = request.query as Record<string, unknown>
    const text = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).trim() : '')
    const filters: SupervisionFilterValues = { state: text('state'), leadUnitId: text('leadUnitId'), year: text('year') }
    const bad = () => sendHtml(reply, 400, <ErrorPage viewer={viewerOf(request)} title="筛选条件有误" message="请检查网址中的筛选条件。" />)
    if (!['', 'open', 'reply-overdue', 'resolved'].includes(filters.state)) return bad()
    if (filters.leadUnitId !== '' && !/^[1-9]\d{0,9}$/.test(filters.leadUnitId)) return bad()
    if (filters.year !== '' && !/^\d{4}$/.test(filters.year)) return bad()
    const actor = webActorOf(request)
    const all = allSupervisions(actor, {
      leadUnitId: filters.leadUnitId === '' ? undefined : Number(filters.leadUnitId),
      status: filters.state === 'resolved' ? 'resolved' : undefined,
      overdueReply: filters.state === 'reply-overdue' ? true : undefined,
    })
    const years = [...new Set(all.map((s) => s.year))].sort((a, b) => b - a)
    const rows = all
      .filter((s) => (filters.state === 'open' || filters.state === 'reply-overdue' ? s.status !== 'resolved' : true))
      .filter((s) => filters.year === '' || s.year === Number(filters.year))
      .sort((a, b) => b.year - a.year || b.seq - a.seq)
    return sendHtml(
      reply,
      200,
      <SupervisionsPage viewer={viewerOf(request)} filters={filters} rows={rows} units={units.list()} years={years} />,
    )
  })

  function renderSupervision(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    statusCode: number,
    state: FormState | null,
    flash: Flash | null = null,
  ) {
    const actor = webActorOf(request)
    const view = supervision.get(actor, id)
    const canDecide =
      roleMay(actor.role, 'supervisions:decide') && (view.allowedActions.includes('resolve') || view.allowedActions.includes('send_back'))
    return sendHtml(
      reply,
      statusCode,
      <SupervisionPage
        viewer={viewerOf(request)}
        supervision={view}
        timezone={plans.get(view.planId).timezone}
        canDecide={canDecide}
        state={state}
        flash={flash ?? flashFrom(request.query)}
      />,
    )
  }

  app.get(
    '/supervisions/:supervisionId',
    { config: { permission: 'supervisions:read' }, schema: { ...hidden, params: Id('supervisionId') } },
    async (request, reply) => renderSupervision(request, reply, (request.params as { supervisionId: number }).supervisionId, 200, null),
  )

  // ── monthly bulletins (月度通报) ───────────────────────────────────────

  const PeriodParams = Type.Object({ planId: IdParam, period: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' }) })

  app.get('/bulletins', { config: { permission: 'bulletins:read' }, schema: hidden }, async (request, reply) => {
    const actor = webActorOf(request)
    const now = clock.now()
    const months: { plan: { id: number; title: string }; months: BulletinMonth[] }[] = []
    for (const plan of plans.list()) {
      let issued: ReturnType<typeof bulletins.list>
      try {
        issued = bulletins.list(actor, plan.id)
      } catch (err) {
        if (err instanceof AppError && err.statusCode === 404) continue
        throw err
      }
      const byPeriod = new Map(issued.map((b) => [b.period, b]))
      const lastFinished = addMonths(localPeriod(now, plan.timezone), -1)
      const list: BulletinMonth[] = []
      for (let p = lastFinished; p >= firstPeriodOf(plan) && list.length < 120; p = addMonths(p, -1))
        list.push({ period: p, summary: byPeriod.get(p) ?? null })
      months.push({ plan: { id: plan.id, title: plan.title }, months: list })
    }
    return sendHtml(
      reply,
      200,
      <BulletinsPage
        viewer={viewerOf(request)}
        plans={months}
        canIssue={roleMay(actor.role, 'bulletins:issue')}
        canPublish={roleMay(actor.role, 'bulletins:publish')}
        flash={flashFrom(request.query)}
      />,
    )
  })

  app.get(
    '/bulletins/:planId/:period',
    { config: { permission: 'bulletins:read' }, schema: { ...hidden, params: PeriodParams } },
    async (request, reply) => {
      const actor = webActorOf(request)
      const { planId, period } = request.params
      const bulletin = bulletins.get(actor, planId, period)
      return sendHtml(
        reply,
        200,
        <BulletinPage
          viewer={viewerOf(request)}
          bulletin={bulletin}
          canPublish={roleMay(actor.role, 'bulletins:publish')}
          flash={flashFrom(request.query)}
        />,
      )
    },
  )

  app.get(
    '/bulletins/:planId/:period/print',
    // Shown in its month's page (an iframe there), so framed by this site only; alone, it prints as it is.
    { config: { permission: 'bulletins:read' }, helmet: FRAMED_BY_SELF_POLICY, schema: { ...hidden, params: PeriodParams } },
    async (request, reply) => {
      const bulletin = bulletins.get(webActorOf(request), request.params.planId, request.params.period)
      const { renderBulletinHtml } = await import('../modules/bulletins/bulletin.html.ts')
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderBulletinHtml(bulletin))
    },
  )

  app.get(
    '/bulletins/:planId/:period/workbook',
    { config: { permission: 'bulletins:read' }, schema: { ...hidden, params: PeriodParams } },
    async (request, reply) => {
      const bulletin = bulletins.get(webActorOf(request), request.params.planId, request.params.period)
      const { renderBulletinXlsx } = await import('../modules/bulletins/bulletin.xlsx.ts')
      const fileName = `${bulletin.planTitle}-${bulletin.period}-月通报.xlsx`
      return reply
        .type(XLSX_TYPE)
        .header('content-disposition', attachmentDisposition(fileName, `bulletin-plan${bulletin.planId}-${bulletin.period}.xlsx`))
        .header('cache-control', 'no-store')
        .send(await renderBulletinXlsx(bulletin))
    },
  )

  app.post(
    '/bulletins/:planId/:period/issue',
    { config: { permission: 'bulletins:issue' }, schema: { ...hidden, params: PeriodParams } },
    async (request, reply) => {
      const { planId, period } = request.params
      if (!isValidPeriod(period)) throw new AppError(404, 'BULLETIN_NOT_FOUND', 'No such month')
      try {
        bulletins.issue(webActorOf(request), planId, period)
      } catch (err) {
        if (!(err instanceof AppError) || err.statusCode === 404 || err.statusCode >= 500) throw err
        return sendHtml(reply, err.statusCode, <ErrorPage viewer={viewerOf(request)} title="无法生成通报" message={messageOf(err)} />)
      }
      return reply.redirect(`/bulletins/${planId}/${period}?msg=bulletin-issued`, 303)
    },
  )

  app.post(
    '/bulletins/:planId/:period/publish',
    { config: { permission: 'bulletins:publish' }, schema: { ...hidden, params: PeriodParams } },
    async (request, reply) => {
      const { planId, period } = request.params
      bulletins.publish(webActorOf(request), planId, period)
      return reply.redirect(`/bulletins/${planId}/${period}?msg=bulletin-published`, 303)
    },
  )
}
