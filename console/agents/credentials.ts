import { timingSafeEqual } from 'node:crypto';
import { randomToken } from '../auth/secrets.ts';

/**
 * The two secrets an agent holds, told apart by prefix: the one-time enrolment token an operator
 * hands to the site, and the credential the console issues in exchange. Both are 256-bit random
 * values kept only as SHA-256 hashes (see auth/secrets.ts for why a fast hash suffices). The
 * prefixes also keep an agent's credential from ever being looked up as a person's API token.
 */
export const enrolmentTokenPrefix = 'gve_';
export const agentCredentialPrefix = 'gva_';

/** A new one-time enrolment token. */
export function newEnrolmentToken(): string {
  return `${enrolmentTokenPrefix}${randomToken(32)}`;
}

/** A new agent credential, sent by the agent as `Authorization: Bearer …`. */
export function newAgentCredential(): string {
  return `${agentCredentialPrefix}${randomToken(32)}`;
}

/** Whether a bearer secret is an agent's credential (not a person's API token). */
export function isAgentCredential(bearer: string): boolean {
  return bearer.startsWith(agentCredentialPrefix);
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
