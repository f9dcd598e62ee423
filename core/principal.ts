import { Forbidden } from './errors.ts';
import { can, isDepartmentScoped, type Permission, type Role } from './roles.ts';

/** Who is acting: a signed-in user or an API token, with its roles and department scope. */
export type Principal = {
  kind: 'user' | 'token';
  id: string;
  name: string;
  roles: Role[];
  /** Set exactly when the principal is confined to one department. */
  department: string | null;
};

/** Whether any of the principal's roles carries the permission. */
export function holds(p: Principal, permission: Permission): boolean {
  return p.roles.some((r) => can(r, permission));
}

/** Throws Forbidden unless the principal holds the permission. */
export function requirePermission(p: Principal, permission: Permission): void {
  if (!holds(p, permission)) throw new Forbidden('forbidden', { permission });
}

/** Whether the principal is confined to one department. */
export function isScoped(p: Principal): boolean {
  return p.department !== null || p.roles.some(isDepartmentScoped);
}

/** Throws Forbidden when a department-scoped principal reaches for another department. */
export function requireDepartmentInScope(p: Principal, departmentCode: string): void {
  if (isScoped(p) && p.department !== departmentCode) {
    throw new Forbidden('outside_department', { department: departmentCode });
  }
}

/** The role shown for a principal in the audit log and the page header. */
export function primaryRole(p: Principal): Role | 'anonymous' {
  return p.roles[0] ?? 'anonymous';
}
