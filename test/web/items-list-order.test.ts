import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import type { ItemSummaryView } from '../../server/modules/items/items.service.ts'
import { createTestApp, factories, type TestApp } from '../helpers/app.ts'
import { browser, webAccount } from '../helpers/web.ts'

// The workbench's list pages its matches in SQL (only the page's items are read): every page must show exactly the
// items, in exactly the order, that sorting every match by deadline (undated last) and then by code (numbers by
// value, as zh-CN collates) would give, page boundaries falling inside runs of items due the same day included.

let t: TestApp
let lead: { id: number }
let login: { login: string; password: string }
const SYSTEM: AccountActor = { kind: 'account', accountId: 0, name: 'test', role: 'admin', unitId: null }

beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
  const f = factories(t.app)
  lead = f.unit('区生态环境局')
  const other = f.unit('区水务局')
  const plan = f.plan()
  const second = f.plan({ title: '第二轮整改方案' })
  login = await webAccount(t.app, 'unit', lead.id, '李经办')
  const days = ['2018-09-30', '2018-10-31', '2018-12-31', '2019-06-30']
  const prefixes = ['1', '2', '10', '二', '一', '（三）']
  // 150 items: ~35 a day on four days and ~10 undated, with codes whose order needs the collation (2-9 before
  // 2-10; Chinese numerals) and, in the second plan, the same codes again (ties broken by id).
  for (let n = 0; n < 150; n++) {
    const undated = n % 15 === 7
    f.item(n % 5 === 4 ? second.id : plan.id, lead.id, {
      code: `${prefixes[(n * 7) % prefixes.length]}-${(n * 13) % 23}${n % 5 === 4 ? '' : `.${n}`}`,
      problem: `排序任务${n}`,
      deadlineKind: undated ? 'long_term' : 'date',
      deadline: undated ? null : days[(n * 3) % days.length]!,
    })
  }
  f.item(plan.id, other.id, { code: '1-0', problem: '别的单位的任务', deadline: '2018-09-30' })
})
afterAll(async () => t.close())

/** Every match through the API's cursor pages, sorted as the page promises (written out here on its own). */
function expectedOrder(filters: { overdue?: boolean; q?: string }): string[] {
  const all: ItemSummaryView[] = []
  let cursor: string | undefined
  do {
    const page = t.app.services.items.list(SYSTEM, { leadUnitId: lead.id, ...filters, limit: 200, cursor })
    all.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return all
    .sort((a, b) => {
      if (a.deadline !== b.deadline) {
        if (a.deadline === null) return 1
        if (b.deadline === null) return -1
        return a.deadline < b.deadline ? -1 : 1
      }
      return a.code.localeCompare(b.code, 'zh-CN', { numeric: true })
    })
    .map((i) => `${i.id}:${i.code}`)
}

async function pageOf(query: string): Promise<{ rows: string[]; body: string }> {
  const b = browser(t.app)
  expect((await b.signIn(login.login, login.password)).statusCode).toBe(303)
  const res = await b.get(`/items?leadUnitId=${lead.id}${query}`)
  expect(res.statusCode).toBe(200)
  return { rows: [...res.body.matchAll(/href="\/items\/(\d+)">([^<]+)</g)].map((m) => `${m[1]}:${m[2]}`), body: res.body }
}

describe('the list page in deadline order', () => {
  it('shows every page exactly as sorting all the matches would, boundaries inside a day included', async () => {
    const expected = expectedOrder({})
    expect(expected).toHaveLength(150)
    const seen: string[] = []
    for (const page of [1, 2, 3]) {
      const { rows, body } = await pageOf(page > 1 ? `&page=${page}` : '')
      expect(rows).toEqual(expected.slice((page - 1) * 50, page * 50))
      expect(body).toContain('共 150 项')
      expect(body).toContain(`第 ${page} / 3 页`)
      seen.push(...rows)
    }
    expect(new Set(seen).size).toBe(150)
  })

  it('a page after the last shows the last page', async () => {
    const { rows, body } = await pageOf('&page=99')
    expect(rows).toEqual(expectedOrder({}).slice(100))
    expect(body).toContain('第 3 / 3 页')
  })

  it('orders filtered lists the same way (overdue, search)', async () => {
    const overdue = expectedOrder({ overdue: true })
    expect(overdue.length).toBeGreaterThan(0)
    expect((await pageOf('&overdue=true')).rows).toEqual(overdue.slice(0, 50))
    const search = expectedOrder({ q: '任务1' })
    expect((await pageOf(`&q=${encodeURIComponent('任务1')}`)).rows).toEqual(search.slice(0, 50))
  })

  it('an empty result is one empty page', async () => {
    const { rows, body } = await pageOf(`&q=${encodeURIComponent('没有这样的任务')}`)
    expect(rows).toEqual([])
    expect(body).toContain('共 0 项')
  })
})
