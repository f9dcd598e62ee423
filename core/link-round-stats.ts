/**
 * The figures of one link round, computed from its packets, and how a round's packets are paced.
 * Kept pure so the ICMP, TCP and HTTP probes all report loss, latency and jitter the same way.
 */

export type RoundStats = {
  sent: number;
  received: number;
  /** (sent − received) / sent. */
  lossRatio: number;
  rttMs: { min: number; avg: number; max: number; mdev: number } | null;
  /** Mean absolute difference of consecutive replies' RTTs; null with fewer than two replies. */
  jitterMs: number | null;
};

/** Milliseconds keep microsecond precision: fping prints no finer, and more would be noise. */
const msDecimals = 3;
/** Enough to tell one lost packet in 100 apart, without float tails like 0.30000000000000004. */
const ratioDecimals = 4;

/** Round half away from zero at a fixed number of decimals. */
function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/**
 * Loss, RTT summary and jitter of one round. `rttsMs` holds one entry per packet sent, in the
 * order sent; `null` is a packet that never came back. mdev is ping's and fping's: the population
 * standard deviation sqrt(mean(x²) − mean(x)²). Throws a RangeError on an empty round or an RTT
 * that is negative or not finite, which no probe can legitimately produce.
 */
export function roundStats(rttsMs: readonly (number | null)[]): RoundStats {
  if (rttsMs.length === 0) throw new RangeError('a round has at least one packet');
  const replies: number[] = [];
  for (const rtt of rttsMs) {
    if (rtt === null) continue;
    if (!Number.isFinite(rtt) || rtt < 0) throw new RangeError(`invalid RTT: ${rtt}`);
    replies.push(rtt);
  }
  const sent = rttsMs.length;
  const received = replies.length;
  const lossRatio = roundTo((sent - received) / sent, ratioDecimals);
  if (received === 0) return { sent, received, lossRatio, rttMs: null, jitterMs: null };

  let sum = 0;
  let sumOfSquares = 0;
  for (const rtt of replies) {
    sum += rtt;
    sumOfSquares += rtt * rtt;
  }
  const avg = sum / received;
  // Float cancellation can leave a tiny negative variance when all RTTs are equal.
  const mdev = Math.sqrt(Math.max(0, sumOfSquares / received - avg * avg));

  let jitterMs: number | null = null;
  if (received >= 2) {
    let diffs = 0;
    for (let i = 1; i < received; i++) diffs += Math.abs(replies[i]! - replies[i - 1]!);
    jitterMs = roundTo(diffs / (received - 1), msDecimals);
  }

  return {
    sent,
    received,
    lossRatio,
    rttMs: {
      min: roundTo(Math.min(...replies), msDecimals),
      avg: roundTo(avg, msDecimals),
      max: roundTo(Math.max(...replies), msDecimals),
      mdev: roundTo(mdev, msDecimals),
    },
    jitterMs,
  };
}

/** A round's packets are spread over at most this share of the interval, leaving room for timeouts. */
const roundShareOfInterval = 0.5;
/** Faster than 50 packets a second per target looks like a flood to firewalls on the extranet. */
const minSpacingMs = 20;
/** ping's own default; slower rounds add nothing but latency to a link's state. */
const maxSpacingMs = 1000;

/**
 * Time between two packets (or attempts) of one round to one target: the packets fill half the
 * target's interval, between 20 ms and 1 s apart, so a round ends well before the next begins.
 */
export function packetSpacingMs(intervalSeconds: number, packets: number): number {
  const spread = Math.floor((intervalSeconds * 1000 * roundShareOfInterval) / Math.max(1, packets));
  return Math.min(maxSpacingMs, Math.max(minSpacingMs, spread));
}
