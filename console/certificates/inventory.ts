import type { ChainProblem } from '../../core/contracts/agent.ts';
import { NotFound } from '../../core/errors.ts';
import { isScoped, type Principal } from '../../core/principal.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { type CertificateView, certificateView } from './certificate-view.ts';
import {
  type CertificateFilter,
  type CertificateQuery,
  matchingCertificates,
  sortExpression,
  sortKeys,
} from './inventory-filter.ts';

/** Where one agent saw a certificate: which source, where, at which position of the chain. */
export type SightingView = {
  agentId: string;
  agentName: string | null;
  sourceId: string;
  location: string;
  position: number;
  chainVerified: boolean;
  chainProblems: ChainProblem[];
  lastSeenAt: string;
};

/** The RA's record of the same serial, when the RA's list has one. */
export type RaMatch = {
  status: string;
  holderKind: string;
  department: string | null;
  family: string;
  notBefore: string;
  notAfter: string;
};

export type CertificateDetail = CertificateView & { sightings: SightingView[]; ra: RaMatch | null };
export type CertificatePage = { items: CertificateView[]; total: number };

/** The inventory's reads: the filtered list (paged or whole, for export), one certificate, the next to expire. */
export function createInventory({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  function base() {
    return uow
      .db()
      .selectFrom('certificates')
      .leftJoin('departments', 'departments.code', 'certificates.department_code')
      .selectAll('certificates')
      .select('departments.name as department_name');
  }

  function ordered(viewer: Principal, q: CertificateQuery, at: Date) {
    const direction = q.order === 'desc' ? 'desc' : 'asc';
    let query = base().where(matchingCertificates(viewer, q, at));
    for (const key of sortKeys[q.sort ?? 'not_after']) query = query.orderBy(sortExpression(key), direction);
    return query.orderBy('certificates.fingerprint', direction);
  }

  return {
    /** One page of the certificates the viewer may see, with the total across pages. */
    async list(viewer: Principal, q: CertificateQuery): Promise<CertificatePage> {
      const at = now();
      const [rows, count] = await Promise.all([
        ordered(viewer, q, at)
          .limit(q.limit ?? 50)
          .offset(q.offset ?? 0)
          .execute(),
        uow
          .db()
          .selectFrom('certificates')
          .where(matchingCertificates(viewer, q, at))
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map((r) => certificateView(r, at)), total: Number(count.n) };
    },

    /** Every certificate the filter matches, in the list's order (for the CSV export). */
    async all(viewer: Principal, q: CertificateQuery): Promise<CertificateView[]> {
      const at = now();
      const rows = await ordered(viewer, q, at).execute();
      return rows.map((r) => certificateView(r, at));
    },

    /** The certificates that expire next (not yet expired), soonest first. */
    async nextToExpire(viewer: Principal, limit: number, f: CertificateFilter = {}): Promise<CertificateView[]> {
      const at = now();
      const rows = await base()
        .where(matchingCertificates(viewer, f, at))
        .where('certificates.not_after', '>=', at.toISOString())
        .orderBy('certificates.not_after')
        .orderBy('certificates.fingerprint')
        .limit(limit)
        .execute();
      return rows.map((r) => certificateView(r, at));
    },

    /** One certificate with where it was seen; unknown or outside the viewer's department is 404. */
    async detail(viewer: Principal, fingerprint: string): Promise<CertificateDetail> {
      let query = base().where('certificates.fingerprint', '=', fingerprint);
      if (isScoped(viewer)) query = query.where('certificates.department_code', '=', viewer.department ?? '');
      const row = await query.executeTakeFirst();
      if (!row) throw new NotFound('certificate_not_found', { fingerprint });
      const [sightings, ra] = await Promise.all([
        uow
          .db()
          .selectFrom('certificate_sightings')
          .leftJoin('agents', 'agents.id', 'certificate_sightings.agent_id')
          .selectAll('certificate_sightings')
          .select('agents.name as agent_name')
          .where('certificate_sightings.fingerprint', '=', fingerprint)
          .orderBy('certificate_sightings.last_seen_at', 'desc')
          .orderBy('certificate_sightings.agent_id')
          .orderBy('certificate_sightings.location')
          .execute(),
        uow.db().selectFrom('ra_certificates').selectAll().where('serial', '=', row.serial).executeTakeFirst(),
      ]);
      return {
        ...certificateView(row, now()),
        sightings: sightings.map((s) => ({
          agentId: s.agent_id,
          agentName: s.agent_name,
          sourceId: s.source_id,
          location: s.location,
          position: Number(s.position),
          chainVerified: s.chain_verified === 1,
          chainProblems: JSON.parse(s.chain_problems) as ChainProblem[],
          lastSeenAt: s.last_seen_at,
        })),
        ra: ra
          ? {
              status: ra.status,
              holderKind: ra.holder_kind,
              department: ra.department_code,
              family: ra.algorithm_family,
              notBefore: ra.not_before,
              notAfter: ra.not_after,
            }
          : null,
      };
    },
  };
}
