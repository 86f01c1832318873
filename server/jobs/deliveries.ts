import type { Logger } from 'pino'
import type { Dispatcher } from '../modules/notifications/dispatcher.ts'

/**
 * Sends the deliveries that are due. Running it twice is safe: a delivery is marked sent once its channel took it,
 * and two passes never overlap in one process (the dispatcher runs one at a time); after a crash the rows a killed
 * process had not finished are simply due, and go out on the first pass.
 */
export async function sendDueDeliveries({ dispatcher, log }: { dispatcher: Dispatcher; log: Logger }) {
  const run = await dispatcher.dispatch()
  if (run.sent.length + run.failed.length + run.dead.length > 0) {
    log.info({ job: 'deliveries', sent: run.sent.length, failed: run.failed, dead: run.dead }, 'deliveries sent')
  }
  return run
}
