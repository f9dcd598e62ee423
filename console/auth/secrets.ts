import { createHash, randomBytes } from 'node:crypto';

/** A fresh random secret (session id, API token, CSRF token) as URL-safe text. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * What the store keeps instead of a bearer secret. The secrets are 256-bit random values, so a
 * fast hash suffices: there is nothing to brute-force, and lookups stay cheap per request.
 */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
