import type { Logger } from 'pino'
import type { Services } from '../services.ts'

/**
 * The daily escalation sweep (催办 → 联合督办) as the system. Running it twice is safe: an urge is unique per item
 * and deadline, and a supervision answers the triggers it was opened for while at most one is open per item.
 */
export function runEscalation({ services, now, log }: { services: Services; now: Date; log: Logger }) {
  const run = services.escalation.sweep(now)
  log.info(
    {
      job: 'escalation',
      checked: run.checked,
      urged: run.urged.map((u) => u.itemId),
      escalated: run.escalated.map((s) => s.supervisionId),
      skipped: run.skipped.length,
    },
    'escalation sweep',
  )
  return run
}
