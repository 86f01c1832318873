import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE_PATH } from '../../scripts/make-fixture.ts'
import { databaseFile, openDatabase } from '../../db/client.ts'
import { loadConfig } from '../../server/config.ts'
import { fixedClock } from '../../server/lib/time.ts'
import { createServices } from '../../server/services.ts'
import { runTs } from '../helpers/process.ts'
import { CHECKLIST_HEADER, sheetXlsx } from '../helpers/spreadsheets.ts'

// npm run import, as an operator runs it: against a data directory, printing a summary or every error.

let dataDir: string
let planId: number

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'zhenggai-import-cli-'))
  const config = loadConfig({ DATA_DIR: dataDir })
  const database = openDatabase(databaseFile(config.dataDir))
  const services = createServices({ database, clock: fixedClock('2018-10-15T02:00:00.000Z'), config })
  const { account } = services.accounts.create({ name: '管理员', role: 'admin' })
  planId = services.plans.create(
    { kind: 'account', accountId: account.id, name: account.name, role: 'admin', unitId: null },
    { title: '整改方案', issuedBy: '区政府', categories: ['环保主体责任落实', '打好污染防治攻坚战', '加强城市治理能力建设'] },
  ).id
  database.close()
})
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

async function run(...args: string[]) {
  const cli = runTs('scripts/import.ts', args, { DATA_DIR: dataDir })
  const code = await cli.exited
  return { code, stdout: cli.stdout(), stderr: cli.stderr() }
}

describe('npm run import', () => {
  it('prints every error with its row and column, exits 1, and imports nothing', async () => {
    const bad = join(dataDir, 'bad.xlsx')
    writeFileSync(
      bad,
      await sheetXlsx(
        [
          CHECKLIST_HEADER,
          ['一、环保主体责任落实'],
          ['1', 'p', 't', 'm', '区生态环境局', '', '尽快'],
          ['2', 'p', 't', 'm', '区生态环境局', '', '立行立改'],
        ],
        ['A2:G2'],
      ),
    )
    const { code, stderr } = await run('--plan', String(planId), bad)
    expect(code).toBe(1)
    expect(stderr).toContain('Nothing was imported: 2 errors')
    expect(stderr).toContain('row 3, 完成时限: cannot read deadline "尽快"')
    expect(stderr).toContain('row 3, 牵头单位: unknown unit "区生态环境局" (also in row 4)')
    const database = openDatabase(databaseFile(dataDir))
    expect(database.sqlite.prepare('select count(*) n from items').get()).toEqual({ n: 0 })
    database.close()
  }, 30_000)

  it('--dry-run prints every row as it would be imported, and writes nothing (not even the operator account)', async () => {
    const database = openDatabase(databaseFile(dataDir))
    const count = () =>
      database.sqlite
        .prepare('select (select count(*) from items) + (select count(*) from units) + (select count(*) from accounts) n')
        .get()
    const before = count()
    const dry = await run('--plan', String(planId), FIXTURE_PATH, '--create-units', '--dry-run')
    expect(dry.code, dry.stderr).toBe(0)
    expect(dry.stdout).toContain('nothing was written')
    expect(dry.stdout).toMatch(/row 5\t1-1\t环保主体责任落实\t区生态环境局\tlong_term\t立行立改，长期坚持\tcreated/)
    expect(dry.stdout).toContain('would create 48, update 0, leave 0 unchanged')
    expect(count()).toEqual(before)
    database.close()
  }, 30_000)

  it('imports the sample with --create-units and prints a summary; a second run without --update is refused', async () => {
    const first = await run('--plan', String(planId), FIXTURE_PATH, '--create-units')
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toContain('created 48, updated 0, unchanged 0')
    expect(first.stdout).toContain('new units: 区生态环境局')
    const second = await run('--plan', String(planId), FIXTURE_PATH)
    expect(second.code).toBe(1)
    expect(second.stderr).toContain('48 errors')
    const update = await run('--plan', String(planId), FIXTURE_PATH, '--update')
    expect(update.code, update.stderr).toBe(0)
    expect(update.stdout).toContain('created 0, updated 0, unchanged 48')
  }, 60_000)

  it('explains its usage', async () => {
    const { code, stderr } = await run(FIXTURE_PATH)
    expect(code).toBe(2)
    expect(stderr).toContain('usage: npm run import -- --plan PLAN_ID FILE.xlsx')
  }, 30_000)
})
