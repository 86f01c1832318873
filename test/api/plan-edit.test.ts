import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { as, createTestApp, type TestApp } from '../helpers/app.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// PATCH /api/v1/plans/:planId: the admin changes a plan's settings; each change is in the admin trail; a task area
// in use cannot go; issued bulletins keep what they were issued with; reminders use the new settings.

let t: TestApp
let w: ReturnType<typeof workflowWorld>

beforeAll(async () => {
  t = await createTestApp({ now: '2018-10-15T02:00:00.000Z' })
  w = workflowWorld(t.app)
})
afterAll(async () => t.close())

const planEvents = (planId: number) => t.app.services.adminEvents.list({ limit: 50, subjectKind: 'plan', subjectId: planId })

describe('PATCH /api/v1/plans/:planId', () => {
  it('only the admin may change a plan', async () => {
    const plan = w.f.plan({ title: '只许管理员修改的方案' })
    for (const token of [w.tokens.supervisor, w.tokens.leader, w.tokens.lead]) {
      const res = await as(t.app, token).patch(`/api/v1/plans/${plan.id}`, { title: '偷改的名称' })
      expect(res.statusCode).toBe(403)
    }
    expect((await as(t.app).patch(`/api/v1/plans/${plan.id}`, { title: '匿名' })).statusCode).toBe(401)
    expect(t.app.services.plans.get(plan.id).title).toBe('只许管理员修改的方案')
    expect(planEvents(plan.id).filter((e) => e.action === 'plan.update')).toEqual([])
  })

  it('changes any of the settings, leaves the others, and records from → to in the admin trail', async () => {
    const plan = w.f.plan({ title: '第一轮方案', categories: ['甲', '乙'] })
    const res = await as(t.app, w.tokens.admin).patch(`/api/v1/plans/${plan.id}`, {
      title: '  第一轮督察整改方案  ',
      categories: ['甲', '乙', '丙'],
      reminderDays: 5,
      reportDueDay: 20,
      timezone: 'Asia/Urumqi',
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({
      id: plan.id,
      title: '第一轮督察整改方案',
      issuedBy: plan.issuedBy,
      categories: ['甲', '乙', '丙'],
      reminderDays: 5,
      reportDueDay: 20,
      timezone: 'Asia/Urumqi',
      noticeWorkingDays: 5,
      jointSupervisionAfterDays: 15,
    })
    expect((await as(t.app, w.tokens.lead).get(`/api/v1/plans/${plan.id}`)).json().title).toBe('第一轮督察整改方案')
    const [event] = planEvents(plan.id)
    expect(event).toMatchObject({ action: 'plan.update', actorRole: 'admin' })
    expect(event!.summary).toBe(
      '修改整改方案“第一轮督察整改方案”：方案名称由“第一轮方案”改为“第一轮督察整改方案”；时区由“Asia/Shanghai”改为“Asia/Urumqi”；' +
        '任务领域由“甲、乙”改为“甲、乙、丙”；截止前提醒（工作日）由“3”改为“5”；月报截止日由“每月25日”改为“每月20日”',
    )
    expect(event!.details).toEqual({
      changes: {
        title: { from: '第一轮方案', to: '第一轮督察整改方案' },
        timezone: { from: 'Asia/Shanghai', to: 'Asia/Urumqi' },
        categories: { from: ['甲', '乙'], to: ['甲', '乙', '丙'] },
        reminderDays: { from: 3, to: 5 },
        reportDueDay: { from: 25, to: 20 },
      },
    })
    // The same values again change nothing and record nothing.
    const again = await as(t.app, w.tokens.admin).patch(`/api/v1/plans/${plan.id}`, { title: '第一轮督察整改方案', reminderDays: 5 })
    expect(again.statusCode).toBe(200)
    expect(planEvents(plan.id).filter((e) => e.action === 'plan.update')).toHaveLength(1)
  })

  it('refuses bad input with 400 and a stable code, an unknown plan with 404, changing nothing', async () => {
    const plan = w.f.plan({ title: '校验方案', categories: ['甲'] })
    const patch = (body: unknown) => as(t.app, w.tokens.admin).patch(`/api/v1/plans/${plan.id}`, body)
    const cases: [unknown, string][] = [
      [{ title: '' }, 'VALIDATION_FAILED'],
      [{ title: '   ' }, 'VALIDATION_FAILED'],
      [{ issuedBy: '\u3000 ' }, 'VALIDATION_FAILED'],
      [{ timezone: 'Mars/Olympus' }, 'INVALID_TIMEZONE'],
      [{ categories: ['甲', ' 甲 '] }, 'DUPLICATE_CATEGORY'],
      [{ reminderDays: 0 }, 'VALIDATION_FAILED'],
      [{ reportDueDay: 29 }, 'VALIDATION_FAILED'],
      [{ noticeWorkingDays: 61 }, 'VALIDATION_FAILED'],
      [{ jointSupervisionAfterDays: 1.5 }, 'VALIDATION_FAILED'],
      [{ title: '新名称', createdBy: 1 }, 'VALIDATION_FAILED'],
    ]
    for (const [body, code] of cases) {
      const res = await patch(body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.json(), JSON.stringify(body)).toMatchObject({ statusCode: 400, code })
    }
    expect(t.app.services.plans.get(plan.id)).toMatchObject({ title: '校验方案', categories: ['甲'], reminderDays: 3 })
    const missing = await as(t.app, w.tokens.admin).patch('/api/v1/plans/999999', { title: '不存在' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toMatchObject({ code: 'PLAN_NOT_FOUND' })
    expect(planEvents(plan.id).filter((e) => e.action === 'plan.update')).toEqual([])
  })

  it('refuses to remove or rename a task area items still use (409 naming it and its item count), writing nothing', async () => {
    const plan = w.f.plan({ title: '领域方案', categories: ['水', '气', '土'] })
    w.f.item(plan.id, w.lead.id, { code: 'C-1', category: '水' })
    w.f.item(plan.id, w.lead.id, { code: 'C-2', category: '水' })
    w.f.item(plan.id, w.lead.id, { code: 'C-3', category: '气' })
    const renamed = await as(t.app, w.tokens.admin).patch(`/api/v1/plans/${plan.id}`, {
      title: '领域方案（修订）',
      categories: ['水环境', '气', '土'],
    })
    expect(renamed.statusCode).toBe(409)
    expect(renamed.json()).toMatchObject({
      code: 'CATEGORY_IN_USE',
      message: expect.stringContaining('"水" is used by 2 item(s)'),
      details: { categories: [{ category: '水', items: 2 }] },
    })
    // Nothing half-written: not the title that came with it either.
    expect(t.app.services.plans.get(plan.id)).toMatchObject({ title: '领域方案', categories: ['水', '气', '土'] })
    expect(planEvents(plan.id).filter((e) => e.action === 'plan.update')).toEqual([])

    // An unused area may go, the others may be reordered, a new one added.
    const ok = await as(t.app, w.tokens.admin).patch(`/api/v1/plans/${plan.id}`, { categories: ['气', '水', '固废'] })
    expect(ok.statusCode, ok.body).toBe(200)
    expect(ok.json().categories).toEqual(['气', '水', '固废'])
    // Items can then be filed under the new area, and no longer under the removed one.
    const created = await as(t.app, w.tokens.supervisor).post(`/api/v1/plans/${plan.id}/items`, {
      code: 'C-4',
      category: '土',
      problem: '问题',
      target: '目标',
      measures: '措施',
      leadUnitId: w.lead.id,
      responsibleUnitIds: [],
      deadlineKind: 'date',
      deadline: '2019-06-30',
    })
    expect(created.json().code).toBe('UNKNOWN_CATEGORY')
  })

  it('an issued bulletin keeps the title and task areas it was issued with', async () => {
    const plan = w.f.plan({ title: '通报方案', categories: ['甲', '乙'] })
    w.f.item(plan.id, w.lead.id, { code: 'B-1', category: '甲', deadline: '2019-06-30' })
    t.clock.set('2018-11-02T02:00:00.000Z')
    try {
      const issued = await as(t.app, w.tokens.supervisor).post(`/api/v1/plans/${plan.id}/bulletins`, { period: '2018-10' })
      expect(issued.statusCode, issued.body).toBe(201)
      const before = (await as(t.app, w.tokens.leader).get(`/api/v1/plans/${plan.id}/bulletins/2018-10`)).json()
      expect(before.planTitle).toBe('通报方案')

      const res = await as(t.app, w.tokens.admin).patch(`/api/v1/plans/${plan.id}`, {
        title: '通报方案（第二版）',
        issuedBy: '区委办公室',
        categories: ['甲', '乙', '丙'],
      })
      expect(res.statusCode).toBe(200)
      const after = (await as(t.app, w.tokens.leader).get(`/api/v1/plans/${plan.id}/bulletins/2018-10`)).json()
      expect(after).toEqual(before)
      expect(after.byCategory.map((c: { category: string }) => c.category)).toEqual(['甲', '乙'])
      const page = await as(t.app, w.tokens.leader).get(`/api/v1/plans/${plan.id}/bulletins/2018-10?format=html`)
      expect(page.body).toContain('通报方案')
      expect(page.body).not.toContain('第二版')
      // The month not yet issued is computed with the plan as it is now.
      expect(
        t.app.services.bulletins.live({ kind: 'account', accountId: 0, name: 't', role: 'admin', unitId: null }, plan.id).planTitle,
      ).toBe('通报方案（第二版）')
    } finally {
      t.clock.set('2018-10-15T02:00:00.000Z')
    }
  })
})

describe('the reminders read the plan as it is when they run', () => {
  it('a changed reminderDays changes who is reminded on the next run', async () => {
    const c = await createTestApp()
    try {
      const cw = workflowWorld(c.app)
      const plan = cw.f.plan({ title: '提醒方案' })
      // Deadline Friday 2018-11-23; on Friday 11-16 it is five working days away (19, 20, 21, 22, 23).
      cw.f.item(plan.id, cw.lead.id, { code: 'R-1', deadline: '2018-11-23' })
      const deadlines = (instant: string) => {
        c.clock.set(instant)
        return c.app.services.notifications.runReminders(new Date(instant)).written.filter((m) => m.kind === 'deadline_approaching')
      }
      expect(deadlines('2018-11-16T00:00:00.000Z')).toEqual([])
      const res = await as(c.app, cw.tokens.admin).patch(`/api/v1/plans/${plan.id}`, { reminderDays: 5 })
      expect(res.statusCode).toBe(200)
      expect(deadlines('2018-11-16T00:00:00.000Z').map((m) => m.dedupeKey)).toEqual([
        expect.stringMatching(/^deadline:\d+:2018-11-23:deadline_approaching:unit:\d+$/),
      ])
    } finally {
      await c.close()
    }
  })

  it('a changed reportDueDay moves the month’s report reminder', async () => {
    const c = await createTestApp()
    try {
      const cw = workflowWorld(c.app)
      cw.f.item(cw.plan.id, cw.lead.id, { code: 'R-2' })
      const due = (instant: string) => {
        c.clock.set(instant)
        return c.app.services.notifications.runReminders(new Date(instant)).written.filter((m) => m.kind === 'report_due')
      }
      // Due the 25th (a Thursday): on Monday 10-15 nothing is due yet. Due the 18th: three working days away.
      expect(due('2018-10-15T00:00:00.000Z')).toEqual([])
      expect((await as(c.app, cw.tokens.admin).patch(`/api/v1/plans/${cw.plan.id}`, { reportDueDay: 18 })).statusCode).toBe(200)
      expect(due('2018-10-15T00:00:00.000Z')).toHaveLength(1)
    } finally {
      await c.close()
    }
  })
})
