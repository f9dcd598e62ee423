import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../logger.ts';
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts';
import { acceptedStep, currentCode, newTotpSecret } from './totp.ts';

describe('passwords', () => {
  it('verifies the right password only, and never stores it in clear', async () => {
    const hash = await hashPassword('正确的密码 correct horse', 1024);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(hash).not.toContain('correct');
    expect(await verifyPassword('正确的密码 correct horse', hash)).toBe(true);
    expect(await verifyPassword('正确的密码 correct hors', hash)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('generates distinct 20-character passwords', () => {
    const a = generatePassword();
    expect(a).toHaveLength(20);
    expect(generatePassword()).not.toBe(a);
  });
});

describe('TOTP', () => {
  const secret = newTotpSecret();
  const at = new Date('2026-11-21T08:00:00Z');

  it('accepts the current code and one step of drift, refuses others and replays', () => {
    const step = acceptedStep(secret, currentCode(secret, at), at, null);
    expect(step).toBe(Math.floor(at.getTime() / 30_000));
    expect(acceptedStep(secret, currentCode(secret, new Date(at.getTime() - 30_000)), at, null)).toBe(step! - 1);
    expect(acceptedStep(secret, currentCode(secret, new Date(at.getTime() - 120_000)), at, null)).toBeNull();
    expect(acceptedStep(secret, currentCode(secret, at), at, step)).toBeNull();
    expect(acceptedStep(secret, 'abcdef', at, null)).toBeNull();
  });
});

describe('logger', () => {
  it('redacts secret-looking fields', () => {
    const log = memoryLogger();
    log.info('x', { password: 'p4ss', token: 'tok', department: '340100-001' });
    expect(log.lines[0]).not.toContain('p4ss');
    expect(log.lines[0]).not.toContain('tok"');
    expect(log.lines[0]).toContain('340100-001');
  });
});
