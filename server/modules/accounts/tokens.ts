import { hash, randomBytes } from 'node:crypto'

/** A new bearer token: 32 random bytes, base64url. It is shown once and never stored. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url')
}

/** What the database keeps of a token (SHA-256, hex). One-shot: every request hashes the token it brings. */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex')
}
