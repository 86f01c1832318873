import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

describe('logs', () => {
  it('write one line per request with its request id, and never a token', async () => {
    const f = factories(t.app)
    const token = f.token('admin')
    const badToken = 'A'.repeat(43)
    t.logs.length = 0
    const ok = await as(t.app, token).get('/api/v1/me', { 'x-request-id': 'req-123' })
    await as(t.app, badToken).get('/api/v1/me')
    await as(t.app, token).post('/api/v1/units', { name: token })
    await as(t.app, token).get(`/api/v1/items?q=${token}`)
    expect(ok.headers['x-request-id']).toBe('req-123')
    const lines = t.logs.map((l) => JSON.parse(l))
    const requestLines = lines.filter((l) => l.msg === 'request')
    expect(requestLines).toHaveLength(4)
    expect(requestLines[0]).toMatchObject({ reqId: 'req-123', method: 'GET', statusCode: 200 })
    const all = t.logs.join('\n')
    expect(all).not.toContain(badToken)
    expect(all).not.toContain(token)
  })

  it('a 5xx is logged with its error but the client sees no internals', async () => {
    const f = factories(t.app)
    const token = f.token('admin')
    t.database.sqlite.exec('alter table units rename to units_gone')
    try {
      const res = await as(t.app, token).get('/api/v1/units')
      expect(res.statusCode).toBe(500)
      expect(res.json()).toEqual({
        statusCode: 500,
        code: 'INTERNAL_ERROR',
        error: 'Internal Server Error',
        message: 'Something went wrong on our side; it has been logged',
      })
      expect(res.body).not.toMatch(/units|sqlite|stack/i)
      expect(t.logs.some((l) => l.includes('no such table: units'))).toBe(true)
    } finally {
      t.database.sqlite.exec('alter table units_gone rename to units')
    }
  })
})
