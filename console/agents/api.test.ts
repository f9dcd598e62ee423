import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, postgresAvailable } from '../store/testing.ts';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';
import { assignLink, batch, enrolledAgent, observation } from './testing.ts';

const pgUp = await postgresAvailable();
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const hefei = '340100-001';
const wuhu = '340200-001';

describe.each(backends)('agents API on $name', ({ name, open }) => {
  const enabled = name === 'sqlite' || pgUp;
  let t: TestConsole;
  let operator: string;
  let viewer: string;
  let hefeiUser: string;
  beforeAll(async () => {
    if (!enabled) return;
    t = await testConsole({ store: open });
    operator = await t.tokenFor('network-operator');
    viewer = await t.tokenFor('viewer');
    hefeiUser = await t.tokenFor('department-user', hefei);
  });
  afterAll(async () => {
    if (enabled) await t.dispose();
  });

  const post = (path: string, body: unknown, token?: string) =>
    t.request(path, { method: 'POST', token, body: body === undefined ? undefined : JSON.stringify(body) });
  const report = (credential: string, body: unknown) => post('/api/v1/agents/reports', body, credential);
  const agentRow = (id: string) =>
    t.deps.uow.root.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const batchesOf = async (agentId: string) =>
    (await t.deps.uow.root.selectFrom('report_batches').selectAll().where('agent_id', '=', agentId).execute()).length;
  const metric = async (text: string) => {
    const all = await t.deps.registry.metrics();
    return Number(
      all
        .split('\n')
        .find((l) => l.startsWith(text))
        ?.split(' ')[1] ?? 'NaN',
    );
  };

  it.runIf(enabled)('creates an agent with a one-time token, kept only as a hash, and enrols it', async () => {
    const created = await post(
      '/api/v1/agents',
      { name: '合肥-探针01', site: 'prod-hefei', department: hefei },
      operator,
    );
    expect(created.status).toBe(201);
    const { agent, enrolment } = await json(created);
    expect(agent).toMatchObject({
      name: '合肥-探针01',
      site: 'prod-hefei',
      department: hefei,
      status: 'pending',
      enrolmentExpired: false,
      enrolmentExpiresAt: '2026-11-22T08:00:00.000Z',
      links: 0,
      certSources: [],
    });
    expect(enrolment.token).toMatch(/^gve_[A-Za-z0-9_-]{43}$/);
    expect(enrolment.expiresAt).toBe('2026-11-22T08:00:00.000Z');
    const stored = await agentRow(agent.id);
    expect(stored.enrol_token_hash).toBe(sha256(enrolment.token));
    expect(JSON.stringify(stored)).not.toContain(enrolment.token);
    // Shown once: reading the agent again never gives the token.
    const again = await t.request(`/api/v1/agents/${agent.id}`, { token: operator });
    expect(await again.text()).not.toContain(enrolment.token);

    const enrolled = await post('/api/v1/agents/enrol', {
      token: enrolment.token,
      hostname: 'probe01.hf.gov',
      version: '1.0.0',
    });
    expect(enrolled.status).toBe(201);
    const { agentId, credential } = await json(enrolled);
    expect(agentId).toBe(agent.id);
    expect(credential).toMatch(/^gva_[A-Za-z0-9_-]{43}$/);
    const active = await agentRow(agent.id);
    expect(active).toMatchObject({
      status: 'active',
      credential_hash: sha256(credential),
      hostname: 'probe01.hf.gov',
      version: '1.0.0',
    });
    expect(JSON.stringify(active)).not.toContain(credential);
    expect(await t.deps.agents.authenticate(credential)).toMatchObject({ id: agent.id, name: '合肥-探针01' });
    expect(await t.deps.agents.authenticate(`gva_${'x'.repeat(43)}`)).toBeNull();

    const trail = await t.deps.audit.list({ limit: 20 });
    const enrolRecord = trail.find((r) => r.action === 'agent.enrol' && r.outcome === 'success');
    expect(enrolRecord).toMatchObject({ actor: 'agent:合肥-探针01', role: 'agent', target: `agent:${agent.id}` });
    const createRecord = trail.find((r) => r.action === 'agent.create');
    expect(createRecord).toMatchObject({ outcome: 'success', target: `agent:${agent.id}` });
    for (const r of trail) expect(JSON.stringify(r)).not.toMatch(/gv[ae]_[A-Za-z0-9_-]{20}/);
  });

  it.runIf(enabled)('refuses enrolment with an unknown, used, expired or revoked token, each said so', async () => {
    const enrol = (token: string, extra: Record<string, unknown> = {}) =>
      post('/api/v1/agents/enrol', { token, hostname: 'h', version: '1', ...extra });
    const code = async (res: Response) => [res.status, (await json(res)).error.code];

    expect(await code(await enrol(`gve_${'A'.repeat(43)}`))).toEqual([401, 'enrol_token_unknown']);

    const used = await enrolledAgent(t, operator, { name: 'used-token' });
    expect(await code(await enrol(used.token))).toEqual([401, 'enrol_token_used']);

    const waiting = await json(await post('/api/v1/agents', { name: 'expiring' }, operator));
    t.clock.advance(24 * 60 * 60 * 1000 + 1000);
    const expired = await enrol(waiting.enrolment.token);
    expect(expired.status).toBe(401);
    const body = await json(expired);
    expect(body.error.code).toBe('enrol_token_expired');
    expect(body.error.message).toContain(waiting.enrolment.expiresAt);
    const listed = await json(await t.request(`/api/v1/agents/${waiting.agent.id}`, { token: operator }));
    expect(listed).toMatchObject({ status: 'pending', enrolmentExpired: true });

    const doomed = await json(await post('/api/v1/agents', { name: 'revoked-before-enrolment' }, operator));
    expect((await post(`/api/v1/agents/${doomed.agent.id}/revoke`, undefined, operator)).status).toBe(200);
    expect(await code(await enrol(doomed.enrolment.token))).toEqual([401, 'enrol_token_unknown']);

    const invalid = await post('/api/v1/agents/enrol', { token: 'short', version: '1' });
    expect(invalid.status).toBe(400);
    expect((await json(invalid)).error.fields.map((f: any) => f.field).sort()).toEqual(['hostname', 'token']);

    const denied = await t.deps.audit.list({ action: 'agent.enrol', outcome: 'denied', limit: 50 });
    expect(denied.length).toBeGreaterThanOrEqual(4);
  });

  it.runIf(enabled)('answers 409 for a taken name, 404 for an unknown agent, 400 for an unknown site', async () => {
    await post('/api/v1/agents', { name: 'twice' }, operator);
    const dup = await post('/api/v1/agents', { name: 'twice' }, operator);
    expect(dup.status).toBe(409);
    expect((await json(dup)).error.code).toBe('agent_name_taken');

    for (const [method, path] of [
      ['GET', `/api/v1/agents/${randomUUID()}`],
      ['POST', `/api/v1/agents/${randomUUID()}/revoke`],
      ['POST', `/api/v1/agents/${randomUUID()}/enrolment-token`],
    ] as const) {
      const res = await t.request(path, { method, token: operator });
      expect(res.status, path).toBe(404);
      expect((await json(res)).error.code).toBe('agent_not_found');
    }

    const bad = await post('/api/v1/agents', { name: 'nowhere', site: 'mars-1', department: 'NOPE' }, operator);
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.fields).toEqual([
      expect.objectContaining({ field: 'site', rule: 'unknown_site' }),
      expect.objectContaining({ field: 'department', rule: 'unknown_department' }),
    ]);
  });

  it.runIf(enabled)('stops a revoked credential at once, and re-enrols with a reissued token', async () => {
    const agent = await enrolledAgent(t, operator, { name: 'to-revoke' });
    expect((await t.request('/api/v1/agents/self/config', { token: agent.credential })).status).toBe(200);
    const busy = await post(`/api/v1/agents/${agent.id}/enrolment-token`, undefined, operator);
    expect(busy.status).toBe(409);
    expect((await json(busy)).error.code).toBe('agent_active');

    const revoked = await post(`/api/v1/agents/${agent.id}/revoke`, undefined, operator);
    expect(revoked.status).toBe(200);
    expect(await json(revoked)).toMatchObject({ status: 'revoked', revokedBy: expect.stringMatching(/^token:/) });
    const refused = await t.request('/api/v1/agents/self/config', { token: agent.credential });
    expect(refused.status).toBe(401);
    expect((await json(refused)).error.code).toBe('agent_credential_invalid');
    expect((await report(agent.credential, batch([]))).status).toBe(401);

    const reissued = await post(`/api/v1/agents/${agent.id}/enrolment-token`, undefined, operator);
    expect(reissued.status).toBe(200);
    const { agent: pending, enrolment } = await json(reissued);
    expect(pending.status).toBe('pending');
    expect(enrolment.token).not.toBe(agent.token);
    const again = await post('/api/v1/agents/enrol', { token: enrolment.token, hostname: 'rebuilt', version: '1.1.0' });
    expect(again.status).toBe(201);
    const { credential } = await json(again);
    expect((await t.request('/api/v1/agents/self/config', { token: credential })).status).toBe(200);
    expect((await t.request('/api/v1/agents/self/config', { token: agent.credential })).status).toBe(401);
  });

  it.runIf(enabled)('counts a configuration poll as being heard from, so an idle agent is not silent', async () => {
    const agent = await enrolledAgent(t, operator, { name: 'idle-agent' });
    const lastSeen = async () =>
      (await json(await t.request(`/api/v1/agents/${agent.id}`, { token: operator }))).lastSeenAt;
    const enrolledAt = await lastSeen();
    t.clock.advance(10 * 60_000);
    const polledAt = t.clock.now().toISOString();
    expect((await t.request('/api/v1/agents/self/config', { token: agent.credential })).status).toBe(200);
    expect(await lastSeen()).toBe(polledAt);
    expect(polledAt > enrolledAt).toBe(true);
    // A poll again within half a minute writes nothing new.
    t.clock.advance(10_000);
    expect((await t.request('/api/v1/agents/self/config', { token: agent.credential })).status).toBe(200);
    expect(await lastSeen()).toBe(polledAt);
  });

  it.runIf(enabled)('serves the configuration with an ETag; 304 until a link, source or anchor changes', async () => {
    const agent = await enrolledAgent(t, operator, { name: 'config-agent' });
    const get = (etag?: string) =>
      t.request('/api/v1/agents/self/config', {
        token: agent.credential,
        headers: etag ? { 'if-none-match': etag } : {},
      });
    const first = await get();
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    const doc = await json(first);
    expect(doc).toEqual({
      revision: expect.any(String),
      targets: [],
      certSources: [],
      trustAnchorsPem: [],
      certScanSeconds: 3600,
    });
    expect(etag).toBe(`"${doc.revision}"`);
    expect((await get(etag)).status).toBe(304);
    expect((await get(`W/${etag}`)).status).toBe(304);

    await assignLink(t, agent.id, 'HF-CFG-001', { kind: 'tcp', host: '10.1.2.3', port: 443, intervalSeconds: 60 });
    await assignLink(t, null, 'HF-CFG-OTHER');
    const changed = await get(etag);
    expect(changed.status).toBe(200);
    const withLink = await json(changed);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(withLink.targets).toEqual([
      { id: 'HF-CFG-001', kind: 'tcp', host: '10.1.2.3', port: 443, intervalSeconds: 60, packets: 10, timeoutMs: 1000 },
    ]);

    const put = await t.request(`/api/v1/agents/${agent.id}/cert-sources`, {
      method: 'PUT',
      token: operator,
      body: JSON.stringify([
        { kind: 'tls', id: 'portal', host: 'portal.ah.gov.cn' },
        { kind: 'files', id: 'ra-certs', paths: ['/etc/pki/ra'], personal: true, department: hefei },
      ]),
    });
    expect(put.status).toBe(200);
    expect((await json(put)).certSources.map((s: any) => s.id)).toEqual(['portal', 'ra-certs']);
    const withSources = await json(await get(changed.headers.get('etag')!));
    expect(withSources.certSources).toEqual([
      { kind: 'tls', id: 'portal', host: 'portal.ah.gov.cn', port: 443, personal: false },
      { kind: 'files', id: 'ra-certs', paths: ['/etc/pki/ra'], personal: true, department: hefei },
    ]);

    await t.deps.uow.root
      .insertInto('trust_anchors')
      .values({
        fingerprint: 'ab'.repeat(32),
        name: 'SM2 root',
        pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        added_at: '2026-11-21T08:00:00Z',
        added_by: 'test',
      })
      .execute();
    const withAnchor = await json(await get(`"${withSources.revision}"`));
    expect(withAnchor.trustAnchorsPem).toHaveLength(1);
    expect(withAnchor.revision).not.toBe(withSources.revision);
  });

  it.runIf(enabled)(
    'refuses certificate sources that break the contract or repeat an id, naming the field',
    async () => {
      const agent = await enrolledAgent(t, operator, { name: 'bad-sources' });
      const put = (body: unknown) =>
        t.request(`/api/v1/agents/${agent.id}/cert-sources`, {
          method: 'PUT',
          token: operator,
          body: JSON.stringify(body),
        });
      const bad = await put([{ kind: 'tls', id: 'x', host: 'a.gov', port: 70000 }]);
      expect(bad.status).toBe(400);
      expect((await json(bad)).error.fields[0].field).toBe('0.port');
      const twice = await put([
        { kind: 'tls', id: 'x', host: 'a.gov' },
        { kind: 'tls', id: 'x', host: 'b.gov' },
      ]);
      expect(twice.status).toBe(400);
      expect((await json(twice)).error.fields[0]).toMatchObject({ field: '1.id', rule: 'duplicate_id' });
    },
  );

  it.runIf(enabled)('stores a batch once: a replay is acknowledged as a duplicate and stores nothing', async () => {
    const agent = await enrolledAgent(t, operator, { name: 'reporter' });
    await assignLink(t, agent.id, 'HF-RPT-001');
    await assignLink(t, agent.id, 'HF-RPT-002');
    const before = await t.deps.audit.list({ limit: 1 });
    const stored0 = await metric('govops_agent_reports_total{outcome="stored"}');
    const rounds0 = await metric('govops_agent_report_rounds_total');
    const one = { ...batch(['HF-RPT-001', 'HF-RPT-002']), certificates: [observation('portal', 'c'.repeat(64))] };

    const first = await report(agent.credential, one);
    expect(first.status).toBe(200);
    expect(await json(first)).toEqual({ batchId: one.batchId, duplicate: false, rounds: 2, certificates: 1 });
    const seen = await agentRow(agent.id);
    expect(seen).toMatchObject({
      last_seen_at: t.clock.now().toISOString(),
      version: '1.2.3',
      config_revision: 'rev-1',
      spool_records: 7,
      spool_bytes: 4096,
      dropped_total: 2,
    });

    t.clock.advance(30_000);
    const replay = await report(agent.credential, { ...one, spool: { records: 0, bytes: 0, droppedTotal: 9 } });
    expect(replay.status).toBe(200);
    expect(await json(replay)).toEqual({ batchId: one.batchId, duplicate: true, rounds: 0, certificates: 0 });
    expect(await batchesOf(agent.id)).toBe(1);
    expect(await agentRow(agent.id)).toEqual(seen);
    expect(
      await t.deps.uow.root.selectFrom('report_batches').selectAll().where('batch_id', '=', one.batchId).execute(),
    ).toEqual([
      { batch_id: one.batchId, agent_id: agent.id, received_at: seen.last_seen_at, rounds: 2, certificates: 1 },
    ]);
    const sightings = await t.deps.uow.root
      .selectFrom('certificate_sightings')
      .selectAll()
      .where('agent_id', '=', agent.id)
      .execute();
    expect(sightings).toHaveLength(1);
    const rounds = await t.deps.uow.root
      .selectFrom('link_rounds')
      .selectAll()
      .where('agent_id', '=', agent.id)
      .execute();
    expect(rounds).toHaveLength(2);

    // Measurements are not user actions: no audit record for either.
    expect((await t.deps.audit.list({ limit: 1 }))[0]!.seq).toBe(before[0]!.seq);
    expect(await metric('govops_agent_reports_total{outcome="stored"}')).toBe(stored0 + 1);
    expect(await metric('govops_agent_reports_total{outcome="duplicate"}')).toBeGreaterThanOrEqual(1);
    expect(await metric('govops_agent_report_rounds_total')).toBe(rounds0 + 2);
  });

  it.runIf(enabled)('refuses a batch with a target the agent does not measure, storing nothing', async () => {
    const agent = await enrolledAgent(t, operator, { name: 'trespasser' });
    const other = await enrolledAgent(t, operator, { name: 'neighbour' });
    await assignLink(t, agent.id, 'HF-OWN-001');
    await assignLink(t, other.id, 'WH-NBR-001');
    const before = await agentRow(agent.id);
    const forbidden0 = await metric('govops_agent_reports_total{outcome="forbidden"}');

    const refused = await report(agent.credential, batch(['HF-OWN-001', 'WH-NBR-001', 'NO-SUCH-LINK']));
    expect(refused.status).toBe(403);
    const body = await json(refused);
    expect(body.error.code).toBe('unowned_targets');
    expect(body.error.message).toContain('NO-SUCH-LINK, WH-NBR-001');
    expect(body.error.details).toEqual({ targets: ['NO-SUCH-LINK', 'WH-NBR-001'] });
    expect(await batchesOf(agent.id)).toBe(0);
    expect(await agentRow(agent.id)).toEqual(before);
    const rounds = await t.deps.uow.root
      .selectFrom('link_rounds')
      .selectAll()
      .where('agent_id', '=', agent.id)
      .execute();
    expect(rounds).toEqual([]);
    expect(await metric('govops_agent_reports_total{outcome="forbidden"}')).toBe(forbidden0 + 1);

    // The first refusal in an hour is audited; a misconfigured agent's retries are only logged.
    const audited = () => t.deps.audit.list({ actor: 'agent:trespasser', action: 'agent.report_refused', limit: 10 });
    expect(await audited()).toEqual([
      expect.objectContaining({ outcome: 'denied', role: 'agent', target: `agent:${agent.id}` }),
    ]);
    await report(agent.credential, batch(['WH-NBR-001']));
    expect(await audited()).toHaveLength(1);
    t.clock.advance(61 * 60 * 1000);
    await report(agent.credential, batch(['WH-NBR-001']));
    expect(await audited()).toHaveLength(2);
    expect(t.logger.lines.filter((l) => l.includes('agent report refused: targets')).length).toBeGreaterThanOrEqual(3);
  });

  it.runIf(enabled)('answers 400 naming the field, and 413 for a body over 1 MiB', async () => {
    const agent = await enrolledAgent(t, operator, { name: 'sloppy' });
    await assignLink(t, agent.id, 'HF-BAD-001');
    const invalid0 = await metric('govops_agent_reports_total{outcome="invalid"}');
    const bad = batch(['HF-BAD-001']);
    bad.rounds[0]!.lossRatio = 2;
    const res = await report(agent.credential, { ...bad, batchId: 'not-a-uuid' });
    expect(res.status).toBe(400);
    const fields = (await json(res)).error.fields.map((f: any) => f.field);
    expect(fields.sort()).toEqual(['batchId', 'rounds.0.lossRatio']);
    expect(await metric('govops_agent_reports_total{outcome="invalid"}')).toBe(invalid0 + 1);

    // A round dated an hour ahead of the console (a skewed agent clock) would freeze the link's state.
    const ahead = batch(['HF-BAD-001']);
    ahead.rounds[0]!.startedAt = new Date(t.clock.now().getTime() + 3600_000).toISOString();
    const skewed = await report(agent.credential, ahead);
    expect(skewed.status).toBe(400);
    expect((await json(skewed)).error.fields).toEqual([
      expect.objectContaining({ field: 'rounds.0.startedAt', rule: 'in_future' }),
    ]);
    expect(await metric('govops_agent_reports_total{outcome="invalid"}')).toBe(invalid0 + 2);

    const huge = batch(['HF-BAD-001']);
    const padded = {
      ...huge,
      rounds: Array.from({ length: 1000 }, () => ({ ...huge.rounds[0]!, error: 'x'.repeat(1100) })),
    };
    const tooLarge = await report(agent.credential, padded);
    expect(tooLarge.status).toBe(413);
    expect((await json(tooLarge)).error.code).toBe('payload_too_large');
    expect(await batchesOf(agent.id)).toBe(0);
  });

  it.runIf(enabled)('shows a department user their own department’s agents only; others are 404', async () => {
    const own = await json(await post('/api/v1/agents', { name: 'hf-dept-agent', department: hefei }, operator));
    const foreign = await json(await post('/api/v1/agents', { name: 'wh-dept-agent', department: wuhu }, operator));
    const list = await json(await t.request('/api/v1/agents?limit=500', { token: hefeiUser }));
    expect(list.items.length).toBeGreaterThan(0);
    expect(new Set(list.items.map((a: any) => a.department))).toEqual(new Set([hefei]));
    expect(list.total).toBe(list.items.length);
    // Asking for another department changes nothing: the scope wins.
    const asked = await json(await t.request(`/api/v1/agents?department=${wuhu}`, { token: hefeiUser }));
    expect(asked.items.map((a: any) => a.id)).not.toContain(foreign.agent.id);
    expect((await t.request(`/api/v1/agents/${own.agent.id}`, { token: hefeiUser })).status).toBe(200);
    const hidden = await t.request(`/api/v1/agents/${foreign.agent.id}`, { token: hefeiUser });
    expect(hidden.status).toBe(404);
    expect((await post(`/api/v1/agents/${own.agent.id}/revoke`, undefined, hefeiUser)).status).toBe(403);
    const all = await json(await t.request(`/api/v1/agents?department=${wuhu}`, { token: viewer }));
    expect(all.items.map((a: any) => a.id)).toContain(foreign.agent.id);
  });

  it.runIf(enabled)('filters and sorts the list', async () => {
    const q = async (query: string) =>
      (await json(await t.request(`/api/v1/agents?${query}`, { token: viewer }))).items.map((a: any) => a.name);
    expect(await q('q=PORTER')).toEqual(['reporter']);
    const pending = await q('status=pending&limit=500');
    expect(pending).toContain('twice');
    expect(pending).not.toContain('reporter');
    const bySpool = await q('status=active&sort=spool&order=desc&limit=500');
    expect(bySpool[0]).toBe('reporter');
    const byName = await q('sort=name&limit=500');
    expect(byName).toEqual([...byName].sort());
    const res = await t.request('/api/v1/agents?sort=bogus', { token: viewer });
    expect(res.status).toBe(400);
  });

  it.runIf(enabled)('keeps agents and people apart: neither may call the other’s routes', async () => {
    const agent = await enrolledAgent(t, operator, { name: 'stays-in-lane' });
    for (const path of ['/api/v1/agents', `/api/v1/agents/${agent.id}`, '/api/v1/departments', '/api/v1/capacity']) {
      expect((await t.request(path, { token: agent.credential })).status, path).toBe(401);
    }
    expect((await post('/api/v1/agents', { name: 'by-agent' }, agent.credential)).status).toBe(401);
    expect((await t.request('/api/v1/agents/self/config', { token: operator })).status).toBe(401);
    expect((await report(operator, batch([]))).status).toBe(401);
    const missing = await t.request('/api/v1/agents/self/config');
    expect((await json(missing)).error.code).toBe('agent_credential_required');
  });
});
