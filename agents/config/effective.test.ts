import { describe, expect, it } from 'vitest';
import { agentConfigSchema, type AgentConfig } from '../../core/contracts/agent.ts';
import type { z } from 'zod';
import { effectiveConfig, sameEntry } from './effective.ts';
import { parseLocalConfig, type LocalConfig } from './local-file.ts';

function local(yaml: string): LocalConfig {
  const r = parseLocalConfig(`console: { url: "https://console.example" }\n${yaml}`, '/etc/agent.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

function remote(partial: Partial<z.input<typeof agentConfigSchema>> & { revision: string }): AgentConfig {
  return agentConfigSchema.parse({ targets: [], certSources: [], ...partial });
}

const file = local(
  [
    'department: "340100-ra"',
    'targets:',
    '  - { id: L-local, kind: icmp, host: 10.0.0.9 }',
    '  - { id: L-shared, kind: icmp, host: 10.0.0.99, intervalSeconds: 5 }',
    'certSources:',
    '  - { id: c-local, kind: tls, host: portal.local }',
  ].join('\n'),
);

describe('effectiveConfig', () => {
  it('uses the local file alone before the console answers', () => {
    const { config, warnings } = effectiveConfig(file, null);
    expect(config.targets.map((t) => t.id)).toEqual(['L-local', 'L-shared']);
    expect(config).toMatchObject({ consoleRevision: null, certScanSeconds: 3600 });
    expect(config.revision).toMatch(/^-\+l[0-9a-f]{12}$/);
    expect(warnings).toEqual([]);
  });

  it('lets the console win on a shared id and says so', () => {
    const console = remote({
      revision: 'r42',
      targets: [{ id: 'L-shared', kind: 'tcp', host: '10.1.1.1', port: 443 }],
      certSources: [{ id: 'c-local', kind: 'tls', host: 'portal.console', department: '340100-gov' }],
    });
    const { config, warnings } = effectiveConfig(file, console);
    expect(config.targets).toEqual([
      expect.objectContaining({ id: 'L-shared', kind: 'tcp', host: '10.1.1.1' }),
      expect.objectContaining({ id: 'L-local', host: '10.0.0.9' }),
    ]);
    expect(config.certSources).toEqual([expect.objectContaining({ host: 'portal.console', department: '340100-gov' })]);
    expect(warnings).toEqual([
      { kind: 'target', id: 'L-shared', message: 'also configured by the console; the local entry is ignored' },
      { kind: 'certSource', id: 'c-local', message: 'also configured by the console; the local entry is ignored' },
    ]);
    expect(config.revision).toMatch(/^r42\+l[0-9a-f]{12}$/);
  });

  it('keeps the first of repeated console entries, and gives sources without one the agent department', () => {
    const console = remote({
      revision: 'r1',
      targets: [
        { id: 'X', kind: 'icmp', host: 'first' },
        { id: 'X', kind: 'icmp', host: 'second' },
      ],
      certSources: [{ id: 'c2', kind: 'tls', host: 'h' }],
    });
    const { config, warnings } = effectiveConfig(file, console);
    expect(config.targets.find((t) => t.id === 'X')).toMatchObject({ host: 'first' });
    expect(warnings[0]).toMatchObject({ id: 'X', message: 'listed twice by the console; the first entry is used' });
    expect(config.certSources.map((s) => [s.id, s.department])).toEqual([
      ['c2', '340100-ra'],
      ['c-local', '340100-ra'],
    ]);
  });

  it('merges trust anchors without repeats and scans as often as either side asks', () => {
    const withAnchors: LocalConfig = { ...file, trustAnchorsPem: ['B', 'A'], certScanSeconds: 600 };
    const { config } = effectiveConfig(
      withAnchors,
      remote({ revision: 'r', trustAnchorsPem: ['A', 'C'], certScanSeconds: 900 }),
    );
    expect(config.trustAnchorsPem).toEqual(['A', 'C', 'B']);
    expect(config.certScanSeconds).toBe(600);
    expect(effectiveConfig(file, remote({ revision: 'r', certScanSeconds: 120 })).config.certScanSeconds).toBe(120);
  });

  it('changes the revision exactly when either half changes, within 64 characters', () => {
    const base = effectiveConfig(file, remote({ revision: 'r1' })).config.revision;
    expect(effectiveConfig(structuredClone(file), remote({ revision: 'r1' })).config.revision).toBe(base);
    expect(effectiveConfig(file, remote({ revision: 'r2' })).config.revision).not.toBe(base);
    const edited = { ...file, targets: [{ ...file.targets[0]!, packets: 20 }] };
    expect(effectiveConfig(edited, remote({ revision: 'r1' })).config.revision).not.toBe(base);
    const long = effectiveConfig(file, remote({ revision: 'x'.repeat(64) })).config.revision;
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).not.toBe(effectiveConfig(file, remote({ revision: `${'x'.repeat(63)}y` })).config.revision);
  });
});

describe('sameEntry', () => {
  it('ignores key order and notices any changed field', () => {
    expect(sameEntry({ id: 'a', host: 'h' }, { host: 'h', id: 'a' })).toBe(true);
    expect(sameEntry({ id: 'a', host: 'h' }, { host: 'h2', id: 'a' })).toBe(false);
  });
});
