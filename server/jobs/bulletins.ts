import type { Logger } from 'pino'
import type { Services } from '../services.ts'

/**
 * Issues every finished month that has no bulletin, for every plan. Running it twice is safe: the unique
 * (plan, period) key makes a month already issued a no-op, so a missed 1st (server down) is caught up next time.
 */
export function issueDueBulletins({ services, log }: { services: Services; now: Date; log: Logger }) {
  const issued = services.bulletins.catchUp()
  if (issued.length > 0) log.info({ job: 'bulletins', issued }, 'bulletins issued')
  return { issued }
}
