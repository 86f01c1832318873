import { Readable } from 'node:stream'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import { createTestApp } from '../helpers/app.ts'
import { expectInert, hostileText } from '../helpers/escaping.ts'
import { pdf } from '../helpers/files.ts'
import { browser, PASSWORD, webAccount } from '../helpers/web.ts'

// The workbench's part 2 (the office's queues and their lists, supervision and its printable notice, the bulletins
// and the printable bulletin, the dashboard, the admin's pages) with hostile text in every field they show: unit
// names, account names, plan titles and task areas, close-out statements, extension reasons, objection texts,
// supervision reasons and replies. Each page shows the field's text escaped exactly as stored, and nothing in it
// becomes markup. Each world is a fresh service, so every queue holds only this world's entries.

// At most three pieces: a unit's name (with its suffix) stays within its 100 characters.
const hostile = hostileText(3)

describe('hostile text on the office’s, the leadership’s and the admin’s pages', () => {
  it('is shown escaped and inert', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (s) => {
        const t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
        try {
          const s$ = t.app.services
          const lead = s$.units.create(`${s}牵头`)
          const partner = s$.units.create(`${s}责任`)
          const office = s$.units.create(`${s}督查室`)
          // Those who sign in have plain names, so a page's header never stands in for the field under test.
          const sup = await webAccount(t.app, 'supervisor', office.id, '王督查')
          const admin = await webAccount(t.app, 'admin', null, '王管理')
          const leader = await webAccount(t.app, 'leader', null, '孙组长')
          const named = s$.accounts.create({ name: `${s}经办人`, role: 'unit', unitId: lead.id }).account
          const supervisor: AccountActor = {
            kind: 'account',
            accountId: sup.account.id,
            name: '王督查',
            role: 'supervisor',
            unitId: office.id,
          }
          const unit: AccountActor = { kind: 'account', accountId: named.id, name: named.name, role: 'unit', unitId: lead.id }
          const plan = s$.plans.create(
            { kind: 'account', accountId: admin.account.id, name: '王管理', role: 'admin', unitId: null },
            { title: `${s}方案`, issuedBy: s, categories: [`${s}领域`] },
          )
          let seq = 0
          const item = (deadline = '2018-12-31') => {
            const created = s$.items.create(supervisor, plan.id, {
              code: `${++seq}`,
              category: `${s}领域`.trim(),
              problem: s,
              target: s,
              measures: s,
              leadUnitId: lead.id,
              responsibleUnitIds: [partner.id],
              deadlineKind: 'date',
              deadline,
              deadlineText: `${s}期限`,
              note: `${s}备注`,
            })
            s$.closeout.transition(unit, created.id, { action: 'start', expectedVersion: created.version })
            return created.id
          }
          const version = (id: number) => s$.items.get(supervisor, id).version
          const requestClosure = async (id: number) => {
            await s$.evidence.upload(unit, id, { stream: Readable.from([pdf(`${s}-${id}`)]), fileName: `${id}.pdf` }, 1 << 20)
            s$.closeout.transition(unit, id, { action: 'request_closure', expectedVersion: version(id), comment: s })
          }

          const closing = item()
          await requestClosure(closing)
          const noticed = item()
          await requestClosure(noticed)
          s$.closeout.transition(supervisor, noticed, { action: 'accept', expectedVersion: version(noticed), comment: s })
          const objection = s$.objections.file(noticed, { contact: `${s}电话`, content: `${s}异议` })
          const extension = s$.extensions.request(unit, item('2018-10-31'), { newDeadline: '2019-03-31', reason: `${s}延期`, progress: s })
          const replied = s$.supervision.open(supervisor, item(), { reason: `${s}督办` })
          s$.supervision.acknowledge(unit, replied.id, { comment: s })
          const reply = s$.supervision.reply(unit, replied.id, { text: `${s}回复` })
          const unanswered = s$.supervision.open(supervisor, item(), { reason: `${s}未复` })
          item('2018-10-20')
          // November: October's bulletin can be issued, the unanswered notice and the October deadline are overdue.
          t.clock.set('2018-11-05T02:00:00.000Z')
          s$.bulletins.issue(supervisor, plan.id, '2018-10')

          const pages = async (login: string, shown: [string, string | null][]) => {
            const b = browser(t.app)
            expect((await b.signIn(login, PASSWORD)).statusCode).toBe(303)
            for (const [url, text] of shown) {
              const res = await b.get(url)
              expect(res.statusCode, url).toBe(200)
              expectInert(res.body, text, url)
            }
            return b
          }
          await pages(sup.login, [
            ['/', null],
            ['/office', objection.content],
            ['/office/closeouts', `${s}期限`],
            ['/office/extensions', extension.reason],
            ['/office/objections', objection.contact],
            ['/office/replies', reply.reply!.text],
            ['/office/replies-overdue', unanswered.reason],
            ['/office/unsupervised', lead.name],
            [`/items/${closing}`, s],
            [`/items/${closing}`, `${s}期限`],
            [`/items/${closing}`, `${s}备注`],
            ['/supervisions', replied.reason],
            [`/supervisions/${replied.id}`, reply.reply!.text],
            [`/supervisions/${unanswered.id}/notice`, unanswered.reason],
            ['/bulletins', plan.title],
            [`/bulletins/${plan.id}/2018-10`, lead.name],
            [`/bulletins/${plan.id}/2018-10/print`, plan.title],
          ])
          await pages(leader.login, [
            ['/', plan.title],
            [`/dashboard?planId=${plan.id}`, lead.name],
          ])
          const b = await pages(admin.login, [
            ['/admin', null],
            ['/admin/units', office.name],
            [`/admin/units/${lead.id}`, lead.name],
            ['/admin/accounts', named.name],
            [`/admin/accounts/${named.id}`, named.name],
            ['/admin/plans', plan.title],
          ])
          // A rename typed into the unit's page: the trail and the unit's page show the new name as typed.
          await b.get(`/admin/units/${partner.id}`)
          expect((await b.post(`/admin/units/${partner.id}/rename`, { name: `${s}新名` })).statusCode).toBe(303)
          const renamed = s$.units.list().find((u) => u.id === partner.id)!.name
          for (const url of ['/admin/audit', `/admin/units/${partner.id}`]) {
            const res = await b.get(url)
            expect(res.statusCode, url).toBe(200)
            expectInert(res.body, renamed, url)
          }
        } finally {
          await t.close()
        }
      }),
      { numRuns: 6 },
    )
    // 6 fresh services, each with three sign-ins (scrypt), a bulletin and 25 pages: about 35 s on a busy 2-core machine.
  }, 180_000)
})
