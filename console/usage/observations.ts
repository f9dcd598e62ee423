import type { UnitOfWork } from '../store/unit-of-work.ts';
import type { ClusterReading } from './kube-client.ts';

/**
 * Writes one site's reading to the store, in one transaction so no page ever sees a site's
 * usage half replaced. A success replaces the site's usage rows and moves `last_success_at`; a
 * failure records only the status and message, so the last known usage and allocatable stay for
 * pages to show (as stale) while the site is away.
 */

// Rows per insert: five parameters each stays far below SQLite's and PostgreSQL's limits.
const chunk = 500;

export async function recordSiteReading(uow: UnitOfWork, site: string, reading: ClusterReading, at: Date) {
  const observedAt = at.toISOString();
  await uow.inTransaction(async () => {
    const db = uow.db();
    if (reading.status !== 'ok') {
      await db
        .insertInto('site_observations')
        .values({
          site_code: site,
          status: reading.status,
          message: reading.message,
          observed_at: observedAt,
          last_success_at: null,
          allocatable: null,
        })
        .onConflict((oc) =>
          oc
            .column('site_code')
            .doUpdateSet({ status: reading.status, message: reading.message, observed_at: observedAt }),
        )
        .execute();
      return;
    }
    const row = {
      status: 'ok',
      message: reading.notes.join('; ').slice(0, 1000),
      observed_at: observedAt,
      last_success_at: observedAt,
      allocatable: JSON.stringify(reading.allocatable),
    };
    await db
      .insertInto('site_observations')
      .values({ site_code: site, ...row })
      .onConflict((oc) => oc.column('site_code').doUpdateSet(row))
      .execute();
    await db.deleteFrom('namespace_usage').where('site_code', '=', site).execute();
    const rows = reading.quotas.map((q) => ({
      site_code: site,
      namespace: q.namespace,
      quota_key: q.key,
      hard: q.hard,
      used: q.used,
      observed_at: observedAt,
    }));
    for (let i = 0; i < rows.length; i += chunk) {
      await db
        .insertInto('namespace_usage')
        .values(rows.slice(i, i + chunk))
        .execute();
    }
  });
}
