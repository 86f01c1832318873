import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { databaseFile, openDatabase } from '../../db/client.ts'
import { buildApp } from '../../server/app.ts'
import { loadConfig } from '../../server/config.ts'
import { fixedClock } from '../../server/lib/time.ts'
import { as, factories } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

const dir = mkdtempSync(join(tmpdir(), 'zhenggai-jobs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('scheduled jobs', () => {
  it('with JOBS=on, a notice that ended while the server was down is closed at start; with JOBS=off it is not', async () => {
    const clock = fixedClock('2018-10-15T02:00:00.000Z')
    const logger = pino({ level: 'silent' })
    const database = openDatabase(databaseFile(dir))

    // Prepare an item in notice with jobs off.
    const off = await buildApp({ config: loadConfig({ DATA_DIR: dir, JOBS: 'off' }), database, clock, logger })
    await off.ready()
    const w = workflowWorld(off)
    const item = await w.itemIn('in_public_notice')
    const token = factories(off).token('leader')
    const noticeEndsAt = (await as(off, token).get(`/api/v1/items/${item.id}`)).json().noticeEndsAt
    await off.close()

    clock.set(new Date(new Date(noticeEndsAt).getTime() + 3 * 86_400_000))
    const stillOff = await buildApp({ config: loadConfig({ DATA_DIR: dir, JOBS: 'off' }), database, clock, logger })
    await stillOff.ready()
    expect((await as(stillOff, token).get(`/api/v1/items/${item.id}`)).json().status).toBe('in_public_notice')
    await stillOff.close()

    const on = await buildApp({ config: loadConfig({ DATA_DIR: dir, JOBS: 'on' }), database, clock, logger })
    await on.ready()
    try {
      expect((await as(on, token).get(`/api/v1/items/${item.id}`)).json().status).toBe('closed')
    } finally {
      await on.close()
      database.close()
    }
  })
})
