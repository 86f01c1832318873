import { describe, it, expect } from 'vitest'
import { addDays } from '../../server/lib/time.ts'
import { OFFICIAL_DATA_YEARS, createWorkingCalendar, noticePeriod, type WorkingCalendar } from '../../server/lib/working-days.ts'

const official = createWorkingCalendar()

describe('official data coverage', () => {
  // Pinned on purpose: when chinese-days is upgraded and gains a year, this fails and the
  // year-end fallback example below needs moving to the new last year.
  it('covers 2004 through 2026 in the installed chinese-days', () => {
    expect(OFFICIAL_DATA_YEARS).toEqual({ first: 2004, last: 2026 })
    expect(official.hasOfficialData('2004-01-01')).toBe(true)
    expect(official.hasOfficialData('2026-12-31')).toBe(true)
    expect(official.hasOfficialData('2003-12-31')).toBe(false)
    expect(official.hasOfficialData('2027-01-01')).toBe(false)
    expect(official.hasOfficialData('2099-06-01')).toBe(false)
  })

  it('agrees with chinese-days isWorkday on every day it has data for', async () => {
    // chinese-days' own functions are only right on hosts at or east of UTC (see working-days.ts),
    // so compare under Asia/Shanghai, loading the package only after the zone is set.
    const savedTz = process.env.TZ
    process.env.TZ = 'Asia/Shanghai'
    try {
      const { default: chineseDays } = await import('chinese-days')
      const mismatches: string[] = []
      for (let d = '2004-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
        const [y, m, day] = d.split('-').map(Number) as [number, number, number]
        if (chineseDays.isWorkday(new Date(y, m - 1, day, 12)) !== official.isWorkingDay(d)) mismatches.push(d)
      }
      expect(mismatches).toEqual([])
    } finally {
      if (savedTz === undefined) delete process.env.TZ
      else process.env.TZ = savedTz
    }
  })

  it('knows the 调休 days around National Day 2018', () => {
    expect(official.isWorkingDay('2018-09-29')).toBe(true) // Saturday, make-up workday
    expect(official.isWorkingDay('2018-09-30')).toBe(true) // Sunday, make-up workday
    expect(official.isWorkingDay('2018-10-01')).toBe(false)
    expect(official.isWorkingDay('2018-10-05')).toBe(false) // Friday inside the holiday
    expect(official.isWorkingDay('2018-10-08')).toBe(true)
  })

  it('does not depend on the machine time zone', () => {
    const savedTz = process.env.TZ
    try {
      for (const tz of ['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
        process.env.TZ = tz
        expect(createWorkingCalendar().isWorkingDay('2018-09-30'), tz).toBe(true)
        expect(noticePeriod(createWorkingCalendar(), '2018-09-28', 5).lastDay, tz).toBe('2018-10-10')
      }
    } finally {
      if (savedTz === undefined) delete process.env.TZ
      else process.env.TZ = savedTz
    }
  })

  it('rejects malformed dates', () => {
    expect(() => official.isWorkingDay('2024-2-1')).toThrow(RangeError)
    expect(() => official.isWorkingDay('2023-02-29')).toThrow(RangeError)
    expect(() => official.hasOfficialData('tomorrow')).toThrow(RangeError)
    expect(() => noticePeriod(official, '2024-13-01', 5)).toThrow(RangeError)
  })
})

describe('noticePeriod on official data', () => {
  it('National Day 2018: make-up weekend counts, the golden week does not', () => {
    // Fri 28 Sep accepted; Sat 29 and Sun 30 Sep were workdays, 1–7 Oct a holiday.
    expect(noticePeriod(official, '2018-09-28', 5)).toEqual({
      firstDay: '2018-09-29',
      lastDay: '2018-10-10',
      usedFallback: false,
    })
  })

  it('Spring Festival 2019: the notice starts on a make-up Saturday', () => {
    // 国办发明电〔2018〕15号: 4–10 Feb off; Sat 2 and Sun 3 Feb workdays.
    expect(noticePeriod(official, '2019-02-01', 5)).toEqual({
      firstDay: '2019-02-02',
      lastDay: '2019-02-13',
      usedFallback: false,
    })
  })

  it('Spring Festival 2024: 除夕 is a workday, the make-up Sunday after the holiday counts', () => {
    // 国办发〔2023〕7号: 10–17 Feb off; Sun 4 and Sun 18 Feb workdays; Fri 9 Feb (除夕) a workday.
    // Working days: Wed 7, Thu 8, Fri 9, Sun 18, Mon 19.
    expect(noticePeriod(official, '2024-02-06', 5)).toEqual({
      firstDay: '2024-02-07',
      lastDay: '2024-02-19',
      usedFallback: false,
    })
  })

  it('a plain week: five working days across a weekend', () => {
    // Wed 6 Mar 2024 accepted: Thu 7, Fri 8, Mon 11, Tue 12, Wed 13.
    expect(noticePeriod(official, '2024-03-06', 5)).toEqual({
      firstDay: '2024-03-07',
      lastDay: '2024-03-13',
      usedFallback: false,
    })
  })

  it('acceptance on a holiday starts the notice at the next working day', () => {
    expect(noticePeriod(official, '2018-10-03', 1)).toEqual({
      firstDay: '2018-10-08',
      lastDay: '2018-10-08',
      usedFallback: false,
    })
  })

  it('N is configurable', () => {
    expect(noticePeriod(official, '2024-03-06', 1)).toEqual({
      firstDay: '2024-03-07',
      lastDay: '2024-03-07',
      usedFallback: false,
    })
    expect(noticePeriod(official, '2024-03-06', 10).lastDay).toBe('2024-03-20')
  })
})

describe('overrides', () => {
  it('a declared holiday pushes the end back', () => {
    const calendar = createWorkingCalendar([{ date: '2024-03-11', kind: 'holiday' }])
    expect(noticePeriod(calendar, '2024-03-06', 5)).toEqual({
      firstDay: '2024-03-07',
      lastDay: '2024-03-14',
      usedFallback: false,
    })
  })

  it('a declared workday on a Saturday pulls the end forward', () => {
    const calendar = createWorkingCalendar([{ date: '2024-03-09', kind: 'workday' }])
    expect(noticePeriod(calendar, '2024-03-06', 5)).toEqual({
      firstDay: '2024-03-07',
      lastDay: '2024-03-12',
      usedFallback: false,
    })
  })

  it('win over official data both ways', () => {
    const calendar = createWorkingCalendar([
      { date: '2018-09-29', kind: 'holiday' }, // official make-up workday
      { date: '2018-10-02', kind: 'workday' }, // official holiday
    ])
    expect(calendar.isWorkingDay('2018-09-29')).toBe(false)
    expect(calendar.isWorkingDay('2018-10-02')).toBe(true)
    // Working days: Sun 30 Sep, Tue 2 Oct, Mon 8, Tue 9, Wed 10 Oct.
    expect(noticePeriod(calendar, '2018-09-28', 5)).toEqual({
      firstDay: '2018-09-30',
      lastDay: '2018-10-10',
      usedFallback: false,
    })
  })

  it('win over the weekend fallback, and a day they decide is not a fallback day', () => {
    const calendar = createWorkingCalendar([{ date: '2099-01-03', kind: 'workday' }]) // a Saturday
    expect(calendar.isWorkingDay('2099-01-03')).toBe(true)
    expect(calendar.hasOfficialData('2099-01-03')).toBe(false)
    expect(noticePeriod(calendar, '2099-01-02', 1)).toEqual({
      firstDay: '2099-01-03',
      lastDay: '2099-01-03',
      usedFallback: false,
    })
  })

  it('duplicates are fine, contradictions and bad entries are refused', () => {
    expect(() =>
      createWorkingCalendar([
        { date: '2024-03-11', kind: 'holiday' },
        { date: '2024-03-11', kind: 'holiday' },
      ]),
    ).not.toThrow()
    expect(() =>
      createWorkingCalendar([
        { date: '2024-03-11', kind: 'holiday' },
        { date: '2024-03-11', kind: 'workday' },
      ]),
    ).toThrow(RangeError)
    expect(() => createWorkingCalendar([{ date: '2024-3-11', kind: 'holiday' }])).toThrow(RangeError)
    expect(() => createWorkingCalendar([{ date: '2024-03-11', kind: 'weekend' as 'holiday' }])).toThrow(RangeError)
  })

  it('making every day a holiday throws instead of looping forever', () => {
    const overrides = Array.from({ length: 400 }, (_, i) => ({ date: addDays('2024-03-07', i), kind: 'holiday' as const }))
    const calendar = createWorkingCalendar(overrides)
    expect(() => noticePeriod(calendar, '2024-03-06', 5)).toThrow(/no working day/)
  })
})

describe('weekend fallback beyond the official data', () => {
  it('2099 uses Mon–Fri and says so', () => {
    expect(official.hasOfficialData('2099-10-01')).toBe(false)
    // Thu 1 Oct 2099 would be National Day; without data it is just a Thursday.
    expect(official.isWorkingDay('2099-10-01')).toBe(true)
    // Wed 30 Sep 2099 accepted: Thu 1, Fri 2, Mon 5, Tue 6, Wed 7 Oct.
    expect(noticePeriod(official, '2099-09-30', 5)).toEqual({
      firstDay: '2099-10-01',
      lastDay: '2099-10-07',
      usedFallback: true,
    })
  })

  it('a notice that runs past the last official year reports the fallback', () => {
    // Mon 28 Dec 2026 accepted: Tue 29, Wed 30, Thu 31 Dec (official), then Fri 1 Jan 2027 —
    // surely 元旦, but unknown to the data — and Mon 4 Jan.
    expect(noticePeriod(official, '2026-12-28', 5)).toEqual({
      firstDay: '2026-12-29',
      lastDay: '2027-01-04',
      usedFallback: true,
    })
    // The admin declaring 元旦 fixes that day, but later days are still guesses.
    const withNewYear = createWorkingCalendar([{ date: '2027-01-01', kind: 'holiday' }])
    expect(noticePeriod(withNewYear, '2026-12-28', 5)).toEqual({
      firstDay: '2026-12-29',
      lastDay: '2027-01-05',
      usedFallback: true,
    })
  })

  it('a notice that ends before the data runs out does not report it', () => {
    // Mon 21 Dec 2026: Tue 22, Wed 23, Thu 24, Fri 25, Mon 28.
    expect(noticePeriod(official, '2026-12-21', 5)).toEqual({
      firstDay: '2026-12-22',
      lastDay: '2026-12-28',
      usedFallback: false,
    })
  })

  it('a non-working fallback day inside the period is reported too', () => {
    // Thu 31 Dec 2026 accepted; Fri 1 Jan 2027 declared a holiday, so the only days examined in
    // 2027 before Mon 4 Jan are the fallback weekend (2–3 Jan), which might have been 调休 workdays.
    const calendar = createWorkingCalendar([
      { date: '2027-01-01', kind: 'holiday' },
      { date: '2027-01-04', kind: 'workday' },
    ])
    expect(noticePeriod(calendar, '2026-12-31', 1)).toEqual({
      firstDay: '2027-01-04',
      lastDay: '2027-01-04',
      usedFallback: true,
    })
  })

  it('a calendar without decide() treats every day of a year without data as fallback', () => {
    const bare: WorkingCalendar = {
      isWorkingDay: (d) => official.isWorkingDay(d),
      hasOfficialData: (d) => official.hasOfficialData(d),
    }
    expect(noticePeriod(bare, '2099-09-30', 5)).toEqual({
      firstDay: '2099-10-01',
      lastDay: '2099-10-07',
      usedFallback: true,
    })
    expect(noticePeriod(bare, '2018-09-28', 5).usedFallback).toBe(false)
  })
})

describe('workingDays validation', () => {
  it.each([0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY])('N = %s throws RangeError', (n) => {
    expect(() => noticePeriod(official, '2024-03-06', n)).toThrow(RangeError)
  })
})
