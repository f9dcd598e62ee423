import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoBackboneCode, demoExtranet } from '../../core/demo-extranet.ts';
import { memoryLogger } from '../logger.ts';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';
import { registerLinkInfoMetrics } from './link-info-metrics.ts';
import { unreadableStore } from '../metrics/unreadable-store.ts';

const demoLinks = demoExtranet();
/** A county of Hefei and one department hung under it, taken from the demo tree itself. */
const countyDepartment = demoLinks.find(
  (l) => l.linkClass === 'department' && demoLinks.find((p) => p.code === l.parentCode)?.linkClass === 'county',
)!;
const county = demoLinks.find((l) => l.code === countyDepartment.parentCode)!;
const city = demoLinks.find((l) => l.code === county.parentCode)!;
const provincialDepartment = demoLinks.find((l) => l.linkClass === 'department' && l.parentCode === demoBackboneCode)!;

type Series = { labels: Record<string, string | number>; value: number };

describe('link info and threshold metrics over the demo province', () => {
  let t: TestConsole;
  const registry = new Registry();
  const series = async (name: string): Promise<Series[]> =>
    (await registry.getSingleMetric(name)!.get()).values as Series[];
  const infoOf = async (target: string) =>
    (await series('govops_extranet_link_info')).find((s) => s.labels.target === target);

  beforeAll(async () => {
    t = await testConsole();
    registerLinkInfoMetrics(registry, { uow: t.deps.uow });
  });
  afterAll(() => t.dispose());

  it('has one series per link, each naming the links above it', async () => {
    const info = await series('govops_extranet_link_info');
    expect(info).toHaveLength(3317);
    expect(info.every((s) => s.value === 1)).toBe(true);
    expect(await infoOf(demoBackboneCode)).toEqual({
      labels: { target: demoBackboneCode, class: 'backbone', backbone_link: demoBackboneCode },
      value: 1,
    });
    // A city link: its backbone and itself; its city is its own region.
    expect((await infoOf(city.code))!.labels).toEqual({
      target: city.code,
      class: 'city',
      city: city.regionCode,
      backbone_link: demoBackboneCode,
      city_link: city.code,
    });
    expect((await infoOf(county.code))!.labels).toEqual({
      target: county.code,
      class: 'county',
      city: city.regionCode,
      backbone_link: demoBackboneCode,
      city_link: city.code,
      county_link: county.code,
    });
    // A county's department sits in the county's region; its city is the county's city.
    expect((await infoOf(countyDepartment.code))!.labels).toEqual({
      target: countyDepartment.code,
      class: 'department',
      city: city.regionCode,
      backbone_link: demoBackboneCode,
      city_link: city.code,
      county_link: county.code,
    });
    // A provincial unit hangs off the backbone: no city, no city or county link.
    expect((await infoOf(provincialDepartment.code))!.labels).toEqual({
      target: provincialDepartment.code,
      class: 'department',
      backbone_link: demoBackboneCode,
    });
  });

  it('places a link an operator adds, taking its city from the links above when it has no region', async () => {
    const ops = await t.tokenFor('network-operator');
    const res = await t.request('/api/v1/links', {
      method: 'POST',
      token: ops,
      body: JSON.stringify({
        code: 'dept-NEW-1',
        name: 'New access line',
        class: 'department',
        parent: county.code,
        probe: { kind: 'tcp', host: '10.9.9.9', port: 443 },
      }),
    });
    expect(res.status, JSON.stringify(await json(res.clone()))).toBe(201);
    expect((await infoOf('dept-NEW-1'))!.labels).toMatchObject({
      city: city.regionCode,
      city_link: city.code,
      county_link: county.code,
    });
  });

  it('reports the DEGRADED thresholds per class, with an operator’s override', async () => {
    const byClass = async (name: string) =>
      Object.fromEntries((await series(name)).map((s) => [s.labels.class, s.value]));
    expect(await byClass('govops_extranet_link_loss_ratio_threshold')).toEqual({
      backbone: 0.01,
      city: 0.02,
      county: 0.03,
      department: 0.05,
    });
    expect(await byClass('govops_extranet_link_rtt_threshold_seconds')).toEqual({
      backbone: 0.05,
      city: 0.1,
      county: 0.15,
      department: 0.2,
    });
    const ops = await t.tokenFor('network-operator');
    const classes = await json(await t.request('/api/v1/link-classes', { token: ops }));
    const city = classes.items.find((c: { class: string }) => c.class === 'city');
    const res = await t.request('/api/v1/link-classes/city', {
      method: 'PUT',
      token: ops,
      body: JSON.stringify({ ...city.defaults, maxLossRatio: 0.04, maxRttMs: 250 }),
    });
    expect(res.status).toBe(200);
    expect((await byClass('govops_extranet_link_loss_ratio_threshold')).city).toBe(0.04);
    expect((await byClass('govops_extranet_link_rtt_threshold_seconds')).city).toBe(0.25);
    expect((await byClass('govops_extranet_link_rtt_threshold_seconds')).county).toBe(0.15);
  });

  it('leaves the families empty and logs a warning when the store cannot be read', async () => {
    const logger = memoryLogger();
    const broken = new Registry();
    const uow = unreadableStore(t.deps.uow);
    registerLinkInfoMetrics(broken, { uow, logger });
    const text = await broken.metrics();
    expect(text).toContain('# TYPE govops_extranet_link_info gauge');
    expect(text).not.toMatch(/^govops_extranet_link_(info|loss_ratio_threshold|rtt_threshold_seconds)\{/m);
    expect(logger.lines.join('')).toContain('govops_extranet_link_info');
  });
});
