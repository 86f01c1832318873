import { describe, expect, it } from 'vitest'
import { chineseDate, chineseMonth } from '../../server/lib/chinese-date.ts'

describe('Chinese dates', () => {
  it('write dates and months as they are read, without leading zeros, whatever the machine zone', () => {
    expect(chineseDate('2018-12-31')).toBe('2018年12月31日')
    expect(chineseDate('2019-02-01')).toBe('2019年2月1日')
    expect(chineseDate('2020-02-29')).toBe('2020年2月29日')
    expect(chineseMonth('2019-02')).toBe('2019年2月')
    expect(chineseMonth('2018-12')).toBe('2018年12月')
  })

  it('give back what is not a date as it is', () => {
    expect(chineseDate('长期坚持')).toBe('长期坚持')
    expect(chineseMonth('2019')).toBe('2019')
  })
})
