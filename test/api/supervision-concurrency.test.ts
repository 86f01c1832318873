import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, localDate } from '../../server/lib/time.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { freePort, runTs, waitFor, type Spawned } from '../helpers/process.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// Two servers on one database: this process (the test app, listening) and a second process. better-sqlite3 is
// synchronous, so only a second process makes numbers really race; the IMMEDIATE transaction must keep them in line.

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let here: string
let there: string
let other: Spawned

beforeAll(async () => {
  // The second process reads the system clock; this one is fixed at the same moment, so both number in the same year.
  t = await createTestApp({ now: new Date().toISOString() })
  w = workflowWorld(t.app)
  here = await t.app.listen({ port: 0, host: '127.0.0.1' })
  const port = await freePort()
  other = runTs('server/main.ts', [], { DATA_DIR: t.dataDir, PORT: String(port), JOBS: 'off', LOG_LEVEL: 'warn' })
  there = `http://127.0.0.1:${port}`
  await waitFor(async () => {
    try {
      return (await fetch(`${there}/readyz`)).ok
    } catch {
      return false
    }
  }, 30_000)
})
afterAll(async () => {
  other?.child.kill('SIGTERM')
  await other?.exited
  await t.close()
})

function post(base: string, path: string, token: string, body: unknown) {
  return fetch(`${base}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }))
}

function numbersOfYear(year: number): number[] {
  return (t.database.sqlite.prepare('select seq from supervisions where year = ? order by seq').all(year) as { seq: number }[]).map(
    (r) => r.seq,
  )
}

describe('supervision numbers under concurrent opens, against two listening servers', () => {
  it('manual opens and sweeps from both processes at once: one per item, numbers 1…N with no gap and no duplicate', async () => {
    const today = localDate(t.clock.now(), w.plan.timezone)
    const year = Number(today.slice(0, 4))
    const fresh = Array.from({ length: 24 }, () => w.f.item(w.plan.id, w.lead.id, { deadline: addDays(today, 60) }))
    // Overdue long enough that either sweep escalates them, racing the manual opens aimed at the same items.
    const overdue = Array.from({ length: 8 }, () => w.f.item(w.plan.id, w.lead.id, { deadline: addDays(today, -20) }))

    const opens = [...fresh, ...overdue].map((item, i) =>
      post(i % 2 === 0 ? here : there, `/items/${item.id}/supervisions`, w.tokens.supervisor, { reason: '并发督办测试' }),
    )
    const sweeps = [here, there, here, there].map((base) => post(base, '/escalations/run', w.tokens.supervisor, {}))
    const [openResults, sweepResults] = await Promise.all([Promise.all(opens), Promise.all(sweeps)])

    for (const r of openResults) expect([201, 409], JSON.stringify(r.body)).toContain(r.status)
    expect(openResults.slice(0, fresh.length).every((r) => r.status === 201)).toBe(true)
    for (const r of openResults.filter((r) => r.status === 409)) expect(r.body.code).toBe('SUPERVISION_ALREADY_OPEN')
    for (const r of sweepResults) expect(r.status).toBe(200)

    const escalated = sweepResults.flatMap((r) => r.body.escalated as { itemId: number; number: string }[])
    const manual = openResults
      .filter((r) => r.status === 201)
      .map((r) => ({ itemId: r.body.itemId as number, number: r.body.number as string }))
    const all = [...manual, ...escalated]
    // Every item got exactly one supervision, whoever got there first.
    expect(all.map((s) => s.itemId).sort((a, b) => a - b)).toEqual([...fresh, ...overdue].map((i) => i.id).sort((a, b) => a - b))
    expect(new Set(all.map((s) => s.number)).size).toBe(all.length)
    expect(numbersOfYear(year)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1))
    const opened = t.database.sqlite.prepare("select count(*) n from item_events where action = 'supervision_opened'").get() as {
      n: number
    }
    expect(opened.n).toBe(all.length)
  })

  it('twenty simultaneous opens of the same item across both processes: one 201, nineteen 409', async () => {
    const year = Number(localDate(t.clock.now(), w.plan.timezone).slice(0, 4))
    const before = numbersOfYear(year).length
    const item = w.f.item(w.plan.id, w.lead.id)
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(i % 2 === 0 ? here : there, `/items/${item.id}/supervisions`, w.tokens.supervisor, { reason: '同一任务并发督办' }),
      ),
    )
    expect(results.filter((r) => r.status === 201)).toHaveLength(1)
    expect(results.filter((r) => r.status === 409)).toHaveLength(19)
    expect(numbersOfYear(year)).toEqual(Array.from({ length: before + 1 }, (_, i) => i + 1))
  })
})
