// The workbench (工作台): the service's pages for people, server-rendered. Every page asks the same services as the
// API and names a permission from the same table; a form posts here, the handler calls the service, and answers
// with a redirect (POST → 303 → GET) or the page again with the errors beside their fields.
import multipart from '@fastify/multipart'
import rateLimit from '@fastify/rate-limit'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { readFileSync } from 'node:fs'
import { Type } from 'typebox'
import { AppError } from '../errors.ts'
import type { Config } from '../config.ts'
import { attachmentDisposition, inlineDisposition } from '../lib/content-disposition.ts'
import { IdParam } from '../lib/schemas.ts'
import { ALLOWED_TYPES } from '../modules/evidence/evidence.store.ts'
import { STORED_FILE_POLICY } from '../plugins/security-headers.ts'
import { ArrivalCountStore, clientKey } from '../plugins/rate-limit-store.ts'
import { addDays, isValidDate, localDate, localPeriod, type Clock } from '../lib/time.ts'
import { isItemUnit, isLeadUnit, roleMay, type AccountActor } from '../modules/auth/permissions.ts'
import { RECTIFYING_STATUSES } from '../modules/closeout/deadlines.ts'
import { STATUSES, type ItemStatus } from '../domain/items.ts'
import { byDeadline, type ItemListFilters, type ItemSummaryView, type ItemView } from '../modules/items/items.service.ts'
import type { ExtensionRow } from '../modules/extensions/extensions.service.ts'
import type { Services } from '../services.ts'
import type { Flash } from './components.tsx'
import { calendarWarning } from './calendar-warning.tsx'
import { HomePage, type TodoList } from './pages/home.tsx'
import { ItemPage, opensInBrowser, type FormState, type ItemForms } from './pages/item.tsx'
import { EMPTY_FILTERS, ItemsPage, type ListFilters } from './pages/items.tsx'
import { MonthlyPage, type MonthlyRow } from './pages/monthly.tsx'
import { ErrorPage, LoginPage, PasswordPage } from './pages/sign-in.tsx'
import { adminRoutes, dashboardRenderer } from './admin.routes.tsx'
import { officeQueues, officeRoutes } from './office.routes.tsx'
import { notificationPagesRoutes } from './notifications.routes.tsx'
import { field, fieldAll, flashFrom, MESSAGES, messageOf, parseForm, sendHtml, viewerOf } from './web-kit.tsx'
import { queueCounts } from './pages/office.tsx'
import {
  checkMultipartCsrf,
  clearSessionCookie,
  issueLoginCsrf,
  LOGIN_CSRF_COOKIE,
  sessionOf,
  setSessionCookie,
  WebRefusal,
  webActorOf,
  webAuthPlugin,
} from './web-auth.ts'

const STYLESHEET = readFileSync(new URL('./assets/workbench.css', import.meta.url), 'utf8')
const PAGE_SIZE = 50
const FORM_BODY_LIMIT = 256 * 1024
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** Only a path on this site: never `//host` or a scheme, so a crafted link cannot send people elsewhere. */
function safeNext(next: string): string {
  return /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/'
}

const ItemParams = Type.Object({ itemId: IdParam })
const SupervisionParams = Type.Object({ supervisionId: IdParam })
const hidden = { hide: true }

/** The sign-in page's words for "wait this long": seconds when it is short, whole minutes otherwise. */
function waitText(seconds: number): string {
  return seconds < 60 ? `${seconds}秒` : `${Math.max(1, Math.ceil(seconds / 60))}分钟`
}

/** Too many sign-in attempts from one client address (of whatever logins): the per-client limit of POST /login. */
class SignInFlood extends Error {
  readonly statusCode = 429
  constructor(readonly retryAfterSeconds: number) {
    super('too many sign-in attempts from this client')
  }
}

export const workbenchRoutes: FastifyPluginAsyncTypebox<{ services: Services; config: Config; clock: Clock }> = async (
  app,
  { services, config, clock },
) => {
  const { signIn, items, plans, units, progress, evidence, extensions, supervision, closeout, checklist } = services
  const secure = config.cookieSecure

  await app.register(webAuthPlugin, { signIn, unreadCount: services.notifications.unreadCount })
  // Only routes that ask for it are limited (POST /login): guessing across many logins from one address is slowed
  // here, guessing one login by the sign-in service's own count.
  await app.register(rateLimit, {
    global: false,
    store: ArrivalCountStore,
    keyGenerator: (request) => clientKey(request.ip),
    errorResponseBuilder: (_request, context) => new SignInFlood(Math.max(1, Math.ceil(context.ttl / 1000))),
  })
  await app.register(multipart, {
    limits: { fileSize: config.evidenceMaxBytes, files: 20, fields: 10, parts: 30, fieldSize: 4096, headerPairs: 100 },
  })
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => {
      done(null, parseForm(body as string))
    },
  )

  app.setErrorHandler((err: FastifyError | AppError | WebRefusal, request, reply) => {
    const viewer = request.webSession ? viewerOf(request) : null
    if (err instanceof WebRefusal) {
      const message =
        err.reason === 'role'
          ? '您的账号无权使用此页面或进行此操作。'
          : '该表单已失效或不是从本系统页面提交的，未作任何更改。请返回刷新页面后重试。'
      return sendHtml(reply, 403, <ErrorPage viewer={viewer} title="无法完成操作" message={message} />)
    }
    if (err instanceof SignInFlood) {
      const text = `来自您所在网络的登录尝试过多，请${waitText(err.retryAfterSeconds)}后再试。`
      return sendHtml(reply, 429, <LoginPage csrfToken={issueLoginCsrf(reply, secure)} next="/" message={{ kind: 'error', text }} />)
    }
    if (err instanceof AppError) {
      return sendHtml(
        reply,
        err.statusCode,
        <ErrorPage viewer={viewer} title={err.statusCode === 404 ? '未找到' : '无法完成操作'} message={messageOf(err)} />,
      )
    }
    if ('validation' in err && err.validation) {
      const notFound = err.validationContext === 'params'
      return sendHtml(
        reply,
        notFound ? 404 : 400,
        <ErrorPage
          viewer={viewer}
          title={notFound ? '未找到' : '提交的内容有误'}
          message={notFound ? '请检查网址。' : '请检查填写的内容。'}
        />,
      )
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      const message = err.statusCode === 413 ? '提交的内容或文件超过大小限制。' : '请求有误，请返回后重试。'
      return sendHtml(reply, err.statusCode, <ErrorPage viewer={viewer} title="无法完成操作" message={message} />)
    }
    request.log.error({ err }, 'page failed')
    return sendHtml(reply, 500, <ErrorPage viewer={viewer} title="系统繁忙" message="系统暂时无法处理您的请求，已记录，请稍后再试。" />)
  })

  app.get('/assets/workbench.css', { config: { signedOut: true }, schema: hidden }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  )

  // ── signing in and out ────────────────────────────────────────────────

  app.get(
    '/login',
    {
      config: { signedOut: true },
      schema: {
        ...hidden,
        querystring: Type.Object({
          next: Type.Optional(Type.String({ maxLength: 2000 })),
          msg: Type.Optional(Type.String({ maxLength: 40 })),
        }),
      },
    },
    async (request, reply) => {
      const next = safeNext(request.query.next ?? '/')
      if (request.webSession) return reply.redirect(next, 303)
      return sendHtml(reply, 200, <LoginPage csrfToken={issueLoginCsrf(reply, secure)} next={next} message={flashFrom(request.query)} />)
    },
  )

  app.post(
    '/login',
    { config: { signedOut: true, rateLimit: { max: config.loginAttemptsPerMinute, timeWindow: '1 minute' } }, schema: hidden },
    async (request, reply) => {
      const login = field(request.body, 'login').slice(0, 64)
      const next = safeNext(field(request.body, 'next') || '/')
      const result = await signIn.signIn(login, field(request.body, 'password').slice(0, 200))
      if (result.ok) {
        request.log.info({ accountId: result.account.id }, 'signed in')
        setSessionCookie(reply, result.token, secure)
        void reply.clearCookie(LOGIN_CSRF_COOKIE, { path: '/login' })
        return reply.redirect(next, 303)
      }
      const csrfToken = issueLoginCsrf(reply, secure)
      if (result.reason === 'blocked') {
        void reply.header('retry-after', String(result.retryAfterSeconds))
        const text = `登录失败次数${result.retryAfterSeconds < 60 ? '较多' : '过多'}，请${waitText(result.retryAfterSeconds)}后再试。`
        return sendHtml(reply, 429, <LoginPage csrfToken={csrfToken} next={next} login={login} message={{ kind: 'error', text }} />)
      }
      return sendHtml(
        reply,
        401,
        <LoginPage csrfToken={csrfToken} next={next} login={login} message={{ kind: 'error', text: '用户名或密码不正确。' }} />,
      )
    },
  )

  app.post('/logout', { config: { permission: 'workbench:use' }, schema: hidden }, async (request, reply) => {
    signIn.signOut(sessionOf(request).id)
    clearSessionCookie(reply, secure)
    return reply.redirect('/login?msg=signed-out', 303)
  })

  app.get('/account/password', { config: { permission: 'workbench:use' }, schema: hidden }, async (request, reply) =>
    sendHtml(reply, 200, <PasswordPage viewer={viewerOf(request)} flash={flashFrom(request.query)} />),
  )

  app.post('/account/password', { config: { permission: 'workbench:use' }, schema: hidden }, async (request, reply) => {
    const newPassword = field(request.body, 'newPassword')
    if (newPassword !== field(request.body, 'confirmPassword')) {
      return sendHtml(reply, 422, <PasswordPage viewer={viewerOf(request)} errors={{ confirmPassword: '两次输入的新密码不一致' }} />)
    }
    const result = await signIn.changePassword(sessionOf(request), field(request.body, 'currentPassword'), newPassword)
    if (!result.ok) return sendHtml(reply, 422, <PasswordPage viewer={viewerOf(request)} errors={{ [result.field]: result.message }} />)
    return reply.redirect('/account/password?msg=password', 303)
  })

  // ── home (待办) ───────────────────────────────────────────────────────

  /** Every item matching the filters, in deadline order (no deadline last, then by code). */
  function allItems(actor: AccountActor, filters: Omit<ItemListFilters, 'cursor' | 'limit' | 'view'>): ItemSummaryView[] {
    return items.listAll(actor, filters).sort(byDeadline)
  }

  const timezoneOf = (planId: number) => plans.get(planId).timezone
  const renderDashboard = dashboardRenderer(services, clock)

  app.get('/', { config: { permission: 'workbench:use' }, schema: hidden }, async (request, reply) => {
    const viewer = viewerOf(request)
    const actor = webActorOf(request)
    const now = clock.now()
    const period = localPeriod(now, config.defaultTimezone)
    const flash = flashFrom(request.query)
    // The leadership's home is its dashboard (read only).
    if (actor.role === 'leader') return renderDashboard(request, reply, undefined)
    if (actor.role !== 'unit' || actor.unitId === null) {
      const count = (filters: ItemListFilters) => items.list(actor, { ...filters, limit: 1 }).total
      // The office's home leads with its queues, each linking to its own list (the close-outs among them).
      const office = roleMay(actor.role, 'extensions:decide')
      const todos: TodoList[] = [
        ...(office ? queueCounts(officeQueues(services, allItems, actor)) : []),
        { key: 'overdue', label: '逾期任务', count: count({ overdue: true }), href: '/items?overdue=true', urgent: true },
        { key: 'lagging', label: '进展缓慢', count: count({ lagging: true }), href: '/items?lagging=true', urgent: true },
        ...(office
          ? []
          : [
              {
                key: 'closure',
                label: '申请销号待审核',
                count: count({ status: 'closure_requested' }),
                href: '/items?status=closure_requested',
              },
            ]),
        { key: 'notice', label: '公示中', count: count({ status: 'in_public_notice' }), href: '/items?status=in_public_notice' },
        { key: 'all', label: '全部整改任务', count: count({}), href: '/items' },
      ]
      // The one who can enter the working-day calendar is told on the home page when the coming year is missing.
      const warning = roleMay(actor.role, 'calendar:edit')
        ? calendarWarning(services.closeout.calendarOverrides(), now, config.defaultTimezone)
        : null
      return sendHtml(reply, 200, <HomePage viewer={viewer} period={period} todos={todos} flash={flash} calendarWarning={warning} />)
    }
    const unitId = actor.unitId
    const led = allItems(actor, { leadUnitId: unitId }).filter((i) => i.status !== 'closed')
    const rectifying = led.filter((i) => RECTIFYING_STATUSES.includes(i.status))
    // Today and this month in each plan's zone, worked out once per plan: a unit's items are mostly in one.
    const days = new Map<number, { today: string; period: string }>()
    const dayOf = (i: ItemSummaryView) => {
      let day = days.get(i.planId)
      if (!day) {
        const zone = timezoneOf(i.planId)
        day = { today: localDate(now, zone), period: localPeriod(now, zone) }
        days.set(i.planId, day)
      }
      return day
    }
    // Reported this month by this unit: one statement per month that the plans' zones make "this month".
    const byPeriod = new Map<string, number[]>()
    for (const i of rectifying) {
      const { period } = dayOf(i)
      const ids = byPeriod.get(period)
      if (ids) ids.push(i.id)
      else byPeriod.set(period, [i.id])
    }
    const reported = new Set<number>()
    for (const [p, ids] of byPeriod) for (const id of progress.reportedIn(ids, unitId, p)) reported.add(id)
    const dueSoon = rectifying.filter((i) => {
      if (i.overdue || i.deadline === null || i.deadlineKind === 'long_term') return false
      const today = dayOf(i).today
      return i.deadline >= today && i.deadline <= addDays(today, 7)
    })
    const sentBackIds = items.sentBack(
      actor,
      led.filter((i) => i.status === 'in_progress').map((i) => i.id),
    )
    const sentBack = led.filter((i) => sentBackIds.has(i.id))
    const toAnswer = supervision
      .list(actor, { leadUnitId: unitId, limit: 200 })
      .supervisions.filter((s) => s.allowedActions.includes('acknowledge') || s.allowedActions.includes('reply'))
    const recent = addDays(localDate(now, config.defaultTimezone), -30)
    const extensionRows: { item: { id: number; code: string }; extension: ExtensionRow }[] = []
    const withDeadline = led.filter((i) => i.deadlineKind !== 'long_term')
    const requests = extensions.ofItems(
      actor,
      withDeadline.map((i) => i.id),
    )
    for (const i of withDeadline) {
      for (const e of requests.get(i.id) ?? []) {
        if (e.status === 'pending' || (e.decidedAt !== null && e.decidedAt.slice(0, 10) >= recent))
          extensionRows.push({ item: { id: i.id, code: i.code }, extension: e })
      }
    }
    const todos: TodoList[] = [
      { key: 'overdue', label: '已逾期', count: 0, items: rectifying.filter((i) => i.overdue), urgent: true },
      { key: 'due-soon', label: '7日内到期', count: 0, items: dueSoon, urgent: true },
      { key: 'unreported', label: '本月未报送进展', count: 0, items: rectifying.filter((i) => !reported.has(i.id)), urgent: true },
      { key: 'sent-back', label: '销号申请被退回', count: 0, items: sentBack, urgent: true },
    ].map((t) => ({ ...t, count: t.items.length }))
    return sendHtml(
      reply,
      200,
      <HomePage viewer={viewer} period={period} todos={todos} supervisions={toAnswer} extensions={extensionRows} flash={flash} />,
    )
  })

  // ── the item list ─────────────────────────────────────────────────────

  function readFilters(query: Record<string, unknown>): { filters: ListFilters; service: ItemListFilters; page: number } | null {
    const text = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).trim() : '')
    const filters: ListFilters = { ...EMPTY_FILTERS }
    const service: ItemListFilters = {}
    for (const key of Object.keys(EMPTY_FILTERS) as (keyof ListFilters)[]) filters[key] = text(key)
    const id = (v: string) => (/^[1-9]\d{0,9}$/.test(v) ? Number(v) : null)
    for (const key of ['planId', 'leadUnitId', 'unitId'] as const) {
      if (filters[key] === '') continue
      const n = id(filters[key])
      if (n === null) return null
      service[key] = n
    }
    if (filters.status !== '') {
      if (!STATUSES.includes(filters.status as ItemStatus)) return null
      service.status = filters.status as ItemStatus
    }
    for (const key of ['overdue', 'lagging'] as const) {
      if (filters[key] === '') continue
      if (filters[key] !== 'true' && filters[key] !== 'false') return null
      service[key] = filters[key] === 'true'
    }
    if (filters.q.length > 100 || filters.category.length > 200) return null
    if (filters.q !== '') service.q = filters.q
    if (filters.category !== '') service.category = filters.category
    const page = text('page') === '' ? 1 : id(text('page'))
    if (page === null) return null
    return { filters, service, page }
  }

  app.get('/items', { config: { permission: 'items:list' }, schema: hidden }, async (request, reply) => {
    const viewer = viewerOf(request)
    const read = readFilters(request.query as Record<string, unknown>)
    if (!read) return sendHtml(reply, 400, <ErrorPage viewer={viewer} title="筛选条件有误" message="请检查网址中的筛选条件。" />)
    const found = items.listByDeadline(webActorOf(request), read.service, read.page, PAGE_SIZE)
    const planList = plans.list()
    const exportPlanId = read.service.planId ?? (planList.length === 1 ? planList[0]!.id : null)
    return sendHtml(
      reply,
      200,
      <ItemsPage
        viewer={viewer}
        filters={read.filters}
        items={found.items}
        total={found.total}
        page={found.page}
        pageCount={Math.max(1, Math.ceil(found.total / PAGE_SIZE))}
        plans={planList}
        units={units.list()}
        exportPlanId={exportPlanId}
        bulk={
          roleMay(viewer.account.role, 'items:urge') ? { urge: true, supervise: roleMay(viewer.account.role, 'supervisions:open') } : null
        }
        flash={flashFrom(request.query)}
      />,
    )
  })

  app.get('/items/export', { config: { permission: 'checklist:export' }, schema: hidden }, async (request, reply) => {
    const read = readFilters(request.query as Record<string, unknown>)
    const planList = plans.list()
    const planId = read?.service.planId ?? (planList.length === 1 ? planList[0]!.id : undefined)
    if (!read || planId === undefined) {
      return sendHtml(reply, 400, <ErrorPage viewer={viewerOf(request)} title="无法导出" message="请先选择一个整改方案，再导出。" />)
    }
    const { planId: _plan, ...filters } = read.service
    const { fileName, asciiFileName, bytes } = await checklist.exportWorkbook(webActorOf(request), planId, filters)
    return reply
      .type(XLSX_TYPE)
      .header('content-disposition', attachmentDisposition(fileName, asciiFileName))
      .header('cache-control', 'no-store')
      .send(bytes)
  })

  // ── an item's page and its forms ─────────────────────────────────────

  /** The forms the person may use on this item: its allowed actions and the permission module decide. */
  function formsFor(actor: AccountActor, item: ItemView, today: string): ItemForms {
    const units = { leadUnitId: item.leadUnitId, responsibleUnitIds: item.responsibleUnitIds }
    const open = item.status !== 'closed'
    return {
      // The state machine's own check of the domain's rules (evidence, the verifier's independence, the notice):
      // an action it would refuse is shown with the reason instead of a form.
      transitions: roleMay(actor.role, 'items:transition')
        ? items.actionChecks(actor, item).map(({ action, unmet }) => ({
            action,
            unavailable: unmet ? (MESSAGES[unmet.code] ?? '当前不能进行此操作') : null,
          }))
        : [],
      report: open && roleMay(actor.role, 'reports:create') && isItemUnit(actor, units),
      evidence: open && roleMay(actor.role, 'evidence:create') && isItemUnit(actor, units),
      extension:
        roleMay(actor.role, 'extensions:request') &&
        isLeadUnit(actor, item) &&
        RECTIFYING_STATUSES.includes(item.status) &&
        item.deadlineKind !== 'long_term' &&
        item.deadline !== null &&
        today <= item.deadline,
    }
  }

  function renderItem(
    request: FastifyRequest,
    reply: FastifyReply,
    itemId: number,
    statusCode: number,
    state: FormState | null,
    flash: Flash | null,
  ) {
    const actor = webActorOf(request)
    const item = items.get(actor, itemId)
    const plan = plans.get(item.planId)
    const now = clock.now()
    return sendHtml(
      reply,
      statusCode,
      <ItemPage
        viewer={viewerOf(request)}
        item={item}
        plan={plan}
        events={items.events(actor, itemId)}
        evidence={evidence.list(actor, itemId)}
        extensions={extensions.list(actor, itemId)}
        supervisions={supervision.list(actor, { itemId, limit: 50 }).supervisions}
        forms={formsFor(actor, item, localDate(now, plan.timezone))}
        period={localPeriod(now, plan.timezone)}
        state={state}
        flash={flash}
      />,
    )
  }

  /** Runs a form's service call: on success a 303 to the item's page; a refusal shows the page again with it. */
  async function itemForm(
    request: FastifyRequest,
    reply: FastifyReply,
    itemId: number,
    form: string,
    values: Record<string, string>,
    action: () => unknown,
    done: string,
    fieldOf: (code: string) => string = () => '_form',
  ) {
    try {
      await action()
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode === 404) throw err
      return renderItem(request, reply, itemId, err.statusCode, { form, values, errors: { [fieldOf(err.code)]: messageOf(err) } }, null)
    }
    return reply.redirect(`/items/${itemId}?msg=${done}`, 303)
  }

  app.get('/items/:itemId', { config: { permission: 'items:read' }, schema: { ...hidden, params: ItemParams } }, async (request, reply) =>
    renderItem(request, reply, request.params.itemId, 200, null, flashFrom(request.query)),
  )

  app.post(
    '/items/:itemId/transitions',
    { config: { permission: 'items:transition' }, schema: { ...hidden, params: ItemParams } },
    async (request, reply) => {
      const { itemId } = request.params
      const action = field(request.body, 'action')
      const item = items.get(webActorOf(request), itemId)
      if (!item.allowedActions.includes(action as never)) {
        return renderItem(
          request,
          reply,
          itemId,
          409,
          { form: `transition-${action}`, values: {}, errors: { _form: MESSAGES.ILLEGAL_TRANSITION! } },
          { kind: 'error', text: MESSAGES.ILLEGAL_TRANSITION! },
        )
      }
      const comment = field(request.body, `comment-${action}`).slice(0, 4000)
      const expectedVersion = Number(field(request.body, 'expectedVersion'))
      return itemForm(
        request,
        reply,
        itemId,
        `transition-${action}`,
        { comment },
        () =>
          closeout.transition(webActorOf(request), itemId, {
            action: item.allowedActions.find((a) => a === action)!,
            expectedVersion: Number.isInteger(expectedVersion) ? expectedVersion : 0,
            comment,
          }),
        action === 'start' ? 'started' : 'transition',
        (code) => (code === 'COMMENT_REQUIRED' ? 'comment' : '_form'),
      )
    },
  )

  app.post(
    '/items/:itemId/reports',
    { config: { permission: 'reports:create' }, schema: { ...hidden, params: ItemParams } },
    async (request, reply) => {
      const { itemId } = request.params
      const text = field(request.body, 'text')
      const percentText = field(request.body, 'percent').trim()
      const values = { text, percent: percentText }
      const percent = percentProblem(percentText)
      if (typeof percent === 'string') return renderItem(request, reply, itemId, 400, { form: 'report', values, errors: { percent } }, null)
      if (text.trim() === '')
        return renderItem(request, reply, itemId, 400, { form: 'report', values, errors: { text: '请填写本月整改进展' } }, null)
      if (text.length > 4000)
        return renderItem(request, reply, itemId, 400, { form: 'report', values, errors: { text: '进展不超过4000字' } }, null)
      const actor = webActorOf(request)
      const period = localPeriod(clock.now(), plans.get(items.get(actor, itemId).planId).timezone)
      return itemForm(
        request,
        reply,
        itemId,
        'report',
        values,
        () => progress.file(actor, itemId, { period, text, percent: percent ?? undefined }),
        'report',
        (code) => (code === 'TEXT_REQUIRED' ? 'text' : '_form'),
      )
    },
  )

  app.post(
    '/items/:itemId/evidence',
    { config: { permission: 'evidence:create', multipartCsrf: true }, schema: { ...hidden, params: ItemParams } },
    async (request, reply) => {
      const { itemId } = request.params
      const actor = webActorOf(request)
      // Nothing can be uploaded without a multipart body, so nothing changes: say how to send it.
      if (!request.isMultipart()) {
        return renderItem(
          request,
          reply,
          itemId,
          400,
          { form: 'evidence', values: {}, errors: { files: '请通过页面上的表单选择文件上传' } },
          null,
        )
      }
      let token: string | undefined
      let checked = false
      let added = 0
      const refused: string[] = []
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (part.fieldname === '_csrf' && typeof part.value === 'string') token = part.value
          continue
        }
        // The token is the form's first field, so it has arrived before any file is read.
        if (!checked) {
          checkMultipartCsrf(request, token)
          checked = true
        }
        if (!part.filename) {
          part.file.resume()
          continue
        }
        try {
          await evidence.upload(actor, itemId, { stream: part.file, fileName: part.filename }, config.evidenceMaxBytes)
          added += 1
        } catch (err) {
          part.file.resume()
          if (!(err instanceof AppError) || ![400, 413, 415].includes(err.statusCode)) throw err
          refused.push(`${part.filename}：${messageOf(err)}`)
        }
      }
      if (!checked) checkMultipartCsrf(request, token)
      if (refused.length > 0 || added === 0) {
        const message =
          refused.length > 0 ? `${added > 0 ? `已上传${added}份；` : ''}未能上传：${refused.join('；')}` : '请选择要上传的文件'
        return renderItem(
          request,
          reply,
          itemId,
          refused.length > 0 ? 422 : 400,
          { form: 'evidence', values: {}, errors: { files: message } },
          null,
        )
      }
      return reply.redirect(`/items/${itemId}?msg=evidence&n=${added}`, 303)
    },
  )

  app.post(
    '/items/:itemId/extensions',
    { config: { permission: 'extensions:request' }, schema: { ...hidden, params: ItemParams } },
    async (request, reply) => {
      const { itemId } = request.params
      const values = {
        newDeadline: field(request.body, 'newDeadline').trim(),
        reason: field(request.body, 'reason'),
        progress: field(request.body, 'progress'),
      }
      const errors: Record<string, string> = {}
      if (!/^\d{4}-\d{2}-\d{2}$/.test(values.newDeadline) || !isValidDate(values.newDeadline)) errors.newDeadline = '请选择新的完成时限'
      if (values.reason.trim() === '') errors.reason = '请填写延期理由'
      else if (values.reason.length > 2000) errors.reason = '延期理由不超过2000字'
      if (values.progress.trim() === '') errors.progress = '请填写目前进展'
      else if (values.progress.length > 4000) errors.progress = '目前进展不超过4000字'
      if (Object.keys(errors).length > 0) return renderItem(request, reply, itemId, 400, { form: 'extension', values, errors }, null)
      return itemForm(
        request,
        reply,
        itemId,
        'extension',
        values,
        () => extensions.request(webActorOf(request), itemId, values),
        'extension',
        (code) => (code === 'EXTENSION_NOT_LATER' ? 'newDeadline' : '_form'),
      )
    },
  )

  // ── supervision notices ───────────────────────────────────────────────

  app.post(
    '/supervisions/:supervisionId/acknowledge',
    { config: { permission: 'supervisions:answer' }, schema: { ...hidden, params: SupervisionParams } },
    async (request, reply) => {
      const id = request.params.supervisionId
      const actor = webActorOf(request)
      const { itemId } = supervision.get(actor, id)
      const comment = field(request.body, `ack-${id}`).slice(0, 2000)
      return itemForm(
        request,
        reply,
        itemId,
        `supervision-${id}`,
        { comment },
        () => supervision.acknowledge(actor, id, { comment }),
        'acknowledged',
      )
    },
  )

  app.post(
    '/supervisions/:supervisionId/reply',
    { config: { permission: 'supervisions:answer' }, schema: { ...hidden, params: SupervisionParams } },
    async (request, reply) => {
      const id = request.params.supervisionId
      const actor = webActorOf(request)
      const { itemId } = supervision.get(actor, id)
      const text = field(request.body, `reply-${id}`)
      const evidenceIds = fieldAll(request.body, 'evidenceIds')
        .map(Number)
        .filter((n) => Number.isInteger(n) && n > 0)
      if (text.trim() === '' || text.length > 4000) {
        return renderItem(
          request,
          reply,
          itemId,
          400,
          { form: `supervision-${id}`, values: { text }, errors: { text: text.trim() === '' ? '请填写回复内容' : '回复不超过4000字' } },
          null,
        )
      }
      return itemForm(
        request,
        reply,
        itemId,
        `supervision-${id}`,
        { text },
        () => supervision.reply(actor, id, { text, evidenceIds }),
        'replied',
        (code) => (code === 'TEXT_REQUIRED' ? 'text' : '_form'),
      )
    },
  )

  app.get(
    '/supervisions/:supervisionId/notice',
    { config: { permission: 'supervisions:read' }, schema: { ...hidden, params: SupervisionParams } },
    async (request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(supervision.renderNotice(webActorOf(request), request.params.supervisionId)),
  )

  const EvidenceParams = Type.Object({ evidenceId: IdParam })

  /** The stored file with its names and type; `inline` only for what a browser shows by itself (PDF, images). */
  function sendEvidence(request: FastifyRequest, reply: FastifyReply, evidenceId: number, inline: boolean) {
    const { row, stream } = evidence.open(webActorOf(request), evidenceId)
    const extension = Object.entries(ALLOWED_TYPES).find(([, t]) => t.fileType === row.fileType)?.[0] ?? 'bin'
    const disposition = inline && opensInBrowser(row.mediaType) ? inlineDisposition : attachmentDisposition
    return reply
      .type(row.mediaType)
      .header('content-length', String(row.sizeBytes))
      .header('content-disposition', disposition(row.fileName, `evidence-${row.id}.${extension}`))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .send(stream)
  }

  app.get(
    '/evidence/:evidenceId',
    { config: { permission: 'evidence:read' }, schema: { ...hidden, params: EvidenceParams } },
    async (request, reply) => sendEvidence(request, reply, request.params.evidenceId, false),
  )

  // 查看: a PDF or an image opened in the browser, sandboxed (STORED_FILE_POLICY); other types stay downloads.
  app.get(
    '/evidence/:evidenceId/view',
    { config: { permission: 'evidence:read' }, helmet: STORED_FILE_POLICY, schema: { ...hidden, params: EvidenceParams } },
    async (request, reply) => sendEvidence(request, reply, request.params.evidenceId, true),
  )

  // ── the monthly report (月调度) ───────────────────────────────────────

  function monthlyRows(actor: AccountActor): MonthlyRow[] {
    if (actor.unitId === null) return []
    const now = clock.now()
    const open = allItems(actor, { leadUnitId: actor.unitId }).filter((i) => i.status !== 'closed')
    const withPeriod = open.map((item) => ({ item, period: localPeriod(now, timezoneOf(item.planId)) }))
    const reported = new Set<number>()
    for (const p of new Set(withPeriod.map((r) => r.period))) {
      for (const id of progress.reportedIn(
        withPeriod.filter((r) => r.period === p).map((r) => r.item.id),
        actor.unitId,
        p,
      ))
        reported.add(id)
    }
    return withPeriod.map((r) => ({ ...r, reported: reported.has(r.item.id) }))
  }

  app.get('/monthly', { config: { permission: 'reports:create' }, schema: hidden }, async (request, reply) =>
    sendHtml(
      reply,
      200,
      <MonthlyPage viewer={viewerOf(request)} rows={monthlyRows(webActorOf(request))} flash={flashFrom(request.query)} />,
    ),
  )

  app.post('/monthly', { config: { permission: 'reports:create' }, schema: hidden }, async (request, reply) => {
    const actor = webActorOf(request)
    const rows = monthlyRows(actor)
    const values: Record<string, string> = {}
    const errors: Record<string, string> = {}
    const entries: { itemId: number; period: string; text: string; percent?: number | undefined }[] = []
    for (const { item, period } of rows) {
      const text = field(request.body, `text-${item.id}`)
      const percentText = field(request.body, `percent-${item.id}`).trim()
      values[`text-${item.id}`] = text
      values[`percent-${item.id}`] = percentText
      const percent = percentProblem(percentText)
      if (typeof percent === 'string') errors[`percent-${item.id}`] = percent
      if (text.trim() === '') {
        if (percentText !== '' && typeof percent !== 'string') errors[`text-${item.id}`] = '填写了完成比例，请同时填写进展'
        continue
      }
      if (text.length > 4000) errors[`text-${item.id}`] = '进展不超过4000字'
      entries.push({ itemId: item.id, period, text, percent: typeof percent === 'number' ? percent : undefined })
    }
    const again = (statusCode: number, formError?: string) =>
      sendHtml(
        reply,
        statusCode,
        <MonthlyPage viewer={viewerOf(request)} rows={rows} values={values} errors={errors} formError={formError} />,
      )
    if (Object.keys(errors).length > 0) return again(400, '有填写错误的项目，请按提示修改；本次未保存任何进展。')
    if (entries.length === 0) return again(400, '请至少填写一项任务的本月进展。')
    try {
      progress.fileMany(actor, entries)
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      const itemId = err.details?.itemId
      if (typeof itemId === 'number') errors[`text-${itemId}`] = messageOf(err)
      return again(err.statusCode, '未能保存，本次未保存任何进展。')
    }
    request.log.info({ reports: entries.length }, 'monthly reports filed')
    return reply.redirect(`/monthly?msg=monthly&n=${entries.length}`, 303)
  })

  await app.register(adminRoutes, { services, config, clock })
  await app.register(officeRoutes, { services, clock, readFilters, allItems, defaultTimezone: config.defaultTimezone })
  await app.register(notificationPagesRoutes, { services, config })
}

/** '' → null (not given); a whole number 0–100 → it; anything else → the message for the field. */
function percentProblem(text: string): number | null | string {
  if (text === '') return null
  if (!/^\d{1,3}$/.test(text) || Number(text) > 100) return '完成比例须为0至100的整数'
  return Number(text)
}
