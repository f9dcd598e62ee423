import { createHash } from 'node:crypto';
import {
  type AgentConfig,
  type CertSource,
  certSourceSchema,
  type Target,
  targetSchema,
} from '../../core/contracts/agent.ts';
import type { Logger } from '../logger.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

/** How often agents scan their certificate sources, until an operator setting exists. */
export const defaultCertScanSeconds = 3600;

/**
 * The configuration one agent is served: the links it measures (the link code is the target id,
 * `links.probe` the rest of the contract's Target), its certificate sources and every trust
 * anchor. Its revision is a hash of the canonical document, so it changes exactly when something
 * the agent would act on changes, and every replica computes the same one without storing it.
 */
export async function agentConfigDocument(uow: UnitOfWork, logger: Logger, agentId: string): Promise<AgentConfig> {
  const db = uow.db();
  const [links, sources, anchors] = await Promise.all([
    db
      .selectFrom('links')
      .select(['code', 'probe', 'interval_seconds'])
      .where('agent_id', '=', agentId)
      .orderBy('code')
      .execute(),
    db
      .selectFrom('agent_cert_sources')
      .select(['source_id', 'spec'])
      .where('agent_id', '=', agentId)
      .orderBy('source_id')
      .execute(),
    db.selectFrom('trust_anchors').select('pem').orderBy('fingerprint').execute(),
  ]);
  const targets: Target[] = [];
  for (const link of links) {
    // A probe the contract no longer accepts would make the agent refuse the whole document:
    // leave that one link out and say so, rather than stop every other measurement.
    const parsed = targetSchema.safeParse({
      intervalSeconds: link.interval_seconds,
      ...parseJson(link.probe),
      id: link.code,
    });
    if (parsed.success) targets.push(parsed.data);
    else logger.warn('link left out of agent configuration: invalid probe', { agent: agentId, link: link.code });
  }
  const certSources: CertSource[] = [];
  for (const source of sources) {
    const parsed = certSourceSchema.safeParse({ ...parseJson(source.spec), id: source.source_id });
    if (parsed.success) certSources.push(parsed.data);
    else
      logger.warn('certificate source left out of agent configuration: invalid spec', {
        agent: agentId,
        source: source.source_id,
      });
  }
  const body = {
    targets,
    certSources,
    trustAnchorsPem: anchors.map((a) => a.pem),
    certScanSeconds: defaultCertScanSeconds,
  };
  return { revision: revisionOf(body), ...body };
}

/** The first 128 bits of SHA-256 over the canonical JSON (keys sorted at every level). */
export function revisionOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32);
}

/** JSON with object keys in sorted order, so equal documents hash equally whatever built them. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
