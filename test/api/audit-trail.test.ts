import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, factories, type TestApp } from '../helpers/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(async () => t.close())

describe('the audit trail is append-only in the database itself', () => {
  it('refuses UPDATE and DELETE on item_events, even from outside the service', () => {
    const f = factories(t.app)
    const item = f.item(f.plan().id, f.unit().id)
    const sqlite = t.database.sqlite
    expect(() => sqlite.prepare("update item_events set comment = 'rewritten' where item_id = ?").run(item.id)).toThrow(/append-only/)
    expect(() => sqlite.prepare('delete from item_events where item_id = ?').run(item.id)).toThrow(/append-only/)
    expect(() => sqlite.prepare('delete from item_events').run()).toThrow(/append-only/)
    const rows = sqlite.prepare('select action, comment from item_events where item_id = ?').all(item.id)
    expect(rows).toEqual([{ action: 'create', comment: null }])
  })
})

describe('OpenAPI', () => {
  it('documents every route with its schemas, generated from the route definitions', async () => {
    const doc = (await as(t.app).get('/docs/json')).json()
    expect(doc.openapi).toMatch(/^3\./)
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    )
    for (const route of t.app.routeCatalog.filter((r) => r.url.startsWith('/api/'))) {
      expect(documented, `${route.method} ${route.url}`).toContain(`${route.method} ${route.url}`)
    }
    const patch = doc.paths['/api/v1/items/{itemId}'].patch
    expect(patch.requestBody.content['application/json'].schema.additionalProperties).toBe(false)
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '409', '428']))
  })

  it('Swagger UI is served from local files', async () => {
    const page = await as(t.app).get('/docs/')
    expect(page.statusCode).toBe(200)
    expect(page.body).not.toMatch(/https?:\/\/(unpkg|cdn|cdnjs)/)
    const script = await as(t.app).get('/docs/static/swagger-ui-bundle.js')
    expect(script.statusCode).toBe(200)
  })
})
