// One way to name a download (RFC 6266): `filename` for clients that read only ASCII, `filename*` (RFC 8187) with
// the name people read. A fallback made by blanking the Chinese out of the name (`______-1.xlsx`) tells nobody what
// the file is, so every download gives a fallback of its own that says it: `bulletin-plan1-2026-10.xlsx`.

/** Characters RFC 8187 lets through unencoded (attr-char); encodeURIComponent also leaves ' ( ) * and ! alone. */
const ATTR_CHAR_EXTRA = /['()*]/g

function encodeExtValue(name: string): string {
  return encodeURIComponent(name).replace(ATTR_CHAR_EXTRA, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** A token-safe ASCII name: letters, digits, dot, dash and underscore; runs of anything else become one dash. */
export function asciiFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '')
  return safe === '' ? 'download' : safe
}

/**
 * `attachment; filename="<asciiFallback>"; filename*=UTF-8''<fileName>` — the fallback is made safe (never a quote,
 * backslash, control or non-ASCII character), the UTF-8 name percent-encoded.
 */
export function attachmentDisposition(fileName: string, asciiFallback: string): string {
  return disposition('attachment', fileName, asciiFallback)
}

/** The same names for a file the browser shows itself (a PDF, an image) rather than saves: `inline; filename=…`. */
export function inlineDisposition(fileName: string, asciiFallback: string): string {
  return disposition('inline', fileName, asciiFallback)
}

function disposition(kind: 'attachment' | 'inline', fileName: string, asciiFallback: string): string {
  return `${kind}; filename="${asciiFileName(asciiFallback)}"; filename*=UTF-8''${encodeExtValue(fileName)}`
}
