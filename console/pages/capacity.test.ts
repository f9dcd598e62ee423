import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCapacityNote } from '../../core/demo-capacity.ts';
import type { Env } from '../http/env.ts';
import { errorPage } from './error-page.ts';
import { onError } from '../http/errors.ts';
import { languageMiddleware } from '../http/lang.ts';
import { principalMiddleware } from '../http/principal.ts';
import { type Session, type TestConsole, testConsole } from '../testing/harness.ts';
import { capacityPage } from './capacity.ts';
import type { SiteReading } from './site-reading.ts';

const Gi = 1024 ** 3;

/** The text of the cell with class `cls` in the table row with id `rowId`. */
function cell(page: string, rowId: string, cls: string): string | undefined {
  const row = page.match(new RegExp(`<tr id="${rowId}">([\\s\\S]*?)</tr>`))?.[1];
  return row
    ?.match(new RegExp(`<td class="${cls}">([\\s\\S]*?)</td>`))?.[1]
    ?.replace(/<[^>]+>/g, '')
    .trim();
}

describe('capacity pages', () => {
  let t: TestConsole;
  let ops: Session;
  let viewer: Session;
  beforeAll(async () => {
    t = await testConsole();
    ops = await t.signIn('ops', ['cloud-operator']);
    viewer = await t.signIn('viewer', ['viewer']);
  });
  afterAll(() => t.dispose());

  const page = async (path: string, s: Session, lang?: string) => {
    const res = await t.visit(path, s, lang);
    return { status: res.status, text: await res.text() };
  };

  it('shows every site with capacity, ratio, ceiling, allocated, free and the demo assumption', async () => {
    const { status, text } = await page('/capacity', ops, 'en');
    expect(status).toBe(200);
    expect(text).toContain(demoCapacityNote);
    // Production first, then the DR sites.
    expect(text.indexOf('id="site-prod-hefei"')).toBeLessThan(text.indexOf('id="site-dr-hefei"'));
    expect(cell(text, 'cap-prod-hefei-cpu-requests', 'ceiling')).toBe('4800 vCPU');
    expect(cell(text, 'cap-prod-hefei-cpu-limits', 'ratio')).toBe('× 4.0');
    expect(cell(text, 'cap-prod-hefei-cpu-limits', 'ceiling')).toBe('19200 vCPU');
    // 96 × 8 + 1,200 × 2 + 1,900 × 0.5 vCPU promised of 4,800: 85.7 %, so the bar is amber.
    expect(cell(text, 'cap-prod-hefei-cpu-requests', 'allocated')).toBe('4118 vCPU');
    expect(cell(text, 'cap-prod-hefei-cpu-requests', 'free')).toBe('682 vCPU');
    expect(text).toMatch(
      /<tr id="cap-prod-hefei-cpu-requests">[\s\S]*?<span class="bar-figure bar-warn">85\.7 %<\/span>/,
    );
    expect(cell(text, 'cap-prod-hefei-storage:ssd-requests', 'capacity')).toBeUndefined(); // capacity spans rows
    expect(text).toMatch(
      /<tr id="cap-prod-hefei-storage:ssd-requests"><th scope="rowgroup" rowspan="1">Storage \(ssd\)<\/th><td rowspan="1" class="capacity">60 TiB<\/td>/,
    );
    // Nothing read from Kubernetes yet: "not read", never a zero.
    expect(cell(text, 'cap-prod-hefei-cpu-requests', 'used')).toBe('not read');
    expect(text).toContain('Used: not read from Kubernetes yet.');
    expect(text).toContain('href="/quotas?site=prod-hefei">3,196 departments hold quota here');
    expect(text).toContain('href="/capacity/prod-hefei/edit"');
    const zh = (await page('/capacity', ops)).text;
    expect(zh).toContain('<h1>云资源容量</h1>');
    expect(zh).toContain('演示假设：生产中心 200 颗 CPU');
    expect(zh).toContain('未读取');
  });

  it('is for capacity readers only; only capacity writers get the edit link', async () => {
    const read = await page('/capacity', viewer, 'en');
    expect(read.status).toBe(200);
    expect(read.text).not.toContain('/edit"');
    expect(read.text).not.toContain('Edit capacity');
    expect((await page('/capacity/prod-hefei/edit', viewer)).status).toBe(403);
    const user = await t.signIn('hf-office', ['department-user'], '340100-001');
    expect((await page('/capacity', user)).status).toBe(403);
    expect((await page('/quotas', user)).text).not.toContain('href="/capacity"'); // not in the navigation
  });

  it('prefills the edit form with canonical quantities and puts a bad one beside its input', async () => {
    const form = (await page('/capacity/prod-hefei/edit', ops, 'en')).text;
    expect(form).toContain('<h1>Capacity of 省政务云主中心</h1>');
    expect(form).toContain('name="version" value="0"');
    expect(form).toMatch(/name="resource-0" value="cpu"[\s\S]*?name="capacity-0" value="4800"/);
    expect(form).toMatch(/name="resource-1" value="memory"[\s\S]*?name="capacity-1" value="8000Gi"/);
    expect(form).toMatch(/name="ratioLimits-0" value="4.0"/);
    const fields = {
      version: '0',
      'resource-0': 'cpu',
      'capacity-0': '4800',
      'ratioRequests-0': '1.0',
      'ratioLimits-0': '20',
      'resource-1': 'memory',
      'capacity-1': '8GG',
      'ratioRequests-1': '1.0',
      'ratioLimits-1': '1.0',
    };
    const res = await t.submit('/capacity/prod-hefei/edit', fields, ops, 'en');
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toMatch(
      /name="capacity-1" value="8GG"[^>]*aria-invalid="true"><p class="field-error" role="alert">is not a Kubernetes quantity/,
    );
    expect(text).toMatch(
      /name="ratioLimits-0" value="20"[^>]*aria-invalid="true"><p class="field-error" role="alert">must be a ratio from 0.1 to 16/,
    );
    expect((await t.deps.capacity.view('prod-hefei')).version).toBe(0);
  });

  it('refuses capacity below what is allocated, naming the resource, and keeps what was typed', async () => {
    const view = await t.deps.capacity.view('dr-remote');
    const fields: Record<string, string> = { version: String(view.version) };
    view.resources.forEach((r, i) => {
      fields[`resource-${i}`] = r.resource;
      fields[`capacity-${i}`] = r.resource === 'memory' ? '100' : r.resource === 'cpu' ? '1600' : '200Ti';
      fields[r.resource === 'cpu' || r.resource === 'memory' ? `ratioRequests-${i}` : `ratio-${i}`] = '1.0';
      if (r.resource === 'cpu' || r.resource === 'memory')
        fields[`ratioLimits-${i}`] = r.resource === 'cpu' ? '4.0' : '1.0';
    });
    const res = await t.submit('/capacity/dr-remote/edit', fields, ops, 'en');
    expect(res.status).toBe(409);
    const text = await res.text();
    expect(text).toContain('Site dr-remote already promises more than that: Memory requests would be short by');
    expect(text).toMatch(/value="100" [^>]*aria-label="Memory Capacity"/);
    const zh = await (await t.submit('/capacity/dr-remote/edit', fields, ops)).text();
    expect(zh).toContain('站点 dr-remote 已分配的超过该容量：内存 请求 将短缺');
    expect((await t.deps.capacity.view('dr-remote')).resources.find((r) => r.resource === 'memory')?.capacity).toBe(
      3200 * Gi,
    );
  });

  it('saves a new storage class, then refuses an edit made on the old version', async () => {
    const view = await t.deps.capacity.view('dr-hefei');
    const fields: Record<string, string> = { version: String(view.version) };
    view.resources.forEach((r, i) => {
      const own = r.resource === 'cpu' || r.resource === 'memory';
      fields[`resource-${i}`] = r.resource;
      fields[`capacity-${i}`] = `${r.capacity}e0`;
      fields[own ? `ratioRequests-${i}` : `ratio-${i}`] = '1.0';
      if (own) fields[`ratioLimits-${i}`] = r.resource === 'cpu' ? '4.0' : '1.0';
    });
    const res = await t.submit(
      '/capacity/dr-hefei/edit',
      { ...fields, newResource: 'nvme', newCapacity: '10Ti', newRatio: '1.0' },
      ops,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/capacity?saved=dr-hefei#site-dr-hefei');
    const saved = (await page('/capacity?saved=dr-hefei', ops, 'en')).text;
    expect(saved).toContain('The capacity of 省政务云同城灾备中心 has been saved.');
    expect(cell(saved, 'cap-dr-hefei-storage:nvme-requests', 'ceiling')).toBe('10 TiB');
    const [record] = await t.deps.audit.list({ action: 'capacity.update', limit: 1 });
    expect(record).toMatchObject({ actor: 'ops', target: 'site:dr-hefei', outcome: 'success' });
    const stale = await t.submit('/capacity/dr-hefei/edit', fields, ops, 'en');
    expect(stale.status).toBe(409);
    expect(await stale.text()).toMatch(
      /capacity was changed by ops at [^ ]+ \(now version 1\)\. Reload and edit again\./,
    );
  });

  it('shows Kubernetes use and a failing read once read-back is passed in', async () => {
    const readings: Record<string, SiteReading> = {
      'prod-hefei': {
        used: { cpu: { requests: 3_000_000, limits: 5_000_000 } },
        status: 'ok',
        message: '',
        observedAt: '2026-11-21T07:59:00.000Z',
        lastSuccessAt: '2026-11-21T07:59:00.000Z',
        stale: false,
      },
      'dr-hefei': {
        used: { cpu: { requests: 100_000, limits: 100_000 } },
        status: 'unreachable',
        message: 'connect ECONNREFUSED 10.0.0.1:6443',
        observedAt: '2026-11-21T07:59:00.000Z',
        lastSuccessAt: '2026-11-21T06:00:00.000Z',
        stale: true,
      },
    };
    const app = new Hono<Env>()
      .use(languageMiddleware)
      .use(principalMiddleware({ accounts: t.deps.accounts, sessions: t.deps.sessions, trustProxy: false }))
      .route('/', capacityPage({ ...t.deps, readingOf: async (site) => readings[site] ?? null }))
      .onError(onError(t.deps.logger, errorPage));
    const text = await (
      await app.request('/capacity', { headers: { cookie: ops.cookie, 'accept-language': 'en' } })
    ).text();
    expect(cell(text, 'cap-prod-hefei-cpu-requests', 'used')).toBe('3000 vCPU');
    expect(cell(text, 'cap-prod-hefei-memory-requests', 'used')).toBe('0 B');
    expect(text).toContain('Used as read from Kubernetes at 2026-11-21 07:59 (UTC).');
    expect(text).toMatch(
      /<tr id="cap-prod-hefei-cpu-requests">[\s\S]*?<span class="bar-used" style="width: 62.5%"><\/span>/,
    );
    expect(text).toContain(
      'Kubernetes unreachable since 2026-11-21 06:00 (UTC): unreachable: connect ECONNREFUSED 10.0.0.1:6443. Used shows the last reading.',
    );
    expect(cell(text, 'cap-dr-remote-cpu-requests', 'used')).toBe('not read');
  });
});
