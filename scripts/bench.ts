// npm run bench [-- --duration 10 --connections 50 --items 100000 --units 200 --only item-read]
//
// Throughput of the read paths on a realistically sized database, as a fraction of what a bare Fastify route
// does on the same machine in the same run. Ratios travel between machines; absolute req/s do not.
//
// Everything runs in this one process: the servers on the main thread, the autocannon client in a worker thread
// (see load() in bench-lib.ts), on 127.0.0.1. Exit code 1 when a scenario saw non-2xx responses or errors.
import { benchBulletin } from './bench-bulletin.ts'
import { startProfiler } from './bench-profile.ts'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pino, { type Logger } from 'pino'
import { startCheckpointer } from '../db/checkpointer.ts'
import { databaseFile, openDatabase, type DatabaseHandle } from '../db/client.ts'
import { buildApp } from '../server/app.ts'
import { loadConfig, type Config } from '../server/config.ts'
import { localPeriod, systemClock } from '../server/lib/time.ts'
import { createServices } from '../server/services.ts'
import {
  fmtInt,
  fmtMs,
  fmtPct,
  load,
  markdownTable,
  mulberry32,
  seed,
  shuffled,
  type HttpMethod,
  type LoadRequest,
  type LoadResult,
  type Rng,
  type Seeded,
} from './bench-lib.ts'

// ---------------------------------------------------------------------------------------------------------------
// Options

const USAGE = `npm run bench -- [options]
  --duration <s>       measured seconds per scenario (default 10, 1–120)
  --warmup <s>         warm-up seconds per scenario, not measured (default 2, 0–30)
  --connections <n>    concurrent connections (default 50, 1–1000)
  --items <n>          items in the database (default 100000, 100–1000000)
  --units <n>          units (default 200, 10–5000)
  --only <names>       comma-separated scenario names; the bare baseline runs too when a ratio needs it
  --profile <dir>      write a CPU profile of the server thread per scenario's measured run into <dir>
                       (.cpuprofile) and print its top functions by self time
  --bulletin-sizes <n,n>  plan sizes for the bulletin issue time (default 10000,100000; "none" to skip;
                       skipped with --only unless --only names "bulletin")
  --help`

interface Options {
  /** Plan sizes at which to time issuing a bulletin; empty to skip. */
  bulletinSizes: number[]
  duration: number
  warmup: number
  connections: number
  items: number
  units: number
  only: string[] | null
  /** Where to write CPU profiles of the measured runs, if anywhere. */
  profileDir: string | null
}

const BENCH_OPTIONS = {
  duration: { type: 'string', default: '10' },
  warmup: { type: 'string', default: '2' },
  connections: { type: 'string', default: '50' },
  items: { type: 'string', default: '100000' },
  units: { type: 'string', default: '200' },
  only: { type: 'string', multiple: true },
  'bulletin-sizes': { type: 'string' },
  profile: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const

function parseOptions(argv: string[]): Options {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof BENCH_OPTIONS; strict: true }>>
  try {
    parsed = parseArgs({ args: argv, options: BENCH_OPTIONS, strict: true })
  } catch (err) {
    usage(err instanceof Error ? err.message : String(err))
  }
  const { values } = parsed
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const bounded = (flag: string, raw: string, min: number, max: number) => {
    const n = Number(raw)
    if (!Number.isFinite(n) || n < min || n > max) usage(`--${flag} must be a number from ${min} to ${max}, got "${raw}"`)
    return n
  }
  const only =
    values.only
      ?.flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '') ?? null
  const sizesText = values['bulletin-sizes'] ?? '10000,100000'
  const bulletinSizes =
    sizesText === 'none' || (only && !only.includes('bulletin'))
      ? []
      : sizesText.split(',').map((v) => Math.round(bounded('bulletin-sizes', v, 100, 1_000_000)))
  if (only) {
    const unknown = only.filter((name) => name !== 'bulletin' && !scenarios.some((s) => s.name === name))
    if (unknown.length > 0) usage(`unknown scenario ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`)
  }
  return {
    duration: bounded('duration', values.duration, 1, 120),
    warmup: bounded('warmup', values.warmup, 0, 30),
    connections: Math.round(bounded('connections', values.connections, 1, 1000)),
    items: Math.round(bounded('items', values.items, 100, 1_000_000)),
    units: Math.round(bounded('units', values.units, 10, 5000)),
    only,
    bulletinSizes,
    profileDir: values.profile ?? null,
  }
}

function usage(message: string): never {
  console.error(`${message}\n\n${USAGE}`)
  process.exit(2)
}

// ---------------------------------------------------------------------------------------------------------------
// Scenarios. To add one: append an entry; `paths` may return many paths (each connection cycles through them),
// `body` gives each request its JSON body, `setup` prepares data it needs, `check` vets one probe response.
// Every connection walks the same list from the start, so a write that may happen once per item (a transition)
// needs the list split per request instead: in worker mode autocannon takes `setupRequest` only as a module
// path, so such a scenario would write a small .cjs that hands out the next request into the temp directory.

interface Context {
  options: Options
  seeded: Seeded
  rng: Rng
  /** The bench's temporary directory, for files a scenario writes (request modules). */
  dir: string
}

type ServerName = 'bare' | 'app'

interface Scenario {
  name: string
  title: string
  /** What the numbers mean, for the report. */
  description: string
  server: ServerName
  method: HttpMethod
  /** Bearer token to send, if any. */
  token?: (ctx: Context) => string
  /** A workbench session cookie to send instead (the page scenarios answer HTML, not JSON). */
  session?: (ctx: Context) => string
  setup?: (ctx: Context) => void | Promise<void>
  paths: (ctx: Context) => string[]
  body?: (ctx: Context, path: string, index: number) => unknown
  /** A per-request module (see the note above), for writes that must each touch a different item. */
  setupRequest?: (ctx: Context) => string
  /** The requests themselves, when they differ in more than the path (a mix of reads and writes). */
  requests?: (ctx: Context) => LoadRequest[]
  /** Returns what is wrong with one response to the first request, or null. */
  check?: (status: number, body: unknown, ctx: Context) => string | null
  /** Minimum throughput as a fraction of the bare route's. */
  target?: number
  /** Maximum p99 latency, in ms. */
  p99TargetMs?: number
}

const BASELINE = 'bare'

const scenarios: Scenario[] = [
  {
    name: BASELINE,
    title: 'bare route',
    description: 'a separate Fastify 5 instance: GET /bare returns a constant 2-field JSON object; one pino line per response',
    server: 'bare',
    method: 'GET',
    paths: () => ['/bare'],
  },
  {
    name: 'item-read',
    title: 'item read',
    description: 'GET /api/v1/items/:id as a unit account, cycling over every item that unit may see',
    server: 'app',
    method: 'GET',
    token: (ctx) => ctx.seeded.unitToken,
    paths: (ctx) => shuffled(ctx.rng, ctx.seeded.focusVisibleIds).map((id) => `/api/v1/items/${id}`),
    check: (status, body) =>
      status === 200 && typeof (body as { id?: unknown }).id === 'number' ? null : `expected an item, got ${status}`,
    target: 0.3,
  },
  {
    name: 'item-list',
    title: 'filtered list',
    description: 'GET /api/v1/items?leadUnitId=<own unit>&limit=50 as that unit account (first page)',
    server: 'app',
    method: 'GET',
    token: (ctx) => ctx.seeded.unitToken,
    paths: (ctx) => [`/api/v1/items?leadUnitId=${ctx.seeded.focusUnitId}&limit=50`],
    check: (status, body, ctx) => {
      const list = body as { items?: unknown[]; total?: number }
      if (status !== 200) return `expected 200, got ${status}`
      if (list.items?.length !== Math.min(50, ctx.seeded.focusLeadCount)) return `expected a full page, got ${list.items?.length}`
      if (list.total !== ctx.seeded.focusLeadCount) return `expected total ${ctx.seeded.focusLeadCount}, got ${list.total}`
      return null
    },
    target: 0.08,
  },
  {
    name: 'item-page',
    title: 'item page (HTML)',
    description: 'GET /items/:id as a signed-in unit (session cookie): the whole record, its forms and its timeline, rendered',
    server: 'app',
    method: 'GET',
    session: (ctx) => ctx.seeded.unitSession,
    paths: (ctx) => shuffled(ctx.rng, ctx.seeded.focusVisibleIds).map((id) => `/items/${id}`),
    check: (status, body) => (status === 200 && String(body).includes('办理记录') ? null : `expected the item page, got ${status}`),
  },
  {
    name: 'list-page',
    title: 'list page (HTML, 50 rows)',
    description: 'GET /items?leadUnitId=<own unit> as that unit, signed in: the first 50 rows in deadline order, rendered',
    server: 'app',
    method: 'GET',
    session: (ctx) => ctx.seeded.unitSession,
    paths: (ctx) => [`/items?leadUnitId=${ctx.seeded.focusUnitId}`],
    check: (status, body, ctx) => {
      if (status !== 200) return `expected 200, got ${status}`
      const rows = (String(body).match(/<tr>/g) ?? []).length - 1
      return rows === Math.min(50, ctx.seeded.focusLeadCount)
        ? null
        : `expected ${Math.min(50, ctx.seeded.focusLeadCount)} rows, got ${rows}`
    },
  },
  {
    name: 'home-page',
    title: 'unit home page (HTML)',
    description:
      'GET / as a signed-in unit: its to-do lists (overdue, due within 7 days, no report this month, sent back, supervision, extension requests) over every item it leads, rendered',
    server: 'app',
    method: 'GET',
    session: (ctx) => ctx.seeded.unitSession,
    paths: () => ['/'],
    check: (status, body) => {
      if (status !== 200) return `expected 200, got ${status}`
      // The seeded unit has items due and unreported: its lists are not empty.
      return /<a href="\/items\/\d+"/.test(String(body)) ? null : "expected the unit's to-do lists to show items"
    },
  },
  {
    name: 'transitions',
    title: 'transitions',
    description:
      'POST /api/v1/items/:id/transitions {start} as a supervisor, each request on a different item: one transaction with a conditional update and its chained event row',
    server: 'app',
    method: 'POST',
    token: (ctx) => ctx.seeded.supervisorToken,
    paths: (ctx) => [`/api/v1/items/${ctx.seeded.assignedIds[0]}/transitions`],
    body: () => ({ action: 'start', expectedVersion: 1 }),
    setupRequest: (ctx) => writeDistinctItemModule(ctx),
    check: (status, body) =>
      status === 200 && (body as { status?: string }).status === 'in_progress' ? null : `expected the item started, got ${status}`,
    target: 0.05,
  },
  {
    name: 'mixed',
    title: 'mixed',
    description:
      "a unit's work as it comes: 80% GET /api/v1/items/:id over the items it may see, 10% GET /api/v1/items?leadUnitId=<own unit>&limit=50, 10% POST /api/v1/items/:id/progress-reports on the items it leads (this month), as that unit account",
    server: 'app',
    method: 'GET',
    token: (ctx) => ctx.seeded.unitToken,
    paths: () => [],
    requests: (ctx) => mixedRequests(ctx),
    check: (status, body) =>
      status === 200 && typeof (body as { id?: unknown }).id === 'number' ? null : `expected an item, got ${status}`,
    target: 0.2,
    p99TargetMs: 25,
  },
]

/**
 * The mixed workload as 1,000 requests that every connection walks in the same shuffled order (after a first
 * item read for the probe): 800 item reads over the unit's visible items, 100 first pages of its list, 100 monthly
 * reports spread over the items it leads.
 */
function mixedRequests(ctx: Context): LoadRequest[] {
  const headers = { authorization: `Bearer ${ctx.seeded.unitToken}` }
  const visible = shuffled(ctx.rng, ctx.seeded.focusVisibleIds)
  const led = shuffled(ctx.rng, ctx.seeded.focusLeadIds)
  const period = localPeriod(new Date(), 'Asia/Shanghai')
  const mix: LoadRequest[] = []
  for (let i = 0; i < 800; i++) mix.push({ method: 'GET', path: `/api/v1/items/${visible[i % visible.length]}`, headers })
  for (let i = 0; i < 100; i++) mix.push({ method: 'GET', path: `/api/v1/items?leadUnitId=${ctx.seeded.focusUnitId}&limit=50`, headers })
  for (let i = 0; i < 100; i++) {
    mix.push({
      method: 'POST',
      path: `/api/v1/items/${led[i % led.length]}/progress-reports`,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ period, text: `已完成第${i + 1}批点位排查整改，正在复核`, percent: 40 + (i % 50) }),
    })
  }
  const first = mix.shift()!
  return [first, ...shuffled(ctx.rng, mix)]
}

/**
 * Writes the request module for `transitions`: each request takes the next unused item. Every load run (warm-up,
 * measurement) starts a fresh worker, so the module claims a block of ids through a counter file rather than
 * restarting from the first item, which would turn every request into a 409.
 */
function writeDistinctItemModule(ctx: Context): string {
  const ids = ctx.seeded.assignedIds.slice(1) // the probe used the first
  writeFileSync(join(ctx.dir, 'transition-ids.json'), JSON.stringify(ids))
  writeFileSync(join(ctx.dir, 'transition-offset'), '0')
  const module = join(ctx.dir, 'transition-request.cjs')
  writeFileSync(
    module,
    `const fs = require('node:fs')
const path = require('node:path')
const ids = require(path.join(__dirname, 'transition-ids.json'))
const counter = path.join(__dirname, 'transition-offset')
// The warm-up (the first run) takes a quarter of the items; the measured run takes all that remain.
let next = Number(fs.readFileSync(counter, 'utf8'))
const end = next === 0 ? Math.floor(ids.length / 4) : ids.length
fs.writeFileSync(counter, String(end))
module.exports = (request) => {
  const id = next < end ? ids[next++] : undefined
  if (id === undefined) throw new Error('the bench ran out of assigned items: use --items with more items or a shorter --duration')
  request.path = '/api/v1/items/' + id + '/transitions'
  return request
}
`,
  )
  return module
}

// ---------------------------------------------------------------------------------------------------------------
// Servers

interface Server {
  url: string
  logFile: string
  /** Responses autocannon completed against this server, warm-ups included, to compare with the log. */
  completed: number
  close(): Promise<void>
}

/** The same pino options for both servers (those of server/logger.ts off a terminal), each to its own file. */
function benchLogger(file: string): Logger {
  return pino(
    {
      level: 'info',
      redact: { paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'token'], censor: '[redacted]' },
    },
    // Synchronous, like pino's default stdout destination in production.
    pino.destination({ dest: file, sync: true }),
  )
}

/**
 * The baseline: Fastify defaults, the app's way of switching off Fastify's two request lines, and one onResponse
 * line with the same fields as server/plugins/request-log.ts, so logging costs the same on both sides.
 * What it leaves out (auth, schemas, request-id header, SQLite, serialisation of a big object) is what we measure.
 */
async function startBare(logFile: string): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: benchLogger(logFile) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  })
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    )
  })
  app.get('/bare', async () => ({ status: 'ok', service: '整改销号' }))
  return app
}

function serverPool(dir: string, config: Config, database: DatabaseHandle) {
  const started = new Map<ServerName, Promise<Server>>()
  const start = async (name: ServerName): Promise<Server> => {
    const logFile = join(dir, `${name}.log`)
    const app =
      name === 'bare' ? await startBare(logFile) : await buildApp({ config, database, clock: systemClock, logger: benchLogger(logFile) })
    // As the service runs (server/start.ts): the write-ahead log checkpointed on a thread of its own.
    const checkpointer =
      name !== 'bare' && config.walCheckpointMs > 0
        ? startCheckpointer(databaseFile(config.dataDir), config.walCheckpointMs, (message) => console.error(`checkpoint: ${message}`))
        : null
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    return {
      url,
      logFile,
      completed: 0,
      close: async () => {
        await app.close()
        await checkpointer?.stop()
      },
    }
  }
  return {
    get(name: ServerName): Promise<Server> {
      let server = started.get(name)
      if (!server) {
        server = start(name)
        started.set(name, server)
      }
      return server
    },
    async entries(): Promise<[ServerName, Server][]> {
      return Promise.all([...started].map(async ([name, s]) => [name, await s] as [ServerName, Server]))
    },
    async closeAll() {
      for (const [, s] of await this.entries()) await s.close()
    },
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Running

interface Outcome {
  scenario: Scenario
  result: LoadResult | null
  /** Share of the measured time the main thread (the server) was busy: near 100% means the server was the bottleneck. */
  serverBusy: number | null
  /**
   * CPU time the main thread (the server) used per response, in µs, where the system tells it (Linux): unlike
   * req/s and busy time it barely moves when other processes compete for the cores, so it compares runs on a
   * shared machine.
   */
  serverCpuUs: number | null
  problem: string | null
}

function requestsOf(scenario: Scenario, ctx: Context): LoadRequest[] {
  if (scenario.requests) return scenario.requests(ctx)
  const token = scenario.token?.(ctx)
  const session = scenario.session?.(ctx)
  return scenario.paths(ctx).map((path, i) => {
    const headers: Record<string, string> = token
      ? { authorization: `Bearer ${token}` }
      : session
        ? { cookie: `zg_session=${session}` }
        : {}
    const body = scenario.body?.(ctx, path, i)
    const setupRequest = scenario.setupRequest?.(ctx)
    const extra = setupRequest ? { setupRequest } : {}
    if (body === undefined) return { method: scenario.method, path, headers, ...extra }
    return {
      method: scenario.method,
      path,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...extra,
    }
  })
}

/** One real request first, so a wrong path, token or payload is reported as such and not as a slow server. */
async function probe(server: Server, request: LoadRequest, scenario: Scenario, ctx: Context): Promise<string | null> {
  const res = await fetch(server.url + request.path, {
    method: request.method,
    headers: request.headers ?? {},
    ...(request.body !== undefined ? { body: request.body } : {}),
  })
  const text = await res.text()
  server.completed++
  let json: unknown = text
  if (!scenario.session) {
    try {
      json = JSON.parse(text)
    } catch {
      return `probe ${request.method} ${request.path}: response is not JSON (${res.status})`
    }
  }
  const problem = scenario.check ? scenario.check(res.status, json, ctx) : res.ok ? null : `status ${res.status}`
  return problem ? `probe ${request.method} ${request.path}: ${problem}: ${text.slice(0, 200)}` : null
}

async function runScenario(scenario: Scenario, ctx: Context, servers: ReturnType<typeof serverPool>): Promise<Outcome> {
  const server = await servers.get(scenario.server)
  await scenario.setup?.(ctx)
  const requests = requestsOf(scenario, ctx)
  if (requests.length === 0) return { scenario, result: null, serverBusy: null, serverCpuUs: null, problem: 'no requests to send' }
  const problem = await probe(server, requests[0]!, scenario, ctx)
  if (problem) return { scenario, result: null, serverBusy: null, serverCpuUs: null, problem }
  const { connections, duration, warmup } = ctx.options
  if (warmup > 0) {
    const warm = await load(server.url, requests, connections, warmup)
    server.completed += warm.completed
  }
  const profiler = ctx.options.profileDir ? await startProfiler() : null
  const busyBefore = performance.eventLoopUtilization()
  const cpuBefore = mainThreadCpuMs()
  const result = await load(server.url, requests, connections, duration)
  const cpuAfter = mainThreadCpuMs()
  const serverBusy = performance.eventLoopUtilization(busyBefore).utilization
  const serverCpuUs = cpuBefore !== null && cpuAfter !== null ? ((cpuAfter - cpuBefore) * 1000) / Math.max(1, result.completed) : null
  if (profiler) {
    mkdirSync(ctx.options.profileDir!, { recursive: true })
    const file = join(ctx.options.profileDir!, `${scenario.name}-${Date.now()}.cpuprofile`)
    const summary = await profiler.stop(file)
    console.log(`\n  profile ${file}, top functions by self time:\n${summary}`)
  }
  server.completed += result.completed
  return { scenario, result, serverBusy, serverCpuUs, problem: null }
}

/**
 * CPU time (user + system) of the main thread so far, in ms, from /proc (Linux); null elsewhere. The main thread's
 * task id is the process id; the autocannon worker is another task and is not counted.
 */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces, hence from the last ')'): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
  } catch {
    return null
  }
}

/** The kernel's clock ticks per second (USER_HZ), which is 100 on every Linux the bench runs on. */
const CLOCK_TICKS = 100

/** Streams, since a long run at tens of thousands of req/s writes more log than fits in one string. */
async function countRequestLines(file: string): Promise<number> {
  const needle = Buffer.from('"msg":"request"')
  let n = 0
  let carry = Buffer.alloc(0)
  for await (const chunk of createReadStream(file)) {
    const buf = Buffer.concat([carry, chunk as Buffer])
    for (let i = buf.indexOf(needle); i !== -1; i = buf.indexOf(needle, i + needle.length)) n++
    // Keep a tail shorter than the needle, so a match split across chunks is counted once.
    carry = buf.subarray(Math.max(0, buf.length - needle.length + 1))
  }
  return n
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`

/** The bare route's mean over its runs, and the runs themselves. */
function baselineOf(outcomes: Outcome[]): { reqPerSec: number; p99Ms: number; runs: LoadResult[] } | null {
  const runs = outcomes.filter((o) => o.scenario.name === BASELINE && o.result).map((o) => o.result!)
  if (runs.length === 0) return null
  return { reqPerSec: runs.reduce((sum, r) => sum + r.reqPerSec, 0) / runs.length, p99Ms: Math.max(...runs.map((r) => r.p99Ms)), runs }
}

const hasErrors = (r: LoadResult | null) => r !== null && r.non2xx + r.errors + r.timeouts > 0
const verdict = (result: LoadResult | null, ratio: number | null, target: number) =>
  hasErrors(result) ? 'INVALID (errors)' : ratio === null ? 'n/a' : ratio >= target ? 'PASS' : 'BELOW'
const targetPct = (target: number) => `${Math.round(target * 100)}%`

/** Prints results and targets; true when something failed or saw errors. */
function report(outcomes: Outcome[], options: Options): boolean {
  const bare = baselineOf(outcomes)
  const ratioOf = (r: LoadResult) => (bare && bare.reqPerSec > 0 ? r.reqPerSec / bare.reqPerSec : null)
  let failed = false
  console.log('\nResults')
  for (const { scenario, result, serverBusy, serverCpuUs, problem } of outcomes) {
    if (!result) {
      failed = true
      console.log(`  !!! ${scenario.title}: NOT MEASURED — ${problem}`)
      continue
    }
    const ratio = ratioOf(result)
    console.log(
      `  ${scenario.title}: ${fmtInt(result.reqPerSec)} req/s, p99 ${fmtMs(result.p99Ms)} ms` +
        (scenario.name === BASELINE ? '' : ratio !== null ? `, ${fmtPct(ratio)} of bare` : '') +
        `, non-2xx ${result.non2xx}, errors ${result.errors + result.timeouts}` +
        (serverBusy !== null ? ` (server thread busy ${fmtPct(serverBusy)}` : ' (') +
        (serverCpuUs !== null ? `, its CPU ${fmtInt(serverCpuUs)} µs a response)` : ')'),
    )
    if (hasErrors(result)) {
      failed = true
      const codes = Object.entries(result.statusCodes)
        .map(([c, n]) => `${c}×${fmtInt(n)}`)
        .join(' ')
      console.log(
        `  !!! ${scenario.title}: ${fmtInt(result.non2xx)} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts ` +
          `of ${fmtInt(result.completed)} (status codes ${codes}) — THESE FIGURES ARE NOT VALID`,
      )
    }
  }
  if (bare && bare.runs.length > 1) {
    const rates = bare.runs.map((r) => r.reqPerSec)
    const spread = (Math.max(...rates) - Math.min(...rates)) / bare.reqPerSec
    console.log(
      `  bare route mean: ${fmtInt(bare.reqPerSec)} req/s over ${rates.length} runs (spread ${fmtPct(spread)}); the ratios use it`,
    )
  }
  for (const s of new Set(outcomes.map((o) => o.scenario))) console.log(`    ${s.title}: ${s.description}`)
  console.log(
    `    ${options.connections} connections, ${options.warmup} s warm-up (not measured), ${options.duration} s measured, client in a worker thread`,
  )

  console.log('\nTargets')
  for (const { scenario, result } of outcomes) {
    if (scenario.target === undefined) continue
    const ratio = result ? ratioOf(result) : null
    console.log(
      `  ${scenario.title} ≥ ${targetPct(scenario.target)} of bare: ${ratio === null ? 'not measured' : fmtPct(ratio)} ${verdict(result, ratio, scenario.target)}`,
    )
    if (scenario.p99TargetMs !== undefined) {
      const p99 = result ? result.p99Ms : null
      const met =
        p99 === null
          ? 'not measured'
          : `${fmtMs(p99)} ms ${hasErrors(result) ? 'INVALID (errors)' : p99 <= scenario.p99TargetMs ? 'PASS' : 'ABOVE'}`
      console.log(`  ${scenario.title} p99 ≤ ${scenario.p99TargetMs} ms: ${met}`)
    }
  }
  return failed
}

/** The table for the README: one row per scenario, the baseline as its mean. */
function printSummary(outcomes: Outcome[], options: Options): void {
  const bare = baselineOf(outcomes)
  const rows: string[][] = []
  if (bare) {
    const errors = bare.runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0)
    const cpu = outcomes.filter((o) => o.scenario.name === BASELINE && o.serverCpuUs !== null).map((o) => o.serverCpuUs!)
    const meanCpu = cpu.length > 0 ? fmtInt(cpu.reduce((a, b) => a + b, 0) / cpu.length) : '—'
    rows.push(['bare route', fmtInt(bare.reqPerSec), fmtMs(bare.p99Ms), meanCpu, String(errors), '100%', ''])
  }
  for (const { scenario, result, serverCpuUs } of outcomes) {
    if (scenario.name === BASELINE) continue
    const ratio = result && bare ? result.reqPerSec / bare.reqPerSec : null
    rows.push([
      scenario.title,
      result ? fmtInt(result.reqPerSec) : '—',
      result ? fmtMs(result.p99Ms) : '—',
      serverCpuUs !== null ? fmtInt(serverCpuUs) : '—',
      result ? String(result.non2xx + result.errors + result.timeouts) : '—',
      ratio !== null ? fmtPct(ratio) : '—',
      scenario.target !== undefined ? `≥ ${targetPct(scenario.target)} ${verdict(result, ratio, scenario.target)}` : '',
    ])
  }
  console.log(
    `${fmtInt(options.items)} items, ${options.units} units, ${options.connections} connections, ${options.duration} s per scenario, ` +
      `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}` +
      (bare && bare.runs.length > 1 ? `; bare route = mean of ${bare.runs.length} runs` : '') +
      '\n',
  )
  console.log(markdownTable(['scenario', 'req/s', 'p99 ms', 'server CPU µs/response', 'non-2xx/errors', 'of bare', 'target'], rows))
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2))
  const selected = scenarios.filter(
    (s) =>
      !options.only ||
      options.only.includes(s.name) ||
      (s.name === BASELINE && scenarios.some((t) => t.target !== undefined && options.only?.includes(t.name))),
  )
  const runStart = performance.now()

  // A hung server or client must not keep a CI job or a terminal forever: setup grows with the item count.
  const boundS = 30 + (options.items / 100_000) * 60 + (selected.length + 1) * (options.warmup + options.duration + 20)
  const dir = mkdtempSync(join(tmpdir(), 'zhenggai-bench-'))
  let database: DatabaseHandle | null = null
  const cleanup = () => {
    database?.close()
    rmSync(dir, { recursive: true, force: true })
  }
  const watchdog = setTimeout(() => {
    console.error(`\n!!! bench exceeded its ${Math.round(boundS)} s bound; aborting`)
    cleanup()
    process.exit(2)
  }, boundS * 1000)
  watchdog.unref()
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanup()
      process.exit(130)
    })
  }

  try {
    console.log(
      `整改销号 bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}; ` +
        `${fmtInt(options.items)} items, ${options.units} units; ${options.connections} connections, ` +
        `${options.warmup} s warm-up + ${options.duration} s per scenario`,
    )
    const [load1] = loadavg()
    if (load1 !== undefined && load1 > cpus().length * 0.25) {
      // Everything here is CPU-bound on few cores: another busy process (a test run) moves every figure.
      console.log(`!!! load average ${load1.toFixed(1)} before starting: if another process is busy (a test run), figures will be noisy`)
    }
    // The event-loop-delay guard off: on a machine shared with other work, 50 connections queued behind slow pages
    // pass its 1 s, and the run would measure the 503s it answers instead of the service (the memory guards stay).
    const config = loadConfig({
      DATA_DIR: dir,
      JOBS: 'off',
      LOG_LEVEL: 'info',
      UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
      WAL_CHECKPOINT_MS: process.env.WAL_CHECKPOINT_MS,
    })
    const setupStart = performance.now()
    database = openDatabase(databaseFile(config.dataDir))
    const services = createServices({ database, clock: systemClock, config })
    const seeded = await seed(database, services, {
      items: options.items,
      units: options.units,
      now: new Date(),
      timezone: 'Asia/Shanghai',
    })
    const setupMs = performance.now() - setupStart
    console.log(
      `setup ${(setupMs / 1000).toFixed(1)} s (${seeded.timings.map((t) => `${t.label} ${(t.ms / 1000).toFixed(1)} s`).join('; ')}); ` +
        `database ${mb(statSync(databaseFile(config.dataDir)).size)}; RSS ${mb(process.memoryUsage().rss)}`,
    )
    console.log(
      `unit account: ${seeded.focusUnitName} (unit ${seeded.focusUnitId}) leads ${seeded.focusLeadCount} items, may see ${seeded.focusVisibleIds.length}\n`,
    )

    const ctx: Context = { options, seeded, rng: mulberry32(7), dir }
    const servers = serverPool(dir, config, database)
    const outcomes: Outcome[] = []
    // The baseline runs first and again last, and the ratios use the mean: on a small machine the bare route
    // varies by tens of percent from run to run (the client and the kernel's loopback compete for the same cores),
    // and bracketing the other scenarios keeps one unlucky baseline from moving every ratio.
    const order = [...selected]
    const baseline = selected.find((s) => s.name === BASELINE)
    if (baseline && selected.some((s) => s.target !== undefined)) order.push(baseline)
    try {
      for (const [i, scenario] of order.entries()) {
        process.stdout.write(`${scenario.title}${i > 0 && scenario === baseline ? ' (again)' : ''} … `)
        const outcome = await runScenario(scenario, ctx, servers)
        outcomes.push(outcome)
        const r = outcome.result
        console.log(r ? `${fmtInt(r.reqPerSec)} req/s` : 'FAILED')
      }
    } finally {
      await servers.closeAll()
    }
    const failed = report(outcomes, options)

    console.log('\nLog lines per response (should be ~1.00: both servers write one line per request)')
    // The client may cancel in-flight requests at the end of a run that the server still logs, hence "~".
    for (const [name, server] of await servers.entries()) {
      const lines = await countRequestLines(server.logFile)
      console.log(
        `  ${name}: ${fmtInt(lines)} lines / ${fmtInt(server.completed)} responses = ${(lines / Math.max(1, server.completed)).toFixed(2)}`,
      )
    }
    const mem = process.memoryUsage()
    console.log(
      `\nRSS after the runs: ${mb(mem.rss)} (heap used ${mb(mem.heapUsed)}; includes the autocannon worker and SQLite's page cache)`,
    )
    console.log(`total ${((performance.now() - runStart) / 1000).toFixed(0)} s, of which setup ${(setupMs / 1000).toFixed(1)} s\n`)
    printSummary(outcomes, options)
    if (options.bulletinSizes.length > 0) {
      console.log(`\nBulletin issue time and peak memory (last month, earlier months already issued; ~10 events per item):`)
      await benchBulletin(options.bulletinSizes)
    }
    if (failed) console.log('\n!!! Some scenarios failed or saw errors: see above. Exit code 1.')
    return failed ? 1 : 0
  } finally {
    clearTimeout(watchdog)
    cleanup()
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  },
)
