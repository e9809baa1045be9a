/**
 * Bearer secrets the authorization server hands out (authorization codes, refresh tokens, launch ids):
 * 256 random bits, base64url. Only their SHA-256 is stored, so that reading the database does not
 * yield a usable code or token; a fast hash is enough for values this random.
 */
import { createHash, randomBytes } from 'node:crypto';

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The key a secret is stored under. */
export function secretKey(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
