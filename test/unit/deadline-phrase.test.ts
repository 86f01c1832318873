import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { formatDeadlinePhrase, parseDeadlinePhrase, type ParsedDeadline } from '../../server/modules/import/deadline-phrase.ts'
import { daysInMonth, isValidDate } from '../../server/lib/time.ts'

const date = (deadline: string, immediate = false): ParsedDeadline => ({
  deadlineKind: 'date',
  deadline,
  immediate,
  longTerm: false,
})
const longTerm = (deadline: string | null, immediate = false): ParsedDeadline => ({
  deadlineKind: 'long_term',
  deadline,
  immediate,
  longTerm: true,
})
const IMMEDIATE: ParsedDeadline = { deadlineKind: 'immediate', deadline: null, immediate: true, longTerm: false }

const pad = (n: number) => String(n).padStart(2, '0')

describe('parseDeadlinePhrase: examples', () => {
  it.each<[string, ParsedDeadline]>([
    ['立行立改', IMMEDIATE],
    ['2018年12月底前', date('2018-12-31')],
    ['2018年12月底', date('2018-12-31')],
    ['2018年12月末', date('2018-12-31')],
    ['2019年2月底前', date('2019-02-28')],
    ['2020年2月底', date('2020-02-29')],
    ['2018年底前', date('2018-12-31')],
    ['2018年底', date('2018-12-31')],
    ['2018年年底前', date('2018-12-31')],
    ['2018年末', date('2018-12-31')],
    ['2018年内完成', date('2018-12-31')],
    ['2019年6月30日前', date('2019-06-30')],
    ['2019年6月30日', date('2019-06-30')],
    ['2019年6月30号前', date('2019-06-30')],
    ['2019年06月05日以前', date('2019-06-05')],
    ['2019.6.30', date('2019-06-30')],
    ['2019-06-30', date('2019-06-30')],
    ['2019/6/30', date('2019-06-30')],
    ['2019.6.30前完成', date('2019-06-30')],
    ['2019年上半年', date('2019-06-30')],
    ['2019年下半年', date('2019-12-31')],
    ['2019年上半年底前', date('2019-06-30')],
    ['2018年第四季度', date('2018-12-31')],
    ['2018年四季度', date('2018-12-31')],
    ['2018年第1季度', date('2018-03-31')],
    ['2018年一季度', date('2018-03-31')],
    ['2018年第二季度末前', date('2018-06-30')],
    ['2018年3季度', date('2018-09-30')],
    ['2018年10月起长期坚持', longTerm(null)],
    ['自2018年10月起，长期坚持', longTerm(null)],
    ['2018年10月开始持续推进', longTerm(null)],
    ['长期坚持', longTerm(null)],
    ['持续推进', longTerm(null)],
    ['长期', longTerm(null)],
    ['立行立改，长期坚持', longTerm(null, true)],
    ['立行立改并长期坚持', longTerm(null, true)],
    ['2018年12月底前完成，长期坚持', longTerm('2018-12-31')],
    ['2018年10月起，2018年12月底前完成，长期坚持', longTerm('2018-12-31')],
    ['立行立改，2018年12月底前完成，长期坚持', longTerm('2018-12-31', true)],
    ['立行立改，2018年底前完成', date('2018-12-31', true)],
    ['2018年12月底前完成', date('2018-12-31')],
    ['2018年12月底前基本完成', date('2018-12-31')],
    ['于2018年12月底之前完成', date('2018-12-31')],
    ['2019年6月', date('2019-06-30')],
    ['2019年6月份', date('2019-06-30')],
    ['2018年', date('2018-12-31')],
    // The same deadline written twice is still one deadline.
    ['2018年底前，2018年12月31日前', date('2018-12-31')],
    // Full-width digits and punctuation, surrounding and stray whitespace.
    ['２０１８年１２月底前', date('2018-12-31')],
    ['  2018年12月底前完成；长期坚持 ', longTerm('2018-12-31')],
    ['立行立改、长期坚持', longTerm(null, true)],
    ['立行立改;长期坚持', longTerm(null, true)],
    ['立行立改,长期坚持。', longTerm(null, true)],
    ['\u30002018 年 12 月底前\t', date('2018-12-31')],
    ['２０１９．６．３０', date('2019-06-30')],
    // Chinese numerals.
    ['2018年十二月底前', date('2018-12-31')],
    ['二〇一八年十二月底前', date('2018-12-31')],
    ['二零一九年六月三十日前', date('2019-06-30')],
    ['2019年十月二十一日', date('2019-10-21')],
  ])('%s', (text, expected) => {
    expect(parseDeadlinePhrase(text)).toEqual({ ok: true, value: expected })
  })
})

describe('parseDeadlinePhrase: refusals', () => {
  it.each<[string, string]>([
    ['', 'empty'],
    ['   ', 'empty'],
    ['尽快', 'unrecognised'],
    ['年底前', 'no year'],
    ['12月底前', 'no year'],
    ['第四季度', 'no year'],
    ['今年底前', 'no year'],
    ['18年底前', 'four digits'],
    ['19.6.30', 'four digits'],
    ['2018年13月底', 'month 13'],
    ['2019年2月30日', 'no day 30'],
    ['2019年0月1日', 'month 0'],
    ['2019.13.1', 'month 13'],
    ['2019-02-29', 'no day 29'],
    ['2019.6.31', 'no day 31'],
    ['2018年第五季度', 'quarter 5'],
    ['2019.6', 'month only in numbers'],
    ['2019.6.30.1', 'unrecognised'],
    ['2019.6-30', 'unrecognised'],
    ['2019 6 30', 'unrecognised'],
    ['1918年底前', 'outside'],
    ['2018年底前，2019年6月30日前', 'different deadlines'],
    ['2018年12月底前完成，2019年上半年', 'different deadlines'],
    ['2018年10月起', 'start date'],
    ['2018年10月起，2018年12月底前完成', 'start date'],
    ['2018年10月起，2019年3月起长期坚持', 'different start dates'],
    ['2019年10月起，2018年12月底前完成，长期坚持', 'after the deadline'],
    ['按省里要求', 'unrecognised'],
    ['完成', 'unrecognised'],
    ['前', 'unrecognised'],
    ['2018年12月底前完成整改工作', 'unrecognised'],
    ['长期坚持下去', 'unrecognised'],
    ['2018年二三月', 'not a number'],
  ])('%s', (text, reason) => {
    const result = parseDeadlinePhrase(text)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.message).toContain(JSON.stringify(text.trim()))
    expect(result.message).toContain(reason)
  })

  it('refuses a value that is not text instead of throwing', () => {
    expect(parseDeadlinePhrase(43465 as unknown as string).ok).toBe(false)
    expect(parseDeadlinePhrase(null as unknown as string).ok).toBe(false)
  })
})

describe('formatDeadlinePhrase', () => {
  it.each<[ParsedDeadline, string]>([
    [IMMEDIATE, '立行立改'],
    [date('2018-12-31'), '2018年12月底前'],
    [date('2019-06-15'), '2019年6月15日前'],
    [date('2019-06-15', true), '立行立改，2019年6月15日前'],
    [longTerm(null), '长期坚持'],
    [longTerm(null, true), '立行立改，长期坚持'],
    [longTerm('2020-02-29', true), '立行立改，2020年2月底前，长期坚持'],
  ])('%j → %s', (value, phrase) => {
    expect(formatDeadlinePhrase(value)).toBe(phrase)
  })

  it.each<ParsedDeadline>([
    { deadlineKind: 'date', deadline: null, immediate: false, longTerm: false },
    { deadlineKind: 'immediate', deadline: null, immediate: false, longTerm: false },
    { deadlineKind: 'immediate', deadline: '2018-12-31', immediate: true, longTerm: false },
    { deadlineKind: 'date', deadline: '2018-12-31', immediate: false, longTerm: true },
    { deadlineKind: 'date', deadline: '2019-02-29', immediate: false, longTerm: false },
    { deadlineKind: 'date', deadline: '1999-12-31', immediate: false, longTerm: false },
  ])('refuses the inconsistent %j', (value) => {
    expect(() => formatDeadlinePhrase(value)).toThrow(RangeError)
  })
})

// ---------------------------------------------------------------------------------------------------------------
// Properties

const validDate = fc
  .record({ y: fc.integer({ min: 2000, max: 2099 }), m: fc.integer({ min: 1, max: 12 }) })
  .chain(({ y, m }) => fc.integer({ min: 1, max: daysInMonth(y, m) }).map((d) => ({ y, m, d })))

const iso = ({ y, m, d }: { y: number; m: number; d: number }) => `${y}-${pad(m)}-${pad(d)}`

const consistentDeadline: fc.Arbitrary<ParsedDeadline> = fc.oneof(
  fc.constant(IMMEDIATE),
  fc.record({ d: validDate, immediate: fc.boolean() }).map(({ d, immediate }) => date(iso(d), immediate)),
  fc
    .record({ d: fc.option(validDate, { nil: null }), immediate: fc.boolean() })
    .map(({ d, immediate }) => longTerm(d === null ? null : iso(d), immediate)),
)

// Strings assembled from the parser's own vocabulary reach far more of its branches than random text does.
const phraseFragment = fc.constantFrom(
  '2018',
  '2019',
  '2020',
  '1999',
  '12',
  '2',
  '30',
  '31',
  '6',
  '13',
  '0',
  '年',
  '月',
  '日',
  '号',
  '底',
  '末',
  '前',
  '以前',
  '之前',
  '完成',
  '基本完成',
  '起',
  '开始',
  '自',
  '于',
  '上半年',
  '下半年',
  '第',
  '季度',
  '四',
  '十二',
  '二〇一八',
  '立行立改',
  '长期坚持',
  '持续推进',
  '长期',
  '，',
  ',',
  '、',
  '；',
  '。',
  ' ',
  '.',
  '-',
  '/',
  '２０１８',
  '并',
)

const quarterNames = ['一', '二', '三', '四']
const datePhrase: fc.Arbitrary<{ text: string; deadline: string }> = validDate.chain(({ y, m, d }) => {
  const last = (month: number) => `${y}-${pad(month)}-${pad(daysInMonth(y, month))}`
  const q = Math.ceil(m / 3)
  return fc.constantFrom(
    { text: `${y}年${m}月${d}日`, deadline: iso({ y, m, d }) },
    { text: `${y}.${m}.${d}`, deadline: iso({ y, m, d }) },
    { text: `${y}/${m}/${d}`, deadline: iso({ y, m, d }) },
    { text: `${y}-${pad(m)}-${pad(d)}`, deadline: iso({ y, m, d }) },
    { text: `${y}年${m}月底`, deadline: last(m) },
    { text: `${y}年${m}月`, deadline: last(m) },
    { text: `${y}年第${q}季度`, deadline: last(q * 3) },
    { text: `${y}年${quarterNames[q - 1]}季度`, deadline: last(q * 3) },
    { text: `${y}年${m <= 6 ? '上' : '下'}半年`, deadline: last(m <= 6 ? 6 : 12) },
    { text: `${y}年底`, deadline: last(12) },
    { text: `${y}年`, deadline: last(12) },
  )
})
const toFullWidth = (s: string) => s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))

/** A valid phrase in the checklists' own wording, with the value the kind-precedence rules give it. */
const wellFormedPhrase: fc.Arbitrary<{ text: string; expected: ParsedDeadline }> = fc
  .record({
    immediate: fc.boolean(),
    date: fc.option(fc.record({ phrase: datePhrase, suffix: fc.constantFrom('', '前', '以前', '之前', '前完成', '前基本完成', '完成') }), {
      nil: null,
    }),
    long: fc.option(fc.constantFrom('长期坚持', '持续推进', '长期', '长期推进'), { nil: null }),
    separator: fc.constantFrom('，', ',', '、', '；', ';', '', ' ', '并'),
    fullWidth: fc.boolean(),
  })
  .filter(({ immediate, date, long }) => immediate || date !== null || long !== null)
  .chain(({ immediate, date, long, separator, fullWidth }) => {
    const parts = [...(immediate ? ['立行立改'] : []), ...(date ? [date.phrase.text + date.suffix] : []), ...(long ? [long] : [])]
    const deadline = date?.phrase.deadline ?? null
    const expected: ParsedDeadline = {
      deadlineKind: long ? 'long_term' : deadline ? 'date' : 'immediate',
      deadline,
      immediate,
      longTerm: long !== null,
    }
    return fc.shuffledSubarray(parts, { minLength: parts.length }).map((ordered) => {
      const text = ordered.join(separator)
      return { text: fullWidth ? toFullWidth(text) : text, expected }
    })
  })

describe('parseDeadlinePhrase: properties', () => {
  it('reads 年月日前, dotted and ISO dates as that date', () => {
    fc.assert(
      fc.property(validDate, ({ y, m, d }) => {
        const expected = { ok: true, value: date(iso({ y, m, d })) }
        expect(parseDeadlinePhrase(`${y}年${m}月${d}日前`)).toEqual(expected)
        expect(parseDeadlinePhrase(`${y}.${m}.${d}`)).toEqual(expected)
        expect(parseDeadlinePhrase(`${y}-${pad(m)}-${pad(d)}`)).toEqual(expected)
      }),
    )
  })

  it('reads 年月底前 as the last day of that month', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 }), (y, m) => {
        const expected = `${y}-${pad(m)}-${pad(daysInMonth(y, m))}`
        expect(parseDeadlinePhrase(`${y}年${m}月底前`)).toEqual({ ok: true, value: date(expected) })
      }),
    )
  })

  it('round-trips every consistent value through formatDeadlinePhrase', () => {
    fc.assert(
      fc.property(consistentDeadline, (value) => {
        expect(parseDeadlinePhrase(formatDeadlinePhrase(value))).toEqual({ ok: true, value })
      }),
    )
  })

  it('reads any well-formed combination of 立行立改, a date and a long-term marker', () => {
    fc.assert(
      fc.property(wellFormedPhrase, ({ text, expected }) => {
        expect(parseDeadlinePhrase(text)).toEqual({ ok: true, value: expected })
      }),
      { numRuns: 1000 },
    )
  })

  it('refuses a day the month does not have', () => {
    const badDay = fc
      .record({ y: fc.integer({ min: 2000, max: 2099 }), m: fc.integer({ min: 1, max: 12 }) })
      .chain(({ y, m }) => fc.oneof(fc.integer({ min: daysInMonth(y, m) + 1, max: 99 }), fc.constant(0)).map((d) => ({ y, m, d })))
    fc.assert(
      fc.property(badDay, ({ y, m, d }) => {
        for (const text of [`${y}年${m}月${d}日前`, `${y}.${m}.${d}`, `${y}/${m}/${d}`, `${y}-${pad(m)}-${pad(d)}`]) {
          expect(isValidDate(`${y}-${pad(m)}-${pad(d)}`)).toBe(false)
          expect(parseDeadlinePhrase(text).ok).toBe(false)
        }
      }),
    )
  })

  it('never throws, and whatever it accepts is consistent and formats back to itself', () => {
    const check = (text: string) => {
      const result = parseDeadlinePhrase(text)
      if (!result.ok) {
        expect(result.message).toMatch(/^cannot read deadline /)
        return
      }
      const { value } = result
      if (value.deadline !== null) expect(isValidDate(value.deadline)).toBe(true)
      expect(parseDeadlinePhrase(formatDeadlinePhrase(value))).toEqual({ ok: true, value })
    }
    fc.assert(fc.property(fc.string(), check))
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), check))
    // fast-check 4 dropped fullUnicodeString; the 'binary' unit is its replacement (any code point).
    fc.assert(fc.property(fc.string({ unit: 'binary' }), check))
    fc.assert(fc.property(fc.string({ unit: phraseFragment, maxLength: 12 }), check), { numRuns: 2000 })
  })
})
