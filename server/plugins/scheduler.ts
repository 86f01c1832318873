import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import cron, { type ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import { closeEndedNotices } from '../jobs/close-notices.ts'
import { issueDueBulletins } from '../jobs/bulletins.ts'
import { runEscalation } from '../jobs/escalation.ts'
import type { Clock } from '../lib/time.ts'
import type { Services } from '../services.ts'

/** Configuration the schedules read. */
export interface JobSettings {
  /** The hour (0–23) of the daily escalation sweep. */
  escalationHour: number
}

interface Job {
  name: string
  /** node-cron expression, in `timezone`; a function of the settings when they decide it. */
  schedule: string | ((settings: JobSettings) => string)
  /** Runs once when the service starts, catching up on what a stopped server missed. */
  atStart: boolean
  run(args: { services: Services; now: Date; log: Logger }): unknown
}

// Notices end at midnight in the plan's zone; an hourly pass closes them soon after, whatever the zone.
const JOBS: Job[] = [
  { name: 'close-notices', schedule: '5 * * * *', atStart: true, run: closeEndedNotices },
  // Urges and joint supervision count in whole days, so once a day is enough; at start too, for the days missed.
  { name: 'escalation', schedule: ({ escalationHour }) => `0 ${escalationHour} * * *`, atStart: true, run: runEscalation },
  // Daily at 01:30: on the 1st it issues last month's bulletin; on other days it issues only a month that was
  // missed, or one that ended since in a plan of another time zone.
  { name: 'bulletins', schedule: '30 1 * * *', atStart: true, run: issueDueBulletins },
]

/**
 * The scheduled jobs (only when JOBS=on): each runs at start to catch up, then on its cron schedule, never
 * overlapping itself. Jobs are idempotent on their own, so a second instance or a retry changes nothing.
 */
export const schedulerPlugin = fp<{ services: Services; clock: Clock; timezone: string } & JobSettings>(async function scheduler(app: FastifyInstance, { services, clock, timezone, ...settings }) {
  const tasks: ScheduledTask[] = []
  const log = app.log.child({ component: 'scheduler' }) as unknown as Logger

  const runJob = (job: Job) => {
    try {
      return job.run({ services, now: clock.now(), log })
    } catch (err) {
      log.error({ err, job: job.name }, 'job failed')
      return undefined
    }
  }

  app.addHook('onReady', async () => {
    for (const job of JOBS) {
      if (job.atStart) runJob(job)
      const schedule = typeof job.schedule === 'string' ? job.schedule : job.schedule(settings)
      tasks.push(cron.schedule(schedule, () => runJob(job), { name: job.name, timezone, noOverlap: true }))
    }
    log.info({ jobs: JOBS.map((j) => j.name) }, 'scheduler started')
  })
  app.addHook('onClose', async () => {
    await Promise.all(tasks.map((t) => t.stop()))
  })
})
