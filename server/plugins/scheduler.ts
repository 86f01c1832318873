import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import cron, { type ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import { closeEndedNotices } from '../jobs/close-notices.ts'
import { issueDueBulletins } from '../jobs/bulletins.ts'
import { runEscalation } from '../jobs/escalation.ts'
import { runReminders } from '../jobs/reminders.ts'
import { sendDueDeliveries } from '../jobs/deliveries.ts'
import type { Senders } from '../modules/notifications/senders.ts'
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

/** The notification jobs of one process: its dispatcher is the only one sending. */
function notificationJobs(services: Services, senders: Senders, log: Logger) {
  const dispatcher = services.notifications.dispatcher({ senders, log })
  const jobs: Job[] = [
    // Reminders count in whole days; hourly through the working day (in DEFAULT_TIMEZONE) so that plans in other
    // zones, and a server started late, are reminded the same day, and the schedule never writes them at night.
    // At start too, whatever the hour: a day missed while the server was down is caught up at once.
    { name: 'reminders', schedule: '15 8-20 * * *', atStart: true, run: runReminders },
    // Every 15 s, at start (what a killed process left is sent within a minute of the restart), and whenever
    // deliveries are written (see onDeliveriesQueued): a digest goes out once its window has passed on the clock.
    { name: 'deliveries', schedule: '*/15 * * * * *', atStart: true, run: () => sendDueDeliveries({ dispatcher, log }) },
  ]
  return { dispatcher, jobs }
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
export const schedulerPlugin = fp<{ services: Services; clock: Clock; timezone: string; senders: Senders } & JobSettings>(
  async function scheduler(app: FastifyInstance, { services, clock, timezone, senders, ...settings }) {
    const tasks: ScheduledTask[] = []
    const log = app.log.child({ component: 'scheduler' }) as unknown as Logger
    const notify = notificationJobs(services, senders, log)
    const jobs = [...JOBS, ...notify.jobs]

    const runJob = (job: Job) => {
      const failed = (err: unknown) => {
        log.error({ err, job: job.name }, 'job failed')
        return undefined
      }
      try {
        const result = job.run({ services, now: clock.now(), log })
        return result instanceof Promise ? result.catch(failed) : result
      } catch (err) {
        return failed(err)
      }
    }
    const deliveriesJob = notify.jobs.find((j) => j.name === 'deliveries')!
    let unsubscribe = () => {}

    app.addHook('onReady', async () => {
      unsubscribe = services.notifications.onDeliveriesQueued(() => void runJob(deliveriesJob))
      for (const job of jobs) {
        if (job.atStart) runJob(job)
        const schedule = typeof job.schedule === 'string' ? job.schedule : job.schedule(settings)
        tasks.push(cron.schedule(schedule, () => runJob(job), { name: job.name, timezone, noOverlap: true }))
      }
      log.info({ jobs: jobs.map((j) => j.name) }, 'scheduler started')
    })
    app.addHook('onClose', async () => {
      unsubscribe()
      await Promise.all(tasks.map((t) => t.stop()))
      await notify.dispatcher.idle()
      senders.close()
    })
  },
)
