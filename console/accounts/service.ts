import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Conflict, Invalid, NotFound } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import { isDepartmentScoped, type Role, roles, separatedRoles, separationClash } from '../../core/roles.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { randomToken, secretHash } from '../auth/secrets.ts';
import { zodProblems } from '../http/field-problems.ts';
import type { Lockout } from '../auth/lockout.ts';
import { insertOrConflict } from '../store/unique-violation.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

/** What every new password must satisfy. */
export const passwordRule = z.string().min(12).max(200);

export const newUserInput = z.strictObject({
  username: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9._-]{1,31}$/),
  displayName: z.string().trim().min(1).max(100).optional(),
  roles: z.array(z.enum(roles)).min(1).max(3),
  department: z.string().trim().min(1).max(32).nullable().optional(),
  password: passwordRule,
});
export type NewUserInput = z.infer<typeof newUserInput>;

export const userChanges = z.strictObject({
  displayName: z.string().trim().min(1).max(100).optional(),
  roles: z.array(z.enum(roles)).min(1).max(3).optional(),
  department: z.string().trim().min(1).max(32).nullable().optional(),
  disabled: z.boolean().optional(),
});

export const passwordChange = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: passwordRule,
});

export const newTokenInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: z.enum(roles),
  department: z.string().trim().min(1).max(32).nullable().optional(),
});
export type NewTokenInput = z.infer<typeof newTokenInput>;

export type UserView = {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  department: string | null;
  totpEnrolled: boolean;
  lockedUntil: string | null;
  disabled: boolean;
  createdAt: string;
};

export type TokenView = {
  id: string;
  name: string;
  role: Role;
  department: string | null;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
};

export type AccountsService = ReturnType<typeof createAccountsService>;

/** Accounts, their roles and API tokens: who may act on the console. */
export function createAccountsService({
  uow,
  now,
  lockout,
  scryptCost,
}: {
  uow: UnitOfWork;
  now: () => Date;
  lockout: Lockout;
  scryptCost?: number;
}) {
  async function checkScope(rolesHeld: Role[], department: string | null | undefined, field: string) {
    const scoped = rolesHeld.some(isDepartmentScoped);
    if (scoped && rolesHeld.length > 1) throw new Invalid([{ field: 'roles', rule: 'department_not_allowed' }]);
    if (scoped && !department) throw new Invalid([{ field, rule: 'department_required' }]);
    if (!scoped && department) throw new Invalid([{ field, rule: 'department_not_allowed' }]);
    if (department) {
      const found = await uow
        .db()
        .selectFrom('departments')
        .select('code')
        .where('code', '=', department)
        .executeTakeFirst();
      if (!found) throw new Invalid([{ field, rule: 'unknown_department' }]);
    }
  }

  return {
    async createUser(raw: unknown): Promise<UserView> {
      const parsed = newUserInput.safeParse(raw);
      if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
      const input = parsed.data;
      const held = [...new Set(input.roles)];
      const clash = separationClash(held);
      if (clash) throw new Conflict('role_separation', { a: clash[0], b: clash[1] });
      await checkScope(held, input.department, 'department');
      const db = uow.db();
      const taken = await db.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
      if (taken) throw new Conflict('username_taken', { username: input.username });
      const at = now().toISOString();
      const id = randomUUID();
      const passwordHash = await hashPassword(input.password, scryptCost);
      const insert = () =>
        db
          .insertInto('users')
          .values({
            id,
            username: input.username,
            display_name: input.displayName ?? input.username,
            password_hash: passwordHash,
            totp_secret: null,
            totp_enrolled_at: null,
            totp_last_step: null,
            department_code: input.department ?? null,
            failed_logins: 0,
            locked_until: null,
            disabled: 0,
            created_at: at,
            password_changed_at: at,
          })
          .execute();
      await insertOrConflict(insert, () => new Conflict('username_taken', { username: input.username }));
      await db
        .insertInto('user_roles')
        .values(held.map((role) => ({ user_id: id, role })))
        .execute();
      return this.getUser(input.username);
    },

    /**
     * Changes roles, department, display name or the disabled flag. Any change to what the user
     * may do ends their sessions, so it takes effect at once.
     */
    async updateUser(username: string, raw: unknown): Promise<UserView> {
      const parsed = userChanges.safeParse(raw);
      if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
      const change = parsed.data;
      const user = await this.getUser(username);
      const held = change.roles ? [...new Set(change.roles)] : user.roles;
      const department = change.department !== undefined ? change.department : user.department;
      const clash = separationClash(held);
      if (clash) throw new Conflict('role_separation', { a: clash[0], b: clash[1] });
      await checkScope(held, department, 'department');
      const db = uow.db();
      await db
        .updateTable('users')
        .set({
          display_name: change.displayName ?? user.displayName,
          department_code: department ?? null,
          disabled: (change.disabled ?? user.disabled) ? 1 : 0,
        })
        .where('id', '=', user.id)
        .execute();
      if (change.roles) {
        await db.deleteFrom('user_roles').where('user_id', '=', user.id).execute();
        await db
          .insertInto('user_roles')
          .values(held.map((role) => ({ user_id: user.id, role })))
          .execute();
      }
      if (change.roles || change.department !== undefined || change.disabled) {
        await db.deleteFrom('sessions').where('user_id', '=', user.id).execute();
      }
      return this.getUser(username);
    },

    async getUser(username: string): Promise<UserView> {
      const [user] = await this.listUsers({ username });
      if (!user) throw new NotFound('user_not_found', { username });
      return user;
    },

    async listUsers(filter: { username?: string; department?: string } = {}): Promise<UserView[]> {
      let q = uow.db().selectFrom('users').selectAll();
      if (filter.username) q = q.where('username', '=', filter.username);
      if (filter.department) q = q.where('department_code', '=', filter.department);
      const users = await q.orderBy('username').execute();
      if (users.length === 0) return [];
      const roleRows = await uow
        .db()
        .selectFrom('user_roles')
        .selectAll()
        .where(
          'user_id',
          'in',
          users.map((u) => u.id),
        )
        .execute();
      return users.map((u) => ({
        id: u.id,
        username: u.username,
        displayName: u.display_name,
        roles: roleRows.filter((r) => r.user_id === u.id).map((r) => r.role),
        department: u.department_code,
        totpEnrolled: u.totp_enrolled_at !== null,
        lockedUntil: u.locked_until && u.locked_until > now().toISOString() ? u.locked_until : null,
        disabled: u.disabled === 1,
        createdAt: u.created_at,
      }));
    },

    /** Sets a new password, clears the lockout and ends the user's sessions. */
    async resetPassword(username: string, password: string): Promise<void> {
      const checked = passwordRule.safeParse(password);
      if (!checked.success) throw new Invalid(zodProblems(checked.error, 'password'));
      const user = await this.getUser(username);
      const db = uow.db();
      await db
        .updateTable('users')
        .set({
          password_hash: await hashPassword(password, scryptCost),
          password_changed_at: now().toISOString(),
          failed_logins: 0,
          locked_until: null,
        })
        .where('id', '=', user.id)
        .execute();
      await db.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    },

    /**
     * A user changes their own password: the current one must be right and the new one
     * different. Their other sessions end; the one they are using stays.
     */
    async changeOwnPassword(userId: string, keepSessionHash: string | null, raw: unknown): Promise<void> {
      const parsed = passwordChange.safeParse(raw);
      if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
      const { currentPassword, newPassword } = parsed.data;
      const user = await uow.db().selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
      if (!user) throw new NotFound('user_not_found', { username: userId });
      lockout.assertOpen(user);
      if (!(await verifyPassword(currentPassword, user.password_hash))) {
        // Guessing through a left-open session counts like guessing at sign-in; a lockout ends
        // every session of the account, the guesser's included.
        const locked = await lockout.fail(userId);
        if (locked) {
          await uow.inTransaction(() => uow.db().deleteFrom('sessions').where('user_id', '=', userId).execute());
          throw locked;
        }
        throw new Invalid([{ field: 'currentPassword', rule: 'wrong_password' }]);
      }
      if (currentPassword === newPassword) throw new Invalid([{ field: 'newPassword', rule: 'same_password' }]);
      const hash = await hashPassword(newPassword, scryptCost);
      await uow.inTransaction(async () => {
        const db = uow.db();
        await db
          .updateTable('users')
          .set({ password_hash: hash, password_changed_at: now().toISOString(), failed_logins: 0 })
          .where('id', '=', userId)
          .execute();
        let others = db.deleteFrom('sessions').where('user_id', '=', userId);
        if (keepSessionHash) others = others.where('id_hash', '!=', keepSessionHash);
        await others.execute();
      });
    },

    /** Forgets the TOTP enrolment so the user enrols again at next login (lost phone). */
    async resetTotp(username: string): Promise<void> {
      const user = await this.getUser(username);
      await uow
        .db()
        .updateTable('users')
        .set({ totp_secret: null, totp_enrolled_at: null, totp_last_step: null })
        .where('id', '=', user.id)
        .execute();
      await uow.db().deleteFrom('sessions').where('user_id', '=', user.id).execute();
    },

    async unlock(username: string): Promise<void> {
      const user = await this.getUser(username);
      await uow
        .db()
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: null })
        .where('id', '=', user.id)
        .execute();
    },

    /**
     * Creates a token; the secret is returned this once and only its hash is kept. Tokens for
     * the three separated administrator roles skip the second factor and would let one
     * administrator hand themselves another's powers, so only the local admin command
     * (`allowAdministratorRoles`) may create them.
     */
    async createToken(
      raw: unknown,
      createdBy: string,
      { allowAdministratorRoles = false } = {},
    ): Promise<{ token: string; view: TokenView }> {
      const parsed = newTokenInput.safeParse(raw);
      if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
      const input = parsed.data;
      if (!allowAdministratorRoles && separatedRoles.includes(input.role)) {
        throw new Invalid([{ field: 'role', rule: 'administrator_token' }]);
      }
      await checkScope([input.role], input.department, 'department');
      const token = `govops_${randomToken(32)}`;
      const id = randomUUID();
      await uow
        .db()
        .insertInto('api_tokens')
        .values({
          id,
          name: input.name,
          token_hash: secretHash(token),
          role: input.role,
          department_code: input.department ?? null,
          created_by: createdBy,
          created_at: now().toISOString(),
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
      const [view] = await this.listTokens(id);
      return { token, view: view! };
    },

    async listTokens(id?: string): Promise<TokenView[]> {
      let q = uow.db().selectFrom('api_tokens').selectAll();
      if (id) q = q.where('id', '=', id);
      const rows = await q.orderBy('created_at', 'desc').execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        role: r.role,
        department: r.department_code,
        createdBy: r.created_by,
        createdAt: r.created_at,
        revokedAt: r.revoked_at,
        lastUsedAt: r.last_used_at,
      }));
    },

    async revokeToken(id: string): Promise<TokenView> {
      const [token] = await this.listTokens(id);
      if (!token) throw new NotFound('token_not_found', { id });
      if (!token.revokedAt)
        await uow
          .db()
          .updateTable('api_tokens')
          .set({ revoked_at: now().toISOString() })
          .where('id', '=', id)
          .execute();
      return (await this.listTokens(id))[0]!;
    },

    /** The principal behind a bearer token, or null when it is unknown or revoked. */
    async authenticateToken(token: string): Promise<Principal | null> {
      const row = await uow
        .db()
        .selectFrom('api_tokens')
        .selectAll()
        .where('token_hash', '=', secretHash(token))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) return null;
      // Recorded at most once a minute, so reads stay reads under load.
      const at = now();
      if (!row.last_used_at || at.getTime() - Date.parse(row.last_used_at) > 60_000) {
        await uow.inTransaction(() =>
          uow.db().updateTable('api_tokens').set({ last_used_at: at.toISOString() }).where('id', '=', row.id).execute(),
        );
      }
      return {
        kind: 'token',
        id: row.id,
        // Token names need not be unique; the id's start tells two of the same name apart.
        name: `token:${row.name}#${row.id.slice(0, 8)}`,
        roles: [row.role],
        department: row.department_code,
      };
    },

    /** Whether the store has no accounts yet (first start). */
    async isEmpty(): Promise<boolean> {
      const row = await uow.db().selectFrom('users').select('id').limit(1).executeTakeFirst();
      return !row;
    },
  };
}
