import { describe, expect, it } from 'vitest'
import { asciiFileName, attachmentDisposition, inlineDisposition } from '../../server/lib/content-disposition.ts'

describe('attachmentDisposition', () => {
  it('gives the ASCII name in filename and the UTF-8 name, percent-encoded, in filename*', () => {
    expect(attachmentDisposition('整改措施清单-1-2026-12-02.xlsx', 'checklist-plan1-2026-12-02.xlsx')).toBe(
      `attachment; filename="checklist-plan1-2026-12-02.xlsx"; filename*=UTF-8''%E6%95%B4%E6%94%B9%E6%8E%AA%E6%96%BD%E6%B8%85%E5%8D%95-1-2026-12-02.xlsx`,
    )
  })

  it('encodes what RFC 8187 does not let through bare, which encodeURIComponent leaves alone', () => {
    expect(attachmentDisposition("报告(终稿)'s*.pdf", 'evidence-3.pdf')).toContain(
      "filename*=UTF-8''%E6%8A%A5%E5%91%8A%28%E7%BB%88%E7%A8%BF%29%27s%2A.pdf",
    )
  })

  it('never lets a quote, backslash, control or non-ASCII character into the fallback', () => {
    expect(asciiFileName('a"b\\c\r\nd 月通报.xlsx')).toBe('a-b-c-d-.xlsx')
    expect(asciiFileName('月通报')).toBe('download')
    const header = attachmentDisposition('x', '"; filename*=evil')
    expect(header).toMatch(/^attachment; filename="[A-Za-z0-9._-]+"; filename\*=UTF-8''x$/)
  })
})

describe('inlineDisposition', () => {
  it('names the file the same way, for the browser to show rather than save', () => {
    expect(inlineDisposition('验收报告.pdf', 'evidence-3.pdf')).toBe(
      `inline; filename="evidence-3.pdf"; filename*=UTF-8''%E9%AA%8C%E6%94%B6%E6%8A%A5%E5%91%8A.pdf`,
    )
  })
})
