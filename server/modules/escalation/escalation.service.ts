import type { Clock } from '../../lib/time.ts'
import type { Transact } from '../../lib/transact.ts'
import { RECTIFYING_STATUSES } from '../../domain/items.ts'
import { SYSTEM_ACTOR, type Actor } from '../../domain/actors.ts'
import type { EventsRepo } from '../events/events.repo.ts'
import type { ItemsService } from '../items/items.service.ts'
import { DEFAULT_REPLY_DUE_DAYS, supervisionNumber } from '../supervision/lifecycle.ts'
import type { SupervisionService } from '../supervision/supervision.service.ts'
import type { EscalationRepo } from './escalation.repo.ts'
import { decideEscalation, urgeText, type SkipReason } from './rules.ts'

export interface EscalationRun {
  ranAt: string
  /** Open items looked at. */
  checked: number
  urged: { itemId: number; planId: number; code: string; leadUnit: string; deadline: string; daysOverdue: number }[]
  escalated: {
    itemId: number
    planId: number
    code: string
    leadUnit: string
    supervisionId: number
    number: string
    rule: 'overdue' | 'lagging'
  }[]
  /** Items a rule looked at but left alone, and why. */
  skipped: {
    itemId: number
    planId: number
    code: string
    action: 'urge' | 'supervise'
    reason: SkipReason
    daysOverdue?: number
    supervisionId?: number
  }[]
}

interface Deps {
  repo: EscalationRepo
  items: Pick<ItemsService, 'record' | 'rectifyingItemIds'>
  supervision: SupervisionService
  eventsRepo: EventsRepo
  clock: Clock
  transact: Transact
}

export function createEscalationService({ repo, items, supervision, eventsRepo, clock, transact }: Deps) {
  return {
    /**
     * Sweeps every open item of every plan: urges when overdue, opens joint supervision when a rule fires.
     * One IMMEDIATE transaction per item reads the facts, decides and writes, so concurrent sweeps (or a second
     * instance) cannot both act; running it again changes nothing, because urges are unique per (item, deadline)
     * and a supervision answers the triggers it was opened for.
     */
    sweep(now: Date = clock.now(), actor: Actor = SYSTEM_ACTOR): EscalationRun {
      const at = now.toISOString()
      const run: EscalationRun = { ranAt: at, checked: 0, urged: [], escalated: [], skipped: [] }
      for (const itemId of items.rectifyingItemIds()) {
        // What the item's transaction did; added to the run only once it has committed.
        const outcome = transact((): Pick<EscalationRun, 'urged' | 'escalated' | 'skipped'> | null => {
          const record = items.record(itemId)
          // Moved on (closure requested, say) since the list was read.
          if (!record || !RECTIFYING_STATUSES.includes(record.status)) return null
          const facts = supervision.ruleFacts(record, now)
          const decision = decideEscalation(
            facts.item,
            { urgedDeadlines: repo.urgedDeadlines(itemId), ...supervision.historyOf(itemId), reportedPeriods: facts.reportedPeriods },
            now,
          )
          const ref = { itemId, planId: record.planId, code: record.code }
          const done: Pick<EscalationRun, 'urged' | 'escalated' | 'skipped'> = { urged: [], escalated: [], skipped: [] }
          if (decision.urge) {
            const { deadline, daysOverdue } = decision.urge
            const urgeId = repo.insertUrge({
              itemId,
              deadline,
              daysOverdue,
              urgedAt: at,
              urgedBy: actor.kind === 'account' ? actor.accountId : null,
            })
            eventsRepo.append({
              itemId,
              at,
              actor,
              action: 'urge',
              comment: urgeText(deadline, daysOverdue),
              details: { urgeId, deadline, daysOverdue },
            })
            done.urged.push({ ...ref, leadUnit: record.leadUnitName, deadline, daysOverdue })
          }
          if (decision.supervise) {
            const { trigger, answers, reason } = decision.supervise
            const row = supervision.openWithin({
              actor,
              record,
              rule: trigger.rule,
              triggerKey: trigger.key,
              answers,
              reason,
              replyDueDays: DEFAULT_REPLY_DUE_DAYS,
              now,
            })
            done.escalated.push({
              ...ref,
              leadUnit: record.leadUnitName,
              supervisionId: row.id,
              number: supervisionNumber(row.year, row.seq),
              rule: trigger.rule,
            })
          }
          for (const skip of decision.skipped) done.skipped.push({ ...ref, ...skip })
          return done
        })
        if (!outcome) continue
        run.checked++
        run.urged.push(...outcome.urged)
        run.escalated.push(...outcome.escalated)
        run.skipped.push(...outcome.skipped)
      }
      return run
    },
  }
}

export type EscalationService = ReturnType<typeof createEscalationService>
