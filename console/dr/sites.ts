import { Invalid, NotFound } from '../../core/errors.ts';
import { type MilestoneKind, type MilestoneStatus, milestoneKinds, type SiteStatus } from '../../core/dr.ts';
import type { SiteRole } from '../../core/org.ts';
import { zodProblems } from '../http/field-problems.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { milestoneBody, siteStatusBody } from './dr-input.ts';

export type MilestoneView = {
  kind: MilestoneKind;
  status: MilestoneStatus;
  documentNo: string | null;
  decidedOn: string | null;
  note: string;
  /** Null for a milestone nobody has recorded yet (shown as not started). */
  updatedAt: string | null;
  updatedBy: string | null;
};

export type DrSiteView = {
  code: string;
  name: string;
  role: SiteRole;
  region: string;
  status: SiteStatus;
  /** Every approval kind in the order they are obtained; unrecorded ones as not started. */
  milestones: MilestoneView[];
  /** How many are approved, of how many. */
  approved: number;
};

/** The sites of 两地三中心 and the construction of each: status and approval milestones. */
export function drSites({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  async function list(): Promise<DrSiteView[]> {
    const [sites, milestones] = await Promise.all([
      uow.db().selectFrom('sites').select(['code', 'name', 'role', 'region_code', 'status']).orderBy('code').execute(),
      uow.db().selectFrom('site_milestones').selectAll().execute(),
    ]);
    const roleOrder: Record<SiteRole, number> = { production: 0, 'same-city-dr': 1, 'remote-dr': 2 };
    return sites
      .sort((a, b) => roleOrder[a.role] - roleOrder[b.role] || a.code.localeCompare(b.code))
      .map((s) => {
        const own = milestoneKinds.map((kind): MilestoneView => {
          const m = milestones.find((r) => r.site_code === s.code && r.kind === kind);
          return m
            ? {
                kind,
                status: m.status,
                documentNo: m.document_no,
                decidedOn: m.decided_on,
                note: m.note,
                updatedAt: m.updated_at,
                updatedBy: m.updated_by,
              }
            : {
                kind,
                status: 'not-started',
                documentNo: null,
                decidedOn: null,
                note: '',
                updatedAt: null,
                updatedBy: null,
              };
        });
        return {
          code: s.code,
          name: s.name,
          role: s.role,
          region: s.region_code,
          status: s.status,
          milestones: own,
          approved: own.filter((m) => m.status === 'approved').length,
        };
      });
  }

  async function get(code: string): Promise<DrSiteView> {
    const site = (await list()).find((s) => s.code === code);
    if (!site) throw new NotFound('site_not_found', { code });
    return site;
  }

  async function setStatus(code: string, raw: unknown): Promise<DrSiteView> {
    await get(code);
    const parsed = siteStatusBody.safeParse(raw);
    if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
    await uow.db().updateTable('sites').set({ status: parsed.data.status }).where('code', '=', code).execute();
    return get(code);
  }

  /** Records one approval; an approved milestone must name its document number and date. */
  async function setMilestone(code: string, kind: string, raw: unknown, actor: string): Promise<DrSiteView> {
    await get(code);
    const known = milestoneKinds.find((k) => k === kind);
    if (!known) throw new NotFound('milestone_kind_not_found', { kind });
    const parsed = milestoneBody.safeParse(raw);
    if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
    const m = parsed.data;
    if (m.status === 'approved') {
      const problems = [];
      if (!m.documentNo) problems.push({ field: 'documentNo', rule: 'required_when_approved' });
      if (!m.decidedOn) problems.push({ field: 'decidedOn', rule: 'required_when_approved' });
      if (problems.length) throw new Invalid(problems);
    }
    const values = {
      status: m.status,
      document_no: m.documentNo ?? null,
      decided_on: m.decidedOn ?? null,
      note: m.note ?? '',
      updated_at: now().toISOString(),
      updated_by: actor,
    };
    await uow
      .db()
      .insertInto('site_milestones')
      .values({ site_code: code, kind: known, ...values })
      .onConflict((oc) => oc.columns(['site_code', 'kind']).doUpdateSet(values))
      .execute();
    return get(code);
  }

  return { list, get, setStatus, setMilestone };
}
