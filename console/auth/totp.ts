import { Secret, TOTP } from 'otpauth';

/**
 * Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s), as every authenticator app
 * speaks. One step of clock drift is tolerated either way; a code is accepted once only.
 */
const period = 30;

function totpFor(secret: string, label = 'user'): TOTP {
  return new TOTP({
    issuer: 'GovOps Console',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period,
    secret: Secret.fromBase32(secret),
  });
}

/** A new base32 secret for enrolment. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app scans. */
export function totpUri(secret: string, username: string): string {
  return totpFor(secret, username).toString();
}

/**
 * The time step a code belongs to, or null when it is wrong. The caller stores the step and
 * refuses any step at or below it, so a code cannot be replayed.
 */
export function acceptedStep(secret: string, code: string, at: Date, lastStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secret).validate({ token: code, timestamp: at.getTime(), window: 1 });
  if (delta === null) return null;
  const step = Math.floor(at.getTime() / 1000 / period) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

/** The current code for a secret (the admin command and tests use it). */
export function currentCode(secret: string, at: Date): string {
  return totpFor(secret).generate({ timestamp: at.getTime() });
}
