import { createHash, randomBytes } from 'node:crypto'

/** A new bearer token: 32 random bytes, base64url. It is shown once and never stored. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url')
}

/** What the database keeps of a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}
