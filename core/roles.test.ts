import { describe, expect, it } from 'vitest';
import { isScoped, requireDepartmentInScope } from './principal.ts';
import { can, requiresSecondFactor, roles, rolesWith, separationClash } from './roles.ts';

describe('roles', () => {
  it.each([
    [['system-admin'], null],
    [['system-admin', 'cloud-operator'], null],
    [
      ['system-admin', 'security-admin'],
      ['system-admin', 'security-admin'],
    ],
    [
      ['audit-admin', 'viewer', 'security-admin'],
      ['audit-admin', 'security-admin'],
    ],
  ] as const)('separation of duties for %j', (held, clash) => {
    expect(separationClash([...held])).toEqual(clash);
  });

  it('lets only the audit administrator read the audit log and only the system administrator change the organisation', () => {
    expect(rolesWith('audit:read')).toEqual(['audit-admin']);
    expect(rolesWith('org:write')).toEqual(['system-admin']);
    expect(rolesWith('accounts:write')).toEqual(['security-admin']);
    expect(can('audit-admin', 'org:write')).toBe(false);
  });

  it('asks every role but the viewer for a second factor', () => {
    expect(roles.filter(requiresSecondFactor)).toEqual(roles.filter((r) => r !== 'viewer'));
  });

  it('confines a department user to their own department', () => {
    const user = { kind: 'user' as const, id: 'u', name: 'u', roles: ['department-user' as const], department: 'D1' };
    expect(isScoped(user)).toBe(true);
    expect(() => requireDepartmentInScope(user, 'D1')).not.toThrow();
    expect(() => requireDepartmentInScope(user, 'D2')).toThrow(/outside_department/);
    const operator = { ...user, roles: ['cloud-operator' as const], department: null };
    expect(() => requireDepartmentInScope(operator, 'D2')).not.toThrow();
  });
});
