import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createEpochCache } from '../../db/change-epoch.ts'
import { databaseFile, openDatabase } from '../../db/client.ts'

const dir = mkdtempSync(join(tmpdir(), 'zhenggai-epoch-'))
const ours = openDatabase(databaseFile(dir))
const theirs = openDatabase(databaseFile(dir))
afterAll(() => {
  ours.close()
  theirs.close()
  rmSync(dir, { recursive: true, force: true })
})
const nextStretch = () => new Promise((resolve) => setImmediate(resolve))
const addUnit = (db: typeof ours, name: string) => db.sqlite.prepare("INSERT INTO units (name, created_at) VALUES (?, '2018-10-15T00:00:00.000Z')").run(name)

describe('the change epoch', () => {
  it('stays while nothing is written, and moves at once on a write through this connection', async () => {
    const epoch = ours.changeEpoch()
    await nextStretch()
    expect(ours.changeEpoch()).toBe(epoch)
    addUnit(ours, '区生态环境局')
    expect(ours.changeEpoch()).toBeGreaterThan(epoch)
  })

  it("sees another connection's commit on a fresh look at once, and on any look from the next stretch", async () => {
    await nextStretch()
    // Within a stretch, whatever the write costs this thread (another process's costs it nothing).
    vi.useFakeTimers({ toFake: ['performance'] })
    try {
      const epoch = ours.changeEpoch()
      addUnit(theirs, '区水务局')
      expect(ours.changeEpoch({ fresh: true })).toBeGreaterThan(epoch)
    } finally {
      vi.useRealTimers()
    }
    const after = ours.changeEpoch()
    addUnit(theirs, '区城市管理委')
    await nextStretch()
    expect(ours.changeEpoch()).toBeGreaterThan(after)
  })

  it('inside a transaction always looks afresh', () => {
    const epoch = ours.changeEpoch()
    addUnit(theirs, '区住房城乡建设委')
    const inside = ours.sqlite.transaction(() => ours.changeEpoch())()
    expect(inside).toBeGreaterThan(epoch)
  })

  it('a cache keeps values for their epoch only, never fills inside a transaction, and freezes what it keeps', () => {
    const cache = createEpochCache<number, { name: string; units: { id: number }[] }>(ours.sqlite, 2)
    const kept = cache.set(1, 7, { name: '甲', units: [{ id: 1 }] })
    expect(cache.get(1, 7)).toBe(kept)
    expect(cache.get(1, 8)).toBeUndefined()
    expect(cache.stale(1)).toBe(kept)
    expect(Object.isFrozen(kept.units[0])).toBe(true)
    expect(() => {
      ;(kept as { name: string }).name = '乙'
    }).toThrow(TypeError)
    ours.sqlite.transaction(() => cache.set(2, 7, { name: '丙', units: [] }))()
    expect(cache.get(2, 7)).toBeUndefined()
    cache.set(2, 7, { name: '丁', units: [] })
    cache.set(3, 7, { name: '戊', units: [] })
    expect(cache.get(1, 7)).toBeUndefined() // the oldest left when a third came
  })
})
