import { afterEach, describe, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

const apps: TestApp[] = []
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close()
})

async function world() {
  const t = await createTestApp()
  apps.push(t)
  const w = workflowWorld(t.app)
  const run = (instant: string) => {
    t.clock.set(instant)
    return t.app.services.notifications.runReminders(new Date(instant))
  }
  /** The deadline reminders a run writes (the month's report reminders run too). */
  const deadlines = (instant: string) => run(instant).written.filter((m) => m.kind === 'deadline_approaching')
  const inbox = async (token: string) =>
    (await as(t.app, token).get('/api/v1/me/notifications?limit=200')).json().notifications as {
      kind: string
      title: string
      body: string
      itemId: number | null
    }[]
  return { t, w, run, deadlines, inbox }
}

// 08:00 in Shanghai on the given day.
const morning = (date: string) => `${date}T00:00:00.000Z`

describe('deadline approaching (N working days on the official calendar, default 3)', () => {
  it('across the National Day holiday and its 调休 weekend: reminded on the day three working days remain, not before', async () => {
    const { w, deadlines, inbox } = await world()
    // 2018: 9-29 (Sat) and 9-30 (Sun) are make-up workdays, 10-1 … 10-7 the holiday, 10-8 a Monday.
    const item = w.f.item(w.plan.id, w.lead.id, { code: '4-1', problem: '黑臭水体整治不到位', deadline: '2018-10-08' })
    // Thursday 9-27: 9-28, 9-29, 9-30, 10-8 are four working days.
    expect(deadlines(morning('2018-09-27'))).toEqual([])
    // Friday 9-28: 9-29 (Saturday, a workday), 9-30, 10-8: three.
    const first = deadlines(morning('2018-09-28'))
    expect(first).toEqual([
      { kind: 'deadline_approaching', dedupeKey: `deadline:${item.id}:2018-10-08:deadline_approaching:unit:${w.lead.id}` },
    ])
    const [message] = await inbox(w.tokens.lead)
    expect(message).toMatchObject({ kind: 'deadline_approaching', itemId: item.id, title: '【临期提醒】4-1将于2018年10月8日到期' })
    expect(message!.body).toContain('《测试整改方案》第4-1项「黑臭水体整治不到位」（完成时限：2018年10月8日）距完成时限还有3个工作日')
    expect(message!.body).toContain(`详情：/items/${item.id}`)

    // Once per item and deadline: the next days, and a second run the same day, write nothing.
    expect(deadlines(morning('2018-09-28'))).toEqual([])
    expect(deadlines(morning('2018-09-29'))).toEqual([])
    expect(deadlines(morning('2018-10-08'))).toEqual([])
    expect((await inbox(w.tokens.lead)).filter((m) => m.kind === 'deadline_approaching')).toHaveLength(1)
  })

  it('across the Mid-Autumn Monday: on Friday 9-21 a Thursday 9-27 deadline is three working days away', async () => {
    const { w, deadlines } = await world()
    const item = w.f.item(w.plan.id, w.lead.id, { deadline: '2018-09-27' })
    expect(deadlines(morning('2018-09-20'))).toEqual([])
    expect(deadlines(morning('2018-09-21')).map((m) => m.dedupeKey)).toEqual([
      `deadline:${item.id}:2018-09-27:deadline_approaching:unit:${w.lead.id}`,
    ])
  })

  it('an ordinary week: on Monday for a Thursday deadline; a new deadline (an extension) is reminded again', async () => {
    const { t, w, deadlines } = await world()
    const item = w.f.item(w.plan.id, w.lead.id, { deadline: '2018-11-22' })
    expect(deadlines(morning('2018-11-16'))).toEqual([])
    expect(deadlines(morning('2018-11-19'))).toHaveLength(1)
    const extension = await as(t.app, w.tokens.lead).post(`/api/v1/items/${item.id}/extensions`, {
      newDeadline: '2018-12-20',
      reason: '施工期延长',
      progress: '已完成80%',
    })
    expect(extension.statusCode).toBe(201)
    await as(t.app, w.tokens.supervisor).post(`/api/v1/extensions/${extension.json().id}/decision`, {
      decision: 'approve',
      comment: '同意',
    })
    expect(deadlines(morning('2018-12-14'))).toEqual([])
    expect(deadlines(morning('2018-12-17')).map((m) => m.kind)).toEqual(['deadline_approaching'])
  })

  it('long-term items are never reminded of a deadline, nor items under review, nor items of other units to this unit', async () => {
    const { w, deadlines, inbox } = await world()
    w.f.item(w.plan.id, w.lead.id, { deadlineKind: 'long_term', deadline: null })
    const underReview = await w.itemIn('closure_requested', { deadline: '2018-11-22' })
    w.f.item(w.plan.id, w.outsider.id, { deadline: '2018-11-22' })
    const written = deadlines(morning('2018-11-19'))
    expect(written.map((m) => m.dedupeKey)).toEqual([
      `deadline:${underReview.id + 1}:2018-11-22:deadline_approaching:unit:${w.outsider.id}`,
    ])
    expect((await inbox(w.tokens.lead)).filter((m) => m.kind === 'deadline_approaching')).toEqual([])
    expect((await inbox(w.tokens.outsider)).filter((m) => m.kind === 'deadline_approaching')).toHaveLength(1)
  })

  it('the plan’s reminderDays', async () => {
    const { t, w, deadlines } = await world()
    const admin = w.f.account('admin').account
    const plan = t.app.services.plans.create(
      { kind: 'account', accountId: admin.id, name: admin.name, role: 'admin', unitId: null },
      { title: '五日提醒方案', issuedBy: '区政府', categories: ['打好污染防治攻坚战'], reminderDays: 5 },
    )
    expect(plan.reminderDays).toBe(5)
    w.f.item(plan.id, w.lead.id, { deadline: '2018-11-23' })
    expect(deadlines(morning('2018-11-15'))).toEqual([])
    expect(deadlines(morning('2018-11-16')).map((m) => m.kind)).toEqual(['deadline_approaching'])
  })
})

describe('the month’s progress report (due by the plan’s day, default the 25th)', () => {
  it('a reminder when the due day is three working days away, to units with unreported items; the notice from midnight after it, in the plan’s zone', async () => {
    const { t, w, run, inbox } = await world()
    const a = w.f.item(w.plan.id, w.lead.id, { code: '1-1', problem: '露天焚烧秸秆' })
    const b = w.f.item(w.plan.id, w.partner.id, { code: '1-2' })
    // The partner reports on its item; the lead unit does not.
    t.clock.set(morning('2018-10-10'))
    await w.transition(w.tokens.partner, b.id, 'start')
    const report = await as(t.app, w.tokens.partner).post(`/api/v1/items/${b.id}/progress-reports`, {
      period: '2018-10',
      text: '已完成排查',
      percent: 30,
    })
    expect(report.statusCode, report.body).toBe(201)

    // 2018-10-25 is a Thursday: reminded on Monday the 22nd.
    expect(run(morning('2018-10-19')).written).toEqual([])
    expect(run(morning('2018-10-22')).written.map((m) => m.dedupeKey)).toEqual([
      `report_due:${w.plan.id}:2018-10:report_due:unit:${w.lead.id}`,
    ])
    const due = (await inbox(w.tokens.lead)).find((m) => m.kind === 'report_due')!
    expect(due.title).toBe('【月调度】请于2018年10月25日前报送2018年10月整改进展')
    expect(due.body).toContain('《测试整改方案》2018年10月整改进展于2018年10月25日截止报送，请报送本月整改进展')
    expect(due.body).toContain('1-1「露天焚烧秸秆」')
    expect(due.body).not.toContain('1-2')
    expect(a.id).toBeGreaterThan(0)

    // 23:59:59 on the 25th in Shanghai is not late yet; 00:00 on the 26th is.
    expect(run('2018-10-25T15:59:59.000Z').written).toEqual([])
    expect(run('2018-10-25T16:00:00.000Z').written.map((m) => m.kind)).toEqual(['report_overdue'])
    const overdue = (await inbox(w.tokens.lead)).find((m) => m.kind === 'report_overdue')!
    expect(overdue.title).toBe('【月调度】2018年10月整改进展逾期未报')
    expect(overdue.body).toContain('请尽快报送本月整改进展')
    expect(run('2018-10-27T02:00:00.000Z').written).toEqual([])
    expect(await inbox(w.tokens.partner)).toEqual([])
  })

  it('a plan in another zone is late by its own midnight', async () => {
    const { t, w, run } = await world()
    const admin = w.f.account('admin').account
    const london = t.app.services.plans.create(
      { kind: 'account', accountId: admin.id, name: admin.name, role: 'admin', unitId: null },
      { title: '伦敦时区方案', issuedBy: '区政府', categories: ['打好污染防治攻坚战'], timezone: 'Europe/London', reportDueDay: 20 },
    )
    w.f.item(london.id, w.lead.id)
    run('2018-10-19T00:00:00.000Z')
    // 23:30 on the 20th in London (BST, UTC+1) is 22:30Z: not late; 00:00 on the 21st there is 23:00Z.
    expect(run('2018-10-20T22:30:00.000Z').written.filter((m) => m.kind === 'report_overdue')).toEqual([])
    expect(run('2018-10-20T23:00:00.000Z').written.map((m) => m.dedupeKey)).toContain(
      `report_overdue:${london.id}:2018-10:report_overdue:unit:${w.lead.id}`,
    )
  })
})

describe('supervision replies', () => {
  it('the lead unit is reminded before the reply deadline; the office is told when it passed without a reply', async () => {
    const { t, w, run, inbox } = await world()
    const item = await w.itemIn('in_progress', { code: '6-3' })
    t.clock.set(morning('2018-10-15'))
    const opened = await as(t.app, w.tokens.supervisor).post(`/api/v1/items/${item.id}/supervisions`, {
      reason: '进展缓慢',
      replyDueDays: 10,
    })
    expect(opened.statusCode, opened.body).toBe(201)
    const { number, replyDueOn } = opened.json()
    expect(replyDueOn).toBe('2018-10-25')
    const notice = (await inbox(w.tokens.lead)).find((m) => m.kind === 'supervision_opened')!
    expect(notice.body).toContain(`已列入联合督办（${number}）`)
    expect(notice.body).toContain('请及时签收，并于2018年10月25日前回复督办情况')

    const dueKinds = (instant: string) =>
      run(instant)
        .written.filter((m) => m.kind.startsWith('supervision_'))
        .map((m) => m.kind)
    expect(dueKinds(morning('2018-10-19'))).toEqual([])
    expect(dueKinds(morning('2018-10-22'))).toEqual(['supervision_reply_due'])
    expect(dueKinds(morning('2018-10-25'))).toEqual([])
    expect(dueKinds(morning('2018-10-26'))).toEqual(['supervision_reply_overdue'])
    expect(dueKinds(morning('2018-10-27'))).toEqual([])
    const office = (await inbox(w.tokens.supervisor)).find((m) => m.kind === 'supervision_reply_overdue')!
    expect(office.title).toBe(`【督办】${number}逾期未回复（区生态环境局）`)
    expect(office.body).toContain('第6-3项')
  })
})

describe('the job, run twice', () => {
  it('writes the same messages once', async () => {
    const { w, run, inbox } = await world()
    w.f.item(w.plan.id, w.lead.id, { deadline: '2018-10-25' })
    w.f.item(w.plan.id, w.lead.id, { deadline: '2018-10-24' })
    const first = run(morning('2018-10-22'))
    expect(first.written.map((m) => m.kind).sort()).toEqual(['deadline_approaching', 'deadline_approaching', 'report_due'])
    const before = await inbox(w.tokens.lead)
    expect(run(morning('2018-10-22')).written).toEqual([])
    expect(run('2018-10-22T09:00:00.000Z').written).toEqual([])
    expect(await inbox(w.tokens.lead)).toEqual(before)
  })
})
