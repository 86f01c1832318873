import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

describe('smoke', () => {
  it('serves health, docs and an item', async () => {
    expect((await as(t.app).get('/healthz')).statusCode).toBe(200)
    expect((await as(t.app).get('/readyz')).statusCode).toBe(200)
    const docs = await as(t.app).get('/docs/json')
    expect(docs.statusCode).toBe(200)
    // OpenAPI 3.0 has no null type: a field that may be null says `nullable: true`.
    expect(docs.json().openapi).toBe('3.0.3')
    expect(docs.body).not.toContain('"type":"null"')
    expect(docs.body).toContain('"nullable":true')
    const f = factories(t.app)
    const unit = f.unit('区生态环境局')
    const plan = f.plan()
    const item = f.item(plan.id, unit.id)
    const token = f.token('unit', unit.id)
    const res = await as(t.app, token).get(`/api/v1/items/${item.id}`)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ code: item.code, status: 'assigned', allowedActions: ['start'] })
  })

  it('an unknown path: a Chinese page for a browser, JSON for a program, and JSON under /api/ whatever is asked', async () => {
    const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
    const page = await t.app.inject({ url: '/no-such-page', headers: { accept: BROWSER } })
    expect(page.statusCode).toBe(404)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    expect(page.body).toMatch(/^<!doctype html>/)
    expect(page.body).toContain('<link rel="stylesheet" href="/assets/workbench.css"')
    expect(page.body).toContain('页面不存在')
    expect(page.body).toContain('<a href="/">返回工作台</a>')
    for (const accept of [undefined, '*/*', 'application/json', 'application/json, text/html;q=0.5']) {
      const res = await t.app.inject({ url: '/no-such-page', headers: accept ? { accept } : {} })
      expect(res.statusCode, accept).toBe(404)
      expect(res.json(), accept).toEqual({
        statusCode: 404,
        code: 'ROUTE_NOT_FOUND',
        error: 'Not Found',
        message: 'No route GET /no-such-page',
      })
    }
    const api = await t.app.inject({ url: '/api/v1/no-such-thing', headers: { accept: BROWSER } })
    expect(api.statusCode).toBe(404)
    expect(api.json()).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' })
  })

  it('API answers are never stored by a cache nor run as documents; pages keep their own policy', async () => {
    const f = factories(t.app)
    const token = f.token('admin')
    for (const res of [
      await as(t.app, token).get('/api/v1/me'),
      await as(t.app).get('/api/v1/me'),
      await as(t.app).get('/api/v1/no-such-route'),
    ]) {
      expect(res.headers['cache-control'], res.body).toBe('no-store')
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'")
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['x-frame-options']).toBe('DENY')
    }
    const page = await as(t.app).get('/public')
    expect(page.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'")
    expect(page.headers['cache-control']).toBeUndefined()
  })
})
