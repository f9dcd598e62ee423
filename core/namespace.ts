import { createHash } from 'node:crypto';

/**
 * The Kubernetes namespace that holds a department on every site: `dept-<code>`. Namespace names
 * are lowercase DNS labels, while department codes may carry capitals and underscores; such a
 * code gets a short hash of its exact spelling so `AB-1` and `ab-1` never share a namespace.
 */
export function namespaceOf(departmentCode: string): string {
  const plain = departmentCode.toLowerCase().replace(/_/g, '-');
  const name = `dept-${plain}`.replace(/-+$/, '');
  if (plain === departmentCode && name.length <= 63) return name;
  const tag = createHash('sha256').update(departmentCode).digest('hex').slice(0, 8);
  return `${name.slice(0, 63 - 9)}-${tag}`;
}

/** The group a department's people sign in to the cluster with (bound to `edit` in their namespace). */
export function departmentGroupOf(departmentCode: string): string {
  return `govcloud:dept:${departmentCode}`;
}
