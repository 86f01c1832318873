import { mkdirSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCrashTest } from '../../scripts/crash-lib.ts'
import { checkInvariants, type Acknowledged } from '../../scripts/resilience-lib.ts'
import { createTestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// `npm run crash-test` does five kill points by default; this runs three, quickly.
describe('crash safety', () => {
  it('SIGKILL at three random moments under concurrent writes: nothing acknowledged is lost, nothing half-stored is referenced', async () => {
    const summary = await runCrashTest({ rounds: 3, writers: 8, killAfterMs: [300, 1500] })
    expect(summary.unexpected).toEqual([])
    expect(summary.problems).toEqual([])
    expect(summary.killsSurvived).toBe(3)
    expect(summary.acknowledged.transitions + summary.acknowledged.reports + summary.acknowledged.evidence).toBeGreaterThan(0)
    expect(summary.cleanShutdown).toBe(true)
  }, 150_000)

  it('the check itself sees each kind of damage it is there to find', async () => {
    const t = await createTestApp()
    try {
      const w = workflowWorld(t.app)
      const item = await w.itemIn('closure_requested')
      const evidence = t.database.sqlite.prepare('select id, sha256 from evidence where item_id = ?').get(item.id) as {
        id: number
        sha256: string
      }
      const intact = await checkInvariants(t.dataDir, [], { database: t.database, incomingMustBeEmpty: true })
      expect(intact.problems).toEqual([])

      const claimed: Acknowledged[] = [
        { kind: 'transition', itemId: item.id, action: 'accept', version: 4, status: 'in_public_notice' },
        { kind: 'report', itemId: item.id, id: 999 },
        { kind: 'evidence', itemId: item.id, id: 999, sha256: evidence.sha256 },
      ]
      // A status changed without its event, a stored file cut short, a temp file left behind.
      t.database.sqlite.prepare("update items set status = 'closed', version = version + 1 where id = ?").run(item.id)
      truncateSync(join(t.dataDir, 'evidence', evidence.sha256.slice(0, 2), evidence.sha256), 10)
      mkdirSync(join(t.dataDir, 'evidence', '.incoming'), { recursive: true })
      writeFileSync(join(t.dataDir, 'evidence', '.incoming', 'half-upload'), 'x')

      const damaged = await checkInvariants(t.dataDir, claimed, { database: t.database, incomingMustBeEmpty: true })
      const text = damaged.problems.join('\n')
      expect(text).toContain(`item ${item.id}: status closed, but its last event says closure_requested`)
      expect(text).toContain(`acknowledged accept on item ${item.id}`)
      expect(text).toContain('acknowledged progress report 999')
      expect(text).toContain('acknowledged evidence 999')
      expect(text).toContain('(half-stored)')
      expect(text).toContain('evidence/.incoming holds 1 file(s)')
    } finally {
      await t.close()
    }
  })
})
