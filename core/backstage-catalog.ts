// The inventory as Backstage catalog-info.yaml entities, for teams that keep a software catalogue:
// each department a Domain and the Group that owns it, each system a System in its department's
// domain. Codes and Chinese names are kept in titles and annotations, since Backstage names are
// restricted to ASCII.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { SystemInput } from './system-input.ts';

const apiVersion = 'backstage.io/v1alpha1';
const annotationPrefix = 'govops.gov.cn';
const maxNameLength = 63;

export type CatalogDepartment = { code: string; name: string; level: string };
export type CatalogSystem = SystemInput & { departmentName?: string };

/**
 * A valid Backstage entity name for a code: sequences of [A-Za-z0-9] joined by single `-`, `_`
 * or `.`, at most 63 characters. A code that had to change (or is too long) gets a short hash of
 * the original appended, so two codes never fold onto one name.
 */
export function backstageName(code: string): string {
  const cleaned = code
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/[-_.]{2,}/g, (run) => run[0]!)
    .replace(/^[-_.]+|[-_.]+$/g, '');
  if (cleaned === code && code.length <= maxNameLength) return code;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 8);
  const head = cleaned.slice(0, maxNameLength - hash.length - 1).replace(/[-_.]+$/, '');
  return head ? `${head}-${hash}` : `x-${hash}`;
}

/** One YAML document per entity, `---` separated, departments first then systems, in code order. */
export function backstageCatalog(departments: readonly CatalogDepartment[], systems: readonly CatalogSystem[]): string {
  const entities: object[] = [];
  for (const d of [...departments].sort((a, b) => a.code.localeCompare(b.code))) {
    const name = backstageName(d.code);
    const metadata = {
      name,
      title: d.name,
      annotations: { [`${annotationPrefix}/department-code`]: d.code },
      labels: { [`${annotationPrefix}/level`]: d.level },
    };
    entities.push({ apiVersion, kind: 'Group', metadata, spec: { type: 'department', children: [] } });
    entities.push({ apiVersion, kind: 'Domain', metadata, spec: { owner: `group:${name}` } });
  }
  for (const s of [...systems].sort((a, b) => a.code.localeCompare(b.code))) {
    const department = backstageName(s.department);
    const annotations: Record<string, string> = {
      [`${annotationPrefix}/system-code`]: s.code,
      [`${annotationPrefix}/department-code`]: s.department,
      [`${annotationPrefix}/network`]: s.network,
      [`${annotationPrefix}/hosting`]: s.hostingSite ? `${s.hosting}:${s.hostingSite}` : s.hosting,
    };
    if (s.mlpsLevel !== null) annotations[`${annotationPrefix}/mlps-level`] = String(s.mlpsLevel);
    if (s.targetDrLevel !== null) annotations[`${annotationPrefix}/target-dr-level`] = String(s.targetDrLevel);
    if (s.rpoSeconds !== null) annotations[`${annotationPrefix}/rpo-seconds`] = String(s.rpoSeconds);
    if (s.rtoSeconds !== null) annotations[`${annotationPrefix}/rto-seconds`] = String(s.rtoSeconds);
    // A System has no dependsOn in Backstage's model; the codes travel as an annotation.
    if (s.dependsOn.length) annotations[`${annotationPrefix}/depends-on`] = s.dependsOn.join(';');
    entities.push({
      apiVersion,
      kind: 'System',
      metadata: {
        name: backstageName(s.code),
        title: s.name,
        ...(s.description ? { description: s.description } : {}),
        annotations,
      },
      spec: { owner: `group:${department}`, domain: department },
    });
  }
  return entities.map((e) => stringify(e, { lineWidth: 0 })).join('---\n');
}
