import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface RobotRequest {
  path: string
  query: URLSearchParams
  body: { msgtype?: string; markdown?: { title?: string; text?: string; content?: string } }
}

/**
 * A fake group robot on 127.0.0.1 (random port) that answers as DingTalk and WeCom do: HTTP 200 with
 * `{ errcode, errmsg }`. With a `secret` it checks DingTalk's signature and answers errcode 310000 when it is wrong.
 */
export async function startRobot(options: { secret?: string } = {}) {
  const received: RobotRequest[] = []
  let mode: 'ok' | 'down' | 'errcode' | 'rate_limited' = 'ok'
  let delayMs = 0
  const server: Server = createServer((req, res) => {
    let raw = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (raw += chunk))
    req.on('end', () => setTimeout(respond, delayMs))
    function respond() {
      const url = new URL(req.url ?? '/', 'http://robot')
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      if (mode === 'down') return answer(502, { message: 'bad gateway' })
      if (mode === 'errcode') return answer(200, { errcode: 300001, errmsg: 'token is not exist' })
      if (mode === 'rate_limited') return answer(200, { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' })
      if (options.secret !== undefined) {
        const timestamp = url.searchParams.get('timestamp') ?? ''
        const expected = createHmac('sha256', options.secret).update(`${timestamp}\n${options.secret}`).digest('base64')
        if (url.searchParams.get('sign') !== expected) return answer(200, { errcode: 310000, errmsg: 'sign not match' })
      }
      received.push({ path: url.pathname, query: url.searchParams, body: JSON.parse(raw) as RobotRequest['body'] })
      answer(200, { errcode: 0, errmsg: 'ok' })
    }
  })
  // Longer than any test: a kept-alive connection the server closes while the client reuses it fails that send.
  server.keepAliveTimeout = 120_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    received,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    setMode(next: typeof mode) {
      mode = next
    },
    /** Answers (and records) each request only after this long: sends stay in flight meanwhile. */
    setDelay(ms: number) {
      delayMs = ms
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

export interface ReceivedMail {
  from: string
  to: string[]
  subject: string
  text: string
}

function decodeWords(header: string): string {
  return header.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuoted(data.replace(/_/g, ' ')),
  )
}

function decodeQuoted(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`)
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'))
}

/** A local SMTP server (random port, no TLS, no auth) that keeps what it receives, decoded. */
export async function startSmtp() {
  const mails: ReceivedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        const [head, ...rest] = raw.split(/\r?\n\r?\n/)
        const headers = head!.replace(/\r?\n[ \t]+/g, ' ')
        const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(headers)?.[1] ?? ''
        const body = rest.join('\n\n')
        const encoding = header('Content-Transfer-Encoding').toLowerCase()
        const text =
          encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : encoding === 'quoted-printable' ? decodeQuoted(body) : body
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: decodeWords(header('Subject')),
          text,
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.server.address() as AddressInfo
  return { mails, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
