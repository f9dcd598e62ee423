import { createHash } from 'node:crypto';
import type { AgentConfig, CertSource, Target } from '../../core/contracts/agent.ts';
import type { LocalConfig } from './local-file.ts';

/**
 * What the agent actually measures: the console's targets and certificate sources plus the
 * local file's, matched by id. The console is the inventory of record, so when both name the
 * same id the console's entry wins and the local one is reported (the operator on site should
 * learn that their edit has no effect, not guess).
 */
export type EffectiveConfig = {
  /**
   * Names both halves (`<console revision>+l<hash of the local part>`), at most 64 characters
   * so it fits the report batch's `configRevision`. Equal revisions mean equal configurations.
   */
  revision: string;
  /** The console's revision, or null while no console configuration has been received. */
  consoleRevision: string | null;
  targets: Target[];
  /**
   * The targets the console assigned: only their rounds are pushed, since the console refuses
   * rounds of links the agent does not own. The file's own targets are measured for /metrics.
   */
  reportedTargetIds: ReadonlySet<string>;
  certSources: CertSource[];
  /** The console's anchors followed by the local file's, duplicates dropped. */
  trustAnchorsPem: string[];
  certScanSeconds: number;
};

export type MergeWarning = { kind: 'target' | 'certSource'; id: string; message: string };

export const defaultCertScanSeconds = 3600;

/** Merges the local file with the console's configuration (null before the first answer). */
export function effectiveConfig(
  local: LocalConfig,
  remote: AgentConfig | null,
): { config: EffectiveConfig; warnings: MergeWarning[] } {
  const warnings: MergeWarning[] = [];
  const targets = mergeById('target', remote?.targets ?? [], local.targets, warnings);
  // Sources without a department belong to the agent's own department, when the file names one.
  const certSources = mergeById('certSource', remote?.certSources ?? [], local.certSources, warnings).map((s) =>
    s.department === undefined && local.department !== undefined ? { ...s, department: local.department } : s,
  );
  const trustAnchorsPem = [...new Set([...(remote?.trustAnchorsPem ?? []), ...local.trustAnchorsPem])];
  // Either side may ask for fresher scans; neither can make them rarer than the other asked.
  const asked = [remote?.certScanSeconds, local.certScanSeconds].filter((s): s is number => s !== undefined);
  const certScanSeconds = asked.length ? Math.min(...asked) : defaultCertScanSeconds;
  const consoleRevision = remote?.revision ?? null;
  // Everything of the file that shapes the result; the console's half is named by its revision.
  const localPart = {
    targets: local.targets,
    certSources: local.certSources,
    trustAnchorsPem: local.trustAnchorsPem,
    certScanSeconds: local.certScanSeconds,
    department: local.department,
  };
  return {
    config: {
      revision: combinedRevision(consoleRevision, localPart),
      consoleRevision,
      targets,
      reportedTargetIds: new Set((remote?.targets ?? []).map((t) => t.id)),
      certSources,
      trustAnchorsPem,
      certScanSeconds,
    },
    warnings,
  };
}

function mergeById<T extends { id: string }>(
  kind: MergeWarning['kind'],
  fromConsole: readonly T[],
  fromFile: readonly T[],
  warnings: MergeWarning[],
): T[] {
  const merged = new Map<string, T>();
  for (const entry of fromConsole) {
    // The console's schema does not forbid repeats; measuring one id twice would double-count.
    if (merged.has(entry.id))
      warnings.push({ kind, id: entry.id, message: 'listed twice by the console; the first entry is used' });
    else merged.set(entry.id, entry);
  }
  for (const entry of fromFile) {
    if (merged.has(entry.id))
      warnings.push({ kind, id: entry.id, message: 'also configured by the console; the local entry is ignored' });
    else merged.set(entry.id, entry);
  }
  return [...merged.values()];
}

function combinedRevision(consoleRevision: string | null, localPart: unknown): string {
  const local = `l${sha256(canonicalJson(localPart)).slice(0, 12)}`;
  if (consoleRevision === null) return `-+${local}`;
  // Console revisions may be up to 64 characters themselves; a long one is shortened by hash.
  const remote = consoleRevision.length <= 48 ? consoleRevision : `h${sha256(consoleRevision).slice(0, 24)}`;
  return `${remote}+${local}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with sorted keys, so the same configuration always hashes the same. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Whether two targets would be probed identically (key order does not matter). */
export function sameEntry(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
