import { describe, expect, it } from 'vitest'
import { wrappedLines } from '../../server/lib/cell-wrap.ts'

// A column of stored width w (the OOXML width, padding included) prints 7w px in Excel, 5 of them margins: 20 units
// hold 135 px, ten 10-pt CJK characters (13.3 px each) and not eleven.
describe('wrappedLines', () => {
  it('fits as many CJK characters on a line as the column holds, and starts a line at each line break', () => {
    expect(wrappedLines('一二三四五六七八九十', 20)).toBe(1)
    expect(wrappedLines('一二三四五六七八九十一', 20)).toBe(2)
    expect(wrappedLines('一二三四五六七八九十'.repeat(3), 20)).toBe(3)
    expect(wrappedLines('一\n二\n\n三', 20)).toBe(4)
    expect(wrappedLines('', 20)).toBe(1)
  })

  it('counts the margins out of the stored width, not on top of it (narrow columns lose a character to them)', () => {
    // 6 units are 42 px, 37 px of text: two CJK characters (26.6 px) and not three (39.9 px).
    expect(wrappedLines('整改', 6)).toBe(1)
    expect(wrappedLines('整改中', 6)).toBe(2)
    // 10 units are 65 px of text: four characters a line; the comma stays with the character before it.
    expect(wrappedLines('立行立改，长期坚持', 10)).toBe(3)
  })

  it('counts curly quotes and the ellipsis as full width, as a CJK font prints them', () => {
    expect(wrappedLines('“一二三四五六七八九', 20)).toBe(1)
    expect(wrappedLines('“一二三四五六七八九十”', 20)).toBe(2)
  })

  it('never starts a line with closing punctuation nor ends one with opening punctuation', () => {
    // Ten characters fill the line; the comma cannot open the next, so the tenth goes down with it.
    expect(wrappedLines('一二三四五六七八九十，', 20)).toBe(2)
    expect(wrappedLines('一二三四五六七八九（十', 20)).toBe(2)
  })

  it('keeps a Latin word or number whole, and cuts one wider than the column', () => {
    // Nine CJK characters (120 px) and "12369" (5 × 7.5 px) do not fit 140 px: the number goes down whole.
    expect(wrappedLines('一二三四五六七八九12369', 20)).toBe(2)
    expect(wrappedLines('1'.repeat(40), 20)).toBe(3)
  })

  it('grows with the font size', () => {
    expect(wrappedLines('一二三四五六七八九十', 20, 16)).toBe(2)
  })
})
