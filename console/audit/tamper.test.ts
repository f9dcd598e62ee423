import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/open.ts';
import { backends, postgresAvailable } from '../store/testing.ts';
import { unitOfWork } from '../store/unit-of-work.ts';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';
import { createAuditService } from './service.ts';

const pgUp = await postgresAvailable();

/** What a DBA with direct access might do; the triggers refuse it, so they go first. */
async function dropGuards(t: TestConsole) {
  if (t.store.dialect === 'postgres') {
    await sql`drop trigger audit_log_no_change on audit_log`.execute(t.store.db);
  } else {
    await sql`drop trigger audit_log_no_update`.execute(t.store.db);
    await sql`drop trigger audit_log_no_delete`.execute(t.store.db);
  }
}

describe.each(backends)('audit chain on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  let auditor: string;
  beforeEach(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open, demo: false });
    auditor = await t.tokenFor('audit-admin');
    const admin = await t.tokenFor('system-admin');
    for (let i = 0; i < 6; i++) {
      await t.request('/api/v1/departments', {
        method: 'POST',
        token: admin,
        body: JSON.stringify({ code: `A-${i}`, name: `审计测试局${i}`, level: 'provincial', region: '340000' }),
      });
    }
  });
  afterEach(async () => {
    if (enabled) await t.dispose();
  });

  const verify = async () => json(await t.request('/api/v1/audit/verify', { token: auditor }));

  it.runIf(enabled)('verifies an untouched chain', async () => {
    expect(await verify()).toMatchObject({ ok: true, count: 6 });
  });

  it.runIf(enabled)('names the record whose content was changed', async () => {
    await dropGuards(t);
    await sql`update audit_log set actor = 'someone-else' where seq = 3`.execute(t.store.db);
    expect(await verify()).toMatchObject({ ok: false, seq: 3, reason: 'altered' });
  });

  it.runIf(enabled)('names the record that was deleted', async () => {
    await dropGuards(t);
    await sql`delete from audit_log where seq = 4`.execute(t.store.db);
    expect(await verify()).toMatchObject({ ok: false, seq: 4, reason: 'missing' });
  });

  it.runIf(enabled)('notices the newest record deleted', async () => {
    await dropGuards(t);
    await sql`delete from audit_log where seq = 6`.execute(t.store.db);
    expect(await verify()).toMatchObject({ ok: false, seq: 6, reason: 'truncated' });
  });

  it.runIf(enabled)(
    'keeps one unbroken chain when many requests (and, on PostgreSQL, replicas) append at once',
    async () => {
      // On PostgreSQL two more pools stand in for two more console replicas. SQLite serves one
      // replica: its concurrency is that of one process.
      const replicas = name === 'postgres' ? [t.store, openStore(t.store.url), openStore(t.store.url)] : [t.store];
      const services = replicas.map((s) => createAuditService({ uow: unitOfWork(s.db), now: () => new Date() }));
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          services[i % services.length]!.append({
            actor: `r${i % 3}`,
            role: 'viewer',
            action: 'test',
            target: `t${i}`,
            outcome: 'success',
            source: 'test',
          }),
        ),
      );
      await Promise.all(replicas.slice(1).map((s) => s.db.destroy()));
      expect(await verify()).toMatchObject({ ok: true, count: 66 });
    },
  );

  it.runIf(enabled)('exports the records as CSV and audits the export', async () => {
    const res = await t.request('/api/v1/audit/export', { token: auditor });
    const text = await res.text();
    expect(text.split('\r\n')[0]).toContain('seq,at,actor,role,action,target,outcome,source,detail,prev_hash,hash');
    expect(text).toContain('department.create');
    const exports = await t.deps.audit.list({ action: 'audit.export' });
    expect(exports).toHaveLength(1);
  });
});
