import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../core/csv.ts';
import { backends, postgresAvailable } from '../store/testing.ts';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';
import {
  fingerprintOf,
  generateRoot,
  observation,
  personalObservation,
  rsaObservation,
  seedAgent,
} from './fixtures.ts';

const pgUp = await postgresAvailable();
const hefei = '340100-001';
const wuhu = '340200-001';
const day = 86_400_000;
const personalName = '张三';

describe.each(backends)('certificate API on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  let operator: string;
  let viewer: string;
  let departmentUser: string;
  const personal = personalObservation({ department: hefei });

  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open });
    operator = await t.tokenFor('network-operator');
    viewer = await t.tokenFor('viewer');
    departmentUser = await t.tokenFor('department-user', hefei);
    await seedAgent(t.store.db, 'agent-hf', hefei);
    await seedAgent(t.store.db, 'agent-wh', wuhu);
    const now = t.clock.now().getTime();
    const at = (ms: number) => new Date(now + ms).toISOString();
    await t.deps.uow.inTransaction(async () => {
      await t.deps.certificates.recordObservations('agent-hf', [
        observation('a-expired.hf.gov.cn', { notAfter: at(-1) }),
        observation('b-now.hf.gov.cn', { notAfter: at(0) }),
        rsaObservation('c-7d.hf.gov.cn', { notAfter: at(7 * day), chainVerified: false, chainProblems: ['untrusted'] }),
        observation('f-valid.hf.gov.cn', { notAfter: at(30 * day + 1) }),
        observation('=HYPERLINK("http://evil")', { notAfter: at(60 * day) }),
        personal,
      ]);
      await t.deps.certificates.recordObservations('agent-wh', [
        rsaObservation('d-30d.wh.gov.cn', { notAfter: at(7 * day + 1) }),
        observation('e-30d.wh.gov.cn', {
          notAfter: at(30 * day),
          keyAlgorithm: 'ec',
          curve: 'prime256v1',
          signatureAlgorithm: 'ecdsa-with-SHA256',
        }),
        rsaObservation('Wuhu RSA CA', { isCa: true, position: 1, notAfter: at(365 * day) }),
      ]);
    });
  });
  afterAll(async () => {
    if (enabled) await t.dispose();
  });

  const get = async (path: string, token = operator) => {
    const res = await t.request(path, { token });
    return {
      status: res.status,
      body: res.headers.get('content-type')?.includes('json') ? await json(res) : await res.text(),
    };
  };
  const names = (body: any) => body.items.map((c: any) => c.commonName ?? (c.personal ? 'personal' : null));

  it.runIf(enabled)('lists the inventory with its total, sorted by expiry by default', async () => {
    const { status, body } = await get('/api/v1/certificates');
    expect(status).toBe(200);
    expect(body.total).toBe(9);
    expect(names(body)).toEqual([
      'a-expired.hf.gov.cn',
      'b-now.hf.gov.cn',
      'c-7d.hf.gov.cn',
      'd-30d.wh.gov.cn',
      'e-30d.wh.gov.cn',
      'f-valid.hf.gov.cn',
      '=HYPERLINK("http://evil")',
      'personal',
      'Wuhu RSA CA',
    ]);
    expect(body.items[2]).toMatchObject({
      fingerprint: fingerprintOf('c-7d.hf.gov.cn'),
      family: 'rsa',
      window: '7d',
      department: hefei,
      departmentName: expect.any(String),
      chainVerified: false,
      chainProblems: ['untrusted'],
      sans: ['c-7d.hf.gov.cn'],
      personal: false,
    });
  });

  it.runIf(enabled)('puts certificates in windows at their exact edges, and moves them with the clock', async () => {
    const window = async (w: string) => names((await get(`/api/v1/certificates?window=${w}`)).body);
    expect(await window('expired')).toEqual(['a-expired.hf.gov.cn']);
    // notAfter itself is still valid; exactly 7 days left is still "7d", exactly 30 still "30d".
    expect(await window('7d')).toEqual(['b-now.hf.gov.cn', 'c-7d.hf.gov.cn']);
    expect(await window('30d')).toEqual(['d-30d.wh.gov.cn', 'e-30d.wh.gov.cn']);
    expect(await window('valid')).toEqual([
      'f-valid.hf.gov.cn',
      '=HYPERLINK("http://evil")',
      'personal',
      'Wuhu RSA CA',
    ]);
    t.clock.advance(1);
    try {
      expect(await window('expired')).toEqual(['a-expired.hf.gov.cn', 'b-now.hf.gov.cn']);
      expect(await window('7d')).toEqual(['c-7d.hf.gov.cn', 'd-30d.wh.gov.cn']);
      expect(await window('30d')).toEqual(['e-30d.wh.gov.cn', 'f-valid.hf.gov.cn']);
      const summary = (await get('/api/v1/certificates/summary')).body;
      expect(summary.windows).toEqual({ expired: 2, '7d': 2, '30d': 2, valid: 3 });
      const metrics = await (await t.request('/metrics')).text();
      expect(metrics).toContain('govops_certificates{window="expired",family="sm2"} 2');
      expect(metrics).toContain('govops_certificates{window="7d",family="rsa"} 2');
      expect(metrics).toContain('govops_certificates{window="30d",family="ecdsa"} 1');
      expect(metrics).toContain('govops_certificates{window="30d",family="sm2"} 1');
      expect(metrics).toContain('govops_certificates{window="valid",family="rsa"} 1');
      expect(metrics).toContain('govops_certificates{window="valid",family="other"} 0');
    } finally {
      t.clock.advance(-1);
    }
  });

  it.runIf(enabled)('filters by family, holder, chain, department and text; sorts and pages', async () => {
    const list = async (query: string) => names((await get(`/api/v1/certificates?${query}`)).body);
    expect(await list('family=ecdsa')).toEqual(['e-30d.wh.gov.cn']);
    expect(await list('holder=personal')).toEqual(['personal']);
    expect(await list('chain=problems')).toEqual(['c-7d.hf.gov.cn']);
    expect((await list('chain=verified')).length).toBe(8);
    expect(await list(`department=${wuhu}&family=rsa`)).toEqual(['d-30d.wh.gov.cn', 'Wuhu RSA CA']);
    expect(await list('q=D-30D')).toEqual(['d-30d.wh.gov.cn']);
    expect(await list('q=Anhui%20Extranet%20SM2')).toHaveLength(6);
    const serial = rsaObservation('c-7d.hf.gov.cn').serial;
    expect(await list(`q=${serial.slice(2, 10).toLowerCase()}`)).toEqual(['c-7d.hf.gov.cn']);
    expect(await list('sort=cn&order=desc&limit=2')).toEqual(['Wuhu RSA CA', 'f-valid.hf.gov.cn']);
    const page = (await get('/api/v1/certificates?sort=algorithm&limit=3&offset=3')).body;
    expect(page.total).toBe(9);
    expect(page.items.map((c: any) => c.family)).toEqual(['rsa', 'sm2', 'sm2']);
  });

  it.runIf(enabled)('refuses bad input naming the field', async () => {
    const bad = await get('/api/v1/certificates?window=60d&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: any) => f.field).sort()).toEqual(['limit', 'window']);
    const badFingerprint = await get('/api/v1/certificates/not-a-fingerprint');
    expect(badFingerprint.status).toBe(400);
    expect(badFingerprint.body.error.fields[0].field).toBe('fingerprint');
    const unknown = await get(`/api/v1/certificates/${fingerprintOf('nobody')}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('certificate_not_found');
  });

  it.runIf(enabled)('shows one certificate with where each agent saw it', async () => {
    await t.deps.uow.inTransaction(() =>
      t.deps.certificates.recordObservations('agent-wh', [
        rsaObservation('c-7d.hf.gov.cn', {
          sourceId: 'files-proxy',
          location: '/etc/haproxy/c7d.pem',
          notAfter: new Date(t.clock.now().getTime() + 7 * day).toISOString(),
          observedAt: '2026-11-21T07:10:00Z',
        }),
      ]),
    );
    const { status, body } = await get(`/api/v1/certificates/${fingerprintOf('c-7d.hf.gov.cn')}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ commonName: 'c-7d.hf.gov.cn', subject: 'CN=c-7d.hf.gov.cn,O=合肥市人民政府,C=CN' });
    // The later sighting verified its chain: that is the certificate's verdict now.
    expect(body).toMatchObject({ chainVerified: true, chainProblems: [] });
    expect(body.sightings).toEqual([
      {
        agentId: 'agent-wh',
        agentName: 'agent agent-wh',
        sourceId: 'files-proxy',
        location: '/etc/haproxy/c7d.pem',
        position: 0,
        chainVerified: true,
        chainProblems: [],
        lastSeenAt: '2026-11-21T07:10:00.000Z',
      },
      {
        agentId: 'agent-hf',
        agentName: 'agent agent-hf',
        sourceId: 'tls-oa',
        location: 'tls://c-7d.hf.gov.cn:443',
        position: 0,
        chainVerified: false,
        chainProblems: ['untrusted'],
        lastSeenAt: '2026-11-21T07:00:00.000Z',
      },
    ]);
    expect(body.ra).toBeNull();
  });

  it.runIf(enabled)('never shows a personal certificate’s subject: list, detail, export, metrics', async () => {
    const list = (await get('/api/v1/certificates?holder=personal')).body;
    expect(list.items[0]).toMatchObject({ personal: true, subject: null, commonName: null, sans: [] });
    const detail = (await get(`/api/v1/certificates/${personal.fingerprintSha256}`)).body;
    expect(detail).toMatchObject({ personal: true, subject: null, commonName: null });
    const exported = (await get('/api/v1/certificates/export')).body as string;
    const [header, ...rows] = parseCsv(exported);
    const row = rows.find((r) => r[0] === personal.fingerprintSha256)!;
    expect(row[header!.indexOf('subject')]).toBe('');
    expect(row[header!.indexOf('common_name')]).toBe('');
    expect(row[header!.indexOf('personal')]).toBe('yes');
    const metrics = await (await t.request('/metrics')).text();
    for (const text of [JSON.stringify(list), JSON.stringify(detail), exported, metrics]) {
      expect(text).not.toContain(personalName);
      expect(text).not.toContain('personal-zhang-san');
    }
    expect(metrics).not.toMatch(/govops_certificates\{[^}]*(serial|fingerprint|subject|department)/);
  });

  it.runIf(enabled)('exports the filtered list as formula-safe CSV, and audits the export', async () => {
    const res = await t.request(`/api/v1/certificates/export?department=${hefei}&sort=cn`, { token: viewer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith('fingerprint_sha256,common_name,subject,issuer,serial,')).toBe(true);
    const rows = parseCsv(text).slice(1);
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r[16] === hefei)).toBe(true);
    // A CN that a spreadsheet would run as a formula is written with an apostrophe.
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    const [record] = await t.deps.audit.list({ action: 'certificate.export', limit: 1 });
    expect(record).toMatchObject({ outcome: 'success', role: 'viewer' });
  });

  it.runIf(enabled)('confines a department user to their department', async () => {
    const own = (await get('/api/v1/certificates?limit=500', departmentUser)).body;
    expect(own.total).toBe(6);
    expect(own.items.every((c: any) => c.department === hefei)).toBe(true);
    const other = await get(`/api/v1/certificates/${fingerprintOf('d-30d.wh.gov.cn')}`, departmentUser);
    expect(other.status).toBe(404);
    expect((await get(`/api/v1/certificates?department=${wuhu}`, departmentUser)).status).toBe(403);
    const exported = (await get('/api/v1/certificates/export', departmentUser)).body as string;
    expect(exported).not.toContain('wh.gov.cn');
    const summary = (await get('/api/v1/certificates/summary', departmentUser)).body;
    expect(summary.departments.map((d: any) => d.department)).toEqual([hefei]);
    expect(summary.total).toBe(6);
  });

  it.runIf(enabled)(
    'imports the RA list (Chinese headers) and sets it beside the inventory in the summary',
    async () => {
      const seenSerial = observation('a-expired.hf.gov.cn').serial;
      const ra = [
        '序列号,证书名称,部门代码,持有者类型,算法,生效日期,失效日期,状态',
        `${seenSerial.toLowerCase()},a-expired.hf.gov.cn,${hefei},服务器,SM2,2025-03-01,2026-03-01,正常`,
        `AA01,${personalName},${hefei},个人,SM2,2025-03-01,2027-03-01,正常`,
        `AA02,oa.hf.gov.cn,${hefei},设备,RSA,2025-03-01,2027-03-01,正常`,
        `AA03,old.hf.gov.cn,${hefei},设备,RSA,2024-03-01,2026-03-01,已吊销`,
        `AA04,mail.wh.gov.cn,${wuhu},服务器,ECDSA,2025-03-01,2027-03-01,正常`,
      ].join('\n');
      const res = await t.request('/api/v1/certificates/ra-import', {
        method: 'POST',
        token: operator,
        headers: { 'content-type': 'text/csv' },
        body: ra,
      });
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ imported: 5, created: 5, updated: 0 });
      const stored = await t.store.db.selectFrom('ra_certificates').selectAll().orderBy('serial').execute();
      expect(stored.find((r) => r.serial === 'AA01')).toMatchObject({ common_name: null, holder_kind: 'personal' });
      expect(JSON.stringify(stored)).not.toContain(personalName);

      const summary = (await get('/api/v1/certificates/summary')).body;
      const hf = summary.departments.find((d: any) => d.department === hefei);
      // Agents: a, b, f, the "=HYPERLINK" one and the personal one on SM2, c on RSA.
      expect(hf.inventory).toMatchObject({ total: 6, byFamily: { sm2: 5, rsa: 1, ecdsa: 0, other: 0 } });
      expect(hf.inventory.sm2Share).toBeCloseTo(5 / 6);
      // RA: three issued (two SM2), one revoked; the serial agents saw matches despite its case.
      expect(hf.ra).toMatchObject({ total: 3, seen: 1, revoked: 1, byFamily: { sm2: 2, rsa: 1 } });
      expect(hf.ra.sm2Share).toBeCloseTo(2 / 3);
      const wh = summary.departments.find((d: any) => d.department === wuhu);
      // The CA is shared infrastructure, not the department's: left out of its mix.
      expect(wh.inventory).toMatchObject({ total: 2, sm2Share: 0, byFamily: { rsa: 1, ecdsa: 1 } });
      expect(wh.ra).toMatchObject({ total: 1, seen: 0, sm2Share: 0 });
      expect(summary.inventory).toMatchObject({ total: 8 });
      expect(summary.ra).toMatchObject({ total: 4, seen: 1, revoked: 1 });
      expect(summary.ra.sm2Share).toBeCloseTo(2 / 4);

      const detail = (await get(`/api/v1/certificates/${fingerprintOf('a-expired.hf.gov.cn')}`)).body;
      expect(detail.ra).toMatchObject({ status: 'issued', holderKind: 'server', department: hefei, family: 'sm2' });

      const again = await t.request('/api/v1/certificates/ra-import', {
        method: 'POST',
        token: operator,
        headers: { 'content-type': 'text/csv' },
        body: ra,
      });
      expect(await json(again)).toEqual({ imported: 5, created: 0, updated: 5 });
      const [record] = await t.deps.audit.list({ action: 'ra_certificates.import', limit: 1 });
      expect(record).toMatchObject({ outcome: 'success', role: 'network-operator' });
    },
  );

  it.runIf(enabled)('refuses an RA file with a bad line, naming line and field, and writes nothing', async () => {
    const before = await t.store.db.selectFrom('ra_certificates').selectAll().orderBy('serial').execute();
    const res = await t.request('/api/v1/certificates/ra-import', {
      method: 'POST',
      token: operator,
      headers: { 'content-type': 'text/csv', 'accept-language': 'en' },
      body: [
        'serial,common name,department code,holder kind,algorithm,not before,not after,status',
        `BB01,new.hf.gov.cn,${hefei},server,SM2,2025-03-01,2027-03-01,issued`,
        `BB02,bad.hf.gov.cn,${hefei},server,SM2,2025-03-01,2027-02-30,issued`,
      ].join('\n'),
    });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('ra_import_has_errors');
    expect(body.error.fields).toEqual([
      {
        field: 'line 3: not_after',
        rule: 'invalid_date',
        message: 'is not a date (e.g. 2025-03-01 or 2025-03-01 08:00:00)',
      },
    ]);
    expect(await t.store.db.selectFrom('ra_certificates').selectAll().orderBy('serial').execute()).toEqual(before);
    const [record] = await t.deps.audit.list({ action: 'ra_certificates.import', limit: 1 });
    expect(record).toMatchObject({ outcome: 'failure' });
  });

  it.runIf(enabled)('adds an SM2 trust anchor, refuses it twice, and removes it (audited)', async () => {
    const pem = generateRoot('sm2', 'Anhui Extranet SM2 Root');
    const post = (body: unknown) =>
      t.request('/api/v1/trust-anchors', { method: 'POST', token: operator, body: JSON.stringify(body) });
    const added = await post({ pem });
    expect(added.status).toBe(201);
    const anchor = await json(added);
    expect(anchor).toMatchObject({
      name: 'Anhui Extranet SM2 Root',
      subject: 'CN=Anhui Extranet SM2 Root,O=Anhui Extranet,C=CN',
      family: 'sm2',
      isCa: true,
      addedBy: expect.stringContaining('test network-operator'),
    });
    expect(anchor.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const twice = await post({ name: 'again', pem });
    expect(twice.status).toBe(409);
    expect((await json(twice)).error).toMatchObject({ code: 'trust_anchor_exists' });
    const garbage = await post({ pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' });
    expect(garbage.status).toBe(400);
    expect((await json(garbage)).error.fields).toMatchObject([{ field: 'pem', rule: 'invalid_certificate' }]);
    const two = await post({ pem: `${pem}\n${generateRoot('rsa', 'Other')}` });
    expect((await json(two)).error.fields).toMatchObject([{ field: 'pem', rule: 'single_certificate' }]);

    const listed = (await get('/api/v1/trust-anchors', departmentUser)).body;
    expect(listed.items.map((a: any) => a.fingerprint)).toEqual([anchor.fingerprint]);

    const removed = await t.request(`/api/v1/trust-anchors/${anchor.fingerprint}`, {
      method: 'DELETE',
      token: operator,
    });
    expect(removed.status).toBe(204);
    const gone = await t.request(`/api/v1/trust-anchors/${anchor.fingerprint}`, { method: 'DELETE', token: operator });
    expect(gone.status).toBe(404);
    const actions = (await t.deps.audit.list({ limit: 20 })).map((r) => `${r.action} ${r.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining(['trust_anchor.add success', 'trust_anchor.add failure', 'trust_anchor.remove success']),
    );
  });
});
