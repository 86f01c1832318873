import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { expectInert, hostileText } from '../helpers/escaping.ts'
import { pdf } from '../helpers/files.ts'
import { browser, multipartForm, PASSWORD, webAccount } from '../helpers/web.ts'

// Text people entered is shown exactly as entered and is never markup: hostile text in every field any workbench
// page shows (plan, task area, unit, person, item with its deadline wording and note, report, file name, extension,
// supervision, comments, the search box, the sign-in form) comes out escaped, whole, and inert.

const hostile = hostileText()

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
})
afterAll(async () => t.close())

let run = 0

describe('hostile text on every workbench page', () => {
  it('is shown escaped and inert', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (s) => {
        const n = ++run
        const s$ = t.app.services
        const lead = s$.units.create(`${s}牵头${n}`)
        const partner = s$.units.create(`${s}责任${n}`)
        const office = s$.units.create(`督查室${n}`)
        const person = await webAccount(t.app, 'unit', lead.id, s)
        const admin: AccountActor = { kind: 'account', accountId: person.account.id, name: 'admin', role: 'admin', unitId: null }
        const sup = s$.accounts.create({ name: `${s}督查员`, role: 'supervisor', unitId: office.id }).account
        const supervisor: AccountActor = { kind: 'account', accountId: sup.id, name: sup.name, role: 'supervisor', unitId: office.id }
        const plan = s$.plans.create(admin, { title: s, issuedBy: s, categories: [s] })
        const item = s$.items.create(supervisor, plan.id, {
          code: `${n}-${s.slice(0, 20)}`,
          category: s.trim(),
          problem: s,
          target: s,
          measures: s,
          leadUnitId: lead.id,
          responsibleUnitIds: [partner.id],
          deadlineKind: 'date',
          deadline: '2018-12-31',
          deadlineText: `${s}期限`,
          note: `${s}备注`,
        })
        const unitActor: AccountActor = { kind: 'account', accountId: person.account.id, name: s, role: 'unit', unitId: lead.id }
        s$.closeout.transition(unitActor, item.id, { action: 'start', expectedVersion: item.version, comment: s })
        s$.progress.file(unitActor, item.id, { period: '2018-10', text: s })
        s$.extensions.request(unitActor, item.id, { newDeadline: '2019-03-31', reason: s, progress: s })
        s$.supervision.open(supervisor, item.id, { reason: s })

        const b = browser(t.app)
        expect((await b.signIn(person.login, PASSWORD)).statusCode).toBe(303)
        await b.get(`/items/${item.id}`)
        const upload = multipartForm({ _csrf: b.csrf }, [{ name: `${s.replace(/["\r\n]/g, '')}.pdf`, content: pdf(`escape-${n}`) }])
        expect((await b.postRaw(`/items/${item.id}/evidence`, upload.payload, upload.headers)).statusCode).toBe(303)

        for (const url of [
          '/',
          '/items',
          `/items?q=${encodeURIComponent(s.trim().slice(0, 100))}`,
          `/items/${item.id}`,
          '/monthly',
          '/account/password',
        ]) {
          const res = await b.get(url)
          expect(res.statusCode, url).toBe(200)
          expectInert(res.body, url === '/account/password' ? s : url.startsWith('/items?q') ? s.trim().slice(0, 100) : s, url)
        }
        // The deadline's wording wherever the deadline is shown, and the note on the item's page.
        for (const url of ['/items', `/items/${item.id}`, '/monthly']) expectInert((await b.get(url)).body, `${s}期限`, `${url}: 完成时限`)
        expectInert((await b.get(`/items/${item.id}`)).body, `${s}备注`, 'item page: 备注')
        // A form sent back shows what was typed, escaped.
        const again = await b.post(`/items/${item.id}/reports`, { text: s, percent: '101' })
        expect(again.statusCode).toBe(400)
        expectInert(again.body, s, 'report form sent back')
        // The sign-in form shows the login typed and keeps `next` only as an attribute value.
        const signin = browser(t.app)
        await signin.get(`/login?next=${encodeURIComponent(`/items?q=${s}`)}`)
        // A login of its own in each world: fast-check may draw the same text again, and a login's fourth failure
        // within the (fixed) clock's minute is slowed with a 429 instead of answered with the form.
        const login = `${s.slice(0, 60)}#${n}`
        const failed = await signin.post('/login', { login, password: 'wrong-password', next: `/items?q=${s}` })
        expect(failed.statusCode).toBe(401)
        expectInert(failed.body, login, 'sign-in form')
      }),
      { numRuns: 25 },
    )
    // 25 worlds, each with two sign-ins (scrypt) and a dozen pages: about 20 s on a busy 2-core machine.
  }, 120_000)
})
