import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountActor } from '../../server/modules/auth/permissions.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { HOLIDAYS_2027_ICS } from '../helpers/holidays-ics.ts'
import { browser, multipartForm, webAccount } from '../helpers/web.ts'
import { workflowWorld } from '../helpers/workflow.ts'

// The working-day calendar from an uploaded .ics: a preview of the year's days (date, kind, name) before anything
// is saved, then 确认保存 saves them as the pasted list does; a file that is not iCalendar is refused in Chinese.

const SYSTEM: AccountActor = { kind: 'account', accountId: 0, name: 'test', role: 'admin', unitId: null }

let t: TestApp
let w: ReturnType<typeof workflowWorld>
let admin: { login: string; password: string }

beforeAll(async () => {
  // Monday 28 December 2026: the coming year, 2027, is beyond the built-in official data.
  t = await createTestApp({ now: '2026-12-28T02:00:00.000Z' })
  w = workflowWorld(t.app)
  admin = await webAccount(t.app, 'admin', null, '王管理')
})
afterAll(async () => t.close())

async function upload(b: ReturnType<typeof browser>, content: Buffer, fields: Record<string, string> = {}, name = '2027年节假日.ics') {
  await b.get('/admin/calendar')
  const body = multipartForm({ _csrf: b.csrf, year: '2027', ...fields }, [{ name, content, field: 'file' }])
  return b.postRaw('/admin/calendar/ics', body.payload, body.headers)
}

function unescapeAttr(value: string): string {
  return value
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&#34;', '"')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
}

describe('the working-day calendar from an .ics file', () => {
  it('refuses a file that is not iCalendar, in Chinese, beside the file field, saving nothing', async () => {
    const b = browser(t.app)
    await b.signIn(admin.login, admin.password)
    for (const content of [Buffer.from('日期,类型\n2027-01-01,休\n'), Buffer.from('%PDF-1.4 not a calendar'), Buffer.alloc(0)]) {
      const res = await upload(b, content)
      expect(res.statusCode).toBeGreaterThanOrEqual(400)
      expect(res.body).toMatch(/<span class="error" id="f-ics-error" role="alert">(该文件不是 iCalendar 日历文件|请选择 \.ics 日历文件)/)
    }
    const broken = await upload(b, Buffer.from('BEGIN:VCALENDAR\r\nthis is no property line\r\nEND:VCALENDAR\r\n'))
    expect(broken.statusCode).toBe(422)
    expect(broken.body).toContain('无法读取该日历文件：格式不符合 iCalendar 规范')
    const otherYear = await upload(b, Buffer.from(HOLIDAYS_2027_ICS), { year: '2028' })
    expect(otherYear.statusCode).toBe(422)
    expect(otherYear.body).toContain('文件中没有2028年的放假或调休上班日（文件涵盖2026、2027年，请先在上方切换年份）')
    expect(t.app.services.closeout.calendarOverrides()).toEqual([])
  })

  it('a multipart upload without the CSRF token is refused; other roles may not upload', async () => {
    const b = browser(t.app)
    await b.signIn(admin.login, admin.password)
    await b.get('/admin/calendar')
    const body = multipartForm({ year: '2027' }, [{ name: 'x.ics', content: Buffer.from(HOLIDAYS_2027_ICS), field: 'file' }])
    expect((await b.postRaw('/admin/calendar/ics', body.payload, body.headers)).statusCode).toBe(403)
    const office = await webAccount(t.app, 'supervisor', w.office.id)
    const s = browser(t.app)
    await s.signIn(office.login, office.password)
    expect((await upload(s, Buffer.from(HOLIDAYS_2027_ICS))).statusCode).toBe(403)
    expect(t.app.services.closeout.calendarOverrides()).toEqual([])
  })

  it('previews the year’s days (multi-day spans, make-up Saturdays), saves them on 确认保存, and a notice counts over New Year', async () => {
    const b = browser(t.app)
    await b.signIn(admin.login, admin.password)
    expect((await b.get('/admin')).body).toContain('2027年的节假日和调休上班日尚未录入')
    const res = await upload(b, Buffer.from(HOLIDAYS_2027_ICS))
    expect(res.statusCode, res.body).toBe(200)
    const preview = /<section class="card" id="ics-preview">(.*?)<\/section>/s.exec(res.body)![1]!
    expect(preview).toContain('预览：2027年节假日.ics')
    expect(preview).toContain('2027年：放假18天，调休上班2天。文件中其他年份的1天不在本次录入之列。尚未保存。')
    const rows = [
      ...preview.matchAll(
        /<tr><td[^>]*><span>([^<]+)<\/span><\/td><td[^>]*><span>([^<]+)<\/span><\/td><td[^>]*><span>([^<]+)<\/span><\/td><td[^>]*><span>([^<]*)<\/span><\/td><\/tr>/g,
      ),
    ].map((m) => m.slice(1).join(' '))
    expect(rows).toEqual([
      '2027-01-01（周五）至2027-01-03（周日） 3天 放假 元旦',
      '2027-02-06（周六）至2027-02-13（周六） 8天 放假 春节',
      '2027-02-20（周六） 1天 调休上班 春节',
      '2027-10-01（周五）至2027-10-07（周四） 7天 放假 国庆节、中秋节',
      '2027-10-09（周六） 1天 调休上班 国庆节',
    ])
    // What the file has that is neither a day off nor a make-up workday is shown, with why, and not taken.
    expect(preview).toContain('植树节')
    expect(preview).toContain('未标“休”或“班”，不是放假或调休上班日')
    expect(preview).toContain('全区整改推进会')
    expect(preview).toContain('不是全天日程')
    // Nothing is saved by the preview.
    expect(t.app.services.closeout.calendarOverrides()).toEqual([])

    const lines = unescapeAttr(/name="lines" value="([^"]*)"/.exec(preview)![1]!)
    const saved = await b.post('/admin/calendar', { year: /name="year" value="(\d+)"/.exec(preview)![1]!, lines })
    expect(saved.statusCode).toBe(303)
    expect((await b.get(saved.headers.location!)).body).toContain('工作日历已保存（20项）')
    const overrides = t.app.services.closeout.calendarOverrides()
    expect(overrides).toHaveLength(20)
    expect(overrides.filter((o) => o.kind === 'workday').map((o) => o.date)).toEqual(['2027-02-20', '2027-10-09'])
    expect(overrides.find((o) => o.date === '2027-10-05')).toMatchObject({ kind: 'holiday', note: '国庆节、中秋节' })
    expect((await b.get('/admin/audit')).body).toContain('录入2027年工作日历：放假18天，调休上班2天')
    expect((await b.get('/admin')).body).not.toContain('尚未录入')

    // Accepted on Wednesday 30 December 2026: five working days skip New Year's Day and the weekend after it, so
    // the notice ends on Thursday 7 January (by the weekends alone it would end on 6 January).
    t.clock.set('2026-12-30T02:00:00.000Z')
    const item = await w.itemIn('in_public_notice')
    const accepted = t.app.services.items.events(SYSTEM, item.id).find((e) => e.toStatus === 'in_public_notice')!
    expect(accepted.details).toMatchObject({ noticeFirstDay: '2026-12-31', noticeLastDay: '2027-01-07' })
  })
})
