import { describe, expect, it } from 'vitest'
import { createRowCache, type ItemOwnDetail, type ItemOwnSummary } from '../../server/modules/items/row-cache.ts'

const summary = (id: number, version: number, problem = `问题${id}`): ItemOwnSummary => ({
  id,
  planId: 1,
  code: `1-${id}`,
  category: '打好污染防治攻坚战',
  problem,
  leadUnitId: 1,
  deadlineKind: 'date',
  deadline: '2018-12-31',
  status: 'assigned',
  version,
  closedAt: null,
  rebound: false,
  createdAt: '2018-10-01T00:00:00.000Z',
  updatedAt: '2018-10-01T00:00:00.000Z',
  deadlineText: '',
})
const detail = (target: string): ItemOwnDetail => ({
  target,
  measures: '措施',
  note: '',
  noticeEndsAt: null,
  noticeCalendarFallback: false,
})

describe('the row cache', () => {
  it('answers only for the version a row was kept at', () => {
    const cache = createRowCache()
    cache.keep(summary(1, 3), detail('目标'))
    expect(cache.summary(1, 3)?.problem).toBe('问题1')
    expect(cache.whole(1, 3)?.detail.target).toBe('目标')
    expect(cache.summary(1, 4)).toBeUndefined()
    expect(cache.whole(1, 2)).toBeUndefined()
    expect(cache.summary(2, 3)).toBeUndefined()
  })

  it('a newer version replaces the row, its detail with it', () => {
    const cache = createRowCache()
    cache.keep(summary(1, 1, '旧'), detail('旧目标'))
    cache.keep(summary(1, 2, '新'), null)
    expect(cache.summary(1, 2)?.problem).toBe('新')
    // The detail read at version 1 is not the detail of version 2.
    expect(cache.whole(1, 2)).toBeUndefined()
    expect(cache.summary(1, 1)).toBeUndefined()
  })

  it('keeps a detail read at the same version when a summary is read again', () => {
    const cache = createRowCache()
    cache.keep(summary(1, 1), detail('目标'))
    cache.keep(summary(1, 1), null)
    expect(cache.whole(1, 1)?.detail.target).toBe('目标')
  })

  it('holds at most its capacity, letting go of the row read longest ago', () => {
    const cache = createRowCache(3)
    for (const id of [1, 2, 3]) cache.keep(summary(id, 1), null)
    cache.keep(summary(1, 1), null) // read again: now the most recent
    cache.keep(summary(4, 1), null)
    expect(cache.size).toBe(3)
    expect(cache.summary(2, 1)).toBeUndefined()
    expect([1, 3, 4].map((id) => cache.summary(id, 1)?.id)).toEqual([1, 3, 4])
  })
})
