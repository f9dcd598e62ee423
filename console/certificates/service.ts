import type { Registry } from 'prom-client';
import type { Logger } from '../logger.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { createInventory } from './inventory.ts';
import { registerCertificateMetrics } from './metrics.ts';
import { createRaImport } from './ra-import.ts';
import { createObservationRecorder } from './record-observations.ts';
import { createSummary } from './summary.ts';
import { createTrustAnchors } from './trust-anchors.ts';

export type CertificatesService = ReturnType<typeof createCertificatesService>;

/**
 * The certificate inventory: agents' observations (one row per fingerprint, one per sighting),
 * the RA's list of issued certificates, trust anchors, and the figures drawn from them. When a
 * metrics registry is given, the certificate metrics are registered on it (read at scrape time),
 * with the RSA cutover date when one is configured.
 */
export function createCertificatesService({
  uow,
  now,
  registry,
  logger,
  rsaCutover,
}: {
  uow: UnitOfWork;
  now: () => Date;
  registry?: Registry;
  logger?: Logger;
  rsaCutover?: Date | null;
}) {
  if (registry) registerCertificateMetrics(registry, { uow, now, logger, rsaCutover });
  const inventory = createInventory({ uow, now });
  return {
    /** Called by the agents' report ingest inside its transaction; see record-observations.ts. */
    recordObservations: createObservationRecorder({ uow }),
    list: inventory.list,
    all: inventory.all,
    detail: inventory.detail,
    nextToExpire: inventory.nextToExpire,
    summary: createSummary({ uow, now }),
    importRa: createRaImport({ uow, now }),
    trustAnchors: createTrustAnchors({ uow, now }),
  };
}
