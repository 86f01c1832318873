// Sends what the outbox holds: the deliveries that are due, gathered per channel into digests, with backoff.
import type { Logger } from 'pino'
import type { Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import type { ChannelRow, DeliveryRow, NotificationsRepo } from './notifications.repo.ts'
import { markdown, MARKDOWN_MAX_BYTES, type OutgoingMessage, type SendResult, type Senders } from './senders.ts'

export interface DispatchSettings {
  /** 0: every message is its own send. Otherwise the deliveries due on a channel go out together. */
  digestMinutes: number
  /** Tries before a delivery is dead. */
  maxAttempts: number
  /** The wait after the first failure; it doubles with each further one, up to `maxDelayMs`. */
  baseDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_DISPATCH: Omit<DispatchSettings, 'digestMinutes'> = { maxAttempts: 8, baseDelayMs: 60_000, maxDelayMs: 60 * 60_000 }

/** At most this many messages in one digest (a robot message stays readable, and within its size limit). */
export const DIGEST_MAX_ENTRIES = 20
/** Without digests, at most this many sends to one channel per pass. */
export const SENDS_PER_CHANNEL_PER_PASS = 5
/** At most this many sends to one channel in any minute of real time: robots take about 20. */
export const SENDS_PER_CHANNEL_PER_MINUTE = 18

export interface DispatchRun {
  sent: number[]
  failed: number[]
  dead: number[]
}

/**
 * The wait before try `attempts + 1`: exponential, with jitter (a uniformly random half to whole of it), so channels
 * that failed together do not all come back at the same moment; never shorter than what the other side asked for.
 */
export function backoffMs(
  attempts: number,
  settings: Pick<DispatchSettings, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
  atLeastMs = 0,
): number {
  const delay = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempts - 1))
  return Math.max(atLeastMs, Math.round(delay / 2 + (random() * delay) / 2))
}

/** The error as stored and shown: without the channel's secret or the token in its URL. */
function redact(error: string, channel: ChannelRow): string {
  let text = error
  const secrets = [channel.secret ?? '']
  try {
    for (const value of new URL(channel.target).searchParams.values()) secrets.push(value)
  } catch {
    // An e-mail address: nothing in it is secret.
  }
  for (const s of secrets) if (s.length >= 4) text = text.split(s).join('***')
  return text.slice(0, 500)
}

/** The first rows that make one digest: at most DIGEST_MAX_ENTRIES, and within what the robot takes in one message. */
function digestOf(rows: DeliveryRow[], kind: ChannelRow['kind']): DeliveryRow[] {
  const limit = MARKDOWN_MAX_BYTES[kind]
  let batch = rows.slice(0, 1)
  for (let n = 2; n <= Math.min(rows.length, DIGEST_MAX_ENTRIES); n++) {
    if (Buffer.byteLength(markdown(messageOf(rows.slice(0, n)))) > limit) break
    batch = rows.slice(0, n)
  }
  return batch
}

function messageOf(rows: DeliveryRow[]): OutgoingMessage {
  const entries = rows.map((r) => r.payload)
  return { title: entries.length === 1 ? entries[0]!.title : `整改销号消息汇总（${entries.length}条）`, entries }
}

export function createDispatcher({
  repo,
  transact,
  clock,
  senders,
  settings,
  log,
  random = Math.random,
}: {
  repo: NotificationsRepo
  transact: Transact
  clock: Clock
  senders: Senders
  settings: DispatchSettings
  log: Pick<Logger, 'info' | 'warn'>
  random?: () => number
}) {
  let running: Promise<DispatchRun> | null = null
  let again = false
  // When this process last sent to each channel (real time, which is what a robot's rate limit counts in).
  const recentSends = new Map<number, number[]>()
  function mayStillSend(channelId: number): boolean {
    const since = performance.now() - 60_000
    const times = (recentSends.get(channelId) ?? []).filter((t) => t > since)
    recentSends.set(channelId, times)
    return times.length < SENDS_PER_CHANNEL_PER_MINUTE
  }

  function record(rows: DeliveryRow[], channel: ChannelRow, result: SendResult, now: Date): DispatchRun {
    const outcome: DispatchRun = { sent: [], failed: [], dead: [] }
    const at = now.toISOString()
    transact(() => {
      for (const row of rows) {
        const attempts = row.attempts + 1
        if (result.ok) {
          repo.updateDeliveries([row.id], { status: 'sent', attempts, sentAt: at })
          outcome.sent.push(row.id)
        } else if (result.permanent || attempts >= settings.maxAttempts) {
          repo.updateDeliveries([row.id], { status: 'dead', attempts, lastError: redact(result.error, channel) })
          outcome.dead.push(row.id)
        } else {
          const wait = backoffMs(attempts, settings, random, result.retryAfterMs)
          repo.updateDeliveries([row.id], {
            status: 'failed',
            attempts,
            lastError: redact(result.error, channel),
            nextAttemptAt: new Date(now.getTime() + wait).toISOString(),
          })
          outcome.failed.push(row.id)
        }
      }
    })
    const ids = rows.map((r) => r.id)
    if (result.ok) log.info({ channelId: channel.id, kind: channel.kind, deliveries: ids }, 'notification sent')
    else
      log.warn(
        {
          channelId: channel.id,
          kind: channel.kind,
          deliveries: ids,
          error: redact(result.error, channel),
          rateLimited: result.rateLimited,
        },
        'notification not sent',
      )
    return outcome
  }

  async function sendToChannel(channel: ChannelRow, rows: DeliveryRow[], now: Date): Promise<DispatchRun> {
    const total: DispatchRun = { sent: [], failed: [], dead: [] }
    const add = (r: DispatchRun) => {
      total.sent.push(...r.sent)
      total.failed.push(...r.failed)
      total.dead.push(...r.dead)
    }
    if (channel.removedAt !== null) {
      add(record(rows, channel, { ok: false, error: 'the channel was removed', rateLimited: false, permanent: true }, now))
      return total
    }
    // A digest that is too long for the robot goes out as several; the rest of what is due waits for later passes.
    const batches: DeliveryRow[][] = []
    if (settings.digestMinutes > 0) {
      for (let rest = rows; rest.length > 0 && batches.length < SENDS_PER_CHANNEL_PER_PASS; ) {
        const batch = digestOf(rest, channel.kind)
        batches.push(batch)
        rest = rest.slice(batch.length)
      }
    } else {
      for (const row of rows.slice(0, SENDS_PER_CHANNEL_PER_PASS)) batches.push([row])
    }
    for (const batch of batches) {
      // Over the minute's allowance: the rest stays due for a later pass.
      if (!mayStillSend(channel.id)) break
      recentSends.get(channel.id)!.push(performance.now())
      const result = await senders.send(channel, messageOf(batch), now)
      add(record(batch, channel, result, now))
      // A channel that is down or slowing us is left alone until its backoff ends.
      if (!result.ok) break
    }
    return total
  }

  async function pass(): Promise<DispatchRun> {
    const now = clock.now()
    const byChannel = new Map<number, { channel: ChannelRow; rows: DeliveryRow[] }>()
    for (const { delivery, channel } of repo.dueDeliveries(now.toISOString(), 1000)) {
      const group = byChannel.get(channel.id) ?? { channel, rows: [] }
      group.rows.push(delivery)
      byChannel.set(channel.id, group)
    }
    const runs = await Promise.all([...byChannel.values()].map(({ channel, rows }) => sendToChannel(channel, rows, now)))
    return { sent: runs.flatMap((r) => r.sent), failed: runs.flatMap((r) => r.failed), dead: runs.flatMap((r) => r.dead) }
  }

  return {
    /**
     * Sends every delivery that is due now. One pass at a time: a call while one runs waits for it and then runs
     * once more (something may have become due meanwhile). Safe after a crash: deliveries are rows, and a row is
     * marked sent only after its channel took it, so whatever a killed process had not finished is sent now.
     */
    dispatch(): Promise<DispatchRun> {
      if (running) {
        again = true
        return running
      }
      running = (async () => {
        try {
          let run = await pass()
          while (again) {
            again = false
            const next = await pass()
            run = { sent: [...run.sent, ...next.sent], failed: [...run.failed, ...next.failed], dead: [...run.dead, ...next.dead] }
          }
          return run
        } finally {
          running = null
        }
      })()
      return running
    },
    /** Resolves when no pass is running. */
    async idle(): Promise<void> {
      while (running) await running.catch(() => undefined)
    },
  }
}

export type Dispatcher = ReturnType<typeof createDispatcher>
