import type { ZodType } from 'zod';
import {
  certificateObservationSchema,
  linkRoundSchema,
  maxCertificatesPerBatch,
  maxRoundsPerBatch,
} from '../../core/contracts/agent.ts';
import type { CertificateObservation, LinkRound } from '../../core/contracts/agent.ts';
import type { Logger } from '../logger.ts';
import type { Spool } from './spool.ts';

/**
 * Gathers results from the probes and certificate scanners into batches for the spool. A batch
 * is cut when it holds the contract's maximum of rounds or certificates, when its JSON would pass
 * `maxBatchBytes` (kept well under the console's 1 MiB body limit, so a 413 should never happen),
 * or `lingerMs` after its first result, so a quiet agent still reports within a second or so.
 *
 * Each result is checked against the contract first: one malformed result would make the console
 * refuse the whole batch (400), losing the good ones with it, so it is logged and left out instead.
 */

export type Batcher = {
  /** Resolves once every given result is in a batch appended and fsync'd to the spool. */
  addRounds(rounds: readonly LinkRound[]): Promise<void>;
  addCertificates(observations: readonly CertificateObservation[]): Promise<void>;
  /** Cuts the batch being gathered now and waits until every cut batch is in the spool. */
  flush(): Promise<void>;
  close(): Promise<void>;
  stats(): { pendingResults: number; invalidDropped: number };
};

type Pending = {
  rounds: LinkRound[];
  certificates: CertificateObservation[];
  bytes: number;
  durable: PromiseWithResolvers<void>;
};

/** Room for the batch's envelope (id, version, revision, sentAt, spool stats). */
const envelopeBytes = 512;

export function createBatcher({
  spool,
  agentVersion,
  configRevision,
  logger,
  lingerMs = 1000,
  maxBatchBytes = 512 * 1024,
}: {
  spool: Pick<Spool, 'append'>;
  agentVersion: string;
  /** The revision of the configuration in force when a batch is cut; null before the first. */
  configRevision: () => string | null;
  logger: Logger;
  lingerMs?: number;
  maxBatchBytes?: number;
}): Batcher {
  let pending: Pending | undefined;
  let timer: NodeJS.Timeout | undefined;
  let appended: Promise<unknown> = Promise.resolve();
  let invalidDropped = 0;
  let closed = false;

  function cut(): void {
    const batch = pending;
    if (!batch) return;
    pending = undefined;
    clearTimeout(timer);
    const body = {
      agentVersion,
      configRevision: configRevision(),
      rounds: batch.rounds,
      certificates: batch.certificates,
    };
    // Chained so batches reach the spool in the order they were cut.
    appended = appended.then(() =>
      spool.append(body).then(
        ({ batchId }) => {
          // Accepted (fsync'd): from here on the console must store it once; the id traces it there.
          logger.debug('spooled a batch', {
            batchId,
            rounds: body.rounds.length,
            certificates: body.certificates.length,
          });
          batch.durable.resolve();
        },
        (error: unknown) => {
          logger.error('could not spool a batch; its results are lost', {
            rounds: body.rounds.length,
            certificates: body.certificates.length,
            error: (error as Error).message,
          });
          batch.durable.reject(error);
        },
      ),
    );
  }

  function add<T>(items: readonly T[], kind: 'rounds' | 'certificates', schema: ZodType<T>): Promise<void> {
    if (closed) return Promise.reject(new Error('batcher is closed'));
    const waits = new Set<Promise<void>>();
    for (const item of items) {
      const parsed = schema.safeParse(item);
      if (!parsed.success) {
        invalidDropped++;
        // Paths and messages only: values may hold certificate subjects.
        logger.warn(`left a malformed ${kind === 'rounds' ? 'link round' : 'certificate'} out of the batch`, {
          issues: parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`),
        });
        continue;
      }
      const bytes = Buffer.byteLength(JSON.stringify(parsed.data)) + 1;
      if (pending && pending.bytes + bytes > maxBatchBytes) cut();
      if (!pending) {
        const durable = Promise.withResolvers<void>();
        durable.promise.catch(() => undefined); // logged in cut(); callers that await still see it
        pending = { rounds: [], certificates: [], bytes: envelopeBytes, durable };
        timer = setTimeout(cut, lingerMs).unref();
      }
      (pending[kind] as T[]).push(parsed.data);
      pending.bytes += bytes;
      waits.add(pending.durable.promise);
      if (pending.rounds.length >= maxRoundsPerBatch || pending.certificates.length >= maxCertificatesPerBatch) cut();
    }
    return Promise.all(waits).then(() => undefined);
  }

  return {
    addRounds: (rounds) => add(rounds, 'rounds', linkRoundSchema),
    addCertificates: (observations) => add(observations, 'certificates', certificateObservationSchema),
    async flush() {
      cut();
      await appended;
    },
    async close() {
      closed = true;
      cut();
      await appended;
    },
    stats: () => ({
      pendingResults: (pending?.rounds.length ?? 0) + (pending?.certificates.length ?? 0),
      invalidDropped,
    }),
  };
}
