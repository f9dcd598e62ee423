import { Gauge, type Registry } from 'prom-client';
import { algorithmFamilies, expiryWindows } from '../../core/cert-windows.ts';
import type { Logger } from '../logger.ts';
import { storeGauge } from '../metrics/store-gauge.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { windowBounds } from './window-bounds.ts';

/**
 * `govops_certificates{window,family}`: certificates in the inventory per expiry window and
 * algorithm family, counted in the store at scrape time (every replica reports the same figure).
 * Sixteen series, all present (zeros included) so alert rules need no `absent()`. The labels are
 * the two bounded enumerations only: never a subject, serial, fingerprint, department or person.
 *
 * For the move off RSA: `govops_department_certificates{department,family}` counts the unexpired
 * ones still in use per department code — seen by an agent in the last seven days, so an RSA
 * certificate replaced by an SM2 one stops counting a week after its last sighting instead of at
 * its expiry (departments with none have no series) — and
 * `govops_certificates_rsa_cutover_timestamp_seconds` is the configured cutover date, absent when
 * none is set, so an alert can compare the two.
 */
export function registerCertificateMetrics(
  registry: Registry,
  {
    uow,
    now,
    logger,
    rsaCutover = null,
  }: { uow: UnitOfWork; now: () => Date; logger?: Logger; rsaCutover?: Date | null },
) {
  registerDepartmentCertificates(registry, { uow, now, logger });
  // Registered only when configured: a gauge without labels would otherwise read 0 (1970).
  if (rsaCutover) {
    new Gauge({
      name: 'govops_certificates_rsa_cutover_timestamp_seconds',
      help: 'The date after which no department should hold an unexpired RSA certificate (Unix time, seconds; CERT_RSA_CUTOVER_DATE).',
      registers: [registry],
    }).set(rsaCutover.getTime() / 1000);
  }

  storeGauge(registry, logger, {
    name: 'govops_certificates',
    help: 'Certificates in the inventory (agents’ observations, one per fingerprint) per expiry window and algorithm family.',
    labelNames: ['window', 'family'],
    async read(set) {
      const b = windowBounds(now());
      const rows = await uow
        .db()
        .selectFrom('certificates')
        .select((eb) => [
          'algorithm_family',
          eb
            .case()
            .when('not_after', '<', b.now)
            .then('expired')
            .when('not_after', '<=', b.in7d)
            .then('7d')
            .when('not_after', '<=', b.in30d)
            .then('30d')
            .else('valid')
            .end()
            .as('window'),
          eb.fn.countAll<number>().as('n'),
        ])
        .groupBy(['algorithm_family', 'window'])
        .execute();
      // Every series from zero; stored families outside the four add up under `other`.
      const counts = new Map<string, { window: string; family: string; n: number }>();
      const add = (window: string, family: string, n: number) => {
        const series = counts.get(`${window}/${family}`) ?? { window, family, n: 0 };
        series.n += n;
        counts.set(`${window}/${family}`, series);
      };
      for (const window of expiryWindows) for (const family of algorithmFamilies) add(window, family, 0);
      for (const r of rows) add(String(r.window), familyOf(r.algorithm_family), Number(r.n));
      for (const { window, family, n } of counts.values()) set({ window, family }, n);
    },
  });
}

/** Unexpired certificates per department and family: every family of a department that has any. */
function registerDepartmentCertificates(
  registry: Registry,
  { uow, now, logger }: { uow: UnitOfWork; now: () => Date; logger?: Logger },
) {
  storeGauge(registry, logger, {
    name: 'govops_department_certificates',
    help: 'Unexpired certificates agents have seen in the last 7 days (count) per department code and key algorithm family.',
    labelNames: ['department', 'family'],
    async read(set) {
      const rows = await uow
        .db()
        .selectFrom('certificates')
        .select((eb) => ['department_code', 'algorithm_family', eb.fn.countAll<number>().as('n')])
        .where('department_code', 'is not', null)
        .where('not_after', '>=', windowBounds(now()).now)
        .where('last_seen_at', '>=', new Date(now().getTime() - inUseWindowMs).toISOString())
        .groupBy(['department_code', 'algorithm_family'])
        .execute();
      const counts = new Map<string, Record<string, number>>();
      for (const r of rows) {
        const byFamily = counts.get(r.department_code!) ?? Object.fromEntries(algorithmFamilies.map((f) => [f, 0]));
        byFamily[familyOf(r.algorithm_family)]! += Number(r.n);
        counts.set(r.department_code!, byFamily);
      }
      for (const [department, byFamily] of counts) {
        for (const [family, n] of Object.entries(byFamily)) set({ department, family }, n);
      }
    },
  });
}

/** A certificate no agent has found for a week is taken to be replaced or retired. */
const inUseWindowMs = 7 * 86_400_000;

function familyOf(stored: string): string {
  return (algorithmFamilies as readonly string[]).includes(stored) ? stored : 'other';
}
