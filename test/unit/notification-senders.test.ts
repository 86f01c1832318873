import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { backoffMs } from '../../server/modules/notifications/dispatcher.ts'
import { createSenders, dingtalkUrl, maskUrl } from '../../server/modules/notifications/senders.ts'

describe('DingTalk signing', () => {
  it('adds timestamp (ms) and sign = urlencode(base64(HMAC-SHA256(timestamp + "\\n" + secret)))', () => {
    const now = new Date('2024-05-01T00:00:00.000Z')
    // Find a secret whose signature has the characters URL encoding must escape.
    let secret = ''
    let sign = ''
    for (let i = 0; !/[+/=]/.test(sign) || !sign.includes('+'); i++) {
      secret = `SEC${i}`
      sign = createHmac('sha256', secret).update(`${now.getTime()}\n${secret}`).digest('base64')
    }
    const url = dingtalkUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', secret, now)
    expect(url).toContain('access_token=abc')
    expect(url).toContain(`timestamp=${now.getTime()}`)
    expect(url).toContain(`sign=${encodeURIComponent(sign)}`)
    expect(new URL(url).searchParams.get('sign')).toBe(sign)
    expect(dingtalkUrl('https://x.example/robot?access_token=abc', null, now)).toBe('https://x.example/robot?access_token=abc')
  })

  it('a webhook is shown with its query values and user info hidden', () => {
    expect(maskUrl('https://oapi.dingtalk.com/robot/send?access_token=abc123')).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=***',
    )
    expect(maskUrl('http://u:p@10.0.0.1:8080/hook?key=k&x=1')).toBe('http://10.0.0.1:8080/hook?key=***&x=***')
    expect(maskUrl('http://10.0.0.1/机器人')).toBe('http://10.0.0.1/机器人')
  })
})

describe('backoff', () => {
  it('doubles from the base up to the cap, with jitter between half and all of it, never below Retry-After', () => {
    const s = { baseDelayMs: 60_000, maxDelayMs: 3_600_000 }
    expect([1, 2, 3, 4].map((n) => backoffMs(n, s, () => 1))).toEqual([60_000, 120_000, 240_000, 480_000])
    expect(backoffMs(1, s, () => 0)).toBe(30_000)
    expect(backoffMs(20, s, () => 1)).toBe(3_600_000)
    expect(backoffMs(1, s, () => 0, 300_000)).toBe(300_000)
  })
})

describe('robot answers', () => {
  it('errcode ≠ 0 fails even with HTTP 200; a gateway’s 2xx without errcode is taken as sent; HTTP 429 is a rate limit', async () => {
    const answers: [number, string, Record<string, string>?][] = [
      [200, '{"errcode":0,"errmsg":"ok"}'],
      [200, '{"errcode":310000,"errmsg":"sign not match"}'],
      [200, 'accepted'],
      [429, '', { 'retry-after': '30' }],
      [500, 'oops'],
    ]
    let next = 0
    const server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        const [status, body, headers] = answers[next++]!
        res.writeHead(status, headers ?? {})
        res.end(body)
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`
    const senders = createSenders({ smtpUrl: null, mailFrom: 'x@example.cn' })
    const message = { title: '标题', entries: [{ title: '标题', body: '正文', link: '/items/1' }] }
    const results = []
    for (let i = 0; i < answers.length; i++)
      results.push(await senders.send({ kind: 'wecom', target: url, secret: null }, message, new Date()))
    await new Promise<void>((r) => {
      server.close(() => r())
      server.closeAllConnections()
    })
    expect(results).toEqual([
      { ok: true },
      { ok: false, error: 'errcode 310000: sign not match', rateLimited: false },
      { ok: true },
      { ok: false, error: 'HTTP 429', rateLimited: true, retryAfterMs: 30_000 },
      { ok: false, error: 'HTTP 500', rateLimited: false },
    ])
    const refused = await senders.send({ kind: 'wecom', target: url, secret: null }, message, new Date())
    // ECONNREFUSED, or the pooled keep-alive socket found closed: either is a failure to retry.
    expect(refused).toMatchObject({
      ok: false,
      rateLimited: false,
      error: expect.stringMatching(/^connection failed: (ECONNREFUSED|UND_ERR_SOCKET)$/),
    })
  })
})
