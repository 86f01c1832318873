// Sending one message (or one digest) to one channel: DingTalk and WeCom group robots, and e-mail.
import { createHmac } from 'node:crypto'
import nodemailer, { type Transporter } from 'nodemailer'

export type ChannelKind = 'dingtalk' | 'wecom' | 'email'

export interface OutgoingMessage {
  title: string
  /** Plain text; each entry of a digest is one paragraph. */
  entries: { title: string; body: string; link: string | null }[]
}

export interface ChannelTarget {
  kind: ChannelKind
  target: string
  secret: string | null
}

/** The outcome of one send. `retryAfterMs` when the other side asked us to slow down. */
export type SendResult = { ok: true } | { ok: false; error: string; rateLimited: boolean; retryAfterMs?: number; permanent?: boolean }

export interface Senders {
  send(channel: ChannelTarget, message: OutgoingMessage, now: Date): Promise<SendResult>
  /** False when e-mail has no SMTP_URL: e-mail channels are then reported as not configured. */
  emailConfigured: boolean
  close(): void
}

export const SEND_TIMEOUT_MS = 10_000

/** DingTalk's signature: base64(HMAC-SHA256 of `timestamp + "\n" + secret`, keyed with the secret). */
export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64')
}

/** The robot URL with `timestamp` and `sign` added (URL-encoded) when the robot has a signing secret. */
export function dingtalkUrl(url: string, secret: string | null, now: Date): string {
  if (!secret) return url
  const signed = new URL(url)
  const timestamp = now.getTime()
  signed.searchParams.set('timestamp', String(timestamp))
  signed.searchParams.set('sign', dingtalkSign(timestamp, secret))
  return signed.toString()
}

/** A URL with its credentials hidden: user info and every query value (robots carry their token there). */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    for (const key of [...new Set(u.searchParams.keys())]) u.searchParams.set(key, '***')
    return decodeURI(u.toString())
  } catch {
    return '***'
  }
}

/** The most a robot takes in one markdown message, in UTF-8 bytes (WeCom: 4,096; DingTalk: 20,000), with room to spare. */
export const MARKDOWN_MAX_BYTES: Record<ChannelKind, number> = { wecom: 4_000, dingtalk: 19_000, email: Number.POSITIVE_INFINITY }

export function markdown(message: OutgoingMessage): string {
  const parts = message.entries.map((e) => `#### ${e.title}\n\n${e.body}${e.link ? `\n\n[查看详情](${e.link})` : ''}`)
  return (message.entries.length > 1 ? `### ${message.title}\n\n` : '') + parts.join('\n\n---\n\n')
}

/** The text cut to `maxBytes` of UTF-8 at a character boundary, marked with an ellipsis when cut. */
function fitBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text
  let cut = ''
  let bytes = 0
  for (const ch of text) {
    const size = Buffer.byteLength(ch)
    if (bytes + size > maxBytes - 3) break
    cut += ch
    bytes += size
  }
  return `${cut}…`
}

function plainText(message: OutgoingMessage): string {
  return message.entries.map((e) => `${e.title}\n${e.body}${e.link ? `\n${e.link}` : ''}`).join('\n\n')
}

// DingTalk: 130101 "send too fast"; WeCom: 45009 "api freq out of limit", 45033 "too many concurrent".
const RATE_LIMIT_CODES = new Set([130101, 45009, 45033])

async function postRobot(url: string, body: unknown): Promise<SendResult> {
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      redirect: 'error',
    })
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } }
    if (e.name === 'TimeoutError') return { ok: false, error: `no answer within ${SEND_TIMEOUT_MS / 1000} s`, rateLimited: false }
    return { ok: false, error: `connection failed: ${e.cause?.code ?? e.name}`, rateLimited: false }
  }
  const text = await response.text().catch(() => '')
  if (response.status === 429) {
    const retryAfter = Number(response.headers.get('retry-after'))
    return { ok: false, error: 'HTTP 429', rateLimited: true, ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) }
  }
  if (!response.ok) return { ok: false, error: `HTTP ${response.status}`, rateLimited: false }
  // Both robots answer 200 with { errcode, errmsg }: any errcode but 0 is a failure. An intranet gateway in front
  // of them may answer without one; its 2xx is then its word that it took the message.
  let answer: { errcode?: unknown; errmsg?: unknown } = {}
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === 'object' && parsed !== null) answer = parsed as typeof answer
  } catch {
    // Not JSON: no errcode.
  }
  if (answer.errcode === undefined || answer.errcode === 0 || answer.errcode === '0') return { ok: true }
  const code = Number(answer.errcode)
  return {
    ok: false,
    error: `errcode ${String(answer.errcode)}: ${String(answer.errmsg ?? '').slice(0, 200)}`,
    rateLimited: RATE_LIMIT_CODES.has(code),
  }
}

export function createSenders({ smtpUrl, mailFrom }: { smtpUrl: string | null; mailFrom: string }): Senders {
  let transport: Transporter | null = null
  const mailer = () =>
    (transport ??= nodemailer.createTransport({
      url: smtpUrl!,
      connectionTimeout: SEND_TIMEOUT_MS,
      greetingTimeout: SEND_TIMEOUT_MS,
      socketTimeout: SEND_TIMEOUT_MS,
    }))
  return {
    emailConfigured: smtpUrl !== null,
    async send(channel, message, now) {
      switch (channel.kind) {
        case 'dingtalk':
          return postRobot(dingtalkUrl(channel.target, channel.secret, now), {
            msgtype: 'markdown',
            markdown: { title: message.title, text: fitBytes(markdown(message), MARKDOWN_MAX_BYTES.dingtalk) },
          })
        case 'wecom':
          return postRobot(channel.target, {
            msgtype: 'markdown',
            markdown: { content: fitBytes(markdown(message), MARKDOWN_MAX_BYTES.wecom) },
          })
        case 'email': {
          if (smtpUrl === null)
            return { ok: false, error: 'e-mail is not configured (SMTP_URL is not set)', rateLimited: false, permanent: true }
          try {
            await mailer().sendMail({ from: mailFrom, to: channel.target, subject: message.title, text: plainText(message) })
            return { ok: true }
          } catch (err) {
            const e = err as Error & { code?: string; responseCode?: number }
            return {
              ok: false,
              error: `smtp: ${e.responseCode ?? e.code ?? 'error'} ${e.message}`.slice(0, 300),
              rateLimited: e.responseCode === 421 || e.responseCode === 450,
            }
          }
        }
      }
    },
    close() {
      transport?.close()
    },
  }
}
