import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { databaseFile, openDatabase } from '../../db/client.ts'
import { buildApp } from '../../server/app.ts'
import { loadConfig } from '../../server/config.ts'
import { fixedClock } from '../../server/lib/time.ts'
import { as } from '../helpers/app.ts'
import { startRobot } from '../helpers/robots.ts'
import { workflowWorld } from '../helpers/workflow.ts'

const dir = mkdtempSync(join(tmpdir(), 'zhenggai-notify-jobs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('the notification jobs', () => {
  it('a digest written before a stop goes out at the next start with JOBS=on once its window has passed; JOBS=off sends nothing', async () => {
    const robot = await startRobot()
    const clock = fixedClock('2018-10-15T02:00:00.000Z')
    const logger = pino({ level: 'silent' })
    const database = openDatabase(databaseFile(dir))
    const env = { DATA_DIR: dir, NOTIFY_DIGEST_MINUTES: '10', UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0' }
    try {
      const off = await buildApp({ config: loadConfig({ ...env, JOBS: 'off' }), database, clock, logger })
      await off.ready()
      const w = workflowWorld(off)
      const item = await w.itemIn('closure_requested', { code: '8-8', deadline: '2018-10-17' })
      expect(
        (
          await as(off, w.tokens.admin).put(`/api/v1/units/${w.lead.id}/channels`, {
            channels: [{ kind: 'wecom', url: robot.url('/send?key=k') }],
          })
        ).statusCode,
      ).toBe(200)
      await w.transition(w.tokens.supervisor, item.id, 'reject', '退回')
      await off.close()

      // The window has not passed: a start sends nothing yet, and JOBS=off never does.
      clock.advanceMs(11 * 60_000)
      const stillOff = await buildApp({ config: loadConfig({ ...env, JOBS: 'off' }), database, clock, logger })
      await stillOff.ready()
      await new Promise((r) => setTimeout(r, 200))
      await stillOff.close()
      expect(robot.received).toHaveLength(0)

      const on = await buildApp({ config: loadConfig({ ...env, JOBS: 'on' }), database, clock, logger })
      await on.ready()
      try {
        await until(() => robot.received.length > 0)
        const content = robot.received[0]!.body.markdown!.content!
        expect(content).toContain('8-8的销号申请被退回')
        // The reminders ran at start too: the deadline is two working days away (written now, sent after its window).
        const inbox = (await as(on, w.tokens.lead).get('/api/v1/me/notifications')).json().notifications as { kind: string }[]
        expect(inbox.map((n) => n.kind)).toContain('closure_rejected')
        expect(inbox.map((n) => n.kind)).toContain('deadline_approaching')
        // The robot records the message as it arrives; the delivery is marked sent once the robot's answer is back,
        // a moment later on a busy machine.
        const delivery = async () =>
          (
            (await as(on, w.tokens.admin).get('/api/v1/notifications/deliveries')).json().deliveries as {
              status: string
              notification: { kind: string }
            }[]
          ).find((d) => d.notification.kind === 'closure_rejected')
        const end = Date.now() + 5000
        let rejected = await delivery()
        while (rejected?.status !== 'sent' && Date.now() < end) {
          await new Promise((r) => setTimeout(r, 25))
          rejected = await delivery()
        }
        expect(rejected?.status).toBe('sent')
      } finally {
        await on.close()
      }
    } finally {
      database.close()
      await robot.close()
    }
  })

  it('with digests off, a message written while the server runs is sent at once', async () => {
    const robot = await startRobot()
    const sub = mkdtempSync(join(tmpdir(), 'zhenggai-notify-now-'))
    const database = openDatabase(databaseFile(sub))
    const app = await buildApp({
      config: loadConfig({ DATA_DIR: sub, JOBS: 'on', NOTIFY_DIGEST_MINUTES: '0', UNDER_PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0' }),
      database,
      clock: fixedClock('2018-10-15T02:00:00.000Z'),
      logger: pino({ level: 'silent' }),
    })
    await app.ready()
    try {
      const w = workflowWorld(app)
      await as(app, w.tokens.admin).put(`/api/v1/units/${w.lead.id}/channels`, {
        channels: [{ kind: 'wecom', url: robot.url('/send?key=k') }],
      })
      const item = await w.itemIn('closure_requested')
      await w.transition(w.tokens.supervisor, item.id, 'reject', '退回')
      // Well within the 15 s poll: the write itself wakes the dispatcher.
      await until(() => robot.received.some((r) => r.body.markdown!.content!.includes('销号申请被退回')), 3000)
    } finally {
      await app.close()
      database.close()
      rmSync(sub, { recursive: true, force: true })
      await robot.close()
    }
  })
})
