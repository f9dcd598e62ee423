/**
 * Roles and what each may do. The three administrator roles of MLPS level 3 (system, security,
 * audit) are separated: no account holds two of them.
 */

export const roles = [
  'system-admin',
  'security-admin',
  'audit-admin',
  'cloud-operator',
  'network-operator',
  'department-user',
  'viewer',
] as const;
export type Role = (typeof roles)[number];

/** The administrator roles that must stay in separate hands. */
export const separatedRoles: readonly Role[] = ['system-admin', 'security-admin', 'audit-admin'];

export const permissions = [
  'org:read',
  'org:write',
  'accounts:read',
  'accounts:write',
  'audit:read',
  // Sites' capacity, every department's allocation, the provisioning document.
  'capacity:read',
  'capacity:write',
  // Quota requests: file one (scoped to the own department for department users), see them, decide them.
  'quota:read',
  'quota:request',
  'quota:decide',
  // The extranet: links and their state, agents, the certificate inventory (department users see
  // their own department's); managing agents, links, thresholds, trust anchors and the RA import.
  'extranet:read',
  'extranet:write',
  // Department systems, their migration onto the cloud and their DR protection (department users
  // see and act on their own department's): read them; keep the inventory and draft, submit,
  // resubmit or withdraw a migration request; review, assess, plan and walk migrations and waves;
  // record DR protection, drills, DR sites' construction and the DR level table.
  'systems:read',
  'systems:write',
  'migration:manage',
  'dr:write',
] as const;
export type Permission = (typeof permissions)[number];

const grants: Record<Role, readonly Permission[]> = {
  // Runs the platform: the organisation model, sites, configuration.
  'system-admin': ['org:read', 'org:write', 'capacity:read', 'quota:read', 'extranet:read', 'systems:read'],
  // Decides who may do what: accounts, roles, tokens, unlocks.
  'security-admin': ['org:read', 'accounts:read', 'accounts:write'],
  // Reads and verifies the audit trail; changes nothing.
  'audit-admin': ['org:read', 'audit:read', 'capacity:read', 'quota:read', 'extranet:read', 'systems:read'],
  // Allocates sites' capacity: edits it, works the request queue, may file on a department's behalf;
  // moves department systems onto the cloud and keeps them recoverable.
  'cloud-operator': [
    'org:read',
    'capacity:read',
    'capacity:write',
    'quota:read',
    'quota:request',
    'quota:decide',
    'systems:read',
    'systems:write',
    'migration:manage',
    'dr:write',
  ],
  // Watches the extranet: enrols and revokes agents, defines links, keeps the certificate inventory.
  'network-operator': ['org:read', 'extranet:read', 'extranet:write'],
  // Sees its own department only (enforced by scope, not by permission).
  'department-user': ['org:read', 'quota:read', 'quota:request', 'extranet:read', 'systems:read', 'systems:write'],
  viewer: ['org:read', 'capacity:read', 'quota:read', 'extranet:read', 'systems:read'],
};

/** Whether a role carries a permission. */
export function can(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission);
}

/** Every role that carries a permission (used by the authorisation-matrix test and the docs). */
export function rolesWith(permission: Permission): Role[] {
  return roles.filter((r) => can(r, permission));
}

/** Whether a role needs a second factor: every role except the read-only viewer. */
export function requiresSecondFactor(role: Role): boolean {
  return role !== 'viewer';
}

/** Whether a role is confined to exactly one department. */
export function isDepartmentScoped(role: Role): boolean {
  return role === 'department-user';
}

/**
 * Checks a set of roles for one account against the separation of duties: returns the clashing
 * pair, or null when the set is allowed.
 */
export function separationClash(held: readonly Role[]): [Role, Role] | null {
  const admins = held.filter((r) => separatedRoles.includes(r));
  return admins.length > 1 ? [admins[0]!, admins[1]!] : null;
}
