import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import cron from 'node-cron'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { databaseFile, openDatabase } from '../../db/client.ts'
import { buildApp } from '../../server/app.ts'
import { ConfigError, loadConfig } from '../../server/config.ts'
import { runEscalation } from '../../server/jobs/escalation.ts'
import { fixedClock } from '../../server/lib/time.ts'
import { as, createTestApp, factories } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

describe('the escalation job', () => {
  it('with JOBS=on it sweeps at start, and is scheduled daily at ESCALATION_HOUR in the default time zone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhenggai-escalation-'))
    dirs.push(dir)
    const clock = fixedClock('2018-12-20T02:00:00.000Z')
    const logger = pino({ level: 'silent' })
    const database = openDatabase(databaseFile(dir))

    const off = await buildApp({ config: loadConfig({ DATA_DIR: dir, JOBS: 'off' }), database, clock, logger })
    await off.ready()
    const w = workflowWorld(off)
    const item = await w.itemIn('in_progress', { deadline: '2018-12-31' })
    const token = factories(off).token('leader')
    await off.close()

    // The server was down from 20 December to 20 January: at start it urges and escalates what it missed.
    clock.set('2019-01-20T02:00:00.000Z')
    const stillOff = await buildApp({ config: loadConfig({ DATA_DIR: dir, JOBS: 'off' }), database, clock, logger })
    await stillOff.ready()
    expect((await as(stillOff, token).get(`/api/v1/supervisions?itemId=${item.id}`)).json().total).toBe(0)
    await stillOff.close()

    const on = await buildApp({ config: loadConfig({ DATA_DIR: dir, JOBS: 'on', ESCALATION_HOUR: '9' }), database, clock, logger })
    await on.ready()
    try {
      const task = [...cron.getTasks().values()].find((t) => t.name === 'escalation')
      expect(task).toBeDefined()
      // 09:00 in Beijing is 01:00 UTC.
      expect(task!.match(new Date('2019-01-21T01:00:00.000Z'))).toBe(true)
      expect(task!.match(new Date('2019-01-21T06:00:00.000Z'))).toBe(false)

      const [supervision] = (await as(on, token).get(`/api/v1/supervisions?itemId=${item.id}`)).json().supervisions
      expect(supervision).toMatchObject({ rule: 'overdue', openedBy: null, issuedOn: '2019-01-20', status: 'open' })
      const events = (await as(on, token).get(`/api/v1/items/${item.id}/events`)).json() as { action: string; actor: { role: string } }[]
      expect(events.filter((e) => e.action === 'urge' || e.action === 'supervision_opened')).toEqual([
        expect.objectContaining({ action: 'urge', actor: expect.objectContaining({ role: 'system' }) }),
        expect.objectContaining({ action: 'supervision_opened', actor: expect.objectContaining({ role: 'system' }) }),
      ])
    } finally {
      await on.close()
      database.close()
    }
  })

  it('run by hand as the job does, twice: the second run does nothing', async () => {
    const t = await createTestApp({ now: '2018-12-20T02:00:00.000Z' })
    try {
      const w = workflowWorld(t.app)
      await w.itemIn('in_progress', { deadline: '2018-12-31' })
      t.clock.set('2019-01-16T02:00:00.000Z')
      const log = pino({ level: 'silent' })
      const first = runEscalation({ services: t.app.services, now: t.clock.now(), log })
      expect(first).toMatchObject({
        checked: 1,
        urged: [expect.objectContaining({ daysOverdue: 16 })],
        escalated: [expect.objectContaining({ rule: 'overdue' })],
      })
      const second = runEscalation({ services: t.app.services, now: t.clock.now(), log })
      expect(second).toMatchObject({ checked: 1, urged: [], escalated: [] })
      expect(second.skipped.map((s) => s.reason).sort()).toEqual(['already_urged', 'supervision_open'])
    } finally {
      await t.close()
    }
  })

  it('ESCALATION_HOUR is a whole hour 0–23, default 6', () => {
    expect(loadConfig({}).escalationHour).toBe(6)
    expect(loadConfig({ ESCALATION_HOUR: '0' }).escalationHour).toBe(0)
    for (const bad of ['24', '-1', 'six', '6.5']) {
      expect(() => loadConfig({ ESCALATION_HOUR: bad }), bad).toThrow(ConfigError)
    }
  })
})
