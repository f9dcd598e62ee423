import type { LinkRound, ProbeKind, Target } from '../../core/contracts/agent.ts';

/**
 * One kind of link probe. A probe runs one round for each target it is given and returns one
 * result per target, in the same order; it never mutates shared state and never retries a
 * failed packet (every failure is counted). ICMP runs all its targets through one fping process.
 */
export type Probe<K extends ProbeKind = ProbeKind> = {
  kind: K;
  runRound(targets: readonly Extract<Target, { kind: K }>[], now: () => Date): Promise<LinkRound[]>;
};
