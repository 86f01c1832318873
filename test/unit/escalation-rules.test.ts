import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addDays, addMonths, startOfLocalDay } from '../../server/lib/time.ts'
import { decideEscalation, firingTriggers, type EscalationHistory, type EscalationItem } from '../../server/modules/escalation/rules.ts'
import {
  decideSupervisionAction,
  replyIsOverdue,
  replyStatusOn,
  supervisionActionsFor,
  supervisionNumber,
  supervisionStateAt,
} from '../../server/modules/supervision/lifecycle.ts'
import type { Actor } from '../../server/domain/actors.ts'

const TZ = 'Asia/Shanghai'

const item = (overrides: Partial<EscalationItem> = {}): EscalationItem => ({
  status: 'in_progress',
  deadlineKind: 'date',
  deadline: '2018-12-31',
  createdAt: '2018-09-10T02:00:00.000Z',
  timezone: TZ,
  jointSupervisionAfterDays: 15,
  ...overrides,
})

const history = (overrides: Partial<EscalationHistory> = {}): EscalationHistory => ({
  urgedDeadlines: new Set(),
  openSupervisionId: null,
  answeredTriggers: new Set(),
  // Reports every month, so only the overdue rule speaks unless a test says otherwise.
  reportedPeriods: new Set(Array.from({ length: 24 }, (_, i) => addMonths('2018-09', i))),
  ...overrides,
})

/** 10:00 in Beijing on `date`. */
const on = (date: string) => new Date(startOfLocalDay(date, TZ).getTime() + 10 * 3_600_000)

describe('urge (催办)', () => {
  it('nothing before or on the deadline day, in the plan time zone', () => {
    expect(decideEscalation(item(), history(), new Date('2018-12-31T15:59:59.000Z'))).toEqual({ urge: null, supervise: null, skipped: [] })
  })

  it('the first day after the deadline (00:00 Beijing, still the 31st in UTC): urged, once per deadline', () => {
    const now = new Date('2018-12-31T16:00:00.000Z')
    const first = decideEscalation(item(), history(), now)
    expect(first.urge).toEqual({ deadline: '2018-12-31', daysOverdue: 1 })
    expect(first.supervise).toBeNull()
    expect(first.skipped).toEqual([{ action: 'supervise', reason: 'not_due_yet', daysOverdue: 1 }])
    const again = decideEscalation(item(), history({ urgedDeadlines: new Set(['2018-12-31']) }), now)
    expect(again.urge).toBeNull()
    expect(again.skipped).toContainEqual({ action: 'urge', reason: 'already_urged', daysOverdue: 1 })
  })

  it('a new deadline (an approved extension) is a new urge when it passes in turn', () => {
    const decision = decideEscalation(
      item({ deadline: '2019-03-31' }),
      history({ urgedDeadlines: new Set(['2018-12-31']) }),
      on('2019-04-01'),
    )
    expect(decision.urge).toEqual({ deadline: '2019-03-31', daysOverdue: 1 })
  })

  it.each([
    ['long-term items', { deadlineKind: 'long_term' as const }],
    ['items under close-out review', { status: 'closure_requested' as const }],
    ['items in public notice', { status: 'in_public_notice' as const }],
    ['closed items', { status: 'closed' as const }],
    ['items without a date', { deadlineKind: 'immediate' as const, deadline: null }],
  ])('never for %s', (_, overrides) => {
    expect(decideEscalation(item(overrides), history(), on('2019-06-01'))).toEqual({ urge: null, supervise: null, skipped: [] })
  })
})

describe('joint supervision (联合督办)', () => {
  it('overdue 14 days: not yet; 15 days from 00:00 in the plan time zone: opened by the overdue rule', () => {
    const day14 = decideEscalation(item(), history({ urgedDeadlines: new Set(['2018-12-31']) }), new Date('2019-01-14T15:59:59.000Z'))
    expect(day14.supervise).toBeNull()
    expect(day14.skipped).toContainEqual({ action: 'supervise', reason: 'not_due_yet', daysOverdue: 14 })
    const day15 = decideEscalation(item(), history({ urgedDeadlines: new Set(['2018-12-31']) }), new Date('2019-01-14T16:00:00.000Z'))
    expect(day15.supervise).toMatchObject({
      trigger: { rule: 'overdue', key: 'overdue:2018-12-31', daysOverdue: 15, afterDays: 15 },
      answers: ['overdue:2018-12-31'],
    })
    expect(day15.supervise!.reason).toContain('2018年12月31日')
    expect(day15.supervise!.reason).toContain('已逾期15天')
  })

  it('the threshold is the plan setting', () => {
    expect(decideEscalation(item({ jointSupervisionAfterDays: 5 }), history(), on('2019-01-05')).supervise?.trigger.rule).toBe('overdue')
    expect(decideEscalation(item({ jointSupervisionAfterDays: 30 }), history(), on('2019-01-20')).supervise).toBeNull()
  })

  it('an item never urged before (the server was down) is urged and escalated in the same pass', () => {
    const decision = decideEscalation(item(), history(), on('2019-01-20'))
    expect(decision.urge).toEqual({ deadline: '2018-12-31', daysOverdue: 20 })
    expect(decision.supervise?.trigger.rule).toBe('overdue')
  })

  it('lagging: no report for either of the last two full months', () => {
    const decision = decideEscalation(
      item({ deadline: '2019-06-30' }),
      history({ reportedPeriods: new Set(['2018-09']) }),
      on('2018-12-05'),
    )
    expect(decision.urge).toBeNull()
    expect(decision.supervise).toMatchObject({ trigger: { rule: 'lagging', key: 'lagging:2018-11', periods: ['2018-10', '2018-11'] } })
    expect(decision.supervise!.reason).toBe('该任务2018年10月、2018年11月均未报送整改进展，进展缓慢。')
    // One report in either month is progress.
    expect(
      decideEscalation(item({ deadline: '2019-06-30' }), history({ reportedPeriods: new Set(['2018-10']) }), on('2018-12-05')).supervise,
    ).toBeNull()
    // Listed in November: October does not count for it, so it cannot have missed two months yet.
    expect(
      decideEscalation(
        item({ deadline: '2019-06-30', createdAt: '2018-11-02T02:00:00.000Z' }),
        history({ reportedPeriods: new Set() }),
        on('2018-12-05'),
      ).supervise,
    ).toBeNull()
  })

  it('overdue and lagging at once: the overdue rule opens it, and it answers both', () => {
    const decision = decideEscalation(item(), history({ reportedPeriods: new Set() }), on('2019-01-20'))
    expect(decision.supervise).toMatchObject({ trigger: { rule: 'overdue' }, answers: ['overdue:2018-12-31', 'lagging:2018-12'] })
  })

  it('while one is open nothing else opens; once a trigger is answered it does not fire again until it changes', () => {
    const open = decideEscalation(item(), history({ openSupervisionId: 7 }), on('2019-01-20'))
    expect(open.supervise).toBeNull()
    expect(open.skipped).toContainEqual({ action: 'supervise', reason: 'supervision_open', supervisionId: 7 })

    const answered = decideEscalation(item(), history({ answeredTriggers: new Set(['overdue:2018-12-31']) }), on('2019-01-20'))
    expect(answered.supervise).toBeNull()
    expect(answered.skipped).toContainEqual({ action: 'supervise', reason: 'already_supervised' })

    // Still not reporting a month later: the lagging rule fires for the new window.
    const lagging = history({ reportedPeriods: new Set(['2018-09']), answeredTriggers: new Set(['lagging:2018-11']) })
    expect(decideEscalation(item({ deadline: '2019-06-30' }), lagging, on('2018-12-20')).supervise).toBeNull()
    expect(decideEscalation(item({ deadline: '2019-06-30' }), lagging, on('2019-01-03')).supervise?.trigger.key).toBe('lagging:2018-12')
  })

  it('deciding again after applying the decision changes nothing (the sweep is idempotent)', () => {
    const dates = fc.integer({ min: 0, max: 400 }).map((n) => addDays('2018-09-01', n))
    fc.assert(
      fc.property(
        dates,
        dates,
        fc.integer({ min: 0, max: 40 }),
        fc.subarray(['2018-09', '2018-10', '2018-11', '2018-12', '2019-01', '2019-02', '2019-03']),
        fc.constantFrom('assigned' as const, 'in_progress' as const),
        fc.constantFrom('date' as const, 'immediate' as const, 'long_term' as const),
        (deadline, today, afterDays, reported, status, deadlineKind) => {
          const it = item({ deadline, status, deadlineKind, jointSupervisionAfterDays: afterDays })
          const h = history({ reportedPeriods: new Set(reported) })
          const now = on(today)
          const first = decideEscalation(it, h, now)
          const applied: EscalationHistory = {
            ...h,
            urgedDeadlines: new Set([...h.urgedDeadlines, ...(first.urge ? [first.urge.deadline] : [])]),
            openSupervisionId: first.supervise ? 1 : null,
            answeredTriggers: new Set([...h.answeredTriggers, ...(first.supervise?.answers ?? [])]),
          }
          const second = decideEscalation(it, applied, now)
          expect(second.urge).toBeNull()
          expect(second.supervise).toBeNull()
          // A supervision is opened exactly when a rule condition holds.
          expect(first.supervise !== null).toBe(firingTriggers(it, h.reportedPeriods, now).length > 0)
        },
      ),
    )
  })
})

describe('the supervision lifecycle', () => {
  const lead: Actor = { kind: 'account', accountId: 1, name: '牵头单位', role: 'unit', unitId: 10 }
  const partner: Actor = { kind: 'account', accountId: 2, name: '责任单位', role: 'unit', unitId: 11 }
  const supervisor: Actor = { kind: 'account', accountId: 3, name: '督查员', role: 'supervisor', unitId: 99 }

  it('open → acknowledged → replied → (sent back → acknowledged → replied) → resolved', () => {
    expect(decideSupervisionAction('open', lead, 10, 'acknowledge')).toMatchObject({
      ok: true,
      to: 'acknowledged',
      event: 'supervision_acknowledged',
    })
    expect(decideSupervisionAction('acknowledged', lead, 10, 'reply')).toMatchObject({ ok: true, to: 'replied' })
    expect(decideSupervisionAction('replied', supervisor, 10, 'send_back')).toMatchObject({
      ok: true,
      to: 'acknowledged',
      event: 'supervision_sent_back',
    })
    expect(decideSupervisionAction('replied', supervisor, 10, 'resolve')).toMatchObject({ ok: true, to: 'resolved' })
    expect(decideSupervisionAction('open', supervisor, 10, 'resolve')).toMatchObject({ ok: true })
  })

  it('refuses the wrong taker with 403 and the wrong status with 409 naming what it allows', () => {
    expect(decideSupervisionAction('open', partner, 10, 'acknowledge')).toMatchObject({ ok: false, statusCode: 403, code: 'NOT_LEAD_UNIT' })
    expect(decideSupervisionAction('open', supervisor, 10, 'acknowledge')).toMatchObject({ ok: false, statusCode: 403 })
    expect(decideSupervisionAction('replied', lead, 10, 'resolve')).toMatchObject({
      ok: false,
      statusCode: 403,
      code: 'ACTION_NOT_PERMITTED',
    })
    expect(decideSupervisionAction('open', lead, 10, 'reply')).toMatchObject({
      ok: false,
      statusCode: 409,
      code: 'SUPERVISION_ILLEGAL_TRANSITION',
      allowedActions: ['acknowledge', 'resolve'],
    })
    expect(decideSupervisionAction('resolved', supervisor, 10, 'resolve')).toMatchObject({ ok: false, statusCode: 409, allowedActions: [] })
    expect(supervisionActionsFor('acknowledged', lead, 10)).toEqual(['reply'])
    expect(supervisionActionsFor('acknowledged', partner, 10)).toEqual([])
    expect(supervisionActionsFor('replied', supervisor, 10)).toEqual(['send_back', 'resolve'])
  })

  it('numbers read 督办〔YYYY〕第N号', () => {
    expect(supervisionNumber(2018, 12)).toBe('督办〔2018〕第12号')
  })

  it('a reply is late when its date in the plan time zone is after the deadline', () => {
    expect(replyIsOverdue(new Date('2019-01-15T15:59:00.000Z'), '2019-01-15', TZ)).toBe(false)
    expect(replyIsOverdue(new Date('2019-01-15T16:00:00.000Z'), '2019-01-15', TZ)).toBe(true)
    expect(replyStatusOn({ status: 'acknowledged', replyDueOn: '2019-01-15', replied: false, replyOverdue: false }, '2019-01-15')).toBe(
      'awaiting',
    )
    expect(replyStatusOn({ status: 'open', replyDueOn: '2019-01-15', replied: false, replyOverdue: false }, '2019-01-16')).toBe('overdue')
    expect(replyStatusOn({ status: 'replied', replyDueOn: '2019-01-15', replied: true, replyOverdue: true }, '2019-01-16')).toBe('late')
    expect(replyStatusOn({ status: 'resolved', replyDueOn: '2019-01-15', replied: false, replyOverdue: false }, '2019-01-16')).toBe('none')
  })

  it('the state as of an instant is replayed from the events before it', () => {
    const events = [
      { action: 'supervision_opened', at: '2019-01-05T02:00:00.000Z', details: { supervisionId: 1, replyDueOn: '2019-01-20' } },
      { action: 'supervision_acknowledged', at: '2019-01-06T02:00:00.000Z', details: { supervisionId: 1 } },
      { action: 'supervision_replied', at: '2019-01-25T02:00:00.000Z', details: { supervisionId: 1, replyOverdue: true } },
      { action: 'supervision_sent_back', at: '2019-02-02T02:00:00.000Z', details: { supervisionId: 1, replyDueOn: '2019-02-10' } },
      { action: 'supervision_resolved', at: '2019-02-12T02:00:00.000Z', details: { supervisionId: 1 } },
    ]
    expect(supervisionStateAt(events, new Date('2019-01-01T00:00:00.000Z'))).toBeNull()
    expect(supervisionStateAt(events, new Date('2019-01-20T00:00:00.000Z'))).toEqual({
      status: 'acknowledged',
      replyDueOn: '2019-01-20',
      replied: false,
      replyOverdue: false,
    })
    expect(supervisionStateAt(events, new Date('2019-02-01T00:00:00.000Z'))).toEqual({
      status: 'replied',
      replyDueOn: '2019-01-20',
      replied: true,
      replyOverdue: true,
    })
    expect(supervisionStateAt(events, new Date('2019-02-05T00:00:00.000Z'))).toMatchObject({
      status: 'acknowledged',
      replyDueOn: '2019-02-10',
    })
    expect(supervisionStateAt(events, new Date('2019-03-01T00:00:00.000Z'))).toMatchObject({ status: 'resolved' })
  })
})
