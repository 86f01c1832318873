// The crash check behind `npm run crash-test` and test/resilience/crash.test.ts: drive a real server process
// with concurrent writes, SIGKILL it at a random moment, restart it, and check that nothing acknowledged is lost.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { databaseFile, openDatabase } from '../db/client.ts'
import { docx, pdf, png } from '../test/helpers/files.ts'
import { startRobot } from '../test/helpers/robots.ts'
import {
  call,
  checkInvariants,
  evidenceForm,
  seedWorld,
  sleep,
  startServer,
  type Acknowledged,
  type ServerProcess,
  type World,
} from './resilience-lib.ts'

export interface CrashOptions {
  rounds: number
  /** Items in the plan the writers pick from. */
  items?: number
  /** Concurrent writers. */
  writers?: number
  /** The kill comes this many ms (uniformly random) after the writers start. */
  killAfterMs?: [number, number]
  log?: (line: string) => void
}

export interface CrashSummary {
  rounds: number
  killsSurvived: number
  acknowledged: { transitions: number; reports: number; evidence: number }
  /** Requests in flight when the process died (their effect may or may not have landed; either is fine). */
  cutOff: number
  conflicts: number
  /** Responses that were neither 2xx nor 409: each is a bug in the server or in this check. */
  unexpected: string[]
  /** Broken invariants after a restart. Empty when the check passes. */
  problems: string[]
  orphanFiles: number
  statusEvents: number
  evidenceRows: number
  cleanShutdown: boolean
}

export interface Tally {
  acknowledged: Acknowledged[]
  cutOff: number
  conflicts: number
  unexpected: string[]
}

/** Real files of the accepted kinds, unique per upload, some large enough that a kill can land mid-upload. */
async function evidenceFile(): Promise<{ content: Buffer; name: string }> {
  const nonce = randomBytes(8).toString('hex')
  const roll = Math.random()
  if (roll < 0.6)
    return { content: pdf(`佐证 ${nonce} ${'整改台账'.repeat(Math.floor(Math.random() * 200_000))}`), name: `佐证材料-${nonce}.pdf` }
  if (roll < 0.8) return { content: await docx(`自查报告 ${nonce}`), name: `自查报告-${nonce}.docx` }
  // png(seed) differs only in one byte: append the nonce after the image data, which readers ignore.
  return { content: Buffer.concat([png(Math.floor(Math.random() * 256)), Buffer.from(nonce)]), name: `现场照片-${nonce}.png` }
}

/**
 * One writer: picks items at random and does what their status allows (uploads, progress reports, transitions
 * with the version just read), recording every 2xx, until stopped or the server goes away.
 */
export async function driveWrites(server: { url: string }, world: World, tally: Tally, stopped: () => boolean): Promise<void> {
  const { lead, supervisor } = world.tokens
  while (!stopped()) {
    const itemId = world.itemIds[Math.floor(Math.random() * world.itemIds.length)]!
    try {
      const roll = Math.random()
      if (roll < 0.15) {
        const file = await evidenceFile()
        const res = await call(server.url, lead, 'POST', `/api/v1/items/${itemId}/evidence`, evidenceForm(file.content, file.name))
        if (res.status === 201 || res.status === 200) {
          const body = res.body as { id: number; sha256: string }
          tally.acknowledged.push({ kind: 'evidence', itemId, id: body.id, sha256: body.sha256 })
        } else tally.unexpected.push(`evidence upload on item ${itemId}: ${res.status} ${JSON.stringify(res.body)}`)
        continue
      }
      if (roll < 0.3) {
        const res = await call(server.url, lead, 'POST', `/api/v1/items/${itemId}/progress-reports`, {
          period: '2025-01',
          text: `本月完成排查 ${Math.floor(Math.random() * 100)} 处，整改 ${Math.floor(Math.random() * 100)} 处`,
          percent: Math.floor(Math.random() * 101),
        })
        if (res.status === 201) tally.acknowledged.push({ kind: 'report', itemId, id: (res.body as { id: number }).id })
        else tally.unexpected.push(`progress report on item ${itemId}: ${res.status} ${JSON.stringify(res.body)}`)
        continue
      }
      const read = await call(server.url, supervisor, 'GET', `/api/v1/items/${itemId}`)
      if (read.status !== 200) {
        tally.unexpected.push(`read item ${itemId}: ${read.status}`)
        continue
      }
      const item = read.body as { status: string; version: number; evidenceCount: number }
      let action: string
      let token = supervisor
      let comment: string | undefined
      if (item.status === 'assigned') [action, token] = ['start', lead]
      else if (item.status === 'in_progress' && item.evidenceCount > 0)
        [action, token, comment] = ['request_closure', lead, '已完成自查自验，整改到位']
      else if (item.status === 'closure_requested' && Math.random() < 0.8) [action, comment] = ['reject', '佐证材料不充分，请补充现场照片']
      else if (item.status === 'closure_requested') [action, comment] = ['accept', '经现场验收，整改到位']
      else continue
      const res = await call(server.url, token, 'POST', `/api/v1/items/${itemId}/transitions`, {
        action,
        expectedVersion: item.version,
        ...(comment ? { comment } : {}),
      })
      if (res.status === 200) {
        const body = res.body as { version: number; status: string }
        tally.acknowledged.push({ kind: 'transition', itemId, action, version: body.version, status: body.status })
      } else if (res.status === 409) tally.conflicts++
      else tally.unexpected.push(`${action} on item ${itemId}: ${res.status} ${JSON.stringify(res.body)}`)
    } catch (err) {
      // The server is gone (or going): this request's fate is unknown, and so is every later one's.
      if (stopped()) {
        tally.cutOff++
        return
      }
      tally.unexpected.push(`item ${itemId}: ${(err as Error).message} before the kill`)
      return
    }
  }
}

/**
 * Runs `rounds` rounds against one DATA_DIR: writers → SIGKILL at a random moment → restart → check. Returns
 * the tally; `problems` and `unexpected` are empty when nothing acknowledged was lost and nothing failed.
 */
export async function runCrashTest(options: CrashOptions): Promise<CrashSummary> {
  const log = options.log ?? (() => {})
  const [minKill, maxKill] = options.killAfterMs ?? [300, 3000]
  const writers = options.writers ?? 8
  const dataDir = mkdtempSync(join(tmpdir(), 'zhenggai-crash-'))
  const tally: Tally = { acknowledged: [], cutOff: 0, conflicts: 0, unexpected: [] }
  const problems: string[] = []
  let server: ServerProcess | null = null
  let killsSurvived = 0
  let last = { orphanFiles: 0, statusEvents: 0, evidenceRows: 0 }
  let cleanShutdown = false
  try {
    const world = seedWorld(dataDir, options.items ?? 40)
    server = await startServer({ dataDir })
    for (let round = 1; round <= options.rounds; round++) {
      let killed = false
      const killAt = minKill + Math.random() * (maxKill - minKill)
      const before = tally.acknowledged.length
      const running = Array.from({ length: writers }, () => driveWrites(server!, world, tally, () => killed))
      await sleep(killAt)
      killed = true
      await server.kill('SIGKILL')
      await Promise.all(running)
      const acknowledgedThisRound = tally.acknowledged.length - before

      const restartedAt = Date.now()
      server = await startServer({ dataDir })
      const startupErrors = server.errorLines()
      if (startupErrors.length > 0)
        problems.push(`round ${round}: the restarted server logged errors: ${startupErrors.slice(0, 3).join(' | ')}`)
      const report = await checkInvariants(dataDir, tally.acknowledged, { itemIds: world.itemIds, incomingMustBeEmpty: true })
      problems.push(...report.problems.map((p) => `round ${round}: ${p}`))
      last = report
      if (report.problems.length === 0 && startupErrors.length === 0) killsSurvived++
      log(
        `round ${round}: killed after ${Math.round(killAt)} ms with ${acknowledgedThisRound} writes acknowledged this round ` +
          `(${tally.acknowledged.length} in all); restarted in ${Date.now() - restartedAt} ms; ` +
          `${report.problems.length === 0 ? 'every acknowledged write is there, statuses agree with events, evidence whole' : `${report.problems.length} PROBLEM(S)`}`,
      )
    }
    const code = await server.kill('SIGTERM')
    cleanShutdown = code === 0 && server.output().includes('"stopped"')
    if (!cleanShutdown)
      problems.push(`the last server did not stop cleanly on SIGTERM (exit ${code}); its last output:\n${server.output().slice(-1500)}`)
    server = null
    const final = await checkInvariants(dataDir, tally.acknowledged, { itemIds: world.itemIds, incomingMustBeEmpty: true })
    problems.push(...final.problems.map((p) => `after shutdown: ${p}`))
  } finally {
    if (server) await server.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  }
  const count = (kind: Acknowledged['kind']) => tally.acknowledged.filter((a) => a.kind === kind).length
  return {
    rounds: options.rounds,
    killsSurvived,
    acknowledged: { transitions: count('transition'), reports: count('report'), evidence: count('evidence') },
    cutOff: tally.cutOff,
    conflicts: tally.conflicts,
    unexpected: tally.unexpected,
    // `last` carries a round's own problems too; the summary's are every round's.
    orphanFiles: last.orphanFiles,
    statusEvents: last.statusEvents,
    evidenceRows: last.evidenceRows,
    problems,
    cleanShutdown,
  }
}

export interface OutboxCrashSummary {
  /** Messages (with a delivery each) written by acknowledged transitions before the kill. */
  messages: number
  /** Their deliveries still unsent when the process died. */
  unsentAtKill: number
  /** How long after the restart began the last of them was sent. */
  allSentAfterMs: number | null
  /** Sends the robot received for them (more than `messages` when a send cut off by the kill went out again). */
  received: number
  problems: string[]
  cleanShutdown: boolean
}

/**
 * The outbox under a crash: a server with JOBS=on sends messages to a group robot that holds each request for
 * `robotDelayMs`; it is killed (SIGKILL) with sends in flight and others not yet tried, and restarted with the robot
 * answering at once. Every message an acknowledged transition caused must be sent within a minute of the restart.
 */
export async function runOutboxCrash(
  options: { items?: number; robotDelayMs?: number; log?: (line: string) => void } = {},
): Promise<OutboxCrashSummary> {
  const log = options.log ?? (() => {})
  const dataDir = mkdtempSync(join(tmpdir(), 'zhenggai-outbox-crash-'))
  const robot = await startRobot()
  const env = { JOBS: 'on', NOTIFY_DIGEST_MINUTES: '0' }
  const problems: string[] = []
  const summary: OutboxCrashSummary = { messages: 0, unsentAtKill: 0, allSentAfterMs: null, received: 0, problems, cleanShutdown: false }
  const deliveries = () => {
    const database = openDatabase(databaseFile(dataDir), { migrate: false })
    try {
      return database.sqlite
        .prepare(
          `select n.item_id as itemId, d.status from notifications n join notification_deliveries d on d.notification_id = n.id
           where n.kind = 'closure_rejected' order by n.id`,
        )
        .all() as { itemId: number; status: string }[]
    } finally {
      database.close()
    }
  }
  let server: ServerProcess | null = null
  try {
    const world = seedWorld(dataDir, options.items ?? 6)
    server = await startServer({ dataDir, env })
    const { admin, lead, supervisor } = world.tokens
    const put = await call(server.url, admin, 'PUT', `/api/v1/units/${world.leadUnitId}/channels`, {
      channels: [{ kind: 'wecom', url: robot.url('/send?key=k') }],
    })
    if (put.status !== 200) throw new Error(`setting the channel: ${put.status} ${JSON.stringify(put.body)}`)
    // The robot holds each request: the sends below are in flight, or waiting their turn, when the process dies.
    robot.setDelay(options.robotDelayMs ?? 3000)
    const rejected: number[] = []
    for (const itemId of world.itemIds) {
      const url = server.url
      const version = async () => ((await call(url, supervisor, 'GET', `/api/v1/items/${itemId}`)).body as { version: number }).version
      const steps: [string, () => Promise<{ status: number; body: unknown }>][] = [
        [
          'start',
          async () => call(url, lead, 'POST', `/api/v1/items/${itemId}/transitions`, { action: 'start', expectedVersion: await version() }),
        ],
        [
          'evidence',
          async () => call(url, lead, 'POST', `/api/v1/items/${itemId}/evidence`, evidenceForm(pdf(`证据${itemId}`), '佐证.pdf')),
        ],
        [
          'request_closure',
          async () =>
            call(url, lead, 'POST', `/api/v1/items/${itemId}/transitions`, {
              action: 'request_closure',
              expectedVersion: await version(),
              comment: '已完成自查自验',
            }),
        ],
        [
          'reject',
          async () =>
            call(url, supervisor, 'POST', `/api/v1/items/${itemId}/transitions`, {
              action: 'reject',
              expectedVersion: await version(),
              comment: '材料不全',
            }),
        ],
      ]
      for (const [name, step] of steps) {
        const res = await step()
        if (res.status !== 200 && res.status !== 201)
          throw new Error(`${name} on item ${itemId}: ${res.status} ${JSON.stringify(res.body)}`)
      }
      rejected.push(itemId)
    }
    await sleep(200)
    await server.kill('SIGKILL')
    server = null
    const atKill = deliveries()
    summary.messages = atKill.length
    summary.unsentAtKill = atKill.filter((d) => d.status !== 'sent').length
    if (
      atKill
        .map((d) => d.itemId)
        .sort()
        .join() !== [...rejected].sort().join()
    ) {
      problems.push(`acknowledged rejects ${rejected.join(',')} but messages for ${atKill.map((d) => d.itemId).join(',')}`)
    }

    robot.setDelay(0)
    const restartedAt = Date.now()
    server = await startServer({ dataDir, env })
    while (deliveries().some((d) => d.status !== 'sent')) {
      if (Date.now() - restartedAt > 60_000) {
        problems.push(`not sent within a minute of the restart: ${JSON.stringify(deliveries().filter((d) => d.status !== 'sent'))}`)
        break
      }
      await sleep(100)
    }
    if (problems.length === 0) summary.allSentAfterMs = Date.now() - restartedAt
    const errors = server.errorLines()
    if (errors.length > 0) problems.push(`the restarted server logged errors: ${errors.slice(0, 3).join(' | ')}`)
    summary.received = robot.received.filter((r) => r.body.markdown?.content?.includes('销号申请被退回')).length
    if (summary.received < summary.messages) problems.push(`the robot received ${summary.received} of ${summary.messages} messages`)
    const last = server
    const stopStarted = Date.now()
    const code = await server.kill('SIGTERM')
    server = null
    summary.cleanShutdown = code === 0
    if (!summary.cleanShutdown)
      problems.push(
        `the server did not stop cleanly on SIGTERM (exit ${code} after ${Date.now() - stopStarted} ms): ${last.output().slice(-1500)}`,
      )
    log(
      `outbox: ${summary.messages} messages written with their events, ${summary.unsentAtKill} unsent at the SIGKILL; ` +
        `${summary.allSentAfterMs === null ? 'NOT all sent' : `all sent ${summary.allSentAfterMs} ms after the restart began`}; ` +
        `the robot received ${summary.received} (a send cut off after the robot took it goes out again: at least once)`,
    )
  } finally {
    if (server) await server.kill('SIGKILL')
    await robot.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  return summary
}
