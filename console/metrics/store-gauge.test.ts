import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../logger.ts';
import { readOncePerScrape, storeGauge } from './store-gauge.ts';

describe('store gauges', () => {
  it('rebuild their series at each scrape, two gauges sharing one read', async () => {
    const registry = new Registry();
    let reads = 0;
    let rows = [{ site: 'prod-hefei', n: 3 }];
    const read = readOncePerScrape(async () => {
      reads += 1;
      return rows;
    });
    for (const name of ['test_a', 'test_b']) {
      storeGauge(registry, undefined, {
        name,
        help: 'test',
        labelNames: ['site'],
        async read(set) {
          for (const r of await read()) set({ site: r.site }, r.n);
        },
      });
    }
    expect(await registry.metrics()).toContain('test_b{site="prod-hefei"} 3');
    expect(reads).toBe(1);
    rows = [{ site: 'dr-hefei', n: 1 }];
    const text = await registry.metrics();
    expect(reads).toBe(2);
    expect(text).toContain('test_a{site="dr-hefei"} 1');
    expect(text).not.toContain('prod-hefei');
  });

  it('answer a failed read with an empty family and a warning naming it', async () => {
    const registry = new Registry();
    const logger = memoryLogger();
    const read = readOncePerScrape((): Promise<number> => {
      throw new Error('store is down');
    });
    storeGauge(registry, logger, {
      name: 'test_broken',
      help: 'test',
      labelNames: ['site'],
      async read(set) {
        set({ site: 'x' }, await read());
      },
    });
    const text = await registry.metrics();
    expect(text).toContain('# TYPE test_broken gauge');
    expect(text).not.toMatch(/^test_broken\{/m);
    expect(logger.lines.join('')).toMatch(/metric not collected.*test_broken.*store is down/);
  });
});
