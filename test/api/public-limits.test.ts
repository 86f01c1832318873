import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

let t: TestApp
let w: ReturnType<typeof workflowWorld>
beforeAll(async () => {
  t = await createTestApp({ env: { OBJECTIONS_PER_HOUR: '3' } })
  w = workflowWorld(t.app)
})
afterAll(async () => t.close())

describe('objections are rate-limited per client', () => {
  it('the fourth objection within the hour is 429, in the error shape, and is not recorded', async () => {
    const item = await w.itemIn('in_public_notice')
    for (let i = 0; i < 3; i++) {
      expect(
        (await as(t.app).post(`/api/v1/public/items/${item.id}/objections`, { contact: `1380000000${i}`, content: '异议' })).statusCode,
      ).toBe(201)
    }
    const limited = await as(t.app).post(`/api/v1/public/items/${item.id}/objections`, { contact: '13900000000', content: '异议' })
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' })
    expect(t.app.services.objections.list({ itemId: item.id })).toHaveLength(3)
  })

  it('counts an IPv6 client by its /64: rotating addresses within one network does not get past the limit', async () => {
    const item = await w.itemIn('in_public_notice')
    const file = (remoteAddress: string, i: number) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/public/items/${item.id}/objections`,
        remoteAddress,
        payload: { contact: `1370000000${i}`, content: '异议' },
      })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await file(`2001:db8:1:2::${(i + 1).toString(16)}`, i)).statusCode)
    expect(statuses).toEqual([201, 201, 201, 429])
    // Another /64 has an allowance of its own.
    expect((await file('2001:db8:1:3::1', 9)).statusCode).toBe(201)
    expect(t.app.services.objections.list({ itemId: item.id })).toHaveLength(4)
  })

  it("one allowance across the JSON route and the public page's form: filing through both does not double it", async () => {
    const item = await w.itemIn('in_public_notice')
    const remoteAddress = '198.51.100.7'
    const json = (i: number) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/public/items/${item.id}/objections`,
        remoteAddress,
        payload: { contact: `1360000000${i}`, content: '异议' },
      })
    const form = (i: number) =>
      t.app.inject({
        method: 'POST',
        url: `/public/items/${item.id}/objections`,
        remoteAddress,
        payload: new URLSearchParams({ contact: `1350000000${i}`, content: '异议' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    expect((await json(1)).statusCode).toBe(201)
    expect((await json(2)).statusCode).toBe(201)
    expect((await form(3)).statusCode).toBe(201)
    expect((await form(4)).statusCode).toBe(429)
    expect((await json(5)).statusCode).toBe(429)
    expect(t.app.services.objections.list({ itemId: item.id })).toHaveLength(3)
  })
})
