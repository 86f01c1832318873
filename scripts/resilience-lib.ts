// Shared by the crash, load and backup checks (scripts and tests): a real server process, a world to drive,
// and the invariants that must hold in any DATA_DIR however the server was stopped.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { databaseFile, openDatabase, type DatabaseHandle } from '../db/client.ts'
import { loadConfig } from '../server/config.ts'
import { systemClock, type Clock } from '../server/lib/time.ts'
import type { AccountActor } from '../server/modules/auth/permissions.ts'
import { createServices, type Services } from '../server/services.ts'

export const ROOT = join(import.meta.dirname, '..')

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A port nobody listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

// ---------------------------------------------------------------------------------------------------------------
// A server process

export interface ServerProcess {
  url: string
  /** The process group: tsx runs the service in a child of its own, and SIGKILL must reach both. */
  pid: number
  child: ChildProcess
  /** Everything the process wrote (the tail, when it wrote a lot). */
  output(): string
  /** Every line it wrote at error level or worse, or not as a JSON log line (kept however much it wrote). */
  errorLines(): string[]
  exited: Promise<number | null>
  /** Signals the whole process group and waits until every process in it is gone. */
  kill(signal: NodeJS.Signals): Promise<number | null>
}

const running = new Set<number>()
// A check that fails or is interrupted must not leave servers behind.
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})

const OUTPUT_CAP = 4 * 1024 * 1024

/**
 * Starts `node --import tsx <entry>` in its own process group on 127.0.0.1 and a free port, and waits for
 * /readyz. `ipc` opens a message channel (for scripts/load-server.ts).
 */
export async function startServer(options: {
  dataDir: string
  entry?: string
  env?: Record<string, string>
  ipc?: boolean
  readyTimeoutMs?: number
}): Promise<ServerProcess> {
  const port = await freePort()
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: options.dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    JOBS: 'off',
    LOG_LEVEL: 'info',
    ...options.env,
  }
  // One process, node with tsx's loader, rather than the tsx command: the command relays a signal to the service
  // and, when the service's acknowledgement takes more than 30 ms (a loaded machine), sends SIGKILL after it,
  // which turns a clean SIGTERM shutdown into exit 143.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, options.entry ?? 'server/main.ts')], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  })
  const pid = child.pid!
  running.add(pid)
  let out = ''
  let partial = ''
  const bad: string[] = []
  const collect = (d: Buffer) => {
    const text = d.toString('utf8')
    out += text
    if (out.length > OUTPUT_CAP) out = out.slice(out.length - OUTPUT_CAP / 2)
    const lines = (partial + text).split('\n')
    partial = lines.pop()!
    for (const line of lines) if (isErrorLine(line) && bad.length < 1000) bad.push(line)
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  // 'close', not 'exit': it comes after the pipes are drained (and the service, which shares them, is gone), so
  // output() then holds the last lines the process wrote.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  let exitCode: number | null | undefined
  void exited.then((code) => (exitCode = code))

  const groupAlive = () => {
    try {
      process.kill(-pid, 0)
      return true
    } catch {
      return false
    }
  }
  const server: ServerProcess = {
    url: `http://127.0.0.1:${port}`,
    pid,
    child,
    output: () => out,
    errorLines: () => [...bad, ...(isErrorLine(partial) ? [partial] : [])],
    exited,
    async kill(signal) {
      try {
        process.kill(-pid, signal)
      } catch {
        // already gone
      }
      const code = await exited
      // The tsx wrapper may exit before the service it runs; wait for the whole group.
      const deadline = Date.now() + 30_000
      while (groupAlive() && Date.now() < deadline) await sleep(20)
      if (groupAlive()) process.kill(-pid, 'SIGKILL')
      running.delete(pid)
      return code
    },
  }

  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000)
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`the server exited (${exitCode}) before it was ready:\n${out.slice(-4000)}`)
    try {
      const res = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(2000) })
      if (res.status === 200) return server
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  await server.kill('SIGKILL')
  throw new Error(`the server was not ready within ${options.readyTimeoutMs ?? 90_000} ms:\n${out.slice(-4000)}`)
}

/** A log line at error level or worse (pino: 50 error, 60 fatal), or anything that is not a JSON log line. */
function isErrorLine(line: string): boolean {
  if (line.trim() === '') return false
  try {
    const parsed = JSON.parse(line) as { level?: number }
    return typeof parsed.level !== 'number' || parsed.level >= 50
  } catch {
    return true
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A world to drive

export interface World {
  planId: number
  itemIds: number[]
  leadUnitId: number
  tokens: { lead: string; supervisor: string; admin: string }
}

const PROBLEMS = [
  '施工扬尘污染问题突出，部分工地未落实六个百分之百要求',
  '部分河道存在生活污水直排现象，水质不能稳定达标',
  '餐饮油烟净化设施安装不到位，居民投诉较多',
]

/**
 * A plan, a lead unit, a responsible unit, an independent supervision office, and `items` items, written
 * through the services (so they obey the same rules as the API) into a DATA_DIR no server is using yet.
 */
export function seedWorld(dataDir: string, items: number, clock: Clock = systemClock): World {
  const config = loadConfig({ DATA_DIR: dataDir, JOBS: 'off' })
  const database = openDatabase(databaseFile(config.dataDir))
  try {
    return seedWith(createServices({ database, clock, config }), items)
  } finally {
    database.close()
  }
}

export function seedWith(services: Services, items: number): World {
  const lead = services.units.create('区生态环境局')
  const partner = services.units.create('区住房城乡建设委')
  const office = services.units.create('区环保督察整改办公室')
  const admin = services.accounts.create({ name: '系统管理员', role: 'admin' })
  const supervisor = services.accounts.create({ name: '督查员', role: 'supervisor', unitId: office.id })
  const leadAccount = services.accounts.create({ name: '牵头单位经办人', role: 'unit', unitId: lead.id })
  const adminActor: AccountActor = { kind: 'account', accountId: admin.account.id, name: admin.account.name, role: 'admin', unitId: null }
  const supervisorActor: AccountActor = {
    kind: 'account',
    accountId: supervisor.account.id,
    name: supervisor.account.name,
    role: 'supervisor',
    unitId: office.id,
  }
  const plan = services.plans.create(adminActor, {
    title: '韧性测试整改方案',
    issuedBy: '区委、区政府',
    categories: ['打好污染防治攻坚战'],
  })
  const itemIds = services.transact(() =>
    Array.from(
      { length: items },
      (_, i) =>
        services.items.create(supervisorActor, plan.id, {
          code: `9-${i + 1}`,
          category: '打好污染防治攻坚战',
          problem: PROBLEMS[i % PROBLEMS.length]!,
          target: '问题全部整改到位',
          measures: '1. 开展专项检查；2. 建立台账；3. 逐项销号',
          leadUnitId: lead.id,
          responsibleUnitIds: [partner.id],
          deadlineKind: 'date',
          deadline: '2099-12-31',
        }).id,
    ),
  )
  return {
    planId: plan.id,
    itemIds,
    leadUnitId: lead.id,
    tokens: { lead: leadAccount.token, supervisor: supervisor.token, admin: admin.token },
  }
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

export interface Reply {
  status: number
  body: unknown
}

/** One request; a network error or timeout is thrown. */
export async function call(base: string, token: string, method: string, path: string, body?: unknown, timeoutMs = 20_000): Promise<Reply> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` }
  let payload: string | FormData | undefined
  if (body instanceof FormData) payload = body
  else if (body !== undefined) {
    headers['content-type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  const res = await fetch(base + path, {
    method,
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed }
}

export function evidenceForm(content: Buffer, fileName: string): FormData {
  const form = new FormData()
  form.append('file', new Blob([content]), fileName)
  return form
}

// ---------------------------------------------------------------------------------------------------------------
// Invariants

/** Something a client was told succeeded (a 2xx), to look for in the database afterwards. */
export type Acknowledged =
  | { kind: 'transition'; itemId: number; action: string; version: number; status: string }
  | { kind: 'report'; itemId: number; id: number }
  | { kind: 'evidence'; itemId: number; id: number; sha256: string }

export interface InvariantReport {
  problems: string[]
  items: number
  statusEvents: number
  evidenceRows: number
  /** Stored files no row names: harmless (a crash between storing and recording), counted for the record. */
  orphanFiles: number
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * What must hold in a DATA_DIR whatever happened to the server: every acknowledged write is there; each item's
 * status is the to_status of its last status-changing event and its version counts those events (true while
 * nothing else edits the items: the checks drive no PATCH); every evidence row's file is in the store, whole
 * (size and SHA-256); no upload is left half-received in evidence/.incoming (checked only when asked: a
 * running server may be receiving one).
 */
export async function checkInvariants(
  dataDir: string,
  acknowledged: readonly Acknowledged[],
  options: { itemIds?: readonly number[]; incomingMustBeEmpty?: boolean; database?: DatabaseHandle } = {},
): Promise<InvariantReport> {
  const problems: string[] = []
  const database = options.database ?? openDatabase(databaseFile(dataDir), { migrate: false })
  try {
    const { sqlite } = database
    const integrity = sqlite.pragma('quick_check', { simple: true })
    if (integrity !== 'ok') problems.push(`quick_check: ${String(integrity)}`)

    const itemIds = options.itemIds ?? (sqlite.prepare('select id from items order by id').pluck().all() as number[])
    const itemRow = sqlite.prepare('select status, version from items where id = ?')
    const statusEvents = sqlite.prepare(
      'select id, action, to_status as toStatus from item_events where item_id = ? and to_status is not null order by id',
    )
    const eventsByItem = new Map<number, { action: string; toStatus: string }[]>()
    let statusEventCount = 0
    for (const id of itemIds) {
      const item = itemRow.get(id) as { status: string; version: number } | undefined
      if (!item) {
        problems.push(`item ${id} is missing`)
        continue
      }
      const events = statusEvents.all(id) as { action: string; toStatus: string }[]
      eventsByItem.set(id, events)
      statusEventCount += events.length
      const last = events.at(-1)
      if (last?.toStatus !== item.status)
        problems.push(`item ${id}: status ${item.status}, but its last event says ${last?.toStatus ?? 'nothing'}`)
      if (events.length !== item.version) problems.push(`item ${id}: version ${item.version}, but ${events.length} status events`)
    }

    const report = sqlite.prepare('select item_id as itemId from progress_reports where id = ?')
    const evidenceRow = sqlite.prepare('select item_id as itemId, sha256 from evidence where id = ?')
    for (const ack of acknowledged) {
      if (ack.kind === 'transition') {
        const events = eventsByItem.get(ack.itemId) ?? (statusEvents.all(ack.itemId) as { action: string; toStatus: string }[])
        // Version n is the state after the n-th status event (the first is the item's creation).
        const event = events[ack.version - 1]
        if (!event || event.action !== ack.action || event.toStatus !== ack.status) {
          problems.push(`acknowledged ${ack.action} on item ${ack.itemId} (→ ${ack.status}, version ${ack.version}) has no matching event`)
        }
      } else if (ack.kind === 'report') {
        const row = report.get(ack.id) as { itemId: number } | undefined
        if (row?.itemId !== ack.itemId) problems.push(`acknowledged progress report ${ack.id} on item ${ack.itemId} is missing`)
      } else {
        const row = evidenceRow.get(ack.id) as { itemId: number; sha256: string } | undefined
        if (row?.itemId !== ack.itemId || row.sha256 !== ack.sha256)
          problems.push(`acknowledged evidence ${ack.id} on item ${ack.itemId} is missing`)
      }
    }

    const files = sqlite.prepare('select sha256, size_bytes as sizeBytes from evidence group by sha256, size_bytes').all() as {
      sha256: string
      sizeBytes: number
    }[]
    const referenced = new Set<string>()
    for (const { sha256, sizeBytes } of files) {
      referenced.add(sha256)
      const path = join(dataDir, 'evidence', sha256.slice(0, 2), sha256)
      if (!existsSync(path)) {
        problems.push(`evidence file ${sha256} is referenced but not stored`)
        continue
      }
      const size = statSync(path).size
      if (size !== sizeBytes) problems.push(`evidence file ${sha256}: ${size} bytes stored, ${sizeBytes} recorded (half-stored)`)
      else if ((await sha256OfFile(path)) !== sha256) problems.push(`evidence file ${sha256} does not match its hash`)
    }
    let orphanFiles = 0
    const store = join(dataDir, 'evidence')
    if (existsSync(store)) {
      for (const dir of readdirSync(store)) {
        if (dir === '.incoming') continue
        for (const name of readdirSync(join(store, dir))) if (!referenced.has(name)) orphanFiles++
      }
      const incoming = join(store, '.incoming')
      if (options.incomingMustBeEmpty && existsSync(incoming) && readdirSync(incoming).length > 0) {
        problems.push(`evidence/.incoming holds ${readdirSync(incoming).length} file(s) after start-up`)
      }
    }
    const evidenceRows = sqlite.prepare('select count(*) from evidence').pluck().get() as number
    return { problems, items: itemIds.length, statusEvents: statusEventCount, evidenceRows, orphanFiles }
  } finally {
    if (!options.database) database.close()
  }
}
