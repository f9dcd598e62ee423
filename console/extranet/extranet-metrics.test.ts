import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestConsole, testConsole } from '../testing/harness.ts';
import { registerExtranetMetrics } from './extranet-metrics.ts';

describe('extranet metrics over the demo province', () => {
  let t: TestConsole;

  beforeAll(async () => {
    t = await testConsole();
    registerExtranetMetrics(t.deps.registry, { links: t.deps.links });
  });
  afterAll(() => t.dispose());

  it('show a change in the store at the very next scrape, with no timer in between', async () => {
    const before = await t.deps.registry.metrics();
    expect(before).toContain('govops_extranet_incidents 0');
    expect(before).toContain('govops_extranet_links{class="city",state="down"} 0');

    // SQLite answers without waiting on a timer: nothing runs between the two scrapes but this.
    await t.store.db
      .updateTable('link_status')
      .set({ state: 'down', since: t.clock.now().toISOString() })
      .where('link_code', '=', 'city-340100')
      .execute();

    const after = await t.deps.registry.metrics();
    expect(after).toContain('govops_extranet_incidents 1');
    expect(after).toContain('govops_extranet_links{class="city",state="down"} 1');
  });
});
