import type { CertificateObservation, LinkRound, ReportAck, ReportBatch } from '../../core/contracts/agent.ts';
import { Forbidden, Invalid } from '../../core/errors.ts';
import type { Logger } from '../logger.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import type { ReportMetrics } from './report-metrics.ts';
import type { AuthenticatedAgent } from './service.ts';

/** The audit action of a refused report, kept at most once per agent per hour. */
export const refusedReportAction = 'agent.report_refused';
const refusalAuditIntervalMs = 60 * 60 * 1000;
/** How many unowned target ids the message names; the error's details carry them all. */
const namedInMessage = 10;

export type ReportIngest = ReturnType<typeof createReportIngest>;

/**
 * Stores an agent's report batch whole or not at all, once. The batch id goes into
 * report_batches first: the primary key decides between two replays racing on different
 * replicas (the second waits for the first and then inserts nothing), not a read before the
 * write. Every round must be for a link this agent measures, or nothing is stored.
 */
// An agent's clock may run a little ahead; a round from further ahead would become the link's
// latest and make every correctly dated round after it look stale, freezing the link's state.
const clockSkewAllowanceMs = 5 * 60_000;

function futureRounds(batch: ReportBatch, now: Date) {
  const limit = now.getTime() + clockSkewAllowanceMs;
  return batch.rounds.flatMap((r, i) =>
    Date.parse(r.startedAt) > limit ? [{ field: `rounds.${i}.startedAt`, rule: 'in_future' }] : [],
  );
}

export function createReportIngest({
  uow,
  now,
  logger,
  rounds,
  certificates,
  metrics,
}: {
  uow: UnitOfWork;
  now: () => Date;
  logger: Logger;
  /** The links service: state from rounds, inside this transaction. */
  rounds: { recordRounds(agentId: string, rounds: readonly LinkRound[]): Promise<unknown> };
  /** The certificate inventory, inside this transaction. */
  certificates: {
    recordObservations(agentId: string, observations: readonly CertificateObservation[]): Promise<unknown>;
  };
  metrics: ReportMetrics;
}) {
  async function requireOwned(agent: AuthenticatedAgent, batch: ReportBatch): Promise<void> {
    const ids = [...new Set(batch.rounds.map((r) => r.targetId))];
    if (!ids.length) return;
    const owned = await uow
      .db()
      .selectFrom('links')
      .select('code')
      .where('agent_id', '=', agent.id)
      .where('code', 'in', ids)
      .execute();
    const ownedIds = new Set(owned.map((l) => l.code));
    const unowned = ids.filter((id) => !ownedIds.has(id)).sort();
    if (!unowned.length) return;
    const named = unowned.slice(0, namedInMessage).join(', ') + (unowned.length > namedInMessage ? ', …' : '');
    throw new Forbidden('unowned_targets', { count: unowned.length, targets: named }).with({ targets: unowned });
  }

  async function store(agent: AuthenticatedAgent, batch: ReportBatch): Promise<ReportAck> {
    const late = futureRounds(batch, now());
    if (late.length) {
      // Counted and logged like a batch that failed validation: the agent drops it either way.
      metrics.report('invalid');
      logger.warn('agent report refused: rounds dated in the future', {
        agent: agent.id,
        fields: late.slice(0, 10).map((p) => `${p.field}: ${p.rule}`),
      });
      throw new Invalid(late.slice(0, 20));
    }
    const db = uow.db();
    const at = now().toISOString();
    const inserted = await db
      .insertInto('report_batches')
      .values({
        batch_id: batch.batchId,
        agent_id: agent.id,
        received_at: at,
        rounds: batch.rounds.length,
        certificates: batch.certificates.length,
      })
      .onConflict((oc) => oc.column('batch_id').doNothing())
      .returning('batch_id')
      .executeTakeFirst();
    if (!inserted) {
      metrics.report('duplicate');
      return { batchId: batch.batchId, duplicate: true, rounds: 0, certificates: 0 };
    }
    try {
      await requireOwned(agent, batch);
    } catch (e) {
      metrics.report('forbidden');
      throw e;
    }
    if (batch.rounds.length) await rounds.recordRounds(agent.id, batch.rounds);
    if (batch.certificates.length) await certificates.recordObservations(agent.id, batch.certificates);
    await db
      .updateTable('agents')
      .set({
        last_seen_at: at,
        version: batch.agentVersion,
        config_revision: batch.configRevision,
        spool_records: batch.spool.records,
        spool_bytes: batch.spool.bytes,
        dropped_total: batch.spool.droppedTotal,
      })
      .where('id', '=', agent.id)
      .execute();
    metrics.report('stored');
    metrics.rounds(batch.rounds.length);
    return {
      batchId: batch.batchId,
      duplicate: false,
      rounds: batch.rounds.length,
      certificates: batch.certificates.length,
    };
  }

  /**
   * Whether a refused report should go into the audit trail: the first refusal of an agent in
   * an hour does (a stolen credential probing other links is a security event), the rest of a
   * misconfigured agent's retries are only logged. Read from the trail itself, so every replica agrees.
   */
  async function refusalWorthAuditing(actor: string): Promise<boolean> {
    const since = new Date(now().getTime() - refusalAuditIntervalMs).toISOString();
    const recent = await uow
      .db()
      .selectFrom('audit_log')
      .select('seq')
      .where('actor', '=', actor)
      .where('action', '=', refusedReportAction)
      .where('at', '>', since)
      .limit(1)
      .executeTakeFirst();
    return !recent;
  }

  return {
    store: (agent: AuthenticatedAgent, batch: ReportBatch) => uow.inTransaction(() => store(agent, batch)),
    refusalWorthAuditing,
    logRefusal(agent: AuthenticatedAgent, batch: ReportBatch, error: Forbidden) {
      const targets = (error.details as { targets?: string[] } | undefined)?.targets ?? [];
      logger.warn('agent report refused: targets not assigned to the agent', {
        agent: agent.id,
        batch: batch.batchId,
        unowned: targets.slice(0, 50),
        count: targets.length,
      });
    },
  };
}
