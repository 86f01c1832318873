// Bulletin issue time and peak memory at several plan sizes (10 events per item: 100k items → 1M events).
//   npx tsx scripts/bench-bulletin.ts [--sizes 10000,100000]      (also run by `npm run bench -- --bulletin`)
// Each size gets its own temporary database with months of history; the bulletin of last month is then issued in a
// child process, so the peak RSS it reports is the bulletin's (plus Node's own baseline), not the seeding's. The
// child runs the compiled code (npm run build) with plain Node, as the service runs in production (npm start).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { databaseFile, openDatabase } from '../db/client.ts'
import { loadConfig } from '../server/config.ts'
import { addDays, addMonths, localDate, localPeriod, systemClock } from '../server/lib/time.ts'
import { eventHash, GENESIS_HASH } from '../server/modules/events/audit-chain.ts'
import { createServices } from '../server/services.ts'
import { mulberry32, seed } from './bench-lib.ts'
import { build, DIST } from './build.ts'

const TZ = 'Asia/Shanghai'
const DAY = 86_400_000

/**
 * Adds a realistic history after each item's 'create': start, monthly reports from the lead unit and the two
 * responsible units, for some an extension, for others a full close-out with its evidence: about ten events per item.
 */
export function addHistory(dataDir: string, now: Date): number {
  const database = openDatabase(databaseFile(dataDir))
  const { sqlite } = database
  const rng = mulberry32(11)
  // The seed stamps the plan "now"; its items go back five months, and so must the plan.
  sqlite.prepare('update plans set created_at = (select min(created_at) from items)').run()
  const items = sqlite
    .prepare(`select id, lead_unit_id as lead, created_at as createdAt, deadline,
      (select group_concat(unit_id) from item_responsible_units r where r.item_id = items.id) as responsible from items`)
    .all() as { id: number; lead: number; createdAt: string; deadline: string | null; responsible: string | null }[]
  const accountId = sqlite.prepare("select id from accounts where role = 'supervisor' limit 1").pluck().get() as number
  const insertEvent = sqlite.prepare(`insert into item_events (item_id, at, actor_account_id, actor_name, actor_role, actor_unit_id,
    action, from_status, to_status, comment, details, prev_hash, hash) values (?, ?, ?, '压测', 'supervisor', null, ?, ?, ?, ?, ?, ?, ?)`)
  const insertReport = sqlite.prepare(`insert into progress_reports (item_id, unit_id, period, text, percent, created_at, created_by)
    values (?, ?, ?, '按计划推进整改，本月完成阶段任务。', ?, ?, ?)`)
  // One update per item, its version moved on as far as its events go (every change of a row moves it: migration 0016).
  const setStatus = sqlite.prepare(
    'update items set status = ?, deadline = coalesce(?, deadline), version = version + ?, closed_at = ?, updated_at = ? where id = ?',
  )
  let last = (sqlite.prepare('select hash from item_events order by id desc limit 1').pluck().get() as string | undefined) ?? GENESIS_HASH
  let events = 0
  const event = (
    itemId: number,
    at: Date,
    action: string,
    from: string | null,
    to: string | null,
    comment: string | null,
    details: unknown,
  ) => {
    const text = details === null ? null : JSON.stringify(details)
    const iso = at.toISOString()
    const hash = eventHash(last, {
      itemId,
      at: iso,
      actorAccountId: accountId,
      actorName: '压测',
      actorRole: 'supervisor',
      actorUnitId: null,
      action,
      fromStatus: from,
      toStatus: to,
      comment,
      details: text,
    })
    insertEvent.run(itemId, iso, accountId, action, from, to, comment, text, last, hash)
    last = hash
    events++
  }
  sqlite.transaction(() => {
    for (const item of items) {
      const created = new Date(item.createdAt).getTime()
      const span = now.getTime() - created
      const started = new Date(created + Math.min(span / 4, (1 + rng() * 9) * DAY))
      event(item.id, started, 'start', 'assigned', 'in_progress', null, null)
      // Monthly reports from the month after the start: about four per item over five months.
      let month = addMonths(localPeriod(started, TZ), 0)
      const thisMonth = localPeriod(now, TZ)
      let version = 2
      for (let m = 0; month < thisMonth && m < 6; m++, month = addMonths(month, 1)) {
        if (rng() < 0.15) continue // some months go unreported: lagging items exist
        const at = new Date(Math.max(started.getTime() + DAY, Date.parse(`${month}-25T02:00:00Z`)))
        if (at.getTime() >= now.getTime()) break
        // The lead unit's report and, a few days later, each responsible unit's: up to three a month.
        const reporters = [item.lead, ...(item.responsible?.split(',').map(Number) ?? [])].slice(0, 3)
        for (const [k, unitId] of reporters.entries()) {
          const when = new Date(at.getTime() + k * 2 * DAY)
          if (when.getTime() >= now.getTime()) break
          const report = insertReport.run(item.id, unitId, month, Math.round(rng() * 100), when.toISOString(), accountId)
          event(item.id, when, 'progress_reported', null, null, '按计划推进整改，本月完成阶段任务。', {
            reportId: Number(report.lastInsertRowid),
            period: month,
          })
        }
      }
      let status = 'in_progress'
      let closedAt: string | null = null
      let movedDeadline: string | null = null
      if (rng() < 0.4) {
        // A close-out: evidence, request, acceptance, notice, close — the last steps often after last month ended.
        const t0 = started.getTime() + (0.3 + rng() * 0.6) * (now.getTime() - started.getTime())
        const files = 1 + Math.floor(rng() * 3)
        for (let k = 0; k < files; k++) {
          event(item.id, new Date(t0 - k * DAY), 'evidence_added', null, null, null, {
            evidenceId: item.id * 4 + k,
            sha256: String(k).repeat(64),
          })
        }
        event(item.id, new Date(t0 + 3_600_000), 'request_closure', 'in_progress', 'closure_requested', '已完成自查', null)
        event(item.id, new Date(t0 + 3 * DAY), 'accept', 'closure_requested', 'in_public_notice', '验收合格', null)
        const closeAt = new Date(t0 + 10 * DAY)
        if (closeAt.getTime() < now.getTime()) {
          event(item.id, closeAt, 'close', 'in_public_notice', 'closed', null, null)
          status = 'closed'
          closedAt = closeAt.toISOString()
          version += 3
        } else {
          status = 'in_public_notice'
          version += 2
        }
      } else if (item.deadline && rng() < 0.15) {
        // An extension: requested, then approved; the approval moves the deadline (and records it as a change).
        const at = new Date(started.getTime() + (now.getTime() - started.getTime()) * rng())
        const newDeadline = addDays(item.deadline, 90)
        event(item.id, at, 'extension_requested', null, null, '受汛期影响，工程需顺延', {
          oldDeadline: item.deadline,
          newDeadline,
          progress: '已完成60%',
        })
        const approved = new Date(at.getTime() + 2 * DAY)
        if (approved.getTime() < now.getTime()) {
          event(item.id, approved, 'extension_approved', null, null, '同意延期', {
            oldDeadline: item.deadline,
            newDeadline,
            changes: { deadline: { from: item.deadline, to: newDeadline } },
          })
          movedDeadline = newDeadline
          version += 1
        }
      } else if (item.deadline && rng() < 0.25) {
        const at = new Date(started.getTime() + (now.getTime() - started.getTime()) * rng())
        event(item.id, at, 'edit', null, null, null, { changes: { deadline: { from: item.deadline, to: addDays(item.deadline, 60) } } })
        version += 1
      }
      setStatus.run(status, movedDeadline, version - 1, closedAt, now.toISOString(), item.id)
    }
  })()
  sqlite.pragma('wal_checkpoint(TRUNCATE)')
  database.close()
  return events
}

/**
 * The child: issues last month's bulletin as production does, with the earlier months already issued (the catch-up
 * job guarantees that), and prints the time it took and the process's peak RSS.
 */
function issueInChild(dataDir: string): void {
  const database = openDatabase(databaseFile(dataDir))
  const services = createServices({ database, clock: systemClock, config: loadConfig({ DATA_DIR: dataDir, JOBS: 'off' }) })
  const plan = services.plans.list()[0]!
  const period = addMonths(localPeriod(new Date(), plan.timezone), -1)
  const earlierStart = performance.now()
  for (let month = localPeriod(new Date(plan.createdAt), plan.timezone); month < period; month = addMonths(month, 1)) {
    services.bulletins.issue(null, plan.id, month)
  }
  console.error(`earlier months issued in ${((performance.now() - earlierStart) / 1000).toFixed(1)} s`)
  const rssBefore = process.memoryUsage().rss
  const start = performance.now()
  const { bulletin } = services.bulletins.issue(null, plan.id, period)
  const ms = performance.now() - start
  console.log(
    JSON.stringify({
      ms,
      rssBeforeMb: rssBefore / 2 ** 20,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      items: bulletin.totals.items,
      overdue: bulletin.totals.overdue,
      lagging: bulletin.totals.lagging,
      closedThisMonth: bulletin.closedThisMonth.length,
    }),
  )
  database.close()
}

export async function benchBulletin(sizes: number[]): Promise<{ items: number; events: number; ms: number; peakRssMb: number }[]> {
  const results: { items: number; events: number; ms: number; peakRssMb: number }[] = []
  if (sizes.length > 0) build()
  for (const size of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'zhenggai-bench-bulletin-'))
    try {
      const now = new Date()
      const seedStart = performance.now()
      const database = openDatabase(databaseFile(dir))
      const services = createServices({ database, clock: systemClock, config: loadConfig({ DATA_DIR: dir, JOBS: 'off' }) })
      // The plan is seeded as of a month ago, so its items have six months of history by now, not five.
      const seededAt = new Date(now.getTime() - 30 * DAY)
      await seed(database, services, { items: size, units: Math.max(20, Math.round(size / 500)), now: seededAt, timezone: TZ })
      database.close()
      const events = addHistory(dir, now) + size
      const seedS = (performance.now() - seedStart) / 1000
      const child = spawnSync(process.execPath, [join(DIST, 'scripts', 'bench-bulletin.js'), '--issue-in', dir], {
        encoding: 'utf8',
        timeout: 300_000,
      })
      const line = child.stdout.trim().split('\n').at(-1) ?? ''
      const earlier = child.stderr.match(/earlier months issued in [\d.]+ s/)?.[0]
      if (child.status !== 0 || !line.startsWith('{')) throw new Error(`the bulletin child failed: ${child.stderr.slice(0, 2000)}`)
      const r = JSON.parse(line) as { ms: number; peakRssMb: number; rssBeforeMb: number; items: number; overdue: number; lagging: number }
      console.log(
        `  ${size.toLocaleString('en-US')} items, ${events.toLocaleString('en-US')} events (seeded in ${seedS.toFixed(0)} s): ` +
          `issued in ${(r.ms / 1000).toFixed(2)} s, peak RSS ${Math.round(r.peakRssMb)} MB (${Math.round(r.rssBeforeMb)} MB before issuing); ` +
          `${r.overdue} overdue, ${r.lagging} lagging${earlier ? ` (${earlier}, one by one)` : ''}`,
      )
      results.push({ items: size, events, ms: r.ms, peakRssMb: r.peakRssMb })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const last = results.at(-1)
  const first = results[0]
  if (first && last && last !== first) {
    console.log(`  growth: ${(last.items / first.items).toFixed(0)}× the items took ${(last.ms / first.ms).toFixed(1)}× the time`)
  }
  if (last && last.items >= 100_000) {
    const ok = last.ms <= 3000 && last.peakRssMb <= 300
    console.log(`  target at 100k items / 1M events: ≤ 3 s and ≤ 300 MB → ${ok ? 'PASS' : 'BELOW'}`)
  }
  return results
}

const isMain = process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]
if (isMain) {
  const { values } = parseArgs({ options: { sizes: { type: 'string' }, 'issue-in': { type: 'string' } } })
  if (values['issue-in']) {
    issueInChild(values['issue-in'])
  } else {
    const sizes = (values.sizes ?? '10000,100000').split(',').map(Number)
    console.log(`bulletin issue (${localDate(new Date(), TZ)}, last month, plan time zone ${TZ}):`)
    await benchBulletin(sizes)
  }
}
