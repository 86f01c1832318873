// The admin's pages of the workbench (registered inside the workbench's scope: its sessions, CSRF checks, form
// parsing and error pages apply). Thin: each form calls a service, which records the change in the admin trail.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { createHash, randomBytes } from 'node:crypto'
import { Type } from 'typebox'
import { AppError } from '../errors.ts'
import type { Config } from '../config.ts'
import { IdParam } from '../lib/schemas.ts'
import { addDays, isValidDate, localDate, type Clock } from '../lib/time.ts'
import { OFFICIAL_DATA_YEARS } from '../lib/working-days.ts'
import { calendarWarning, overrideYears } from './calendar-warning.tsx'
import { readHolidayIcs, type CalendarDay } from '../lib/ics-calendar.ts'
import type { ImportOptions, ImportPreview } from '../modules/checklist/checklist.service.ts'
import type { PlanPatch } from '../modules/plans/plans.service.ts'
import { ROLES, type Role } from '../domain/actors.ts'
import type { Services } from '../services.ts'
import { Layout, type Flash } from './components.tsx'
import {
  AccountPage,
  AccountsPage,
  AdminHomePage,
  AuditPage,
  CalendarPage,
  type IcsPreview,
  PlanPage,
  PlansPage,
  ImportPage,
  UnitPage,
  UnitsPage,
  type FieldErrors,
  type FieldValues,
} from './pages/admin.tsx'
import { DashboardPage } from './pages/dashboard.tsx'
import { inlineSvg } from '../modules/bulletins/bulletin.page.tsx'
import { renderLeadUnitChart, renderTrendChart } from '../modules/bulletins/bulletin.charts.ts'
import { beijingDateTime } from '../modules/bulletins/bulletin.format.ts'
import { checkMultipartCsrf, webActorOf } from './web-auth.ts'
import { field, messageOf, sendHtml, viewerOf } from './web-kit.tsx'

const hidden = { hide: true }
const LIST_LIMIT = 100
const UnitParams = Type.Object({ unitId: IdParam })
const AccountParams = Type.Object({ accountId: IdParam })
const PlanParams = Type.Object({ planId: IdParam })
const AUDIT_PAGE = 50
/** How long an uploaded checklist waits for 确认导入. */
const PENDING_IMPORT_MS = 30 * 60_000
const MAX_PENDING_IMPORTS = 20
const MAX_ICS_BYTES = 1024 * 1024

const ADMIN_MESSAGES: Record<string, string> = {
  UNIT_NAME_TAKEN: '已有同名单位',
  UNIT_MERGED: '该单位已合并，不能再更改',
  MERGE_INTO_SELF: '不能并入自身',
  UNIT_NOT_FOUND: '未找到该单位',
  ACCOUNT_NOT_FOUND: '未找到该账号',
  CANNOT_DISABLE_SELF: '不能停用自己的账号',
  VALIDATION_FAILED: '请填写名称（不超过100字）',
  FILE_TOO_LARGE: '文件超过大小限制',
}

function adminMessage(err: AppError): string {
  return ADMIN_MESSAGES[err.code] ?? messageOf(err)
}

/** The message a redirect announces, by key: only these texts can appear, whatever the URL says. */
const ADMIN_FLASHES: Record<string, string> = {
  'unit-created': '单位已新增',
  renamed: '单位已更名',
  merged: '单位已合并，任务和账号已移交',
  'account-created': '账号已新建，可用所设密码登录',
  disabled: '账号已停用',
  enabled: '账号已启用',
  'password-reset': '密码已重置，该账号的登录已全部退出',
  'token-revoked': '接口令牌已吊销',
  imported: '整改清单已导入',
  calendar: '工作日历已保存',
  'plan-created': '整改方案已新建',
  'plan-updated': '整改方案已保存',
}

function adminFlash(query: unknown): Flash | null {
  const key = (query as Record<string, unknown> | undefined)?.msg
  if (typeof key !== 'string' || !Object.hasOwn(ADMIN_FLASHES, key)) return null
  const n = Number((query as Record<string, unknown>).n)
  const count = Number.isInteger(n) && n >= 0 && n < 100_000 ? `（${n}项）` : ''
  return { kind: 'ok', text: `${ADMIN_FLASHES[key]}${count}` }
}

interface PendingImport {
  accountId: number
  planId: number
  fileName: string
  bytes: Buffer
  sha256: string
  options: ImportOptions
  expiresAt: number
}

export const adminRoutes: FastifyPluginAsyncTypebox<{ services: Services; config: Config; clock: Clock }> = async (
  app,
  { services, config, clock },
) => {
  const { units, accounts, signIn, plans, checklist, adminEvents } = services
  // An uploaded checklist between its preview and 确认导入: kept here (not in the browser), for its uploader only.
  // Lost on a restart, which only means uploading it again.
  const pending = new Map<string, PendingImport>()

  const renderDashboard = dashboardRenderer(services, clock)
  const recent = (subjectKind?: string, subjectId?: number) => adminEvents.list({ limit: 20, subjectKind, subjectId })

  const overrides = () => services.closeout.calendarOverrides()

  app.get('/admin', { config: { permission: 'admin:use' }, schema: hidden }, async (request, reply) =>
    sendHtml(
      reply,
      200,
      <AdminHomePage
        viewer={viewerOf(request)}
        units={units.list()}
        accounts={accounts.listForAdmin()}
        events={recent()}
        flash={adminFlash(request.query)}
        calendarWarning={calendarWarning(overrides(), clock.now(), config.defaultTimezone)}
      />,
    ),
  )

  // ── the working-day calendar: a year's holidays and make-up workdays at once ─────────

  const comingYear = () => Number(localDate(clock.now(), config.defaultTimezone).slice(0, 4)) + 1
  const calendarPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    year: number,
    text?: string,
    error?: string,
    ics?: { error?: string; preview?: IcsPreview },
  ) =>
    sendHtml(
      reply,
      status,
      <CalendarPage
        viewer={viewerOf(request)}
        officialYears={OFFICIAL_DATA_YEARS}
        overrideYears={overrideYears(overrides())}
        year={year}
        overrides={services.closeout.calendarOverrides().filter((o) => o.date.startsWith(`${year}-`))}
        text={text}
        error={error}
        icsError={ics?.error}
        icsPreview={ics?.preview}
        flash={adminFlash(request.query)}
      />,
    )

  app.get(
    '/admin/calendar',
    {
      config: { permission: 'calendar:edit' },
      schema: { ...hidden, querystring: Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) }) },
    },
    async (request, reply) => calendarPage(request, reply, 200, request.query.year ?? comingYear()),
  )

  app.post('/admin/calendar', { config: { permission: 'calendar:edit' }, schema: hidden }, async (request, reply) => {
    const yearText = field(request.body, 'year')
    const year = /^(20\d\d|2100)$/.test(yearText) ? Number(yearText) : comingYear()
    const text = field(request.body, 'lines').slice(0, 20_000)
    const parsed = parseCalendarLines(text, year)
    if ('error' in parsed) return calendarPage(request, reply, 422, year, text, parsed.error)
    const actor = webActorOf(request)
    services.transact(() => {
      for (const entry of parsed.entries) services.closeout.setCalendarOverride(actor, entry)
      adminEvents.record({
        actor,
        action: 'calendar.year',
        subjectKind: 'calendar',
        subjectId: year,
        summary: `录入${year}年工作日历：放假${parsed.entries.filter((e) => e.kind === 'holiday').length}天，调休上班${parsed.entries.filter((e) => e.kind === 'workday').length}天`,
        details: { entries: parsed.entries },
      })
    })
    return reply.redirect(`/admin/calendar?year=${year}&msg=calendar&n=${parsed.entries.length}`, 303)
  })

  // An uploaded .ics is read and shown (dates, kind, name), nothing saved: its confirm form posts the days as the
  // pasted list above, so saving goes through the same checks and the same audited write.
  app.post(
    '/admin/calendar/ics',
    { config: { permission: 'calendar:edit', multipartCsrf: true }, schema: hidden },
    async (request, reply) => {
      let year = comingYear()
      const refuse = (status: number, error: string) => calendarPage(request, reply, status, year, undefined, undefined, { error })
      if (!request.isMultipart()) return refuse(400, '请通过页面上的表单选择 .ics 文件上传')
      let token: string | undefined
      let file: { name: string; bytes: Buffer } | null = null
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          if (part.fieldname === '_csrf' && typeof part.value === 'string') token = part.value
          if (part.fieldname === 'year' && typeof part.value === 'string' && /^(20\d\d|2100)$/.test(part.value)) year = Number(part.value)
          continue
        }
        checkMultipartCsrf(request, token)
        if (file || !part.filename) {
          part.file.resume()
          continue
        }
        try {
          file = { name: part.filename, bytes: await part.toBuffer() }
        } catch (err) {
          if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return refuse(413, '文件超过大小限制')
          throw err
        }
      }
      checkMultipartCsrf(request, token)
      if (!file || file.bytes.length === 0) return refuse(400, '请选择 .ics 日历文件')
      if (file.bytes.length > MAX_ICS_BYTES) return refuse(413, '日历文件超过1MB，请只导出节假日日历')
      const read = readHolidayIcs(file.bytes.toString('utf8'))
      if (!read.ok) return refuse(422, read.error)
      const days = read.days.filter((d) => d.date.startsWith(`${year}-`))
      if (days.length === 0) {
        const years = [...new Set(read.days.map((d) => d.date.slice(0, 4)))]
        return refuse(
          422,
          `文件中没有${year}年的放假或调休上班日${years.length > 0 ? `（文件涵盖${years.join('、')}年，请先在上方切换年份）` : ''}`,
        )
      }
      request.log.info({ year, days: days.length, ignored: read.ignored.length }, 'calendar ics previewed')
      return calendarPage(request, reply, 200, year, undefined, undefined, {
        preview: {
          fileName: file.name,
          holidays: days.filter((d) => d.kind === 'holiday').length,
          workdays: days.filter((d) => d.kind === 'workday').length,
          runs: calendarRuns(days),
          ignored: read.ignored,
          otherYears: read.days.length - days.length,
          lines: calendarLines(days),
        },
      })
    },
  )

  // ── units ─────────────────────────────────────────────────────────────

  const unitsPage = (request: FastifyRequest, reply: FastifyReply, status: number, values?: FieldValues, errors?: FieldErrors) =>
    sendHtml(
      reply,
      status,
      <UnitsPage viewer={viewerOf(request)} units={units.list()} values={values} errors={errors} flash={adminFlash(request.query)} />,
    )

  app.get('/admin/units', { config: { permission: 'admin:use' }, schema: hidden }, async (request, reply) => unitsPage(request, reply, 200))

  app.post('/admin/units', { config: { permission: 'units:create' }, schema: hidden }, async (request, reply) => {
    const name = field(request.body, 'name')
    try {
      const unit = units.create(name, webActorOf(request))
      return reply.redirect(`/admin/units/${unit.id}?msg=unit-created`, 303)
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode >= 500) throw err
      return unitsPage(request, reply, err.statusCode === 409 ? 409 : 400, { name }, { name: adminMessage(err) })
    }
  })

  const unitPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    unitId: number,
    status: number,
    values?: FieldValues,
    errors?: FieldErrors,
  ) =>
    sendHtml(
      reply,
      status,
      <UnitPage
        viewer={viewerOf(request)}
        unit={units.get(unitId)}
        units={units.list()}
        usage={units.usage(unitId)}
        events={recent('unit', unitId)}
        values={values}
        errors={errors}
        flash={adminFlash(request.query)}
      />,
    )

  app.get(
    '/admin/units/:unitId',
    { config: { permission: 'units:edit' }, schema: { ...hidden, params: UnitParams } },
    async (request, reply) => unitPage(request, reply, request.params.unitId, 200),
  )

  app.post(
    '/admin/units/:unitId/rename',
    { config: { permission: 'units:edit' }, schema: { ...hidden, params: UnitParams } },
    async (request, reply) => {
      const { unitId } = request.params
      const name = field(request.body, 'name')
      try {
        units.rename(webActorOf(request), unitId, name)
      } catch (err) {
        if (!(err instanceof AppError) || err.statusCode >= 500 || err.statusCode === 404) throw err
        return unitPage(request, reply, unitId, err.statusCode, { name }, { name: adminMessage(err) })
      }
      return reply.redirect(`/admin/units/${unitId}?msg=renamed`, 303)
    },
  )

  app.post(
    '/admin/units/:unitId/merge',
    { config: { permission: 'units:merge' }, schema: { ...hidden, params: UnitParams } },
    async (request, reply) => {
      const { unitId } = request.params
      const into = field(request.body, 'intoUnitId')
      const values = { intoUnitId: into }
      if (!/^[1-9]\d{0,9}$/.test(into)) return unitPage(request, reply, unitId, 400, values, { intoUnitId: '请选择存续单位' })
      if (field(request.body, 'confirm') !== 'yes') return unitPage(request, reply, unitId, 400, values, { confirm: '请勾选“确认合并”' })
      let moved: number
      try {
        moved = new Set(units.merge(webActorOf(request), unitId, Number(into)).items.map((i) => i.itemId)).size
      } catch (err) {
        if (!(err instanceof AppError) || err.statusCode >= 500) throw err
        if (err.statusCode === 404 && err.code === 'UNIT_NOT_FOUND' && units.list().some((u) => u.id === unitId)) {
          return unitPage(request, reply, unitId, 400, values, { intoUnitId: '请选择存续单位' })
        }
        if (err.statusCode === 404) throw err
        return unitPage(request, reply, unitId, err.statusCode, values, { intoUnitId: adminMessage(err) })
      }
      request.log.info({ unitId, intoUnitId: Number(into), items: moved }, 'unit merged')
      return reply.redirect(`/admin/units/${into}?msg=merged&n=${moved}`, 303)
    },
  )

  // ── accounts ──────────────────────────────────────────────────────────

  const accountsPage = (request: FastifyRequest, reply: FastifyReply, status: number, values?: FieldValues, errors?: FieldErrors) =>
    sendHtml(
      reply,
      status,
      <AccountsPage
        viewer={viewerOf(request)}
        accounts={accounts.listForAdmin()}
        units={units.list()}
        values={values}
        errors={errors}
        flash={adminFlash(request.query)}
      />,
    )

  app.get('/admin/accounts', { config: { permission: 'accounts:list' }, schema: hidden }, async (request, reply) =>
    accountsPage(request, reply, 200),
  )

  app.post('/admin/accounts', { config: { permission: 'accounts:create' }, schema: hidden }, async (request, reply) => {
    const values: FieldValues = {
      login: field(request.body, 'login').slice(0, 64),
      name: field(request.body, 'name').slice(0, 100),
      role: field(request.body, 'role'),
      unitId: field(request.body, 'unitId'),
    }
    const password = field(request.body, 'password').slice(0, 200)
    if (!(ROLES as readonly string[]).includes(values.role!)) return accountsPage(request, reply, 400, values, { role: '请选择角色' })
    if (values.unitId !== '' && !/^[1-9]\d{0,9}$/.test(values.unitId!))
      return accountsPage(request, reply, 400, values, { unitId: '请选择单位' })
    const result = await signIn.createWithPassword(webActorOf(request), {
      login: values.login!,
      name: values.name!,
      role: values.role as Role,
      unitId: values.unitId === '' ? null : Number(values.unitId),
      password,
    })
    if (!result.ok)
      return accountsPage(request, reply, result.message === '该用户名已被使用' ? 409 : 422, values, { [result.field]: result.message })
    return reply.redirect(`/admin/accounts/${result.account.id}?msg=account-created`, 303)
  })

  const accountPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    accountId: number,
    status: number,
    extra: { token?: string; errors?: FieldErrors; flash?: Flash } = {},
  ) =>
    sendHtml(
      reply,
      status,
      <AccountPage
        viewer={viewerOf(request)}
        account={accounts.getForAdmin(accountId)}
        events={recent('account', accountId)}
        token={extra.token}
        errors={extra.errors}
        flash={extra.flash ?? adminFlash(request.query)}
      />,
    )

  app.get(
    '/admin/accounts/:accountId',
    { config: { permission: 'accounts:edit' }, schema: { ...hidden, params: AccountParams } },
    async (request, reply) => accountPage(request, reply, request.params.accountId, 200),
  )

  for (const [path, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(
      `/admin/accounts/:accountId/${path}`,
      { config: { permission: 'accounts:edit' }, schema: { ...hidden, params: AccountParams } },
      async (request, reply) => {
        const { accountId } = request.params
        try {
          accounts.setDisabled(webActorOf(request), accountId, disabled)
        } catch (err) {
          if (!(err instanceof AppError) || err.statusCode !== 409) throw err
          return accountPage(request, reply, accountId, 409, { flash: { kind: 'error', text: adminMessage(err) } })
        }
        return reply.redirect(`/admin/accounts/${accountId}?msg=${disabled ? 'disabled' : 'enabled'}`, 303)
      },
    )
  }

  app.post(
    '/admin/accounts/:accountId/password',
    { config: { permission: 'accounts:edit' }, schema: { ...hidden, params: AccountParams } },
    async (request, reply) => {
      const { accountId } = request.params
      const result = await signIn.resetPassword(webActorOf(request), accountId, field(request.body, 'password').slice(0, 200))
      if (!result.ok) return accountPage(request, reply, accountId, 422, { errors: { password: result.message } })
      return reply.redirect(`/admin/accounts/${accountId}?msg=password-reset`, 303)
    },
  )

  // The new token is shown on this answer only (no redirect: it must not sit in a URL or be shown again).
  app.post(
    '/admin/accounts/:accountId/token',
    { config: { permission: 'accounts:edit' }, schema: { ...hidden, params: AccountParams } },
    async (request, reply) => {
      const { accountId } = request.params
      const { token } = accounts.issueToken(webActorOf(request), accountId)
      return accountPage(request, reply, accountId, 200, { token, flash: { kind: 'ok', text: '已签发新的接口令牌' } })
    },
  )

  app.post(
    '/admin/accounts/:accountId/token/revoke',
    { config: { permission: 'accounts:edit' }, schema: { ...hidden, params: AccountParams } },
    async (request, reply) => {
      const { accountId } = request.params
      accounts.revokeToken(webActorOf(request), accountId)
      return reply.redirect(`/admin/accounts/${accountId}?msg=token-revoked`, 303)
    },
  )

  // ── plans: create and edit, the same fields on both forms ─────────────────────

  const plansPage = (request: FastifyRequest, reply: FastifyReply, status: number, values?: FieldValues, errors?: FieldErrors) =>
    sendHtml(
      reply,
      status,
      <PlansPage viewer={viewerOf(request)} plans={plans.list()} values={values} errors={errors} flash={adminFlash(request.query)} />,
    )

  app.get('/admin/plans', { config: { permission: 'plans:create' }, schema: hidden }, async (request, reply) =>
    plansPage(request, reply, 200),
  )

  app.post('/admin/plans', { config: { permission: 'plans:create' }, schema: hidden }, async (request, reply) => {
    const form = readPlanForm(request.body)
    if (!form.ok) return plansPage(request, reply, 400, form.values, form.errors)
    try {
      plans.create(webActorOf(request), { ...form.input, timezone: form.input.timezone ?? undefined })
    } catch (err) {
      const errors = planFieldErrors(err)
      if (!errors) throw err
      return plansPage(request, reply, (err as AppError).statusCode, form.values, errors)
    }
    return reply.redirect('/admin/plans?msg=plan-created', 303)
  })

  const planPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    planId: number,
    status: number,
    values?: FieldValues,
    errors?: FieldErrors,
  ) =>
    sendHtml(
      reply,
      status,
      <PlanPage
        viewer={viewerOf(request)}
        plan={plans.get(planId)}
        events={recent('plan', planId)}
        values={values}
        errors={errors}
        flash={adminFlash(request.query)}
      />,
    )

  app.get(
    '/admin/plans/:planId',
    { config: { permission: 'plans:edit' }, schema: { ...hidden, params: PlanParams } },
    async (request, reply) => planPage(request, reply, request.params.planId, 200),
  )

  app.post(
    '/admin/plans/:planId',
    { config: { permission: 'plans:edit' }, schema: { ...hidden, params: PlanParams } },
    async (request, reply) => {
      const { planId } = request.params
      plans.get(planId)
      const form = readPlanForm(request.body)
      if (!form.ok) return planPage(request, reply, planId, 400, form.values, form.errors)
      try {
        plans.update(webActorOf(request), planId, form.input)
      } catch (err) {
        const errors = planFieldErrors(err)
        if (!errors) throw err
        return planPage(request, reply, planId, (err as AppError).statusCode, form.values, errors)
      }
      return reply.redirect(`/admin/plans/${planId}?msg=plan-updated`, 303)
    },
  )

  // ── the checklist import: upload → preview of every row and error → 确认导入 ─────────

  const planOptions = () => plans.list().map((p) => ({ id: p.id, title: p.title }))

  app.get('/admin/import', { config: { permission: 'checklist:import' }, schema: hidden }, async (request, reply) =>
    sendHtml(reply, 200, <ImportPage viewer={viewerOf(request)} plans={planOptions()} flash={adminFlash(request.query)} />),
  )

  function prune(now: number) {
    for (const [key, p] of pending) if (p.expiresAt <= now) pending.delete(key)
    while (pending.size >= MAX_PENDING_IMPORTS) pending.delete(pending.keys().next().value!)
  }

  app.post('/admin/import', { config: { permission: 'checklist:import', multipartCsrf: true }, schema: hidden }, async (request, reply) => {
    const actor = webActorOf(request)
    const values: FieldValues = {}
    const again = (status: number, error: string) =>
      sendHtml(reply, status, <ImportPage viewer={viewerOf(request)} plans={planOptions()} values={values} error={error} />)
    if (!request.isMultipart()) return again(400, '请通过页面上的表单选择文件上传')
    let token: string | undefined
    let file: { name: string; bytes: Buffer } | null = null
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (typeof part.value !== 'string') continue
        if (part.fieldname === '_csrf') token = part.value
        else values[part.fieldname] = part.value.slice(0, 100)
        continue
      }
      checkMultipartCsrf(request, token)
      if (file || !part.filename) {
        part.file.resume()
        continue
      }
      try {
        file = { name: part.filename, bytes: await part.toBuffer() }
      } catch (err) {
        if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return again(413, '文件超过大小限制')
        throw err
      }
    }
    checkMultipartCsrf(request, token)
    const planId = Number(values.planId)
    if (!Number.isInteger(planId) || !plans.list().some((p) => p.id === planId)) return again(400, '请选择整改方案')
    if (!file || file.bytes.length === 0) return again(400, '请选择清单文件')
    const options: ImportOptions = {
      mode: values.mode === 'update' ? 'update' : 'create',
      createUnits: values.createUnits === 'true',
    }
    let preview: ImportPreview
    try {
      preview = checklist.previewImport(actor, planId, await checklist.readWorkbook(file.bytes), options)
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode >= 500 || err.statusCode === 403) throw err
      return again(
        err.statusCode === 413 ? 413 : 422,
        err.statusCode === 413 ? '文件超过大小限制' : '无法读取该文件，请上传 .xlsx 格式的整改清单',
      )
    }
    const now = clock.now().getTime()
    prune(now)
    const key = randomBytes(18).toString('base64url')
    if (preview.ok) {
      pending.set(key, {
        accountId: actor.accountId,
        planId,
        fileName: file.name,
        bytes: file.bytes,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        options,
        expiresAt: now + PENDING_IMPORT_MS,
      })
    }
    request.log.info({ planId, ok: preview.ok, rows: preview.rows.length, errors: preview.errors.length }, 'checklist import previewed')
    return sendHtml(
      reply,
      preview.ok ? 200 : 422,
      <ImportPage
        viewer={viewerOf(request)}
        plans={planOptions()}
        values={values}
        preview={{ token: key, fileName: file.name, result: preview }}
      />,
    )
  })

  app.post('/admin/import/confirm', { config: { permission: 'checklist:import' }, schema: hidden }, async (request, reply) => {
    const actor = webActorOf(request)
    const key = field(request.body, 'token')
    const held = pending.get(key)
    if (!held || held.accountId !== actor.accountId || held.expiresAt <= clock.now().getTime()) {
      return sendHtml(
        reply,
        409,
        <ImportPage viewer={viewerOf(request)} plans={planOptions()} error="预览已过期或已导入，请重新上传文件" />,
      )
    }
    pending.delete(key)
    const sheet = await checklist.readWorkbook(held.bytes)
    try {
      const result = services.transact(() => {
        const imported = checklist.importSheet(actor, held.planId, sheet, held.options)
        adminEvents.record({
          actor,
          action: 'checklist.import',
          subjectKind: 'plan',
          subjectId: held.planId,
          summary: `导入整改清单“${held.fileName}”：新增${imported.created}项，更新${imported.updated}项`,
          details: { fileName: held.fileName, sha256: held.sha256, created: imported.created, updated: imported.updated },
        })
        return imported
      })
      request.log.info({ planId: held.planId, created: result.created, updated: result.updated }, 'checklist imported')
      return reply.redirect(`/admin/import?msg=imported&n=${result.created + result.updated}`, 303)
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode >= 500) throw err
      // The data changed between the preview and the confirmation: show the preview as it stands now.
      const preview = checklist.previewImport(actor, held.planId, sheet, held.options)
      return sendHtml(
        reply,
        409,
        <ImportPage
          viewer={viewerOf(request)}
          plans={planOptions()}
          preview={{ token: '', fileName: held.fileName, result: { ...preview, ok: false } }}
          error="导入前数据已变化，未保存任何内容，请核对后重新上传"
        />,
      )
    }
  })

  // ── the leadership's dashboard (read only; the leader's home) ───────────────

  app.get(
    '/dashboard',
    { config: { permission: 'dashboard:read' }, schema: { ...hidden, querystring: Type.Object({ planId: Type.Optional(IdParam) }) } },
    async (request, reply) => renderDashboard(request, reply, request.query.planId),
  )

  // ── the admin trail ───────────────────────────────────────────────────

  app.get(
    '/admin/audit',
    { config: { permission: 'admin:use' }, schema: { ...hidden, querystring: Type.Object({ before: Type.Optional(IdParam) }) } },
    async (request, reply) => {
      const events = adminEvents.list({ limit: AUDIT_PAGE + 1, before: request.query.before })
      const more = events.length > AUDIT_PAGE
      const shown = events.slice(0, AUDIT_PAGE)
      return sendHtml(
        reply,
        200,
        <AuditPage viewer={viewerOf(request)} events={shown} nextBefore={more ? shown[shown.length - 1]!.id : null} />,
      )
    },
  )
}

const PLAN_NUMBERS = [
  ['noticeWorkingDays', 60],
  ['jointSupervisionAfterDays', 365],
  ['reminderDays', 30],
  ['reportDueDay', 28],
] as const

/**
 * The plan form, as posted by the new-plan and the edit form: every field checked with the API's bounds, each
 * error in Chinese beside its field. An empty 时区 means the default zone (on a new plan) or no change.
 */
export function readPlanForm(
  body: unknown,
):
  | { ok: true; values: FieldValues; input: Required<Omit<PlanPatch, 'timezone'>> & { timezone: string | undefined } }
  | { ok: false; values: FieldValues; errors: FieldErrors } {
  const values: FieldValues = {}
  for (const k of ['title', 'issuedBy', 'timezone', 'categories', ...PLAN_NUMBERS.map(([k]) => k)]) {
    values[k] = field(body, k).slice(0, k === 'categories' ? 20_000 : 400)
  }
  const errors: FieldErrors = {}
  const title = values.title!.trim()
  const issuedBy = values.issuedBy!.trim()
  if (title === '') errors.title = '请填写方案名称'
  else if (title.length > 300) errors.title = '方案名称不能超过300字'
  if (issuedBy === '') errors.issuedBy = '请填写印发单位'
  else if (issuedBy.length > 300) errors.issuedBy = '印发单位不能超过300字'
  const numbers: Record<string, number> = {}
  for (const [k, max] of PLAN_NUMBERS) {
    const v = values[k]!.trim()
    if (!/^\d{1,3}$/.test(v) || Number(v) < 1 || Number(v) > max) errors[k] = `须为1至${max}的整数`
    numbers[k] = Number(v)
  }
  const categories = values
    .categories!.split(/\r?\n/)
    .map((c) => c.trim())
    .filter((c) => c !== '')
  if (categories.length > 50) errors.categories = '任务领域最多50个'
  else if (categories.some((c) => c.length > 200)) errors.categories = '每个任务领域不超过200字'
  if (Object.keys(errors).length > 0) return { ok: false, values, errors }
  return {
    ok: true,
    values,
    input: {
      title,
      issuedBy,
      timezone: values.timezone!.trim() || undefined,
      categories,
      noticeWorkingDays: numbers.noticeWorkingDays!,
      jointSupervisionAfterDays: numbers.jointSupervisionAfterDays!,
      reminderDays: numbers.reminderDays!,
      reportDueDay: numbers.reportDueDay!,
    },
  }
}

/** A refusal of the plans service as errors beside the form's fields; null for anything else. */
function planFieldErrors(err: unknown): FieldErrors | null {
  if (!(err instanceof AppError) || (err.statusCode !== 400 && err.statusCode !== 409)) return null
  switch (err.code) {
    case 'INVALID_TIMEZONE':
      return { timezone: '未知的时区，请填写如 Asia/Shanghai' }
    case 'DUPLICATE_CATEGORY':
      return { categories: '任务领域不能重复' }
    case 'CATEGORY_IN_USE': {
      const used = (err.details?.categories ?? []) as { category: string; items: number }[]
      return {
        categories: `${used.map((c) => `任务领域“${c.category}”仍有${c.items}项任务`).join('，')}，不能删除或更名；请先将这些任务改到其他领域`,
      }
    }
    case 'VALIDATION_FAILED': {
      const fields = (err.details?.fields ?? []) as { field: string }[]
      return Object.fromEntries(
        fields.map((f) => {
          const name = f.field.replace(/^body\./, '')
          return [name, name === 'issuedBy' ? '请填写印发单位' : '请填写方案名称']
        }),
      )
    }
    default:
      return null
  }
}

/**
 * A pasted list of a year's days: one per line, `DATE` or `DATE~DATE`, then 休 (holiday) or 班 (make-up workday),
 * then an optional note. Every line must be right and in the year, or nothing is taken.
 */
export function parseCalendarLines(
  text: string,
  year: number,
): { entries: { date: string; kind: 'holiday' | 'workday'; note?: string }[] } | { error: string } {
  const entries = new Map<string, { date: string; kind: 'holiday' | 'workday'; note?: string }>()
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
  if (lines.length === 0) return { error: '请至少填写一行' }
  for (const [i, line] of lines.entries()) {
    const m = /^(\d{4}-\d{2}-\d{2})(?:\s*[~～至-]\s*(\d{4}-\d{2}-\d{2}))?\s+(休|班|放假|上班|holiday|workday)(?:\s+(.{1,200}))?$/.exec(line)
    const where = `第${i + 1}行“${line.slice(0, 40)}”`
    if (!m) return { error: `${where}格式不对，应为“日期 休/班 说明”` }
    const [, from, to = from, kindWord, note] = m
    if (!isValidDate(from!) || !isValidDate(to!) || to! < from!) return { error: `${where}的日期无效` }
    if (!from!.startsWith(`${year}-`) || !to!.startsWith(`${year}-`)) return { error: `${where}不在${year}年内` }
    const kind = kindWord === '休' || kindWord === '放假' || kindWord === 'holiday' ? 'holiday' : 'workday'
    for (let d = from!; d <= to!; d = addDays(d, 1)) entries.set(d, note ? { date: d, kind, note: note.trim() } : { date: d, kind })
  }
  return { entries: [...entries.values()].sort((a, b) => (a.date < b.date ? -1 : 1)) }
}

/** Consecutive days of one kind and name, as one run (春节 2027-02-06 to 02-13). */
export interface CalendarRun {
  from: string
  to: string
  days: number
  kind: CalendarDay['kind']
  note: string
}

export function calendarRuns(days: CalendarDay[]): CalendarRun[] {
  const runs: CalendarRun[] = []
  for (const day of days) {
    const run = runs.at(-1)
    if (run && run.kind === day.kind && run.note === day.note && addDays(run.to, 1) === day.date) {
      run.to = day.date
      run.days++
    } else runs.push({ from: day.date, to: day.date, days: 1, kind: day.kind, note: day.note })
  }
  return runs
}

/** Days as the pasted list writes them (`parseCalendarLines` reads them back): each run one line. */
export function calendarLines(days: CalendarDay[]): string {
  return calendarRuns(days)
    .map((run) => {
      const note = run.note.replace(/\s+/g, ' ').trim().slice(0, 100)
      return `${run.from === run.to ? run.from : `${run.from}~${run.to}`} ${run.kind === 'holiday' ? '休' : '班'}${note ? ` ${note}` : ''}`
    })
    .join('\n')
}

/** The leadership's dashboard page (also the leader's home, `/`). */
export function dashboardRenderer(services: Services, clock: Clock) {
  const { plans } = services
  return async (request: FastifyRequest, reply: FastifyReply, planId: number | undefined) => {
    const actor = webActorOf(request)
    const all = plans.list()
    const plan = planId === undefined ? all[0] : plans.get(planId)
    if (!plan) {
      return sendHtml(
        reply,
        200,
        <Layout title="领导驾驶舱" viewer={viewerOf(request)} section="dashboard">
          <h1>领导驾驶舱</h1>
          <p class="card muted">尚无整改方案。</p>
        </Layout>,
      )
    }
    const live = services.bulletins.live(actor, plan.id)
    const list = (filters: { overdue?: boolean; lagging?: boolean }) => {
      const page = services.items.list(actor, { planId: plan.id, ...filters, limit: LIST_LIMIT })
      return { total: page.total, items: page.items }
    }
    const safeCharts = { byLeadUnit: inlineSvg(renderLeadUnitChart(live)), trend: inlineSvg(renderTrendChart(live)) }
    return sendHtml(
      reply,
      200,
      <DashboardPage
        viewer={viewerOf(request)}
        plans={all.map((p) => ({ id: p.id, title: p.title }))}
        planId={plan.id}
        live={live}
        asOfText={beijingDateTime(clock.now().toISOString())}
        overdue={list({ overdue: true })}
        lagging={list({ lagging: true })}
        safeCharts={safeCharts}
      />,
    )
  }
}
