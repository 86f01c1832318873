import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// The JSON bodies leave the service as UTF-8 bytes made once (app.ts, utf8Serialization): what a client reads off
// the socket must be the same JSON, with a Content-Length that counts bytes, whatever the text holds.

let t: TestApp
let base: string
let w: ReturnType<typeof workflowWorld>
beforeAll(async () => {
  t = await createTestApp()
  w = workflowWorld(t.app)
  base = await t.app.listen({ port: 0, host: '127.0.0.1' })
})
afterAll(async () => t.close())

/** GET over a real socket: the status, the headers and the body's raw bytes. */
function getRaw(path: string, token: string): Promise<{ status: number; headers: Record<string, unknown>; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

// Chinese, full-width punctuation, a character outside the BMP (a surrogate pair in JavaScript), quotes and a
// backslash, a line break: everything JSON or UTF-8 could get wrong.
const TEXT = '𠮷溪镇“散乱污”企业整治：\n核查 "台账" 与 C:\\报表；回头看。'

describe('JSON bodies on the wire', () => {
  it('an item with Chinese, astral and escaped characters arrives whole, its Content-Length counting bytes', async () => {
    const item = w.f.item(w.plan.id, w.lead.id, { problem: TEXT, target: TEXT, measures: TEXT })
    const res = await getRaw(`/api/v1/items/${item.id}`, w.tokens.lead)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(Number(res.headers['content-length'])).toBe(res.bytes.length)
    const body = JSON.parse(res.bytes.toString('utf8')) as { problem: string; target: string; measures: string }
    expect(body.problem).toBe(TEXT)
    expect(body.measures).toBe(TEXT)
    // The same bytes as the in-process response the other tests read.
    const injected = await as(t.app, w.tokens.lead).get(`/api/v1/items/${item.id}`)
    expect(res.bytes.equals(injected.rawPayload)).toBe(true)
  })

  it('a list of such items, and an error, arrive the same way', async () => {
    for (let i = 0; i < 30; i++) w.f.item(w.plan.id, w.lead.id, { problem: `${TEXT}${i}` })
    const list = await getRaw(`/api/v1/items?leadUnitId=${w.lead.id}&limit=50`, w.tokens.lead)
    expect(list.status).toBe(200)
    expect(Number(list.headers['content-length'])).toBe(list.bytes.length)
    const body = JSON.parse(list.bytes.toString('utf8')) as { items: { problem: string }[]; total: number }
    // These 30 and the first test's item.
    expect(body.total).toBe(31)
    expect(body.items.map((entry) => entry.problem.slice(0, TEXT.length))).toEqual(Array(31).fill(TEXT))

    const missing = await getRaw('/api/v1/items/999999', w.tokens.lead)
    expect(missing.status).toBe(404)
    expect(Number(missing.headers['content-length'])).toBe(missing.bytes.length)
    expect(JSON.parse(missing.bytes.toString('utf8'))).toMatchObject({ code: 'ITEM_NOT_FOUND' })
  })
})
