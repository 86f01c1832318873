import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

let t: TestApp
let base: string
let w: ReturnType<typeof workflowWorld>
beforeAll(async () => {
  t = await createTestApp()
  w = workflowWorld(t.app)
  base = await t.app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => t.close())

describe('concurrent transitions against a listening server', () => {
  it('twenty simultaneous requests for the same transition: one succeeds, nineteen get 409, one event', async () => {
    const item = await w.itemIn('assigned')
    const send = () =>
      fetch(`${base}/api/v1/items/${item.id}/transitions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${w.tokens.lead}` },
        body: JSON.stringify({ action: 'start', expectedVersion: 1 }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { code?: string } }))
    const results = await Promise.all(Array.from({ length: 20 }, send))
    const statuses = results.map((r) => r.status).sort()
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(statuses.filter((s) => s === 409)).toHaveLength(19)
    expect(new Set(results.filter((r) => r.status === 409).map((r) => r.body.code))).toEqual(new Set(['VERSION_CONFLICT']))
    const starts = t.database.sqlite.prepare("select count(*) n from item_events where item_id = ? and action = 'start'").get(item.id) as {
      n: number
    }
    expect(starts.n).toBe(1)
  })

  it('twenty simultaneous acceptances of a closure request by different supervisors: exactly one wins', async () => {
    const item = await w.itemIn('closure_requested')
    const supervisors = Array.from({ length: 20 }, () => w.f.token('supervisor', w.office.id))
    const version = t.app.services.items.get({ kind: 'account', accountId: 0, name: '', role: 'admin', unitId: null }, item.id).version
    const results = await Promise.all(
      supervisors.map((token) =>
        fetch(`${base}/api/v1/items/${item.id}/transitions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ action: 'accept', expectedVersion: version, comment: '验收合格' }),
        }).then((r) => r.status),
      ),
    )
    expect(results.filter((s) => s === 200)).toHaveLength(1)
    expect(results.filter((s) => s === 409)).toHaveLength(19)
    const accepts = t.database.sqlite
      .prepare("select count(*) n from item_events where item_id = ? and action = 'accept'")
      .get(item.id) as { n: number }
    expect(accepts.n).toBe(1)
  })
})
