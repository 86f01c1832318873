import { describe, expect, it } from 'vitest'
import { readHolidayIcs } from '../../server/lib/ics-calendar.ts'
import { calendarLines, parseCalendarLines } from '../../server/web/admin.routes.tsx'

const ics = (...events: string[][]) =>
  [
    '\uFEFFBEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//t//t//CN',
    ...events.flatMap((e) => ['BEGIN:VEVENT', ...e, 'END:VEVENT']),
    'END:VCALENDAR',
    '',
  ].join('\r\n')

describe('readHolidayIcs', () => {
  it('an all-day event without DTEND is one day; a file without 休 markers takes every all-day event as a holiday', () => {
    const read = readHolidayIcs(
      ics(
        ['UID:1', 'DTSTART;VALUE=DATE:20270501', 'DTEND;VALUE=DATE:20270504', 'SUMMARY:劳动节'],
        ['UID:2', 'DTSTART;VALUE=DATE:20270425', 'SUMMARY:劳动节（班）'],
      ),
    )
    expect(read).toEqual({
      ok: true,
      days: [
        { date: '2027-04-25', kind: 'workday', note: '劳动节' },
        { date: '2027-05-01', kind: 'holiday', note: '劳动节' },
        { date: '2027-05-02', kind: 'holiday', note: '劳动节' },
        { date: '2027-05-03', kind: 'holiday', note: '劳动节' },
      ],
      ignored: [],
    })
  })

  it('refuses what is not an iCalendar file, and a day marked both off and on', () => {
    expect(readHolidayIcs('BEGIN:VCARD\r\nFN:张三\r\nEND:VCARD\r\n')).toMatchObject({
      ok: false,
      error: expect.stringContaining('不是 iCalendar'),
    })
    expect(readHolidayIcs('')).toMatchObject({ ok: false })
    expect(
      readHolidayIcs(
        ics(
          ['UID:1', 'DTSTART;VALUE=DATE:20271001', 'DTEND;VALUE=DATE:20271003', 'SUMMARY:国庆节 休'],
          ['UID:2', 'DTSTART;VALUE=DATE:20271002', 'SUMMARY:国庆节 班'],
        ),
      ),
    ).toEqual({ ok: false, error: '2027-10-02在文件中既标为放假又标为调休上班（“国庆节”和“国庆节”），请核对文件' })
  })

  it('a span of months, or a recurring event, is listed as ignored rather than taken', () => {
    const read = readHolidayIcs(
      ics(
        ['UID:1', 'DTSTART;VALUE=DATE:20270101', 'DTEND;VALUE=DATE:20270401', 'SUMMARY:第一季度 休'],
        ['UID:2', 'DTSTART;VALUE=DATE:20270101', 'RRULE:FREQ=YEARLY', 'SUMMARY:元旦 休'],
      ),
    )
    expect(read).toMatchObject({
      ok: true,
      days: [],
      ignored: [{ summary: '第一季度 休' }, { summary: '元旦 休', reason: '重复的日程不导入，请逐日列出' }],
    })
  })
})

describe('calendarLines', () => {
  it('writes runs as ranges that the pasted-list reader reads back to the same days', () => {
    const days = [
      { date: '2027-02-06', kind: 'holiday' as const, note: '春节' },
      { date: '2027-02-07', kind: 'holiday' as const, note: '春节' },
      { date: '2027-02-08', kind: 'holiday' as const, note: '春节' },
      { date: '2027-02-20', kind: 'workday' as const, note: '春节' },
    ]
    const text = calendarLines(days)
    expect(text).toBe('2027-02-06~2027-02-08 休 春节\n2027-02-20 班 春节')
    expect(parseCalendarLines(text, 2027)).toEqual({ entries: days })
  })
})
