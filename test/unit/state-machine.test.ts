import { describe, expect, it } from 'vitest'
import type { Actor } from '../../server/domain/actors.ts'
import { ACTIONS, STATUSES, type ItemAction, type ItemStatus } from '../../server/domain/items.ts'
import { allowedActions, decideTransition, type ItemFacts } from '../../server/modules/closeout/state-machine.ts'

// DOMAIN.md's tables, written out again by hand so that the module is checked against the document, not itself.
const LEGAL: Record<ItemStatus, Partial<Record<ItemAction, ItemStatus>>> = {
  assigned: { start: 'in_progress' },
  in_progress: { request_closure: 'closure_requested' },
  closure_requested: { reject: 'in_progress', accept: 'in_public_notice' },
  in_public_notice: { uphold_objection: 'in_progress', close: 'closed' },
  closed: { reopen: 'in_progress' },
}
type Who = 'admin' | 'supervisor' | 'leader' | 'lead_unit' | 'responsible_unit' | 'other_unit' | 'system'
const TAKERS: Record<ItemAction, Who[]> = {
  start: ['lead_unit', 'supervisor'],
  request_closure: ['lead_unit'],
  reject: ['supervisor'],
  accept: ['supervisor'],
  uphold_objection: ['supervisor'],
  close: ['system', 'supervisor'],
  reopen: ['supervisor'],
}

const LEAD = 10
const RESPONSIBLE = 11
const OTHER = 12
const actors: Record<Who, Actor> = {
  admin: { kind: 'account', accountId: 1, name: 'a', role: 'admin', unitId: null },
  supervisor: { kind: 'account', accountId: 2, name: 's', role: 'supervisor', unitId: null },
  leader: { kind: 'account', accountId: 3, name: 'l', role: 'leader', unitId: null },
  lead_unit: { kind: 'account', accountId: 4, name: 'u1', role: 'unit', unitId: LEAD },
  responsible_unit: { kind: 'account', accountId: 5, name: 'u2', role: 'unit', unitId: RESPONSIBLE },
  other_unit: { kind: 'account', accountId: 6, name: 'u3', role: 'unit', unitId: OTHER },
  system: { kind: 'system', name: 'system' },
}

const NOW = new Date('2018-11-01T00:00:00Z')
/** An item for which every requirement of every action is met, so only role and status decide. */
function facts(status: ItemStatus, overrides: Partial<ItemFacts> = {}): ItemFacts {
  return {
    status,
    leadUnitId: LEAD,
    responsibleUnitIds: [RESPONSIBLE],
    evidenceCount: 1,
    noticeEndsAt: new Date('2018-10-20T16:00:00Z'),
    pendingObjections: 0,
    ...overrides,
  }
}

describe('every (status × action × actor) combination', () => {
  const cases = STATUSES.flatMap((status) =>
    ACTIONS.flatMap((action) => (Object.keys(actors) as Who[]).map((who) => [status, action, who] as const)),
  )
  it.each(cases)('%s × %s × %s', (status, action, who) => {
    const decision = decideTransition(facts(status), actors[who], { action, comment: '说明' }, NOW)
    const legalTarget = LEGAL[status][action]
    if (!TAKERS[action].includes(who)) {
      expect(decision).toMatchObject({ ok: false, refusal: { statusCode: 403, code: 'ACTION_NOT_PERMITTED' } })
    } else if (!legalTarget) {
      expect(decision).toMatchObject({ ok: false, refusal: { statusCode: 409, code: 'ILLEGAL_TRANSITION' } })
      if (!decision.ok) expect(decision.refusal.allowedActions).toEqual(Object.keys(LEGAL[status]))
    } else {
      expect(decision).toEqual({ ok: true, from: status, to: legalTarget })
    }
  })

  it('covers all 5 statuses × 7 actions × 7 kinds of actor', () => {
    expect(cases).toHaveLength(5 * 7 * 7)
  })
})

describe('allowedActions', () => {
  it.each(STATUSES)('in %s lists exactly what each actor may do', (status) => {
    for (const who of Object.keys(actors) as Who[]) {
      const expected = (Object.keys(LEGAL[status]) as ItemAction[]).filter((a) => TAKERS[a].includes(who))
      expect(allowedActions(facts(status), actors[who])).toEqual(expected)
    }
  })
})

describe('rules of the domain (422)', () => {
  const supervisor = actors.supervisor
  it.each([
    ['request_closure', 'in_progress', 'lead_unit'],
    ['reject', 'closure_requested', 'supervisor'],
    ['accept', 'closure_requested', 'supervisor'],
    ['uphold_objection', 'in_public_notice', 'supervisor'],
    ['reopen', 'closed', 'supervisor'],
  ] as const)('%s refuses an empty or blank comment', (action, status, who) => {
    for (const comment of [undefined, '', '   \n ']) {
      const decision = decideTransition(facts(status), actors[who], { action, comment }, NOW)
      expect(decision).toMatchObject({ ok: false, refusal: { statusCode: 422, code: 'COMMENT_REQUIRED' } })
    }
  })

  it('start and close need no comment', () => {
    expect(decideTransition(facts('assigned'), actors.lead_unit, { action: 'start' }, NOW).ok).toBe(true)
    expect(decideTransition(facts('in_public_notice'), actors.system, { action: 'close' }, NOW).ok).toBe(true)
  })

  it('request_closure needs evidence', () => {
    const decision = decideTransition(
      facts('in_progress', { evidenceCount: 0 }),
      actors.lead_unit,
      { action: 'request_closure', comment: '自查完成' },
      NOW,
    )
    expect(decision).toMatchObject({ ok: false, refusal: { statusCode: 422, code: 'EVIDENCE_REQUIRED' } })
  })

  it('accept refuses a verifier from the lead unit or a responsible unit, and takes one from elsewhere', () => {
    for (const unitId of [LEAD, RESPONSIBLE]) {
      const verifier: Actor = { ...supervisor, unitId } as Actor
      const decision = decideTransition(facts('closure_requested'), verifier, { action: 'accept', comment: '验收合格' }, NOW)
      expect(decision).toMatchObject({ ok: false, refusal: { statusCode: 422, code: 'VERIFIER_NOT_INDEPENDENT' } })
    }
    const independent: Actor = { ...supervisor, unitId: OTHER } as Actor
    expect(decideTransition(facts('closure_requested'), independent, { action: 'accept', comment: '验收合格' }, NOW).ok).toBe(true)
  })

  it('close waits for the end of the notice, and for pending objections', () => {
    const endsAt = new Date('2018-11-01T00:00:00Z')
    const before = new Date(endsAt.getTime() - 1)
    expect(decideTransition(facts('in_public_notice', { noticeEndsAt: endsAt }), actors.system, { action: 'close' }, before)).toMatchObject(
      {
        ok: false,
        refusal: { code: 'NOTICE_NOT_ENDED' },
      },
    )
    expect(decideTransition(facts('in_public_notice', { noticeEndsAt: endsAt }), actors.system, { action: 'close' }, endsAt).ok).toBe(true)
    expect(
      decideTransition(facts('in_public_notice', { noticeEndsAt: endsAt, pendingObjections: 1 }), supervisor, { action: 'close' }, endsAt),
    ).toMatchObject({ ok: false, refusal: { statusCode: 422, code: 'OBJECTION_PENDING' } })
  })
})
