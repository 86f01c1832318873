// npm run load -- [--duration 30] [--connections 50] [--runs 3] [--warmup 10] [--items 300]
//
// Starts the service in its own process (scripts/load-server.ts: server/main.ts plus a memory probe over IPC),
// on 127.0.0.1, with a temporary DATA_DIR and JOBS=off, and drives it from this process: --connections clients
// for --duration seconds, half reads, half read-then-transition with the version read (evidence uploaded first
// where closure needs it). A warm-up run first, then --runs measured runs on the same server, each on fresh items.
//
// Passes when: no response was neither 2xx nor 409 (and none was missing); in every run the transitions the
// clients saw succeed equal the transition events in the database, and every item's status is its last event's;
// and the server's memory, after a full GC, grew by less than the thresholds below from the first measured run
// to the last. Exit code 1 otherwise.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { databaseFile, openDatabase } from '../db/client.ts'
import { fmtInt, fmtMs, markdownTable } from './bench-lib.ts'
import { fail, wholeNumberFlag } from './lib.ts'
import { runLoad, type RunResult } from './load-lib.ts'
import { seedWorld, startServer, type ServerProcess } from './resilience-lib.ts'

// Heap after GC may wander by a few MB (JIT code, caches filling); a leak of one object per request would add
// hundreds of MB over 30 s × tens of thousands of requests. RSS also carries allocator slack, hence the larger bound.
const MAX_HEAP_GROWTH_BYTES = 16 * 1024 * 1024
const MAX_RSS_GROWTH_BYTES = 64 * 1024 * 1024

const usage = 'usage: npm run load -- [--duration 1-600] [--connections 1-500] [--runs 1-10] [--warmup 0-120] [--items 10-10000]'
let values: Record<string, string | undefined>
try {
  ;({ values } = parseArgs({
    options: {
      duration: { type: 'string', default: '30' },
      connections: { type: 'string', default: '50' },
      runs: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '10' },
      items: { type: 'string', default: '300' },
    },
  }))
} catch (err) {
  fail(`${(err as Error).message}\n${usage}`)
}
const bounded = (flag: string, min: number, max: number) => wholeNumberFlag(values, flag, min, max, usage)
const duration = bounded('duration', 1, 600)
const connections = bounded('connections', 1, 500)
const runs = bounded('runs', 1, 10)
const warmup = bounded('warmup', 0, 120)
const items = bounded('items', 10, 10_000)

interface Memory {
  rss: number
  heapUsed: number
}

interface Sample {
  eventLoopDelay: number
  heapUsed: number
  rss: number
  underPressure: boolean
}

function ask<T>(server: ServerProcess, type: 'memory' | 'sample'): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not answer "${type}"`)), 30_000)
    const onMessage = (m: { type?: string }) => {
      if (m.type !== type) return
      clearTimeout(timer)
      server.child.off('message', onMessage)
      resolve(m as T)
    }
    server.child.on('message', onMessage)
    server.child.send({ type })
  })
}
const memoryOf = (server: ServerProcess) => ask<Memory>(server, 'memory')

/** Samples what under-pressure sees once a second while `during` runs; the worst of each. */
async function watched<T>(
  server: ServerProcess,
  during: Promise<T>,
): Promise<{ value: T; maxEventLoopDelay: number; maxRss: number; pressured: number }> {
  let done = false
  const worst = { maxEventLoopDelay: 0, maxRss: 0, pressured: 0 }
  const sampler = (async () => {
    while (!done) {
      await new Promise((r) => setTimeout(r, 1000))
      if (done) break
      const s = await ask<Sample>(server, 'sample')
      worst.maxEventLoopDelay = Math.max(worst.maxEventLoopDelay, s.eventLoopDelay)
      worst.maxRss = Math.max(worst.maxRss, s.rss)
      if (s.underPressure) worst.pressured++
    }
  })()
  try {
    return { value: await during, ...worst }
  } finally {
    done = true
    await sampler
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const signedMb = (bytes: number) => `${bytes >= 0 ? '+' : ''}${mb(bytes)}`

const dataDir = mkdtempSync(join(tmpdir(), 'zhenggai-load-'))
let server: ServerProcess | null = null
let failed = false
try {
  const world = seedWorld(dataDir, 0)
  server = await startServer({ dataDir, entry: 'scripts/load-server.ts', ipc: true, env: { LOG_LEVEL: 'info' } })
  const database = openDatabase(databaseFile(dataDir), { migrate: false })
  console.log(
    `server pid ${server.pid} on ${server.url}; ${connections} connections, ${duration} s per run, ${items} fresh items per run\n`,
  )
  const baseline = await memoryOf(server)
  console.log(`at start: RSS ${mb(baseline.rss)}, heap ${mb(baseline.heapUsed)}`)

  const results: { label: string; result: RunResult; memory: Memory; maxEventLoopDelay: number }[] = []
  const plan = [
    ...(warmup > 0 ? [{ label: 'warm-up', seconds: warmup }] : []),
    ...Array.from({ length: runs }, (_, i) => ({ label: `run ${i + 1}`, seconds: duration })),
  ]
  for (const [index, step] of plan.entries()) {
    const watch = await watched(
      server,
      runLoad({ url: server.url, world, database, connections, durationS: step.seconds, items, label: `L${index}` }),
    )
    const result = watch.value
    const memory = await memoryOf(server)
    results.push({ label: step.label, result, memory, maxEventLoopDelay: watch.maxEventLoopDelay })
    console.log(
      `${step.label}: ${fmtInt(result.requests)} requests (${fmtInt(result.reqPerSec)}/s, p50 ${fmtMs(result.p50Ms)} ms, p99 ${fmtMs(result.p99Ms)} ms); ` +
        `${fmtInt(result.transitionsOk)} transitions ok, ${fmtInt(result.conflicts)} 409, ${result.errors} errors; ` +
        `events ${fmtInt(result.transitionEvents)} ${result.transitionEvents === result.transitionsOk ? '=' : '≠'} transitions ok; ` +
        `RSS ${mb(memory.rss)}, heap ${mb(memory.heapUsed)} after GC; during the run event-loop delay ≤ ${Math.round(watch.maxEventLoopDelay)} ms, ` +
        `RSS ≤ ${mb(watch.maxRss)}${watch.pressured > 0 ? `, under pressure (503) in ${watch.pressured} samples` : ''}`,
    )
    for (const sample of result.errorSamples.slice(0, 5)) console.log(`    error: ${sample}`)
    for (const lost of result.lostUpdates.slice(0, 5)) console.log(`    lost update: ${lost}`)
  }
  database.close()

  const measured = results.filter((r) => r.label !== 'warm-up')
  console.log(
    '\n' +
      markdownTable(
        [
          'run',
          'requests',
          'req/s',
          'p99 ms',
          'transitions ok',
          '409',
          'errors',
          'lost updates',
          'max loop delay',
          'RSS',
          'heap',
          'heap Δ',
        ],
        measured.map((r, i) => [
          r.label,
          fmtInt(r.result.requests),
          fmtInt(r.result.reqPerSec),
          fmtMs(r.result.p99Ms),
          fmtInt(r.result.transitionsOk),
          fmtInt(r.result.conflicts),
          String(r.result.errors),
          String(r.result.lostUpdates.length + Math.abs(r.result.transitionEvents - r.result.transitionsOk)),
          `${Math.round(r.maxEventLoopDelay)} ms`,
          mb(r.memory.rss),
          mb(r.memory.heapUsed),
          i === 0 ? '' : signedMb(r.memory.heapUsed - measured[i - 1]!.memory.heapUsed),
        ]),
      ),
  )

  const errors = results.reduce((n, r) => n + r.result.errors, 0)
  const lost = results.reduce((n, r) => n + r.result.lostUpdates.length + Math.abs(r.result.transitionEvents - r.result.transitionsOk), 0)
  const first = measured[0]!.memory
  const lastMemory = measured.at(-1)!.memory
  const heapGrowth = lastMemory.heapUsed - first.heapUsed
  const rssGrowth = lastMemory.rss - first.rss
  const flat = heapGrowth < MAX_HEAP_GROWTH_BYTES && rssGrowth < MAX_RSS_GROWTH_BYTES
  const logged = server.errorLines()
  console.log(
    `\nerrors ${errors}; lost updates ${lost}; memory from ${measured[0]!.label} to ${measured.at(-1)!.label}: heap ${signedMb(heapGrowth)} ` +
      `(limit +${mb(MAX_HEAP_GROWTH_BYTES)}), RSS ${signedMb(rssGrowth)} (limit +${mb(MAX_RSS_GROWTH_BYTES)}) — ${flat ? 'flat' : 'GROWING'}; ` +
      `server error log lines ${logged.length}`,
  )
  for (const line of logged.slice(0, 5)) console.log(`    ${line.slice(0, 300)}`)
  failed = errors > 0 || lost > 0 || !flat || logged.length > 0
  console.log(failed ? 'FAILED' : 'PASSED')
} finally {
  if (server) await server.kill('SIGTERM')
  rmSync(dataDir, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
