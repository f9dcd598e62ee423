// A department's information system as the API, the forms and each CSV line accept it: one set of
// rules, so a file line and a form are refused for the same reasons.
import { z } from 'zod';
import { hostingKinds, systemNetworks } from './dr.ts';

/** System codes travel in URLs, file names and Backstage entity names, so keep them plain ASCII. */
export const systemCodePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** GB/T 20988 capability levels a system may aim for. */
export const drLevels = [1, 2, 3, 4, 5, 6] as const;

/** The largest figure a seconds or GiB field takes: about 31 years, or 1 EiB. */
const maxFigure = 1_000_000_000;

export const systemCode = z.string().min(1).max(64).regex(systemCodePattern);

/** Each field's own rule, without defaults (a change names only what it changes). */
export const systemShape = {
  code: systemCode,
  name: z.string().trim().min(1).max(200),
  department: z.string().min(1).max(32),
  description: z.string().trim().max(2000),
  mlpsLevel: z.number().int().min(1).max(5).nullable(),
  network: z.enum(systemNetworks),
  hosting: z.enum(hostingKinds),
  hostingSite: z.string().min(1).max(32).nullable(),
  dataVolumeGiB: z.number().int().min(0).max(maxFigure),
  rpoSeconds: z.number().int().min(0).max(maxFigure).nullable(),
  rtoSeconds: z.number().int().min(0).max(maxFigure).nullable(),
  targetDrLevel: z.number().int().min(1).max(6).nullable(),
};

/** The fields of one system, before the references (department, site, dependencies) are checked. */
export const systemFields = z.object({
  ...systemShape,
  description: systemShape.description.default(''),
  mlpsLevel: systemShape.mlpsLevel.default(null),
  hostingSite: systemShape.hostingSite.default(null),
  dataVolumeGiB: systemShape.dataVolumeGiB.default(0),
  rpoSeconds: systemShape.rpoSeconds.default(null),
  rtoSeconds: systemShape.rtoSeconds.default(null),
  targetDrLevel: systemShape.targetDrLevel.default(null),
});

export type SystemInput = z.infer<typeof systemFields> & { dependsOn: string[] };

/** A system's own facts (no dependencies) as stored. */
export type SystemRecord = z.infer<typeof systemFields>;

/**
 * Rules across fields: a system on the cloud names its site; one in its own machine room names
 * none. Returned as field problems so the API, forms and CSV lines report them alike.
 */
export function hostingProblems(s: Pick<SystemRecord, 'hosting' | 'hostingSite'>): { field: string; rule: string }[] {
  if (s.hosting === 'cloud' && s.hostingSite === null)
    return [{ field: 'hostingSite', rule: 'site_required_on_cloud' }];
  if (s.hosting === 'own-machine-room' && s.hostingSite !== null)
    return [{ field: 'hostingSite', rule: 'site_only_on_cloud' }];
  return [];
}
