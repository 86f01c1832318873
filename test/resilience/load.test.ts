import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runLoad } from '../../scripts/load-lib.ts'
import { seedWith, type World } from '../../scripts/resilience-lib.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'

// The smoke version of `npm run load` (which runs 50 clients × 30 s × 3 runs against a separate process and
// also watches memory): the same clients against a listening app, briefly.
let t: TestApp
let base: string
let world: World
beforeAll(async () => {
  t = await createTestApp()
  world = seedWith(t.app.services, 0)
  base = await t.app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => t.close())

describe('under load', () => {
  it('20 clients mixing reads and racing transitions for 3 s: no error, and every acknowledged transition is one event', async () => {
    const result = await runLoad({ url: base, world, database: t.database, connections: 20, durationS: 3, items: 60, label: 'smoke' })
    expect(result.errorSamples).toEqual([])
    expect(result.errors).toBe(0)
    expect(result.transitionsOk).toBeGreaterThan(0)
    expect(result.transitionEvents).toBe(result.transitionsOk)
    expect(result.lostUpdates).toEqual([])
  }, 60_000)
})
