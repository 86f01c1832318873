import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../server/modules/events/audit-chain.ts'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { runTs } from '../helpers/process.ts'
import { workflowWorld } from '../helpers/workflow.ts'

let t: TestApp
let w: ReturnType<typeof workflowWorld>
beforeAll(async () => {
  t = await createTestApp()
  w = workflowWorld(t.app)
  await w.itemIn('in_public_notice')
  await w.itemIn('in_progress')
  await as(t.app).post('/api/v1/public/items/1/objections', { contact: 'x', content: 'y' })
})
afterAll(async () => t.close())

/** Edits the audit trail the way an intruder with the database file would: around the triggers. */
function behindTheSystemsBack(sql: string, ...params: unknown[]) {
  const sqlite = t.database.sqlite
  sqlite.exec('DROP TRIGGER item_events_no_update; DROP TRIGGER item_events_no_delete;')
  try {
    sqlite.prepare(sql).run(...params)
  } finally {
    sqlite.exec(`CREATE TRIGGER item_events_no_update BEFORE UPDATE ON item_events BEGIN SELECT RAISE(ABORT, 'item_events is append-only'); END;
      CREATE TRIGGER item_events_no_delete BEFORE DELETE ON item_events BEGIN SELECT RAISE(ABORT, 'item_events is append-only'); END;`)
  }
}

describe('the audit hash chain', () => {
  it('is intact after ordinary work, and every event carries its link', () => {
    const result = verifyAuditChain(t.database.sqlite)
    const count = (t.database.sqlite.prepare('select count(*) n from item_events').get() as { n: number }).n
    expect(result).toEqual({ checked: count, broken: null })
    expect(count).toBe(8)
  })

  it('finds a row edited behind the system’s back, naming it', () => {
    const target = t.database.sqlite.prepare("select id from item_events where action = 'accept' limit 1").get() as { id: number }
    behindTheSystemsBack("update item_events set comment = '未经验收' where id = ?", target.id)
    const { broken } = verifyAuditChain(t.database.sqlite)
    expect(broken).toMatchObject({ eventId: target.id, problem: 'altered' })
  })

  it('npm run verify-audit reports the first broken link and exits 1', async () => {
    const run = runTs('scripts/verify-audit.ts', [], { DATA_DIR: t.dataDir })
    expect(await run.exited).toBe(1)
    expect(run.stderr()).toMatch(/audit chain BROKEN after \d+ intact events: event \d+/)
  })
})

describe('a removed row', () => {
  it('breaks the link of the row after it', async () => {
    const fresh = await createTestApp()
    try {
      const world = workflowWorld(fresh.app)
      await world.itemIn('closure_requested')
      const rows = fresh.database.sqlite.prepare('select id from item_events order by id').all() as { id: number }[]
      const victim = rows[2]!.id
      const sqlite = fresh.database.sqlite
      sqlite.exec('DROP TRIGGER item_events_no_delete')
      sqlite.prepare('delete from item_events where id = ?').run(victim)
      expect(verifyAuditChain(sqlite).broken).toMatchObject({ eventId: rows[3]!.id, problem: 'unlinked' })
    } finally {
      await fresh.close()
    }
  })

  it('an intact database passes npm run verify-audit with exit 0', async () => {
    const fresh = await createTestApp()
    try {
      await workflowWorld(fresh.app).itemIn('in_progress')
      const run = runTs('scripts/verify-audit.ts', [], { DATA_DIR: fresh.dataDir })
      expect(await run.exited).toBe(0)
      expect(run.stdout()).toMatch(/audit chain intact: \d+ events verified/)
    } finally {
      await fresh.close()
    }
  })
})
