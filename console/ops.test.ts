import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, type TestConsole, testConsole } from './testing/harness.ts';
import { latestSchemaVersion } from './store/migrate.ts';

describe('operational endpoints', () => {
  let t: TestConsole;
  beforeAll(async () => {
    t = await testConsole();
  });
  afterAll(() => t.dispose());

  it('answers /healthz and /readyz with the schema version', async () => {
    expect((await t.request('/healthz')).status).toBe(200);
    const ready = await t.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await json(ready)).toMatchObject({ status: 'ready', schema: latestSchemaVersion });
  });

  it('labels request durations by route template, never by raw path or id', async () => {
    const token = await t.tokenFor('viewer');
    await t.request('/api/v1/departments/340100-001', { token });
    await t.request('/api/v1/departments/340100-002', { token });
    await t.request('/api/v1/no-such-thing', { token });
    const text = await (await t.request('/metrics')).text();
    expect(text).toMatch(
      /govops_http_request_duration_seconds_count\{route="\/api\/v1\/departments\/:code",method="GET",status_class="2xx"\} 2/,
    );
    expect(text).toMatch(/route="unmatched",method="GET",status_class="4xx"/);
    expect(text).not.toContain('340100-001');
    expect(text).toContain('govops_process_cpu_seconds_total');
  });

  it('describes every /api/v1 route in the OpenAPI document', async () => {
    const spec = await json(await t.request('/api/openapi.json'));
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/departments', '/api/v1/audit/verify', '/api/v1/tokens/{id}']),
    );
  });

  it('reports not ready (503) when the store is gone', async () => {
    const other = await testConsole({ demo: false });
    await other.store.db.destroy();
    const res = await other.request('/readyz');
    expect(res.status).toBe(503);
    await other.dispose();
  });
});
