import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestConsole, testConsole, type Session } from '../testing/harness.ts';

/** The sequence numbers in the audit table's rows, in order. */
function seqs(page: string): number[] {
  return [...page.matchAll(/<tr><td>(\d+)<\/td><td class="nowrap">/g)].map((m) => Number(m[1]));
}

describe('audit log page', () => {
  let t: TestConsole;
  let aud: Session;
  beforeAll(async () => {
    t = await testConsole();
    aud = await t.signIn('aud', ['audit-admin']);
    const viewer = await t.signIn('v1', ['viewer']);
    // Sixty refused page visits give the log more than one page of records.
    for (let i = 0; i < 60; i++) await t.request('/users', { cookie: viewer.cookie });
  });
  afterAll(() => t.dispose());

  const get = (path: string, lang?: string) => t.visit(path, aud, lang);

  it('lists records newest first, 50 to a page, with a link to older ones', async () => {
    const res = await get('/audit');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<h1>审计日志</h1>');
    const first = seqs(page);
    expect(first).toHaveLength(50);
    expect(first).toEqual([...first].sort((a, b) => b - a));
    const next = page.match(/<a href="([^"]+)" rel="next">/)![1]!.replaceAll('&amp;', '&');
    expect(next).toBe(`/audit?before=${first.at(-1)}`);
    const older = seqs(await (await get(next)).text());
    expect(older[0]).toBe(first.at(-1)! - 1);
  });

  it('filters by user, action and outcome, in English too', async () => {
    const page = await (await get('/audit?actor=v1&action=users&outcome=denied', 'en')).text();
    expect(page).toContain('<h1>Audit log</h1>');
    expect(seqs(page)).toHaveLength(50);
    expect(page.match(/<td class="outcome-denied">Denied<\/td>/g)).toHaveLength(50);
    expect(page).not.toContain('<td>aud</td>');
    const none = await (await get('/audit?actor=v1&outcome=success&action=users')).text();
    expect(seqs(none)).toEqual([]);
    expect(none).toContain('暂无数据。');
  });

  it('filters by UTC dates, both ends included, and refuses a date that does not exist', async () => {
    const today = t.clock.now().toISOString().slice(0, 10);
    expect(seqs(await (await get(`/audit?from=${today}&to=${today}`)).text()).length).toBe(50);
    expect(seqs(await (await get('/audit?to=2026-01-01')).text())).toEqual([]);
    const bad = await get('/audit?from=2026-02-30', 'en');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(
      /name="from" value="2026-02-30"><p class="field-error" role="alert">has the wrong format/,
    );
  });

  it('exports the matching records as CSV, and audits the export', async () => {
    const res = await get('/audit/export.csv?actor=v1&action=users');
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^\uFEFF?seq,at,actor,role,action,target,outcome,source,detail,prev_hash,hash$/);
    expect(lines).toHaveLength(61);
    const [record] = await t.deps.audit.list({ action: 'audit.export', limit: 1 });
    expect(record).toMatchObject({ actor: 'aud', outcome: 'success' });
  });

  it('verifies the chain and says it is intact', async () => {
    const zh = await (await get('/audit/verify')).text();
    expect(zh).toMatch(/审计链完整：已校验 [\d,]+ 条记录。/);
    const en = await (await get('/audit/verify', 'en')).text();
    expect(en).toMatch(/The audit chain is intact: [\d,]+ records verified\./);
    const [record] = await t.deps.audit.list({ action: 'audit.verify', limit: 1 });
    expect(record).toMatchObject({ actor: 'aud', outcome: 'success' });
  });

  it('names the first altered record when someone rewrites history behind the console', async () => {
    // Only a DBA could do this: drop the append-only trigger and change a record.
    await sql`drop trigger audit_log_no_update`.execute(t.store.db);
    await sql`update audit_log set actor = 'someone-else' where seq = 5`.execute(t.store.db);
    const page = await (await get('/audit/verify', 'en')).text();
    expect(page).toContain('The audit chain is broken at record 5: the record has been changed.');
  });

  it('refuses roles without audit:read', async () => {
    for (const [name, role] of [
      ['sys9', 'system-admin'],
      ['sec9', 'security-admin'],
      ['ops9', 'cloud-operator'],
    ] as const) {
      const s = await t.signIn(name, [role]);
      for (const path of ['/audit', '/audit/verify', '/audit/export.csv']) {
        expect((await t.request(path, { cookie: s.cookie })).status).toBe(403);
      }
    }
  });
});
