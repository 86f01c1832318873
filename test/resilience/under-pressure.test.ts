import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Keeps the event loop busy, as a request that computes too long would. */
function block(ms: number) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    // spin
  }
}

let t: TestApp | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

function counts(app: TestApp) {
  return app.database.sqlite
    .prepare('select (select count(*) from item_events) as events, (select sum(version) from items) as versions')
    .get()
}

describe('shedding load before falling over', () => {
  it('idle, with the production limits, nothing is refused', async () => {
    const defaults = loadConfig({}).underPressure
    expect(defaults.maxEventLoopDelayMs).toBe(1000)
    expect(defaults.maxHeapUsedBytes).toBeGreaterThan(100 * 1024 * 1024)
    expect(defaults.maxRssBytes).toBeGreaterThan(100 * 1024 * 1024)
    t = await createTestApp({ env: { UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: String(defaults.maxEventLoopDelayMs) } })
    const w = workflowWorld(t.app)
    const supervisor = as(t.app, w.tokens.supervisor)
    // Right after start (building the app stalls the loop) and after the first samples.
    expect((await supervisor.get('/api/v1/items')).statusCode).toBe(200)
    await sleep(1200)
    expect((await supervisor.get('/api/v1/items')).statusCode).toBe(200)
  })

  it('over the heap limit: 503 SERVICE_OVERLOADED with Retry-After, nothing written; the probes still answer', async () => {
    t = await createTestApp({ env: { UNDER_PRESSURE_MAX_HEAP_USED_BYTES: '1' } })
    const w = workflowWorld(t.app)
    const item = w.f.item(w.plan.id, w.lead.id)
    // under-pressure samples memory once a second.
    await sleep(1200)
    const before = counts(t)
    const refused = await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/transitions`, { action: 'start', expectedVersion: 1 })
    expect(refused.statusCode).toBe(503)
    expect(refused.headers['retry-after']).toBe('5')
    expect(refused.json()).toEqual({
      statusCode: 503,
      code: 'SERVICE_OVERLOADED',
      error: 'Service Unavailable',
      message: 'The service is overloaded; try again shortly',
    })
    expect(counts(t)).toEqual(before)
    expect((await as(t.app).get('/api/v1/me')).statusCode).toBe(503)
    expect((await as(t.app).get('/healthz')).statusCode).toBe(200)
    expect((await as(t.app).get('/readyz')).statusCode).toBe(200)
  })

  it('a stalled event loop is refused for a moment, then served again', async () => {
    t = await createTestApp({ env: { UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '5' } })
    const w = workflowWorld(t.app)
    const supervisor = as(t.app, w.tokens.supervisor)
    // Past the start-up grace, during which delay measured while the app was being built is not held against it.
    await sleep(2700)
    expect((await supervisor.get('/api/v1/items')).statusCode).toBe(200)
    // A stall longer than the sampling interval guarantees the next sample sees it, whatever the phase.
    block(1500)
    await sleep(50)
    const refused = await supervisor.get('/api/v1/items')
    expect(refused.statusCode).toBe(503)
    expect(refused.json()).toMatchObject({ code: 'SERVICE_OVERLOADED' })
    expect((await as(t.app).get('/readyz')).statusCode).toBe(200)
    // Two calm samples later the service takes work again.
    await sleep(2200)
    expect((await supervisor.get('/api/v1/items')).statusCode).toBe(200)
  })
})
