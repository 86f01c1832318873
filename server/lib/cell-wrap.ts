// How many lines a spreadsheet cell's text wraps to when printed, so that the workbooks can store row heights that
// hold their text: a spreadsheet does not grow a row to fit wrapped text by itself (Excel does on editing;
// LibreOffice and printing keep the stored height).
//
// Measured in Excel's geometry, the one with the narrowest column unit, so that no program cuts the text: a column
// whose stored width is w (what exceljs writes, the OOXML `width`, which already counts the 5 px of padding) is 7w px
// at 96 dpi (7 px being the width of '0' in Calibri 11, the workbooks' default font; Excel shows a stored 10 as
// 9.29 characters, 70 px), of which about 5 px are the cell's margins; a CJK or full-width character at s pt is s × 96 / 72 px (13.3 px at 10 pt), a Latin
// letter or digit of a CJK font about 0.56 em. LibreOffice without Calibri measures its column unit with DejaVu Sans
// (9.3 px), so it fits about a third more on a line: its rows keep some room to spare, never too little.
//
// Text wraps as a CJK line breaker does, greedily: between any two CJK characters, a Latin word (letters, digits and
// what joins them) kept whole, closing punctuation (，。、）” …) never starting a line and opening punctuation
// (（“《 …) never ending one.

const CELL_MARGIN_PX = 5
const PX_PER_PT = 96 / 72
const LATIN_EM = 0.56

const WIDE =
  /[\u1100-\u115f\u2014\u2018-\u201f\u2026\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u
const CLOSING = /[，。、；：！？）》」』】〕”’…—,.;:!?)\]%]/u
const OPENING = /[（《「『【〔“‘([]/u
const LATIN_WORD = /[A-Za-z0-9.\-_/+#@&]/

/** The printed width of a column of stored width `width`, less the cell's margins, in px. */
function usablePx(width: number): number {
  return Math.max(1, width * 7 - CELL_MARGIN_PX)
}

/** A character's printed width at `size` pt, in px. */
function charPx(ch: string, size: number): number {
  return (WIDE.test(ch) ? 1 : LATIN_EM) * size * PX_PER_PT
}

/** A paragraph cut where a line may break: each piece is printed whole unless it is wider than a line. */
function pieces(paragraph: string): string[] {
  const out: string[] = []
  let current = ''
  let glueNext = false
  for (const ch of paragraph) {
    const joinsLatin = LATIN_WORD.test(ch) && current !== '' && LATIN_WORD.test(current.at(-1)!)
    if (current === '' || glueNext || CLOSING.test(ch) || joinsLatin) {
      current += ch
    } else {
      out.push(current)
      current = ch
    }
    glueNext = OPENING.test(ch)
  }
  if (current !== '') out.push(current)
  return out
}

/** How many lines `text` takes in a column `width` units wide at `size` pt (each line break starts a line). */
export function wrappedLines(text: string, width: number, size = 10): number {
  const usable = usablePx(width)
  return text.split('\n').reduce((lines, paragraph) => {
    let count = 1
    let line = 0
    for (const piece of pieces(paragraph)) {
      const px = Array.from(piece).reduce((sum, ch) => sum + charPx(ch, size), 0)
      if (px > usable) {
        // A piece wider than the column (a long number or address) is cut character by character.
        for (const ch of piece) {
          const w = charPx(ch, size)
          if (line > 0 && line + w > usable) {
            count++
            line = 0
          }
          line += w
        }
        continue
      }
      if (line > 0 && line + px > usable) {
        count++
        line = 0
      }
      line += px
    }
    return lines + count
  }, 0)
}
