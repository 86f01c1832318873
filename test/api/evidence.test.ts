import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { docx, jpeg, multipart, pdf, png, xlsx } from '../helpers/files.ts'
import { workflowWorld } from '../helpers/workflow.ts'

let t: TestApp
let w: ReturnType<typeof workflowWorld>
beforeAll(async () => {
  // A small limit so the 413 path runs on a small file.
  t = await createTestApp({ env: { EVIDENCE_MAX_BYTES: String(64 * 1024) } })
  w = workflowWorld(t.app)
})
afterAll(async () => t.close())

const incomingFiles = () => readdirSync(join(t.dataDir, 'evidence', '.incoming'))
const rowCount = () => (t.database.sqlite.prepare('select count(*) n from evidence').get() as { n: number }).n

describe('evidence (佐证材料)', () => {
  it.each([
    ['pdf', () => pdf(), 'application/pdf'],
    ['png', () => png(), 'image/png'],
    ['jpeg', () => jpeg(), 'image/jpeg'],
    ['docx', () => docx(), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['xlsx', () => xlsx(), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ] as const)(
    'accepts %s by its content, whatever the file is called, and serves the same bytes back',
    async (fileType, make, mediaType) => {
      const item = await w.itemIn('in_progress')
      const bytes = await make()
      const res = await w.upload(w.tokens.lead, item.id, bytes, '现场照片.bin')
      expect(res.statusCode, res.body).toBe(201)
      expect(res.json()).toMatchObject({
        fileType,
        mediaType,
        sizeBytes: bytes.length,
        fileName: '现场照片.bin',
        reused: false,
        uploaderUnit: '区生态环境局',
      })
      const download = await as(t.app, w.tokens.partner).get(`/api/v1/evidence/${res.json().id}/content`)
      expect(download.statusCode).toBe(200)
      expect(download.headers['content-type']).toContain(mediaType)
      // A client that reads only `filename` gets a name that says what the file is, with the extension of its content.
      const ext = fileType === 'jpeg' ? 'jpg' : fileType
      expect(download.headers['content-disposition']).toBe(
        `attachment; filename="evidence-${res.json().id}.${ext}"; filename*=UTF-8''${encodeURIComponent('现场照片.bin')}`,
      )
      expect(Buffer.compare(download.rawPayload, bytes)).toBe(0)
    },
  )

  it('refuses what is not on the list, even when named .pdf (415), and keeps nothing', async () => {
    const item = await w.itemIn('in_progress')
    const before = rowCount()
    for (const content of [
      Buffer.from('#!/bin/sh\nrm -rf /\n'),
      Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'binary'),
      Buffer.from('<html><script>alert(1)</script></html>'),
    ]) {
      const res = await w.upload(w.tokens.lead, item.id, content, '验收报告.pdf')
      expect(res.statusCode).toBe(415)
      expect(res.json().code).toBe('UNSUPPORTED_FILE_TYPE')
    }
    expect(rowCount()).toBe(before)
    expect(incomingFiles()).toEqual([])
  })

  it('a file over the limit is 413, with no row and no file left behind', async () => {
    const item = await w.itemIn('in_progress')
    const before = rowCount()
    const big = Buffer.concat([pdf(), Buffer.alloc(100 * 1024, 0x20)])
    const res = await w.upload(w.tokens.lead, item.id, big)
    expect(res.statusCode).toBe(413)
    expect(res.json()).toMatchObject({ statusCode: 413, code: 'FILE_TOO_LARGE' })
    expect(rowCount()).toBe(before)
    expect(incomingFiles()).toEqual([])
  })

  it('the same file on another item is accepted but flagged on both (纸面销号 defence)', async () => {
    const first = await w.itemIn('in_progress')
    const second = await w.itemIn('in_progress')
    const bytes = pdf('同一份验收报告')
    const a = await w.upload(w.tokens.lead, first.id, bytes)
    expect(a.json().reused).toBe(false)
    const b = await w.upload(w.tokens.partner, second.id, bytes)
    expect(b.statusCode).toBe(201)
    expect(b.json()).toMatchObject({ reused: true, reusedOnItems: [] })
    const staffView = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${first.id}/evidence`)).json()
    expect(staffView[0]).toMatchObject({ reused: true, reusedOnItems: [{ itemId: second.id }] })
    for (const id of [first.id, second.id]) {
      expect((await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${id}`)).json()).toMatchObject({
        evidenceReused: true,
        evidenceCount: 1,
      })
    }
    const event = (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${second.id}/events`)).json().at(-1)
    expect(event).toMatchObject({ action: 'evidence_added', details: { reusedOnItemIds: [first.id] } })
    // The same file twice on the same item is the same record.
    const again = await w.upload(w.tokens.lead, first.id, bytes)
    expect(again.statusCode).toBe(200)
    expect(again.json().id).toBe(a.json().id)
  })

  it('a unit that cannot see the item gets 404 for upload, list and download; staff may not upload', async () => {
    const item = await w.itemIn('in_progress')
    const filed = (await w.upload(w.tokens.lead, item.id)).json()
    expect((await w.upload(w.tokens.outsider, item.id)).statusCode).toBe(404)
    expect((await as(t.app, w.tokens.outsider).get(`/api/v1/items/${item.id}/evidence`)).statusCode).toBe(404)
    expect((await as(t.app, w.tokens.outsider).get(`/api/v1/evidence/${filed.id}/content`)).statusCode).toBe(404)
    expect((await w.upload(w.tokens.supervisor, item.id)).statusCode).toBe(403)
  })

  it('no file part, or not multipart at all, is a clear 4xx', async () => {
    const item = await w.itemIn('in_progress')
    const json = await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/evidence`, { file: 'x' })
    expect(json.statusCode).toBe(415)
    const body = multipart('a.pdf', pdf(), 'application/pdf', 'not-file')
    const wrongField = await t.app.inject({
      method: 'POST',
      url: `/api/v1/items/${item.id}/evidence`,
      payload: body.payload,
      headers: { ...body.headers, authorization: `Bearer ${w.tokens.lead}` },
    })
    expect(wrongField.statusCode).toBeLessThan(500)
  })
})
