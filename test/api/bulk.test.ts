import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

let t: TestApp
let w: ReturnType<typeof workflowWorld>

beforeAll(async () => {
  t = await createTestApp({ now: '2018-09-10T02:00:00.000Z' })
  w = workflowWorld(t.app)
})
afterAll(async () => t.close())

const eventsOf = async (itemId: number) =>
  (await as(t.app, w.tokens.supervisor).get(`/api/v1/items/${itemId}/events`)).json() as {
    action: string
    comment: string | null
    actor: unknown
  }[]

const count = (sql: string) => (t.database.sqlite.prepare(sql).get() as { n: number }).n

describe('POST /api/v1/items/bulk/urge', () => {
  it('urges every item still being rectified, one event each, and reports the others by code and reason', async () => {
    const a = await w.itemIn('in_progress', { deadline: '2018-08-31' })
    const b = await w.itemIn('assigned', { deadline: '2018-07-31' })
    const notice = await w.itemIn('in_public_notice')
    const before = count('select count(*) n from item_events')
    const res = await as(t.app, w.tokens.supervisor).post('/api/v1/items/bulk/urge', {
      itemIds: [a.id, notice.id, b.id, 999999, a.id],
      note: '请于本周内报送整改进展',
    })
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ action: 'urge', succeeded: 2, refused: 2 })
    expect(body.outcomes).toEqual([
      expect.objectContaining({ itemId: a.id, code: a.code, ok: true, eventId: expect.any(Number) }),
      expect.objectContaining({
        itemId: notice.id,
        ok: false,
        error: expect.objectContaining({ code: 'ITEM_NOT_OPEN', reason: expect.stringContaining('不在整改中') }),
      }),
      expect.objectContaining({ itemId: b.id, ok: true }),
      expect.objectContaining({
        itemId: 999999,
        code: null,
        ok: false,
        error: expect.objectContaining({ code: 'ITEM_NOT_FOUND', reason: '未找到该整改任务' }),
      }),
    ])
    expect(count('select count(*) n from item_events') - before).toBe(2)
    expect((await eventsOf(a.id)).filter((e) => e.action === 'urge').map((e) => e.comment)).toEqual(['请于本周内报送整改进展'])
    expect((await eventsOf(notice.id)).some((e) => e.action === 'urge')).toBe(false)
  })

  it('takes a filter instead of ids: every matching item the caller sees', async () => {
    const res = await as(t.app, w.tokens.supervisor).post('/api/v1/items/bulk/urge', { filter: { status: 'in_public_notice' }, note: '催' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().succeeded).toBe(0)
    expect(res.json().outcomes.every((o: { error?: { code: string } }) => o.error?.code === 'ITEM_NOT_OPEN')).toBe(true)
  })

  it('refuses other roles, a blank note, both or neither target, and changes nothing', async () => {
    const a = await w.itemIn('in_progress')
    const before = count('select count(*) n from item_events')
    for (const token of [w.tokens.lead, w.tokens.leader, w.tokens.admin]) {
      expect((await as(t.app, token).post('/api/v1/items/bulk/urge', { itemIds: [a.id], note: '催' })).statusCode).toBe(403)
    }
    const blank = await as(t.app, w.tokens.supervisor).post('/api/v1/items/bulk/urge', { itemIds: [a.id], note: '  ' })
    expect([400, 422]).toContain(blank.statusCode)
    const both = await as(t.app, w.tokens.supervisor).post('/api/v1/items/bulk/urge', { itemIds: [a.id], filter: {}, note: '催' })
    expect(both.statusCode).toBe(422)
    expect(both.json().code).toBe('TARGET_REQUIRED')
    const neither = await as(t.app, w.tokens.supervisor).post('/api/v1/items/bulk/urge', { note: '催' })
    expect(neither.json().code).toBe('TARGET_REQUIRED')
    const none = await as(t.app, w.tokens.supervisor).post('/api/v1/items/bulk/urge', { filter: { q: '没有这样的任务' }, note: '催' })
    expect(none.statusCode).toBe(422)
    expect(none.json().code).toBe('NO_ITEMS')
    expect(count('select count(*) n from item_events')).toBe(before)
  })
})

describe('POST /api/v1/items/bulk/supervisions', () => {
  it('opens a notice on each open item; one already under supervision or closed is refused, the others go through', async () => {
    const a = await w.itemIn('in_progress')
    const b = await w.itemIn('in_progress')
    const closing = await w.itemIn('closure_requested')
    const first = await as(t.app, w.tokens.supervisor).post('/api/v1/items/bulk/supervisions', { itemIds: [a.id], reason: '整改进度滞后' })
    expect(first.json()).toMatchObject({ succeeded: 1, refused: 0 })
    const supervisionsBefore = count('select count(*) n from supervisions')
    const res = await as(t.app, w.tokens.supervisor).post('/api/v1/items/bulk/supervisions', {
      itemIds: [a.id, b.id, closing.id],
      reason: '逾期未完成整改',
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ action: 'supervise', succeeded: 1, refused: 2 })
    const [oa, ob, oc] = res.json().outcomes
    expect(oa.error).toMatchObject({ code: 'SUPERVISION_ALREADY_OPEN', reason: '该任务已在联合督办中' })
    expect(ob).toMatchObject({ ok: true, number: expect.stringMatching(/^督办〔2018〕第\d+号$/) })
    expect(oc.error.code).toBe('ITEM_NOT_OPEN')
    expect(count('select count(*) n from supervisions') - supervisionsBefore).toBe(1)
    expect((await eventsOf(b.id)).filter((e) => e.action === 'supervision_opened')).toHaveLength(1)
    expect((await eventsOf(a.id)).filter((e) => e.action === 'supervision_opened')).toHaveLength(1)
  })

  it('is for the supervision office only', async () => {
    const a = await w.itemIn('in_progress')
    expect((await as(t.app, w.tokens.lead).post('/api/v1/items/bulk/supervisions', { itemIds: [a.id], reason: '督办' })).statusCode).toBe(
      403,
    )
  })
})
