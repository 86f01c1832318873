// npm run job -- bulletin --plan ID --period YYYY-MM     issue (or show) one month's bulletin
// npm run job -- bulletins                               issue every finished month that has none (the catch-up)
// npm run job -- close-notices                           close every item whose notice has ended
// npm run job -- escalation                              the 催办 → 联合督办 sweep
// npm run job -- reminders                               write today's reminders (deadlines, reports, supervision replies)
// Runs a scheduled job by hand, against DATA_DIR; safe while the server runs, and safe to repeat.
import { parseArgs } from 'node:util'
import pino from 'pino'
import { AppError } from '../server/errors.ts'
import { closeEndedNotices } from '../server/jobs/close-notices.ts'
import { issueDueBulletins } from '../server/jobs/bulletins.ts'
import { runEscalation } from '../server/jobs/escalation.ts'
import { runReminders } from '../server/jobs/reminders.ts'
import { systemClock } from '../server/lib/time.ts'
import { fail, openForScript } from './lib.ts'

const usage = 'usage: npm run job -- bulletin --plan ID --period YYYY-MM | bulletins | close-notices | escalation | reminders'
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { plan: { type: 'string' }, period: { type: 'string' } },
})
const job = positionals[0]
const { database, services } = openForScript()
const log = pino({ level: 'info' }, process.stderr)
try {
  switch (job) {
    case 'bulletin': {
      const planId = Number(values.plan)
      if (!Number.isInteger(planId) || planId < 1 || !values.period) fail(usage)
      const { bulletin, created } = services.bulletins.issue(null, planId, values.period)
      console.log(
        `${created ? 'issued' : 'already issued'}: plan ${planId} ${bulletin.period}, ${bulletin.totals.items} items, ` +
          `${bulletin.totals.closed} closed, ${bulletin.totals.overdue} overdue, sha256 ${bulletin.contentHash}`,
      )
      break
    }
    case 'bulletins':
      console.log(JSON.stringify(issueDueBulletins({ services, now: systemClock.now(), log })))
      break
    case 'escalation': {
      const run = runEscalation({ services, now: systemClock.now(), log })
      console.log(`checked ${run.checked}, urged ${run.urged.length}, escalated ${run.escalated.length}, skipped ${run.skipped.length}`)
      break
    }
    case 'reminders': {
      // Writes the messages and their deliveries; the running server's dispatcher sends them.
      const run = runReminders({ services, now: systemClock.now(), log })
      console.log(`written ${run.written.length}: ${[...new Set(run.written.map((w) => w.kind))].join(', ') || 'nothing due'}`)
      break
    }
    case 'close-notices':
      console.log(JSON.stringify(closeEndedNotices({ services, now: systemClock.now(), log })))
      break
    default:
      fail(usage)
  }
} catch (err) {
  if (err instanceof AppError) fail(`${err.code}: ${err.message}`)
  throw err
} finally {
  database.close()
}
