import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp({ env: { OBJECTIONS_PER_HOUR: '3' } })
})
afterAll(async () => t.close())

describe('objections are rate-limited per client', () => {
  it('the fourth objection within the hour is 429, in the error shape, and is not recorded', async () => {
    const w = workflowWorld(t.app)
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
})
