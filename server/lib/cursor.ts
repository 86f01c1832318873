import { badRequest } from '../errors.ts'

// Cursors are opaque to clients: base64url of the last id seen, with a prefix so a stray string is recognised.

export function encodeCursor(lastId: number): string {
  return Buffer.from(`i:${lastId}`, 'utf8').toString('base64url')
}

export function decodeCursor(cursor: string): number {
  const decoded = /^[A-Za-z0-9_-]{1,40}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : ''
  const match = /^i:(\d{1,15})$/.exec(decoded)
  if (!match) throw badRequest('INVALID_CURSOR', 'cursor is not one this service handed out')
  return Number(match[1])
}
