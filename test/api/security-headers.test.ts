import Fastify, { type FastifyInstance } from 'fastify'
import helmet from 'helmet'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  FRAMED_BY_SELF_POLICY,
  PAGE_HELMET_POLICY,
  STORED_FILE_POLICY,
  securityHeadersPlugin,
  setApiNotFoundHandler,
} from '../../server/plugins/security-headers.ts'

// Every header each kind of response carries, exactly. These are what @fastify/helmet 13.2 sent with the same
// policies (compared response by response when the plugin stopped using it): the headers must not change with it.
const PAGE_CSP =
  "default-src 'self';base-uri 'self';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';" +
  "img-src 'self' data:;font-src 'self' data:;connect-src 'self';object-src 'none';form-action 'self';frame-ancestors 'none'"

const PAGE_HEADERS = {
  'content-security-policy': PAGE_CSP,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
}

const API_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
}

// helmet itself, counted: each policy is to be built once, however many requests its routes answer.
vi.mock('helmet', async (importOriginal) => {
  const actual = await importOriginal<typeof import('helmet')>()
  return { ...actual, default: vi.fn(actual.default) }
})

const HTML = 'text/html; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'

let app: FastifyInstance
beforeAll(async () => {
  app = Fastify()
  await app.register(securityHeadersPlugin, { helmet: PAGE_HELMET_POLICY })
  await app.register(
    async (api) => setApiNotFoundHandler(api, (_request, reply) => void reply.code(404).send({ code: 'ROUTE_NOT_FOUND' })),
    {
      prefix: '/api',
    },
  )
  app.get('/page', async (_request, reply) => reply.type(HTML).send('<p>页面</p>'))
  app.get('/api/v1/thing', async () => ({ ok: true }))
  app.get('/api/v1/printable', async (_request, reply) => reply.type(HTML).send('<p>月通报</p>'))
  app.get('/framed', { helmet: FRAMED_BY_SELF_POLICY }, async (_request, reply) => reply.type(HTML).send('<p>打印</p>'))
  app.get('/file', { helmet: STORED_FILE_POLICY }, async (_request, reply) => reply.type('application/pdf').send(Buffer.from('%PDF-1.4')))
  app.get('/api/v1/framed', { config: { helmet: FRAMED_BY_SELF_POLICY } }, async () => ({ ok: true }))
  await app.ready()
})
afterAll(async () => app.close())

/** The response's headers but those of the transport (date, length, connection). */
async function headersOf(url: string, method: 'GET' | 'HEAD' = 'GET'): Promise<{ status: number; headers: Record<string, unknown> }> {
  const res = await app.inject({ method, url })
  const { date: _date, connection: _connection, 'content-length': _length, 'keep-alive': _keepAlive, ...headers } = res.headers
  return { status: res.statusCode, headers }
}

describe('security headers, each policy built once and sent on every response', () => {
  it('a page gets the pages’ policy; a JSON answer under /api/ the API’s, and so does an unknown path there', async () => {
    // Twice each: the second response of a kind comes from the same built policy as the first.
    for (let round = 0; round < 2; round++) {
      expect(await headersOf('/page')).toEqual({ status: 200, headers: { ...PAGE_HEADERS, 'content-type': HTML } })
      expect(await headersOf('/api/v1/thing')).toEqual({ status: 200, headers: { ...API_HEADERS, 'content-type': JSON_TYPE } })
      expect(await headersOf('/api/nothing')).toEqual({ status: 404, headers: { ...API_HEADERS, 'content-type': JSON_TYPE } })
      expect(await headersOf('/nothing')).toEqual({ status: 404, headers: { ...PAGE_HEADERS, 'content-type': JSON_TYPE } })
      expect(await headersOf('/page', 'HEAD')).toEqual({ status: 200, headers: { ...PAGE_HEADERS, 'content-type': HTML } })
    }
  })

  it('builds each policy when its first route is declared, never for a request', async () => {
    const built = vi.mocked(helmet).mock.calls.length
    expect(built).toBeGreaterThan(0)
    for (let i = 0; i < 10; i++) {
      for (const url of ['/page', '/api/v1/thing', '/api/v1/printable', '/framed', '/file', '/api/nothing', '/nothing']) {
        await app.inject(url)
      }
    }
    expect(vi.mocked(helmet).mock.calls.length).toBe(built)
  })

  it('a printable page under /api/ is sent with the pages’ policy, and still never stored', async () => {
    expect(await headersOf('/api/v1/printable')).toEqual({
      status: 200,
      headers: { ...PAGE_HEADERS, 'cache-control': 'no-store', 'content-type': HTML },
    })
  })

  it('a route’s own policy is laid over the pages’: framed by this site only; a stored file sandboxed', async () => {
    expect(await headersOf('/framed')).toEqual({
      status: 200,
      headers: {
        ...PAGE_HEADERS,
        'content-security-policy': PAGE_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'"),
        'x-frame-options': 'SAMEORIGIN',
        'content-type': HTML,
      },
    })
    expect(await headersOf('/file')).toEqual({
      status: 200,
      headers: {
        ...PAGE_HEADERS,
        'content-security-policy':
          "default-src 'none';style-src 'unsafe-inline';base-uri 'none';form-action 'none';frame-ancestors 'none';sandbox",
        'content-type': 'application/pdf',
      },
    })
  })

  it('a policy set as the route’s config is honoured as well, under /api/ too (with the API’s two fixed headers)', async () => {
    const framed = await headersOf('/api/v1/framed')
    expect(framed.headers['x-frame-options']).toBe('SAMEORIGIN')
    expect(framed.headers['cross-origin-opener-policy']).toBe('same-origin')
    expect(framed.headers['content-security-policy']).toBe(API_HEADERS['content-security-policy'])
    expect(framed.headers['cache-control']).toBe('no-store')
  })

  it('a policy helmet refuses, or one that is not a policy, fails where the route is declared, not on each request', async () => {
    const broken = Fastify()
    await broken.register(securityHeadersPlugin, { helmet: PAGE_HELMET_POLICY })
    expect(() => broken.get('/x', { helmet: { referrerPolicy: { policy: 'nowhere' as never } } }, async () => ({ ok: true }))).toThrow(
      /referrer/i,
    )
    expect(() => broken.get('/y', { helmet: false as never }, async () => ({ ok: true }))).toThrow(/helmet policy/)
    await broken.close()
  })
})
