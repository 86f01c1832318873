import type { Logger } from 'pino'
import type { Services } from '../services.ts'

/**
 * Writes the reminders due today in each plan's zone (deadlines, monthly reports, supervision replies).
 * Running it twice is safe: every reminder has a unique key per rule, subject, date and recipient, so a second run
 * finds each one written and writes nothing.
 */
export function runReminders({ services, now, log }: { services: Services; now: Date; log: Logger }) {
  const run = services.notifications.runReminders(now)
  if (run.written.length > 0)
    log.info({ job: 'reminders', written: run.written.length, kinds: [...new Set(run.written.map((w) => w.kind))] }, 'reminders written')
  return run
}
