import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../server/domain/actors.ts'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'
import { pdf } from '../helpers/files.ts'
import { browser, multipartForm, webAccount } from '../helpers/web.ts'

const ALL: Role[] = ['admin', 'supervisor', 'leader', 'unit']

// The matrix, written out by hand: a route added without a line here fails the first test below.
const EXPECTED: Record<string, Role[]> = {
  'GET /api/v1/me': ALL,
  'GET /api/v1/units': ALL,
  'POST /api/v1/units': ['admin'],
  'GET /api/v1/accounts': ['admin'],
  'POST /api/v1/accounts': ['admin'],
  'GET /api/v1/plans': ALL,
  'GET /api/v1/plans/:planId': ALL,
  'POST /api/v1/plans': ['admin'],
  'PATCH /api/v1/plans/:planId': ['admin'],
  'POST /api/v1/plans/:planId/items': ['admin', 'supervisor'],
  'GET /api/v1/items': ALL,
  'GET /api/v1/items/:itemId': ALL,
  'PATCH /api/v1/items/:itemId': ['admin', 'supervisor'],
  'GET /api/v1/items/:itemId/events': ALL,
  'POST /api/v1/items/:itemId/transitions': ['supervisor', 'unit'],
  'GET /api/v1/items/:itemId/progress-reports': ALL,
  'POST /api/v1/items/:itemId/progress-reports': ['unit'],
  'GET /api/v1/items/:itemId/evidence': ALL,
  'POST /api/v1/items/:itemId/evidence': ['unit'],
  'GET /api/v1/evidence/:evidenceId/content': ALL,
  'POST /api/v1/plans/:planId/import': ['admin', 'supervisor'],
  'GET /api/v1/plans/:planId/export': ALL,
  'GET /api/v1/items/:itemId/extensions': ALL,
  'POST /api/v1/items/:itemId/extensions': ['unit'],
  'POST /api/v1/extensions/:extensionId/decision': ['supervisor'],
  'GET /api/v1/objections': ['admin', 'supervisor', 'leader'],
  'POST /api/v1/objections/:objectionId/decision': ['supervisor'],
  'POST /api/v1/escalations/run': ['admin', 'supervisor'],
  'POST /api/v1/items/bulk/urge': ['supervisor'],
  'POST /api/v1/items/bulk/supervisions': ['supervisor'],
  'GET /api/v1/supervisions': ALL,
  'GET /api/v1/supervisions/:supervisionId': ALL,
  'POST /api/v1/items/:itemId/supervisions': ['supervisor'],
  'POST /api/v1/supervisions/:supervisionId/acknowledge': ['unit'],
  'POST /api/v1/supervisions/:supervisionId/reply': ['unit'],
  'POST /api/v1/supervisions/:supervisionId/send-back': ['supervisor'],
  'POST /api/v1/supervisions/:supervisionId/resolve': ['supervisor'],
  'GET /api/v1/calendar/overrides': ALL,
  'POST /api/v1/calendar/overrides': ['admin'],
  'DELETE /api/v1/calendar/overrides/:date': ['admin'],
  'GET /api/v1/plans/:planId/bulletins': ALL,
  'POST /api/v1/plans/:planId/bulletins': ['supervisor'],
  'GET /api/v1/plans/:planId/bulletins/:period': ALL,
  'POST /api/v1/plans/:planId/bulletins/:period/publish': ['supervisor'],
  'PATCH /api/v1/units/:unitId': ['admin'],
  'POST /api/v1/units/:unitId/merge': ['admin'],
  'GET /api/v1/case-leads': ALL,
  'POST /api/v1/case-leads': ['supervisor'],
  'GET /api/v1/case-leads/:caseLeadId': ALL,
  'GET /api/v1/case-leads/:caseLeadId/events': ALL,
  'POST /api/v1/case-leads/:caseLeadId/transitions': ['supervisor'],
  'GET /api/v1/me/notifications': ALL,
  'POST /api/v1/me/notifications/:notificationId/read': ALL,
  'POST /api/v1/me/notifications/read-all': ALL,
  'GET /api/v1/units/:unitId/channels': ['admin'],
  'PUT /api/v1/units/:unitId/channels': ['admin'],
  'GET /api/v1/notifications/deliveries': ['admin', 'supervisor'],
  'POST /api/v1/notifications/deliveries/:deliveryId/retry': ['admin', 'supervisor'],
}

// The workbench's pages, by the same table: signed in with a session instead of a token.
const PAGES: Record<string, Role[]> = {
  'GET /': ALL,
  'GET /account/password': ALL,
  'POST /account/password': ALL,
  'GET /items': ALL,
  'GET /items/export': ALL,
  'GET /items/:itemId': ALL,
  'POST /items/:itemId/transitions': ['supervisor', 'unit'],
  'POST /items/:itemId/reports': ['unit'],
  'POST /items/:itemId/evidence': ['unit'],
  'POST /items/:itemId/extensions': ['unit'],
  'GET /supervisions/:supervisionId/notice': ALL,
  'POST /supervisions/:supervisionId/acknowledge': ['unit'],
  'POST /supervisions/:supervisionId/reply': ['unit'],
  'GET /evidence/:evidenceId': ALL,
  'GET /evidence/:evidenceId/view': ALL,
  'GET /monthly': ['unit'],
  'POST /monthly': ['unit'],
  'GET /dashboard': ['admin', 'supervisor', 'leader'],
  'GET /admin': ['admin'],
  'GET /admin/units': ['admin'],
  'POST /admin/units': ['admin'],
  'GET /admin/units/:unitId': ['admin'],
  'POST /admin/units/:unitId/rename': ['admin'],
  'POST /admin/units/:unitId/merge': ['admin'],
  'GET /admin/accounts': ['admin'],
  'POST /admin/accounts': ['admin'],
  'GET /admin/accounts/:accountId': ['admin'],
  'POST /admin/accounts/:accountId/disable': ['admin'],
  'POST /admin/accounts/:accountId/enable': ['admin'],
  'POST /admin/accounts/:accountId/password': ['admin'],
  'POST /admin/accounts/:accountId/token': ['admin'],
  'POST /admin/accounts/:accountId/token/revoke': ['admin'],
  'GET /admin/import': ['admin', 'supervisor'],
  'POST /admin/import': ['admin', 'supervisor'],
  'POST /admin/import/confirm': ['admin', 'supervisor'],
  'GET /admin/audit': ['admin'],
  'GET /admin/calendar': ['admin'],
  'GET /admin/plans': ['admin'],
  'POST /admin/plans': ['admin'],
  'GET /admin/plans/:planId': ['admin'],
  'POST /admin/plans/:planId': ['admin'],
  'POST /admin/calendar/ics': ['admin'],
  'POST /admin/calendar': ['admin'],
  'GET /office': ['supervisor'],
  'GET /office/:queue': ['supervisor'],
  'POST /extensions/:extensionId/decision': ['supervisor'],
  'POST /objections/:objectionId/decision': ['supervisor'],
  'POST /supervisions/:supervisionId/decision': ['supervisor'],
  // Every role that lists items may post here; which actions it may take is checked inside (export for all).
  'POST /items/bulk': ALL,
  'GET /supervisions': ALL,
  'GET /supervisions/:supervisionId': ALL,
  'GET /bulletins': ALL,
  'GET /bulletins/:planId/:period': ALL,
  'GET /bulletins/:planId/:period/print': ALL,
  'GET /bulletins/:planId/:period/workbook': ALL,
  'POST /bulletins/:planId/:period/issue': ['supervisor'],
  'POST /bulletins/:planId/:period/publish': ['supervisor'],
  'GET /messages': ALL,
  'POST /messages/:notificationId/read': ALL,
  'POST /messages/read-all': ALL,
  'GET /deliveries': ['admin', 'supervisor'],
  'POST /deliveries/:deliveryId/retry': ['admin', 'supervisor'],
  'GET /admin/units/:unitId/channels': ['admin'],
  'POST /admin/units/:unitId/channels': ['admin'],
  'POST /admin/units/:unitId/channels/:channelId': ['admin'],
  'POST /admin/units/:unitId/channels/:channelId/remove': ['admin'],
  // Last: it ends the session the other rows use.
  'POST /logout': ALL,
}

let t: TestApp
let tokens: Record<Role, string>
let logins: Record<Role, { login: string; password: string }>
let itemId: number
let planId: number

beforeAll(async () => {
  t = await createTestApp()
  const f = factories(t.app)
  const unit = f.unit()
  planId = f.plan().id
  itemId = f.item(planId, unit.id).id
  tokens = { admin: f.token('admin'), supervisor: f.token('supervisor'), leader: f.token('leader'), unit: f.token('unit', unit.id) }
  logins = {
    admin: await webAccount(t.app, 'admin'),
    supervisor: await webAccount(t.app, 'supervisor'),
    leader: await webAccount(t.app, 'leader'),
    unit: await webAccount(t.app, 'unit', unit.id),
  }
})
afterAll(async () => t.close())

function fill(url: string): string {
  return url
    .replace(':itemId', String(itemId))
    .replace(':planId', String(planId))
    .replace(':date', '2030-01-01')
    .replace(':period', '2018-09')
    .replace(':queue', 'closeouts')
    .replace(/:[a-zA-Z]+/g, '1')
}

describe('role × route', () => {
  it('every authenticated route has a row in the matrix, and every row a route', () => {
    const routes = t.app.routeCatalog.filter((r) => r.permission !== null).map((r) => `${r.method} ${r.url}`)
    expect(routes.sort()).toEqual([...Object.keys(EXPECTED), ...Object.keys(PAGES)].sort())
  })

  it('without a token every authenticated route answers 401', async () => {
    for (const route of t.app.routeCatalog.filter((r) => r.permission !== null && r.url.startsWith('/api/'))) {
      const res = await t.app.inject({
        method: route.method as 'GET',
        url: fill(route.url),
        ...(['GET', 'DELETE'].includes(route.method) ? {} : { payload: {} }),
      })
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401)
      expect(res.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' })
    }
  })

  it('with a bad token, 401', async () => {
    for (const header of ['Bearer nope', `Bearer ${'x'.repeat(43)}`, 'Basic abc', 'Bearer']) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: header } })
      expect(res.statusCode, header).toBe(401)
    }
  })

  const cases = Object.entries(EXPECTED).flatMap(([route, roles]) => ALL.map((role) => [route, role, roles.includes(role)] as const))
  it.each(cases)('%s as %s → allowed: %s', async (route, role, allowed) => {
    const [method, url] = route.split(' ') as [string, string]
    const res = await t.app.inject({
      method: method as 'GET',
      url: fill(url),
      headers: { authorization: `Bearer ${tokens[role]}`, 'if-match': '"999"' },
      ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
    })
    if (allowed) {
      expect([401, 403], `${res.statusCode} ${res.body}`).not.toContain(res.statusCode)
    } else {
      expect(res.statusCode, res.body).toBe(403)
      expect(res.json().code).toBe('ROLE_NOT_PERMITTED')
    }
  })
})

describe('role × page', () => {
  it('signed out, every page sends the browser to sign in, and a form changes nothing', async () => {
    for (const route of Object.keys(PAGES)) {
      const [method, url] = route.split(' ') as [string, string]
      const res = await t.app.inject({ method: method as 'GET', url: fill(url), ...(method === 'POST' ? { payload: {} } : {}) })
      expect(res.statusCode, route).toBe(303)
      expect(res.headers.location, route).toMatch(/^\/login/)
    }
    expect(t.app.services.items.events({ kind: 'account', accountId: 0, name: '', role: 'admin', unitId: null }, itemId)).toHaveLength(1)
  })

  it('a bearer token does not open a page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/', headers: { authorization: `Bearer ${tokens.admin}` } })
    expect(res.statusCode).toBe(303)
  })

  it.each(ALL)('every page and form as %s: allowed by the table, else 403', async (role) => {
    const b = browser(t.app)
    expect((await b.signIn(logins[role].login, logins[role].password)).statusCode).toBe(303)
    for (const [route, roles] of Object.entries(PAGES)) {
      const [method, url] = route.split(' ') as [string, string]
      const res = method === 'GET' ? await b.get(fill(url)) : await b.post(fill(url), {})
      const where = `${route} as ${role}: ${res.statusCode}`
      if (roles.includes(role)) {
        expect(res.statusCode, where).not.toBe(403)
        expect(String(res.headers.location ?? ''), where).not.toMatch(/^\/login\?next/)
      } else {
        expect(res.statusCode, where).toBe(403)
        expect(res.body, where).toContain('无权')
      }
    }
  })
})

describe("another unit's item", () => {
  it('every item-scoped page and form answers a unit 404 on an item of another unit, and changes nothing', async () => {
    const f = factories(t.app)
    const other = f.unit('另一牵头单位')
    const theirs = f.item(planId, other.id, { code: 'OTHER-1', problem: '别的单位的任务' })
    const otherToken = f.token('unit', other.id)
    const upload = multipartForm({}, [{ name: '佐证.pdf', content: pdf('other-unit'), field: 'file' }])
    const filed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/items/${theirs.id}/evidence`,
      payload: upload.payload,
      headers: { ...upload.headers, authorization: `Bearer ${otherToken}` },
    })
    expect(filed.statusCode, filed.body).toBe(201)
    const opened = await as(t.app, tokens.supervisor).post(`/api/v1/items/${theirs.id}/supervisions`, { reason: '进展缓慢' })
    expect(opened.statusCode, opened.body).toBe(201)
    const sup = opened.json() as { id: number }
    const ids: Record<string, number> = { itemId: theirs.id, supervisionId: sup.id, evidenceId: filed.json().id }
    const foreign = (url: string) => url.replace(/:(itemId|supervisionId|evidenceId)/g, (_, name: string) => String(ids[name]))

    // Every form's fields filled as its page would send them, so that only whose item it is can refuse it.
    const FORMS: Record<string, Record<string, string>> = {
      'POST /items/:itemId/transitions': { action: 'start', expectedVersion: '1', 'comment-start': '' },
      'POST /items/:itemId/reports': { text: '不该成功', percent: '10' },
      'POST /items/:itemId/extensions': { newDeadline: '2030-12-31', reason: '不该成功', progress: '无' },
      'POST /supervisions/:supervisionId/acknowledge': {},
      'POST /supervisions/:supervisionId/reply': { [`reply-${sup.id}`]: '不该成功' },
      'POST /items/:itemId/evidence': {},
    }
    // The item-scoped pages and forms a unit account may use at all (the others are refused by role, above).
    const scoped = Object.entries(PAGES)
      .filter(([route, roles]) => /:(itemId|supervisionId|evidenceId)/.test(route) && roles.includes('unit'))
      .map(([route]) => route)
    // A new item-scoped form fails here until it has its fields above.
    expect(scoped.filter((route) => route.startsWith('POST') && !(route in FORMS))).toEqual([])
    expect(scoped.length).toBeGreaterThanOrEqual(11)

    const system = { kind: 'account' as const, accountId: 0, name: '', role: 'admin' as const, unitId: null }
    const state = () => ({
      item: t.app.services.items.get(system, theirs.id),
      events: t.app.services.items.events(system, theirs.id).length,
      evidence: t.app.services.evidence.list(system, theirs.id).length,
      reports: t.app.services.progress.list(system, theirs.id).length,
      extensions: t.app.services.extensions.list(system, theirs.id).length,
      supervision: t.app.services.supervision.get(system, sup.id).status,
    })
    const before = state()

    const b = browser(t.app)
    expect((await b.signIn(logins.unit.login, logins.unit.password)).statusCode).toBe(303)
    await b.get('/')
    for (const route of scoped) {
      const [method, url] = route.split(' ') as [string, string]
      let res: Awaited<ReturnType<typeof b.get>>
      if (method === 'GET') res = await b.get(foreign(url))
      else if (route === 'POST /items/:itemId/evidence') {
        const form = multipartForm({ _csrf: b.csrf }, [{ name: '不该成功.pdf', content: pdf('foreign') }])
        res = await b.postRaw(foreign(url), form.payload, form.headers)
      } else res = await b.post(foreign(url), FORMS[route]!)
      expect(res.statusCode, `${route}: ${res.body.slice(0, 200)}`).toBe(404)
      expect(res.body, route).toContain('未找到')
      expect(res.body, route).not.toContain('别的单位的任务')
    }
    expect(state()).toEqual(before)

    // The same pages open for the item's own unit: the 404 above is about whose item it is.
    const own = await webAccount(t.app, 'unit', other.id)
    const ownBrowser = browser(t.app)
    expect((await ownBrowser.signIn(own.login, own.password)).statusCode).toBe(303)
    for (const route of scoped.filter((r) => r.startsWith('GET'))) {
      expect((await ownBrowser.get(foreign(route.split(' ')[1]!))).statusCode, route).toBe(200)
    }
  })
})

describe('public routes', () => {
  it('health, readiness and the API documentation need no token', async () => {
    for (const url of ['/healthz', '/readyz', '/docs/json', '/docs/']) {
      expect((await as(t.app).get(url)).statusCode, url).toBe(200)
    }
  })
})
