import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { LinkRound } from '../../core/contracts/agent.ts';
import { registerLinkMetrics } from './link-metrics.ts';

const startedAt = '2025-03-01T08:00:00.000Z';
const finishedAt = new Date('2025-03-01T08:00:09.500Z');

const icmpRound: LinkRound = {
  targetId: 'L-hefei-feixi',
  kind: 'icmp',
  startedAt,
  sent: 10,
  received: 8,
  lossRatio: 0.2,
  rttMs: { min: 3, avg: 4.5, max: 9, mdev: 1.2 },
  jitterMs: 1.5,
};

const httpRound: LinkRound = {
  targetId: 'W-portal',
  kind: 'http',
  startedAt,
  sent: 3,
  received: 3,
  lossRatio: 0,
  rttMs: { min: 40, avg: 50, max: 60, mdev: 5 },
  jitterMs: 10,
  phasesMs: { dns: 2, connect: 8, tls: 20, firstByte: 15, total: 50 },
  httpStatus: 200,
};

/** The sample lines of one family, as `name{labels} value`. */
async function samples(registry: Registry, name: string): Promise<string[]> {
  const text = await registry.metrics();
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

describe('link metrics', () => {
  it('exposes a round under blackbox names and extranet_link_* families', async () => {
    const registry = new Registry();
    const metrics = registerLinkMetrics(registry);
    metrics.observeRound(icmpRound, finishedAt);
    metrics.observeRound(
      { ...icmpRound, startedAt: '2025-03-01T08:00:30.000Z', received: 10, lossRatio: 0 },
      new Date('2025-03-01T08:00:39Z'),
    );
    const l = 'target="L-hefei-feixi",kind="icmp"';
    expect(await samples(registry, 'probe_success')).toEqual([`probe_success{${l}} 1`]);
    expect(await samples(registry, 'probe_duration_seconds')).toEqual([`probe_duration_seconds{${l}} 9`]);
    expect(await samples(registry, 'probe_icmp_duration_seconds')).toEqual([
      `probe_icmp_duration_seconds{${l},phase="rtt"} 0.0045`,
    ]);
    expect(await samples(registry, 'extranet_link_packets_sent_total')).toEqual([
      `extranet_link_packets_sent_total{${l}} 20`,
    ]);
    expect(await samples(registry, 'extranet_link_packets_received_total')).toEqual([
      `extranet_link_packets_received_total{${l}} 18`,
    ]);
    expect(await samples(registry, 'extranet_link_loss_ratio')).toEqual([`extranet_link_loss_ratio{${l}} 0`]);
    expect(await samples(registry, 'extranet_link_jitter_seconds')).toEqual([
      `extranet_link_jitter_seconds{${l}} 0.0015`,
    ]);
    expect(await samples(registry, 'extranet_link_last_round_timestamp_seconds')).toEqual([
      `extranet_link_last_round_timestamp_seconds{${l}} ${Date.parse('2025-03-01T08:00:30Z') / 1000}`,
    ]);
    const rtt = await samples(registry, 'extranet_link_rtt_seconds_bucket');
    expect(rtt[0]).toBe(`extranet_link_rtt_seconds_bucket{le="0.001",${l}} 0`);
    expect(rtt).toContain(`extranet_link_rtt_seconds_bucket{le="0.005",${l}} 2`);
    expect(rtt.at(-1)).toBe(`extranet_link_rtt_seconds_bucket{le="+Inf",${l}} 2`);
    expect(rtt.map((s) => /le="([^"]+)"/.exec(s)?.[1])).toEqual([
      '0.001',
      '0.0025',
      '0.005',
      '0.01',
      '0.02',
      '0.03',
      '0.05',
      '0.075',
      '0.1',
      '0.2',
      '0.5',
      '1',
      '2',
      '+Inf',
    ]);
  });

  it('reports a dead link as failed with full loss, and removes RTT and jitter rather than showing 0', async () => {
    const registry = new Registry();
    const metrics = registerLinkMetrics(registry);
    metrics.observeRound(icmpRound, finishedAt);
    metrics.observeRound(
      { ...icmpRound, received: 0, lossRatio: 1, rttMs: null, jitterMs: null, error: 'no reply' },
      finishedAt,
    );
    const l = 'target="L-hefei-feixi",kind="icmp"';
    expect(await samples(registry, 'probe_success')).toEqual([`probe_success{${l}} 0`]);
    expect(await samples(registry, 'extranet_link_loss_ratio')).toEqual([`extranet_link_loss_ratio{${l}} 1`]);
    expect(await samples(registry, 'probe_icmp_duration_seconds')).toEqual([]);
    expect(await samples(registry, 'extranet_link_jitter_seconds')).toEqual([]);
    expect(await samples(registry, 'extranet_link_rtt_seconds_count')).toEqual([
      `extranet_link_rtt_seconds_count{${l}} 1`,
    ]);
  });

  it('maps HTTP phases to blackbox phase names, and a missing response to status 0', async () => {
    const registry = new Registry();
    const metrics = registerLinkMetrics(registry);
    metrics.observeRound(httpRound, finishedAt);
    const l = 'target="W-portal",kind="http"';
    expect(await samples(registry, 'probe_http_duration_seconds')).toEqual([
      `probe_http_duration_seconds{${l},phase="resolve"} 0.002`,
      `probe_http_duration_seconds{${l},phase="connect"} 0.008`,
      `probe_http_duration_seconds{${l},phase="tls"} 0.02`,
      `probe_http_duration_seconds{${l},phase="processing"} 0.015`,
      `probe_http_duration_seconds{${l},phase="transfer"} 0.005`,
    ]);
    expect(await samples(registry, 'probe_http_status_code')).toEqual([`probe_http_status_code{${l}} 200`]);

    const { httpStatus: _, ...noAnswer } = httpRound;
    metrics.observeRound(
      { ...noAnswer, received: 0, lossRatio: 1, rttMs: null, phasesMs: { dns: 2, total: 1000 } },
      finishedAt,
    );
    expect(await samples(registry, 'probe_http_status_code')).toEqual([`probe_http_status_code{${l}} 0`]);
    expect(await samples(registry, 'probe_http_duration_seconds')).toEqual([
      `probe_http_duration_seconds{${l},phase="resolve"} 0.002`,
      `probe_http_duration_seconds{${l},phase="transfer"} 0.998`,
    ]);
  });

  it('deletes every series of removed targets, and of a target whose kind changed', async () => {
    const registry = new Registry();
    const metrics = registerLinkMetrics(registry);
    metrics.observeRound(icmpRound, finishedAt);
    metrics.observeRound(httpRound, finishedAt);
    metrics.observeRound({ ...icmpRound, targetId: 'L-other' }, finishedAt);
    metrics.retainTargets([
      { id: 'L-other', kind: 'icmp' },
      { id: 'L-hefei-feixi', kind: 'tcp' },
    ]);
    const text = await registry.metrics();
    expect(text).not.toContain('W-portal');
    expect(text).not.toContain('L-hefei-feixi');
    expect(text).toContain('probe_success{target="L-other",kind="icmp"} 1');
  });
});
