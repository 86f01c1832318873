import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { databaseFile, openDatabase } from '../../db/client.ts'
import { call, evidenceForm, seedWorld, sleep, startServer, type ServerProcess } from '../../scripts/resilience-lib.ts'
import { pdf } from '../helpers/files.ts'
import { startRobot } from '../helpers/robots.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'zhenggai-notify-crash-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function deliveryStates() {
  const database = openDatabase(databaseFile(dataDir), { migrate: false })
  try {
    return database.sqlite
      .prepare(
        `select n.id as notificationId, n.item_id as itemId, d.status from notifications n
         join notification_deliveries d on d.notification_id = n.id where n.kind = 'closure_rejected' order by n.id`,
      )
      .all() as { notificationId: number; itemId: number; status: string }[]
  } finally {
    database.close()
  }
}

describe('crash safety of the outbox', () => {
  it('SIGKILL while deliveries are in flight (and others not yet tried): after the restart every message goes out', async () => {
    const robot = await startRobot()
    const world = seedWorld(dataDir, 6)
    const env = { JOBS: 'on', NOTIFY_DIGEST_MINUTES: '0' }
    let server: ServerProcess | null = await startServer({ dataDir, env })
    try {
      const { admin, lead, supervisor } = world.tokens
      const put = await call(server.url, admin, 'PUT', `/api/v1/units/${world.leadUnitId}/channels`, { channels: [{ kind: 'wecom', url: robot.url('/send?key=k') }] })
      expect(put.status).toBe(200)
      // The robot holds every request for 3 s: the sends below are in flight when the process dies.
      robot.setDelay(3000)
      const rejected: number[] = []
      for (const itemId of world.itemIds) {
        const version = async () => ((await call(server!.url, supervisor, 'GET', `/api/v1/items/${itemId}`)).body as { version: number }).version
        expect((await call(server.url, lead, 'POST', `/api/v1/items/${itemId}/transitions`, { action: 'start', expectedVersion: await version() })).status).toBe(200)
        expect((await call(server.url, lead, 'POST', `/api/v1/items/${itemId}/evidence`, evidenceForm(pdf(`证据${itemId}`), '佐证.pdf'))).status).toBe(201)
        const closure = { action: 'request_closure', expectedVersion: await version(), comment: '已完成自查自验' }
        expect((await call(server.url, lead, 'POST', `/api/v1/items/${itemId}/transitions`, closure)).status).toBe(200)
        const reject = await call(server.url, supervisor, 'POST', `/api/v1/items/${itemId}/transitions`, { action: 'reject', expectedVersion: await version(), comment: '材料不全' })
        expect(reject.status).toBe(200)
        rejected.push(itemId)
      }
      await sleep(200)
      await server.kill('SIGKILL')
      server = null
      expect(robot.received).toHaveLength(0)
      const before = deliveryStates()
      // Written with their events: one message and one delivery per acknowledged reject, none sent.
      expect(before.map((d) => d.itemId).sort()).toEqual([...rejected].sort())
      expect(before.every((d) => d.status !== 'sent')).toBe(true)

      robot.setDelay(0)
      const restartedAt = Date.now()
      server = await startServer({ dataDir, env })
      while (deliveryStates().some((d) => d.status !== 'sent')) {
        if (Date.now() - restartedAt > 60_000) throw new Error(`not sent within a minute: ${JSON.stringify(deliveryStates())}`)
        await sleep(100)
      }
      expect(server.errorLines()).toEqual([])
      // Every message reached the robot after the restart (those cut off in flight may arrive twice: at least once).
      const received = robot.received.filter((r) => r.body.markdown!.content!.includes('销号申请被退回'))
      expect(received.length).toBeGreaterThanOrEqual(rejected.length)
      expect(await server.kill('SIGTERM')).toBe(0)
      server = null
    } finally {
      if (server) await server.kill('SIGKILL')
      await robot.close()
    }
  }, 120_000)
})
