import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DISTRICT_FIXTURES } from '../../scripts/district-fixtures.ts'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import { createTestApp, factories, type TestApp } from '../helpers/app.ts'
import { importChecklist } from '../helpers/spreadsheets.ts'
import { browser, PASSWORD, webAccount } from '../helpers/web.ts'

// A district's checklist as imported (checklist-qinghe.xlsx): the workbench shows each deadline in the checklist's
// own words with the date they mean, wherever it shows the deadline, and the item's 备注.

let t: TestApp
let codes: Map<string, number>
let supervisorLogin: string
let unitLogin: string
let unitActor: AccountActor
let planId: number
let category: string
let supervisorActor: AccountActor

beforeAll(async () => {
  t = await createTestApp({ now: '2026-06-15T02:00:00.000Z' })
  const f = factories(t.app)
  const qinghe = DISTRICT_FIXTURES.find((x) => x.file === 'checklist-qinghe.xlsx')!
  const plan = f.plan({ title: '清河区督察整改方案', categories: qinghe.categories })
  planId = plan.id
  category = qinghe.categories[0]!
  const res = await importChecklist(t.app, f.token('admin'), plan.id, readFileSync(qinghe.path), { query: 'createUnits=true' })
  expect(res.statusCode, res.body).toBe(201)
  codes = new Map((res.json().items as { code: string; id: number }[]).map((i) => [i.code, i.id]))
  const office = f.unit('区整改办')
  const sup = await webAccount(t.app, 'supervisor', office.id, '赵督查')
  supervisorLogin = sup.login
  supervisorActor = { kind: 'account', accountId: sup.account.id, name: '赵督查', role: 'supervisor', unitId: office.id }
  const eco = t.app.services.units.list().find((u) => u.name === '区生态环境局')!
  const clerk = await webAccount(t.app, 'unit', eco.id, '李经办')
  unitLogin = clerk.login
  unitActor = { kind: 'account', accountId: clerk.account.id, name: '李经办', role: 'unit', unitId: eco.id }
})
afterAll(async () => t.close())

async function signedIn(login: string) {
  const b = browser(t.app)
  expect((await b.signIn(login, PASSWORD)).statusCode).toBe(303)
  return b
}

/** The text of the item page's <dd> after the <dt> named `term` (its markup taken out), or null when there is none. */
function recordRow(html: string, term: string): string | null {
  const m = new RegExp(`<dt>${term}</dt>\\s*<dd[^>]*>([\\s\\S]*?)</dd>`).exec(html)
  return m ? textOf(m[1]!) : null
}

const textOf = (html: string) => html.replace(/<[^>]+>/g, '').trim()

const id = (code: string) => {
  const found = codes.get(code)
  if (found === undefined) throw new Error(`no item ${code}`)
  return found
}

describe('the deadline as the checklist words it, and the note', () => {
  it('the item page shows the wording with the date it means, and the 备注', async () => {
    const b = await signedIn(supervisorLogin)
    const page = async (code: string) => {
      const res = await b.get(`/items/${id(code)}`)
      expect(res.statusCode).toBe(200)
      return res.body
    }
    const quarter = await page('2-2')
    expect(recordRow(quarter, '完成时限')).toBe('2026年第三季度（2026年9月30日前）')
    expect(recordRow(quarter, '备注')).toBeNull()

    const monthEnd = await page('2-1')
    expect(recordRow(monthEnd, '完成时限')).toBe('2026年9月底前（2026年9月30日前）')
    expect(recordRow(monthEnd, '备注')).toBe('责任清单印发后报市整改办备案')

    const dotted = await page('3-2')
    expect(recordRow(dotted, '完成时限')).toBe('2026.10.31（2026年10月31日前）')
    expect(recordRow(dotted, '备注')).toBe('与“接诉即办”扬尘投诉联动处置')

    // Wording without a date is all there is to say.
    expect(recordRow(await page('1'), '完成时限')).toBe('立行立改，长期坚持')
    expect(recordRow(await page('3-1'), '完成时限')).toBe('立行立改')
  })

  it('the item list and the monthly report word it the same way', async () => {
    const sup = await signedIn(supervisorLogin)
    const list = await sup.get('/items?q=%E6%8E%92%E6%9F%A5')
    expect(list.statusCode).toBe(200)
    const row = list.body.slice(list.body.indexOf(`href="/items/${id('2-2')}"`))
    expect(textOf(row.slice(0, row.indexOf('</tr>')))).toContain('2026年第三季度（2026年9月30日前）')

    const unit = await signedIn(unitLogin)
    const monthly = await unit.get('/monthly')
    expect(monthly.statusCode).toBe(200)
    expect(textOf(monthly.body)).toContain('完成时限：2026年9月底前（2026年9月30日前）')
    expect(textOf(monthly.body)).toContain('完成时限：立行立改，长期坚持')
  })

  it('wording an approved extension has outdated gives way to the new date; the note stays', async () => {
    const s$ = t.app.services
    s$.closeout.transition(unitActor, id('2-1'), { action: 'start', expectedVersion: s$.items.get(unitActor, id('2-1')).version })
    const extension = s$.extensions.request(unitActor, id('2-1'), {
      newDeadline: '2026-12-31',
      reason: '责任清单需报区委常委会审议',
      progress: '初稿已完成',
    })
    s$.extensions.decide(supervisorActor, extension.id, { decision: 'approve', comment: '同意' })
    const res = await (await signedIn(supervisorLogin)).get(`/items/${id('2-1')}`)
    expect(recordRow(res.body, '完成时限')).toBe('2026年12月31日前')
    expect(recordRow(res.body, '备注')).toBe('责任清单印发后报市整改办备案')
    // The item itself no longer carries the old wording (the API and the export say the new date too).
    expect(s$.items.get(unitActor, id('2-1')).deadlineText).toBe('')
  })

  it('wording the parser cannot read is not shown beside a date an extension has moved', async () => {
    const s$ = t.app.services
    const item = s$.items.create(supervisorActor, planId, {
      code: '9-1',
      category,
      problem: '河道沿岸垃圾堆放',
      target: '清理到位',
      measures: '组织清理',
      leadUnitId: unitActor.unitId!,
      responsibleUnitIds: [],
      deadlineKind: 'date',
      deadline: '2026-06-30',
      deadlineText: '2026年6月底前完成整改并验收',
    })
    s$.closeout.transition(unitActor, item.id, { action: 'start', expectedVersion: 1 })
    const extension = s$.extensions.request(unitActor, item.id, { newDeadline: '2026-12-31', reason: '需协调', progress: '进行中' })
    s$.extensions.decide(supervisorActor, extension.id, { decision: 'approve', comment: '同意' })
    const res = await (await signedIn(supervisorLogin)).get(`/items/${item.id}`)
    expect(recordRow(res.body, '完成时限')).toBe('2026年12月31日前')
    expect(res.body).not.toContain('2026年6月底前完成整改并验收')
  })
})
