import { createHash } from 'node:crypto';
import type { DesiredNamespace } from '../core/contracts/desired-state.ts';

/**
 * Labels and annotations every object of a department's tenancy carries. Labels are what
 * operators select on (`kubectl get ns -l govops.gov.cn/level=county`) and what the capacity
 * policy reads the site from; annotations keep the exact text where a label cannot hold it.
 */

export const siteLabel = 'govops.gov.cn/site';
export const departmentLabel = 'govops.gov.cn/department';
export const levelLabel = 'govops.gov.cn/level';
export const regionLabel = 'govops.gov.cn/region';
export const managedByLabel = 'app.kubernetes.io/managed-by';
/** The Pulumi project name: tells an operator which program to change instead of the object. */
export const managedBy = 'govops-tenancy';

export const departmentCodeAnnotation = 'govops.gov.cn/department-code';
export const departmentNameAnnotation = 'govops.gov.cn/department-name';

/** Kubernetes' rule for label values: at most 63 characters, alphanumeric at both ends. */
const labelValuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

export function isLabelValue(text: string): boolean {
  return labelValuePattern.test(text);
}

/**
 * `text` itself when Kubernetes accepts it as a label value; otherwise a readable stand-in with
 * a hash of the exact text, so two codes never share a label value (a department code such as
 * `AB_` ends in a character labels refuse). The exact text stays in an annotation.
 */
export function labelValueOf(text: string): string {
  if (isLabelValue(text)) return text;
  const tag = createHash('sha256').update(text).digest('hex').slice(0, 8);
  const readable = text
    .replace(/[^-A-Za-z0-9_.]/g, '-')
    .slice(0, 63 - 9)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return readable ? `${readable}.${tag}` : tag;
}

/** The labels of every object provisioned for one department on one site. */
export function tenantLabels(siteCode: string, tenant: DesiredNamespace): Record<string, string> {
  return {
    [siteLabel]: labelValueOf(siteCode),
    [departmentLabel]: labelValueOf(tenant.department.code),
    [levelLabel]: labelValueOf(tenant.department.level),
    [regionLabel]: labelValueOf(tenant.department.region),
    [managedByLabel]: managedBy,
  };
}

/** The exact department code and its name (Chinese text is fine in annotations, not in labels). */
export function tenantAnnotations(tenant: DesiredNamespace): Record<string, string> {
  return {
    [departmentCodeAnnotation]: tenant.department.code,
    [departmentNameAnnotation]: tenant.department.name,
  };
}
