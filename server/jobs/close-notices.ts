import type { Logger } from 'pino'
import type { Services } from '../services.ts'

/**
 * Closes every item whose public notice has ended with no objection pending, recording `close` by the system.
 * Running it twice is safe: a closed item is no longer in notice, and each close is a conditional update.
 */
export function closeEndedNotices({ services, now, log }: { services: Services; now: Date; log: Logger }) {
  const result = services.closeout.closeEndedNotices(now)
  if (result.closed.length > 0 || result.heldByObjection.length > 0) {
    log.info({ job: 'close-notices', closed: result.closed, heldByObjection: result.heldByObjection }, 'notices closed')
  }
  return result
}
