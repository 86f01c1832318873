import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { addDays, addMonths, daysBetween, endOfPeriod, lastDayOfPeriod, localDate, startOfLocalDay } from '../../server/lib/time.ts'
import { overdueOn } from '../../server/modules/closeout/deadlines.ts'

const BJ = 'Asia/Shanghai'

describe('dates in the plan time zone', () => {
  it('23:30 on 31 October in Beijing is still the 31st; 00:10 on 1 November is the 1st although UTC says 31 October', () => {
    expect(localDate(new Date('2018-10-31T15:30:00Z'), BJ)).toBe('2018-10-31')
    expect(localDate(new Date('2018-10-31T16:10:00Z'), BJ)).toBe('2018-11-01')
    expect(new Date('2018-10-31T16:10:00Z').toISOString().slice(0, 10)).toBe('2018-10-31')
  })

  it('a Beijing day starts at 16:00 UTC the day before', () => {
    expect(startOfLocalDay('2018-11-01', BJ).toISOString()).toBe('2018-10-31T16:00:00.000Z')
    expect(endOfPeriod('2018-11', BJ).toISOString()).toBe('2018-11-30T16:00:00.000Z')
  })

  it('works in a zone with daylight saving time', () => {
    expect(startOfLocalDay('2024-03-10', 'America/New_York').toISOString()).toBe('2024-03-10T05:00:00.000Z')
    expect(startOfLocalDay('2024-03-11', 'America/New_York').toISOString()).toBe('2024-03-11T04:00:00.000Z')
  })

  it('month arithmetic', () => {
    expect(addMonths('2018-12', 1)).toBe('2019-01')
    expect(addMonths('2019-01', -1)).toBe('2018-12')
    expect(lastDayOfPeriod('2020-02')).toBe('2020-02-29')
    expect(lastDayOfPeriod('2019-02')).toBe('2019-02-28')
  })

  it('addDays and daysBetween agree for any date and offset', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        fc.integer({ min: -2000, max: 2000 }),
        (d, n) => {
          const date = d.toISOString().slice(0, 10)
          expect(daysBetween(date, addDays(date, n))).toBe(n)
        },
      ),
    )
  })

  it('the start of a local day is that day, and one millisecond earlier is the day before', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        fc.constantFrom(BJ, 'UTC', 'America/New_York', 'Europe/Berlin'),
        (d, zone) => {
          const date = d.toISOString().slice(0, 10)
          const start = startOfLocalDay(date, zone)
          expect(localDate(start, zone)).toBe(date)
          expect(localDate(new Date(start.getTime() - 1), zone)).toBe(addDays(date, -1))
        },
      ),
    )
  })
})

describe('overdue', () => {
  const item = { status: 'in_progress' as const, deadlineKind: 'date' as const, deadline: '2018-10-31' }
  it('is not overdue on the deadline day and is 1 day overdue the day after', () => {
    expect(overdueOn(item, localDate(new Date('2018-10-31T15:30:00Z'), BJ))).toEqual({ overdue: false, daysOverdue: 0 })
    expect(overdueOn(item, localDate(new Date('2018-10-31T16:10:00Z'), BJ))).toEqual({ overdue: true, daysOverdue: 1 })
  })
  it('stops while closure is reviewed or in notice, and never applies to long-term items', () => {
    for (const status of ['closure_requested', 'in_public_notice', 'closed'] as const) {
      expect(overdueOn({ ...item, status }, '2019-01-01').overdue).toBe(false)
    }
    expect(overdueOn({ ...item, deadlineKind: 'long_term' }, '2019-01-01').overdue).toBe(false)
    expect(overdueOn({ ...item, status: 'assigned' }, '2018-11-10')).toEqual({ overdue: true, daysOverdue: 10 })
  })
})
