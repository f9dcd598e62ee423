import { type CertificateMix, certificateMix, type ExpiryWindow } from '../../core/cert-windows.ts';
import { isScoped, type Principal } from '../../core/principal.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

/** The RA's side of a department: what it issued (not revoked), how much of it agents have seen. */
export type RaMix = CertificateMix & { seen: number; revoked: number };

export type DepartmentSummary = {
  department: string | null;
  departmentName: string | null;
  /** End-entity certificates agents reported for the department (CA certificates are shared, left out). */
  inventory: CertificateMix;
  /** The RA's list for the department, matched to the inventory by serial. */
  ra: RaMix;
};

export type CertificateSummary = {
  at: string;
  /** Every certificate in the inventory, CA certificates included (an expiring root matters most). */
  windows: Record<ExpiryWindow, number>;
  total: number;
  /** End-entity certificates over all departments in view. */
  inventory: CertificateMix;
  ra: RaMix;
  departments: DepartmentSummary[];
};

const emptyMix = (): CertificateMix => certificateMix([], new Date(0)).province;

/**
 * Expiry windows, algorithm mix and SM2 share per department, from the agents' inventory and the
 * RA's list side by side. The figures come from core/cert-windows.ts over the rows in view; a
 * department user sees their own department only.
 */
export function createSummary({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  async function inventoryRows(viewer: Principal) {
    let q = uow
      .db()
      .selectFrom('certificates')
      .leftJoin('departments', 'departments.code', 'certificates.department_code')
      .select([
        'certificates.fingerprint',
        'certificates.department_code',
        'departments.name as department_name',
        'certificates.not_after',
        'certificates.key_algorithm',
        'certificates.signature_algorithm',
        'certificates.curve',
        'certificates.is_ca',
      ]);
    if (isScoped(viewer)) q = q.where('certificates.department_code', '=', viewer.department ?? '');
    return q.execute();
  }

  async function raRows(viewer: Principal) {
    let q = uow
      .db()
      .selectFrom('ra_certificates')
      .leftJoin('departments', 'departments.code', 'ra_certificates.department_code')
      .select((eb) => [
        'ra_certificates.department_code',
        'departments.name as department_name',
        'ra_certificates.algorithm_family',
        'ra_certificates.not_after',
        'ra_certificates.status',
        eb
          .exists(
            eb
              .selectFrom('certificates')
              .select('certificates.fingerprint')
              .whereRef('certificates.serial', '=', 'ra_certificates.serial'),
          )
          .as('seen'),
      ]);
    if (isScoped(viewer)) q = q.where('ra_certificates.department_code', '=', viewer.department ?? '');
    return q.execute();
  }

  return async function summary(viewer: Principal): Promise<CertificateSummary> {
    const at = now();
    const [certs, ra] = await Promise.all([inventoryRows(viewer), raRows(viewer)]);
    const names = new Map<string | null, string | null>();
    for (const r of [...certs, ...ra]) if (r.department_code) names.set(r.department_code, r.department_name);

    const all = certificateMix(
      certs.map((c) => ({
        notAfter: c.not_after,
        keyAlgorithm: c.key_algorithm,
        signatureAlgorithm: c.signature_algorithm,
      })),
      at,
    ).province;
    const leaves = certificateMix(
      certs
        .filter((c) => c.is_ca !== 1)
        .map((c) => ({
          fingerprintSha256: c.fingerprint,
          department: c.department_code,
          notAfter: c.not_after,
          keyAlgorithm: c.key_algorithm,
          signatureAlgorithm: c.signature_algorithm,
          ...(c.curve ? { curve: c.curve } : {}),
        })),
      at,
    );

    // The RA names a family, which core reads as a key algorithm of that name.
    const issued = ra.filter((r) => r.status === 'issued');
    const raMix = certificateMix(
      issued.map((r) => ({
        department: r.department_code,
        notAfter: r.not_after,
        keyAlgorithm: r.algorithm_family,
        signatureAlgorithm: r.algorithm_family,
      })),
      at,
    );
    const seen = new Map<string | null, number>();
    const revoked = new Map<string | null, number>();
    for (const r of ra) {
      const key = r.department_code;
      if (r.status !== 'issued') revoked.set(key, (revoked.get(key) ?? 0) + 1);
      else if (r.seen) seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const raByDepartment = new Map(raMix.departments.map(({ department, ...mix }) => [department, mix]));
    const raOf = (key: string | null): RaMix => ({
      ...(raByDepartment.get(key) ?? emptyMix()),
      seen: seen.get(key) ?? 0,
      revoked: revoked.get(key) ?? 0,
    });
    const inventoryOf = new Map(leaves.departments.map(({ department, ...mix }) => [department, mix]));

    const keys = [...new Set([...leaves.departments.map((d) => d.department), ...ra.map((r) => r.department_code)])];
    keys.sort((a, b) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1));
    const sum = (m: Map<string | null, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    return {
      at: at.toISOString(),
      windows: all.byWindow,
      total: all.total,
      inventory: leaves.province,
      ra: { ...raMix.province, seen: sum(seen), revoked: sum(revoked) },
      departments: keys.map((department) => ({
        department,
        departmentName: names.get(department) ?? null,
        inventory: inventoryOf.get(department) ?? emptyMix(),
        ra: raOf(department),
      })),
    };
  };
}
