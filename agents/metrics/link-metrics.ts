import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { LinkRound, ProbeKind, Target } from '../../core/contracts/agent.ts';

/**
 * Link rounds as Prometheus series, labelled by `target` (the console's link code) and `kind`.
 * Names follow blackbox_exporter where the meaning is the same, so its dashboards and alerts
 * work (`probe_success`, `probe_duration_seconds`, `probe_icmp_duration_seconds{phase="rtt"}`,
 * `probe_http_duration_seconds{phase}`, `probe_http_status_code`); what blackbox has no word for
 * (several packets per round: loss, jitter, packet counts) is `extranet_link_*`.
 *
 * Values are those of the target's last round; a measurement that does not exist (no reply, so
 * no RTT) removes its series rather than showing 0, which would read as a perfect link.
 */

/** One WAN hop is 1–50 ms; a congested or satellite county link reaches seconds. */
export const wanRttBuckets = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.2, 0.5, 1, 2];

/** blackbox_exporter's HTTP phases, mapped from the probe's own (which add up to the total). */
const httpPhases = ['resolve', 'connect', 'tls', 'processing', 'transfer'] as const;

export type LinkMetrics = {
  /** Records a finished round; `finishedAt` (default now) gives the round's duration. */
  observeRound(round: LinkRound, finishedAt?: Date): void;
  /** Deletes every series of a target no longer configured (or now of another kind). */
  retainTargets(targets: readonly Pick<Target, 'id' | 'kind'>[]): void;
};

export function registerLinkMetrics(
  registry: Registry,
  { now = () => new Date() }: { now?: () => Date } = {},
): LinkMetrics {
  const labelNames = ['target', 'kind'] as const;
  const registers = [registry];
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames, registers });
  const counter = (name: string, help: string) => new Counter({ name, help, labelNames, registers });

  const success = gauge('probe_success', 'Whether the last round got any reply within expectations (1) or none (0).');
  const duration = gauge('probe_duration_seconds', 'How long the last round took, all packets or attempts.');
  const icmpDuration = new Gauge({
    name: 'probe_icmp_duration_seconds',
    help: 'Average round-trip time of the last ICMP round (phase="rtt"); absent when no reply came back.',
    labelNames: [...labelNames, 'phase'],
    registers,
  });
  const httpDuration = new Gauge({
    name: 'probe_http_duration_seconds',
    help: 'Duration of each phase of the last HTTP attempt of the round.',
    labelNames: [...labelNames, 'phase'],
    registers,
  });
  const httpStatus = gauge('probe_http_status_code', 'HTTP status of the last attempt; 0 when no response came.');
  const lastRound = gauge(
    'extranet_link_last_round_timestamp_seconds',
    'When the last finished round started (unix time).',
  );
  const sent = counter('extranet_link_packets_sent_total', 'Packets (ICMP) or attempts (TCP, HTTP) sent.');
  const received = counter('extranet_link_packets_received_total', 'Packets or attempts answered within expectations.');
  const loss = gauge('extranet_link_loss_ratio', 'Share of packets or attempts of the last round that failed, 0–1.');
  const jitter = gauge('extranet_link_jitter_seconds', 'Mean difference of consecutive RTTs in the last round.');
  const rtt = new Histogram({
    name: 'extranet_link_rtt_seconds',
    help: 'Average RTT of each round that got replies.',
    labelNames,
    buckets: wanRttBuckets,
    registers,
  });

  const simple = [success, duration, httpStatus, lastRound, sent, received, loss, jitter, rtt];
  /** Which kind each target's series were written under, so they can all be found again. */
  const seen = new Map<string, ProbeKind>();

  function remove(target: string, kind: ProbeKind) {
    const labels = { target, kind };
    for (const metric of simple) metric.remove(labels);
    icmpDuration.remove({ ...labels, phase: 'rtt' });
    for (const phase of httpPhases) httpDuration.remove({ ...labels, phase });
  }

  return {
    observeRound(round, finishedAt = now()) {
      const labels = { target: round.targetId, kind: round.kind };
      const previous = seen.get(round.targetId);
      if (previous && previous !== round.kind) remove(round.targetId, previous);
      seen.set(round.targetId, round.kind);

      const startedAt = Date.parse(round.startedAt);
      success.set(labels, round.received > 0 ? 1 : 0);
      duration.set(labels, Math.max(0, finishedAt.getTime() - startedAt) / 1000);
      lastRound.set(labels, startedAt / 1000);
      sent.inc(labels, round.sent);
      received.inc(labels, round.received);
      loss.set(labels, round.lossRatio);
      if (round.rttMs) rtt.observe(labels, round.rttMs.avg / 1000);
      setOrRemove(jitter, labels, round.jitterMs);
      if (round.kind === 'icmp') setOrRemove(icmpDuration, { ...labels, phase: 'rtt' }, round.rttMs?.avg ?? null);
      if (round.kind === 'http') {
        httpStatus.set(labels, round.httpStatus ?? 0);
        const p = round.phasesMs ?? {};
        const transfer =
          p.total === undefined
            ? undefined
            : p.total - (p.dns ?? 0) - (p.connect ?? 0) - (p.tls ?? 0) - (p.firstByte ?? 0);
        const phases = { resolve: p.dns, connect: p.connect, tls: p.tls, processing: p.firstByte, transfer };
        for (const phase of httpPhases) {
          const ms = phases[phase];
          setOrRemove(httpDuration, { ...labels, phase }, ms === undefined ? null : Math.max(0, ms));
        }
      }
    },
    retainTargets(targets) {
      const kept = new Map(targets.map((t) => [t.id, t.kind]));
      for (const [id, kind] of seen) {
        if (kept.get(id) === kind) continue;
        remove(id, kind);
        seen.delete(id);
      }
    },
  };
}

function setOrRemove<L extends string>(gauge: Gauge<L>, labels: Record<L, string>, ms: number | null) {
  if (ms === null) gauge.remove(labels);
  else gauge.set(labels, ms / 1000);
}
