import { escapeHtml } from '@kitajs/html'
import fc from 'fast-check'
import { expect } from 'vitest'

// Hostile text for the escaping property tests (test/web/escaping*.test.ts), and what "shown escaped and inert" means.

const PIECES = [
  '<script>alert(1)</script>',
  '"',
  "'",
  '</textarea>',
  'javascript:alert(1)',
  '\u2028',
  '&amp;',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  '整改',
  ' ',
  '>',
  '<!--',
]

/**
 * One to `maxPieces` hostile pieces joined: markup, quotes, entities, a script URL, a line separator. At most 80
 * characters, so that a unit name made of it with a suffix stays within the 100 a unit name may have.
 */
export function hostileText(maxPieces = 5): fc.Arbitrary<string> {
  return fc
    .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: maxPieces })
    .map((parts) => parts.join(''))
    .filter((s) => s.length <= 80 && s.trim() !== '' && /[<>"'&\u2028]|javascript:/.test(s))
}

/**
 * The page carries no script, element or handler but its own, no script URL, every textarea closes once, and the
 * text (unless null: a page that shows none) is there, escaped. Inside a quoted attribute value `<` is plain text;
 * a `"` there is escaped, so the markup is what remains once every quoted value is taken out. The pages' own images
 * and charts (`<img src="…">`, `<svg …>`) are markup; the hostile pieces' `<img src=x` and `<svg onload` never are.
 */
export function expectInert(body: string, text: string | null, where: string) {
  expect(body, where).not.toMatch(/(href|src|action|formaction)\s*=\s*"?\s*javascript:/i)
  const markup = body.replace(/="[^"]*"/g, '=""')
  expect(markup, where).not.toMatch(/<script/i)
  expect(markup, where).not.toMatch(/<img src=x|<svg onload/i)
  expect(markup, where).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i)
  expect(markup.split('</textarea>').length, where).toBe(markup.split('<textarea').length)
  if (text === null) return
  // As element text, or as a form field's value (where only the quote and the ampersand need escaping).
  const asAttribute = (v: string) => `value="${v.replace(/&/g, '&amp;').replace(/"/g, '&#34;')}"`
  const shown = body.includes(escapeHtml(text.trim())) || body.includes(asAttribute(text)) || body.includes(asAttribute(text.trim()))
  expect(shown, `${where}: the text as entered`).toBe(true)
}
