import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, type TestConsole, testConsole } from '../testing/harness.ts';

type WaveView = { code: string; windowEnd: string | null; byState: Record<string, number>; health: string };

/** Every series of one family from a real scrape of the console, as [labels, value]. */
async function scrape(t: TestConsole, name: string): Promise<[Record<string, string>, number][]> {
  const text = await (await t.request('/metrics')).text();
  return text.split('\n').flatMap((line) => {
    const m = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (m?.[1] !== name) return [];
    const labels = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!]));
    return [[labels, Number(m[3])] as [Record<string, string>, number]];
  });
}

/** The demo's waves W1–W5, read through the metrics and through the wave pages' API. */
describe('migration wave metrics over the demo', () => {
  let t: TestConsole;
  let viewer: string;
  const waves = async (): Promise<WaveView[]> =>
    (await json(await t.request('/api/v1/waves', { token: viewer }))).items;
  const healthOf = async (wave: string) =>
    (await scrape(t, 'govops_migration_wave_health'))
      .filter(([l, v]) => l.wave === wave && v === 1)
      .map(([l]) => l.health);

  beforeAll(async () => {
    t = await testConsole();
    viewer = await t.tokenFor('viewer');
  });
  afterAll(() => t.dispose());

  it('counts each wave’s requests per state as the wave page does, zeros included', async () => {
    const requests = await scrape(t, 'govops_migration_wave_requests');
    const shown = await waves();
    expect(shown.length).toBeGreaterThan(1);
    for (const wave of shown) {
      const series = requests.filter(([l]) => l.wave === wave.code);
      // Sixteen states a wave member can be in; rejected and cancelled requests have left the wave.
      expect(series).toHaveLength(16);
      expect(series.map(([l]) => l.state)).not.toContain('cancelled');
      const nonZero = Object.fromEntries(series.filter(([, v]) => v > 0).map(([l, v]) => [l.state, v]));
      expect(nonZero).toEqual(wave.byState);
    }
  });

  it('marks exactly the wave’s current health with 1, and an on-hold request makes it "error"', async () => {
    for (const wave of await waves()) {
      const series = (await scrape(t, 'govops_migration_wave_health')).filter(([l]) => l.wave === wave.code);
      expect(series.map(([l]) => l.health).sort()).toEqual(['error', 'healthy', 'lagging']);
      expect(await healthOf(wave.code)).toEqual([wave.health]);
      if (wave.byState['on-hold']) expect(wave.health).toBe('error');
    }
  });

  it('turns a wave "lagging" once its window has passed with requests not yet cut over', async () => {
    const cutOver = ['cut-over', 'accepted', 'source-decommissioned', 'done'];
    const wave = (await waves()).find(
      (w) => w.health === 'healthy' && w.windowEnd !== null && Object.keys(w.byState).some((s) => !cutOver.includes(s)),
    )!;
    expect(wave, 'the demo has a healthy wave with work left').toBeDefined();
    const wait = Date.parse(wave.windowEnd!) - t.clock.now().getTime() + 1;
    t.clock.advance(wait);
    try {
      expect(await healthOf(wave.code)).toEqual(['lagging']);
    } finally {
      t.clock.advance(-wait);
    }
  });
});
