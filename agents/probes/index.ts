import type { LinkRound, ProbeKind, Target } from '../../core/contracts/agent.ts';
import { probeKinds } from '../../core/contracts/agent.ts';
import { httpProbe } from './http.ts';
import { icmpProbe } from './icmp.ts';
import type { Probe } from './probe.ts';
import { tcpProbe } from './tcp.ts';

/**
 * The probes by kind, and one call that runs a round for every configured target. Each kind runs
 * its whole batch at once (ICMP through one fping per group of settings), and the kinds run side
 * by side so a round of slow HTTP sites never holds up the ICMP figures.
 */

export type ProbeRegistry = { [K in ProbeKind]: Probe<K> };

export const defaultProbes: ProbeRegistry = { icmp: icmpProbe, tcp: tcpProbe, http: httpProbe };

/** The probe that measures targets of this kind. */
export function probeFor<K extends ProbeKind>(kind: K, probes: ProbeRegistry = defaultProbes): Probe<K> {
  return probes[kind];
}

/**
 * One round of one kind for the targets of that kind among `targets` (the scheduler's shape:
 * one call per batch). Rejects when the probe cannot run at all, such as fping missing.
 */
export function runKindRound<K extends ProbeKind>(
  kind: K,
  targets: readonly Target[],
  now: () => Date,
  probes: ProbeRegistry = defaultProbes,
): Promise<LinkRound[]> {
  const batch = targets.filter((target): target is Extract<Target, { kind: K }> => target.kind === kind);
  return batch.length === 0 ? Promise.resolve([]) : probeFor(kind, probes).runRound(batch, now);
}

export type RunRoundsOptions = {
  probes?: ProbeRegistry;
  /**
   * Called when a probe could not run at all (fping missing or not permitted): that is a fault of
   * the agent, not loss on the link, so its targets get no round rather than a false 100 % loss.
   */
  onProbeFailure?: (kind: ProbeKind, error: unknown) => void;
};

/** One round for every target, every kind side by side; rounds come back in the order of `targets`. */
export async function runRounds(
  targets: readonly Target[],
  now: () => Date,
  options: RunRoundsOptions = {},
): Promise<LinkRound[]> {
  const probes = options.probes ?? defaultProbes;
  const onProbeFailure =
    options.onProbeFailure ?? ((kind, error) => console.error('probe could not run', { kind, error: String(error) }));
  const roundsByTarget = new Map<Target, LinkRound>();
  await Promise.all(
    probeKinds.map(async (kind) => {
      const batch = targets.filter((target) => target.kind === kind);
      try {
        const rounds = await runKindRound(kind, batch, now, probes);
        batch.forEach((target, i) => roundsByTarget.set(target, rounds[i]!));
      } catch (error) {
        onProbeFailure(kind, error);
      }
    }),
  );
  return targets.flatMap((target) => roundsByTarget.get(target) ?? []);
}
