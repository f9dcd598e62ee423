import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../console/store/open.ts';
import { createToken, runAdmin } from './console-process.ts';

/** `npm run admin -- …` as an operator runs it: a real process on a real SQLite file. */
describe('admin command', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'govops-admin-'));
    db = `sqlite:${join(dir, 'console.db')}`;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const lastLine = (out: string) => out.trim().split('\n').at(-1)!;

  it('creates a user with a generated password, resets it, and audits both as local-admin', async () => {
    const created = await runAdmin(db, ['create-user', 'ops1', '--role', 'cloud-operator']);
    expect(created).toMatch(/created ops1 \(cloud-operator\)/);
    const first = lastLine(created).replace('password: ', '');
    expect(first).toHaveLength(20);
    const reset = await runAdmin(db, ['reset-password', 'ops1']);
    const second = lastLine(reset).replace('password: ', '');
    expect(second).not.toBe(first);
    const store = openStore(db);
    const records = await store.db.selectFrom('audit_log').select(['actor', 'action']).orderBy('seq').execute();
    await store.db.destroy();
    expect(records).toEqual([
      { actor: 'local-admin', action: 'user.create' },
      { actor: 'local-admin', action: 'user.password-reset' },
    ]);
    expect(JSON.stringify(records)).not.toContain(second);
  });

  it('prints a token alone on the last line, lists it, and revokes it', async () => {
    const token = await createToken(db, 'nightly', 'audit-admin');
    expect(token).toMatch(/^govops_[\w-]{43}$/);
    const listed = await runAdmin(db, ['list-tokens']);
    const id = listed
      .split('\n')
      .find((l) => l.includes('nightly'))!
      .split('\t')[0]!;
    expect(listed).toMatch(/nightly\taudit-admin\t-\tactive/);
    await runAdmin(db, ['revoke-token', id]);
    expect(await runAdmin(db, ['list-tokens'])).toMatch(/nightly\taudit-admin\t-\trevoked/);
  });

  it('refuses a clash of administrator roles with a clear message and exit 1, creating nothing', async () => {
    await expect(
      runAdmin(db, ['create-user', 'both', '--role', 'system-admin', '--role', 'audit-admin']),
    ).rejects.toThrow(/exited 1[\s\S]*One account cannot hold both system-admin and audit-admin/);
    expect(await runAdmin(db, ['list-users'])).not.toMatch(/^both\t/m);
  });
});
