// The load check behind `npm run load` and test/resilience/load.test.ts: many clients mixing reads with
// transitions that carry the version they read, then a count that no acknowledged update went missing.
import { randomBytes } from 'node:crypto'
import type { DatabaseHandle } from '../db/client.ts'
import { pdf } from '../test/helpers/files.ts'
import { call, evidenceForm, type World } from './resilience-lib.ts'

export interface RunOptions {
  url: string
  world: World
  /** A read-only view of the server's database, to count events afterwards. */
  database: DatabaseHandle
  connections: number
  durationS: number
  /** Fresh items created for this run; its transitions go to these. */
  items: number
  /** A label for item codes, unique per run. */
  label: string
}

export interface RunResult {
  requests: number
  reqPerSec: number
  p50Ms: number
  p99Ms: number
  reads: number
  transitionsOk: number
  uploadsOk: number
  conflicts: number
  /** Neither 2xx nor 409, or no response at all. Must be zero. */
  errors: number
  errorSamples: string[]
  /** Transition events in the database for this run's items. Must equal transitionsOk. */
  transitionEvents: number
  /** Items whose status is not their last event's, or whose version does not count their events. Must be empty. */
  lostUpdates: string[]
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** Creates `count` items in the world's plan through the API, a few at a time. */
async function createItems(url: string, world: World, count: number, label: string): Promise<number[]> {
  const ids: number[] = []
  let next = 0
  const worker = async () => {
    while (next < count) {
      const n = ++next
      const res = await call(url, world.tokens.supervisor, 'POST', `/api/v1/plans/${world.planId}/items`, {
        code: `${label}-${n}`,
        category: '打好污染防治攻坚战',
        problem: '部分河道存在生活污水直排现象，水质不能稳定达标',
        target: '问题全部整改到位',
        measures: '1. 截污纳管；2. 定期巡查',
        leadUnitId: world.leadUnitId,
        deadlineKind: 'date',
        deadline: '2099-12-31',
      })
      if (res.status !== 201) throw new Error(`creating item ${label}-${n}: ${res.status} ${JSON.stringify(res.body)}`)
      ids.push((res.body as { id: number }).id)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  return ids.sort((a, b) => a - b)
}

/**
 * One timed run. Half the iterations read (an item, a filtered page, an audit trail); the other half read an
 * item of this run and apply what its status allows with the version just read — so concurrent clients race
 * and the losers get 409 — uploading evidence first where a closure request needs it.
 */
export async function runLoad(options: RunOptions): Promise<RunResult> {
  const { url, world } = options
  const { lead, supervisor } = world.tokens
  const runItems = await createItems(url, world, options.items, options.label)
  const allItems = options.database.sqlite
    .prepare('select id from items where plan_id = ? order by id')
    .pluck()
    .all(world.planId) as number[]
  const latencies: number[] = []
  const result = { reads: 0, transitionsOk: 0, uploadsOk: 0, conflicts: 0, errors: 0, errorSamples: [] as string[] }
  const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!
  const error = (what: string) => {
    result.errors++
    if (result.errorSamples.length < 20) result.errorSamples.push(what)
  }
  const timed = async (token: string, method: string, path: string, body?: unknown) => {
    const started = performance.now()
    try {
      return await call(url, token, method, path, body, 10_000)
    } finally {
      latencies.push(performance.now() - started)
    }
  }

  const deadline = Date.now() + options.durationS * 1000
  const client = async () => {
    while (Date.now() < deadline) {
      try {
        if (Math.random() < 0.5) {
          const roll = Math.random()
          const path =
            roll < 0.5
              ? `/api/v1/items/${pick(allItems)}`
              : roll < 0.8
                ? `/api/v1/items?planId=${world.planId}&limit=50${Math.random() < 0.5 ? `&status=${pick(['assigned', 'in_progress', 'closure_requested'])}` : ''}`
                : `/api/v1/items/${pick(allItems)}/events`
          const res = await timed(Math.random() < 0.5 ? supervisor : lead, 'GET', path)
          if (res.status === 200) result.reads++
          else error(`GET ${path}: ${res.status}`)
          continue
        }
        const itemId = pick(runItems)
        const read = await timed(supervisor, 'GET', `/api/v1/items/${itemId}`)
        if (read.status !== 200) {
          error(`GET item ${itemId}: ${read.status}`)
          continue
        }
        result.reads++
        const item = read.body as { status: string; version: number; evidenceCount: number }
        if (item.status === 'in_progress' && item.evidenceCount === 0) {
          const nonce = randomBytes(8).toString('hex')
          const res = await timed(
            lead,
            'POST',
            `/api/v1/items/${itemId}/evidence`,
            evidenceForm(pdf(`现场核查记录 ${nonce}`), `核查记录-${nonce}.pdf`),
          )
          if (res.status === 201 || res.status === 200) result.uploadsOk++
          else error(`evidence on item ${itemId}: ${res.status} ${JSON.stringify(res.body)}`)
          continue
        }
        let action: string
        let token = supervisor
        let comment: string | undefined
        if (item.status === 'assigned') [action, token] = ['start', lead]
        else if (item.status === 'in_progress') [action, token, comment] = ['request_closure', lead, '已完成自查自验，整改到位']
        else if (item.status === 'closure_requested' && Math.random() < 0.85) [action, comment] = ['reject', '请补充整改前后对比照片']
        else if (item.status === 'closure_requested') [action, comment] = ['accept', '经现场验收，整改到位']
        else continue
        const res = await timed(token, 'POST', `/api/v1/items/${itemId}/transitions`, {
          action,
          expectedVersion: item.version,
          ...(comment ? { comment } : {}),
        })
        if (res.status === 200) result.transitionsOk++
        else if (res.status === 409) result.conflicts++
        else error(`${action} on item ${itemId}: ${res.status} ${JSON.stringify(res.body)}`)
      } catch (err) {
        error(`no response: ${(err as Error).message}`)
      }
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: options.connections }, client))
  const elapsedS = (performance.now() - started) / 1000

  // Every acknowledged transition is one event, and no item's row disagrees with its own history.
  const { sqlite } = options.database
  const lostUpdates: string[] = []
  const eventsOf = sqlite.prepare('select to_status as toStatus from item_events where item_id = ? and to_status is not null order by id')
  const itemRow = sqlite.prepare('select status, version from items where id = ?')
  let transitionEvents = 0
  for (const id of runItems) {
    const events = eventsOf.all(id) as { toStatus: string }[]
    const row = itemRow.get(id) as { status: string; version: number }
    transitionEvents += events.length - 1
    if (events.at(-1)?.toStatus !== row.status) lostUpdates.push(`item ${id}: status ${row.status}, last event ${events.at(-1)?.toStatus}`)
    if (events.length !== row.version) lostUpdates.push(`item ${id}: version ${row.version}, ${events.length} status events`)
  }
  latencies.sort((a, b) => a - b)
  return {
    requests: latencies.length,
    reqPerSec: latencies.length / elapsedS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    ...result,
    transitionEvents,
    lostUpdates,
  }
}
