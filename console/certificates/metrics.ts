import { Gauge, type Registry } from 'prom-client';
import { algorithmFamilies, expiryWindows } from '../../core/cert-windows.ts';
import type { Logger } from '../logger.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { windowBounds } from './window-bounds.ts';

/**
 * `govops_certificates{window,family}`: certificates in the inventory per expiry window and
 * algorithm family, counted in the store at scrape time (every replica reports the same figure).
 * Sixteen series, all present (zeros included) so alert rules need no `absent()`. The labels are
 * the two bounded enumerations only: never a subject, serial, fingerprint, department or person.
 */
export function registerCertificateMetrics(
  registry: Registry,
  { uow, now, logger }: { uow: UnitOfWork; now: () => Date; logger?: Logger },
) {
  const gauge: Gauge<'window' | 'family'> = new Gauge({
    name: 'govops_certificates',
    help: 'Certificates in the inventory (agents’ observations, one per fingerprint) per expiry window and algorithm family.',
    labelNames: ['window', 'family'],
    registers: [registry],
    async collect() {
      gauge.reset();
      try {
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
        for (const window of expiryWindows) for (const family of algorithmFamilies) gauge.set({ window, family }, 0);
        for (const r of rows) {
          const family = (algorithmFamilies as readonly string[]).includes(r.algorithm_family)
            ? r.algorithm_family
            : 'other';
          gauge.inc({ window: String(r.window), family }, Number(r.n));
        }
      } catch (e) {
        // A scrape must still answer with everything else; the gap shows on the dashboards.
        gauge.reset();
        logger?.warn('certificate metric not collected', { metric: 'govops_certificates', err: (e as Error).message });
      }
    },
  });
}
