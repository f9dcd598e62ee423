import { Forbidden, Invalid, Locked, Unauthenticated } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import { type Role, requiresSecondFactor } from '../../core/roles.ts';
import type { UsersTable } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { verifyPassword } from './passwords.ts';
import { randomToken, secretHash } from './secrets.ts';
import type { SecretBox } from './secret-box.ts';
import { acceptedStep, newTotpSecret } from './totp.ts';

export type Stage = 'password' | 'enrol' | 'active';
export type StartedSession = { token: string; stage: Stage; csrf: string; userId: string; username: string };
export type ResolvedSession = {
  idHash: string;
  stage: Stage;
  csrf: string;
  userId: string;
  principal: Principal | null;
  pendingTotpSecret: string | null;
};

export type SessionPolicy = { idleMs: number; lockoutThreshold: number; lockoutMs: number };
export type SessionsService = ReturnType<typeof createSessionsService>;

// Sessions touched within this long are not rewritten on every request.
const touchEveryMs = 60_000;

/**
 * Sign-in in two steps (password, then TOTP or TOTP enrolment) and the sessions that follow,
 * kept in the store so any replica can serve any user. Failed attempts of either step count
 * towards the lockout. Each method runs in its own transaction: a failed attempt must be
 * remembered even though the request fails.
 */
export function createSessionsService({
  uow,
  now,
  policy,
  secrets,
}: {
  uow: UnitOfWork;
  now: () => Date;
  policy: SessionPolicy;
  /** TOTP keys are stored sealed and opened only to check a code. */
  secrets: SecretBox;
}) {
  async function rolesOf(userId: string): Promise<Role[]> {
    const rows = await uow.db().selectFrom('user_roles').select('role').where('user_id', '=', userId).execute();
    return rows.map((r) => r.role);
  }

  async function failAttempt(user: UsersTable, code: 'bad_credentials' | 'bad_totp'): Promise<never> {
    const failures = user.failed_logins + 1;
    const lock = failures >= policy.lockoutThreshold;
    const lockedUntil = lock ? new Date(now().getTime() + policy.lockoutMs).toISOString() : null;
    await uow.inTransaction(() =>
      uow
        .db()
        .updateTable('users')
        .set({ failed_logins: lock ? 0 : failures, locked_until: lockedUntil })
        .where('id', '=', user.id)
        .execute(),
    );
    if (lock) throw new Locked('locked', { until: lockedUntil!.slice(0, 16).replace('T', ' ') });
    throw new Unauthenticated(code);
  }

  function assertNotLocked(user: UsersTable): void {
    if (user.locked_until && user.locked_until > now().toISOString()) {
      throw new Locked('locked', { until: user.locked_until.slice(0, 16).replace('T', ' ') });
    }
  }

  async function userById(id: string): Promise<UsersTable> {
    const user = await uow.db().selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!user || user.disabled) throw new Unauthenticated('unauthenticated');
    return user;
  }

  async function activate(idHash: string, user: UsersTable, step: number, enrolSecret?: string): Promise<string> {
    const fresh = randomToken();
    await uow.inTransaction(async () => {
      const at = now().toISOString();
      await uow
        .db()
        .updateTable('users')
        .set({
          failed_logins: 0,
          totp_last_step: step,
          ...(enrolSecret ? { totp_secret: secrets.seal(enrolSecret), totp_enrolled_at: at } : {}),
        })
        .where('id', '=', user.id)
        .execute();
      // A fresh id at each privilege change defeats session fixation.
      await uow
        .db()
        .updateTable('sessions')
        .set({ id_hash: secretHash(fresh), stage: 'active', pending_totp_secret: null, last_seen_at: at })
        .where('id_hash', '=', idHash)
        .execute();
    });
    return fresh;
  }

  return {
    /** Step one: username and password. Returns a session awaiting its second factor (or active, for viewers). */
    async signIn(username: string, password: string): Promise<StartedSession> {
      const user = await uow.db().selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      if (!user || user.disabled) {
        // Same work as a real check, so timing does not tell which usernames exist.
        await verifyPassword(
          password,
          'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
        );
        throw new Unauthenticated('bad_credentials');
      }
      assertNotLocked(user);
      if (!(await verifyPassword(password, user.password_hash))) return failAttempt(user, 'bad_credentials');
      const held = await rolesOf(user.id);
      const needsFactor = held.some(requiresSecondFactor);
      const stage: Stage = user.totp_secret ? 'password' : needsFactor ? 'enrol' : 'active';
      const token = randomToken();
      const csrf = randomToken(24);
      const at = now().toISOString();
      await uow.inTransaction(async () => {
        if (stage === 'active')
          await uow.db().updateTable('users').set({ failed_logins: 0 }).where('id', '=', user.id).execute();
        // Sweep sessions nobody has used within the idle timeout: they can never be resumed.
        const stale = new Date(now().getTime() - policy.idleMs).toISOString();
        await uow.db().deleteFrom('sessions').where('last_seen_at', '<', stale).execute();
        await uow
          .db()
          .insertInto('sessions')
          .values({
            id_hash: secretHash(token),
            user_id: user.id,
            stage,
            csrf_token: csrf,
            pending_totp_secret: stage === 'enrol' ? secrets.seal(newTotpSecret()) : null,
            created_at: at,
            last_seen_at: at,
          })
          .execute();
      });
      return { token, stage, csrf, userId: user.id, username: user.username };
    },

    /** Step two for an enrolled user: the TOTP code. Returns the new session token. */
    async verifyTotp(session: ResolvedSession, code: string): Promise<string> {
      if (session.stage !== 'password') throw new Forbidden('second_factor_required');
      const user = await userById(session.userId);
      assertNotLocked(user);
      const step = acceptedStep(secrets.open(user.totp_secret!), code.trim(), now(), user.totp_last_step);
      if (step === null) return failAttempt(user, 'bad_totp');
      return activate(session.idHash, user, step);
    },

    /** Step two for a user without TOTP: confirm the new secret with a first code. Returns the new session token. */
    async confirmEnrolment(session: ResolvedSession, code: string): Promise<string> {
      if (session.stage !== 'enrol' || !session.pendingTotpSecret) throw new Forbidden('second_factor_required');
      const user = await userById(session.userId);
      assertNotLocked(user);
      const step = acceptedStep(session.pendingTotpSecret, code.trim(), now(), null);
      if (step === null) {
        if (!/^\d{6}$/.test(code.trim())) throw new Invalid([{ field: 'code', rule: 'invalid_format' }]);
        return failAttempt(user, 'bad_totp');
      }
      return activate(session.idHash, user, step, session.pendingTotpSecret);
    },

    /** The session behind a cookie, or null when unknown or idle too long (then it is removed). */
    async resolve(token: string): Promise<ResolvedSession | null> {
      return this.resolveHash(secretHash(token));
    },

    /** The session with a stored id hash; Unauthenticated when it is gone. */
    async resolveById(idHash: string): Promise<ResolvedSession> {
      const session = await this.resolveHash(idHash);
      if (!session) throw new Unauthenticated('unauthenticated');
      return session;
    },

    async resolveHash(idHash: string): Promise<ResolvedSession | null> {
      const row = await uow.db().selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      if (!row) return null;
      const t = now().getTime();
      const idle = t - Date.parse(row.last_seen_at);
      if (idle > policy.idleMs) {
        await uow.inTransaction(() => uow.db().deleteFrom('sessions').where('id_hash', '=', idHash).execute());
        return null;
      }
      const user = await uow.db().selectFrom('users').selectAll().where('id', '=', row.user_id).executeTakeFirst();
      if (!user || user.disabled) return null;
      if (idle > touchEveryMs) {
        await uow.inTransaction(() =>
          uow
            .db()
            .updateTable('sessions')
            .set({ last_seen_at: new Date(t).toISOString() })
            .where('id_hash', '=', idHash)
            .execute(),
        );
      }
      const principal: Principal | null =
        row.stage === 'active'
          ? {
              kind: 'user',
              id: user.id,
              name: user.username,
              roles: await rolesOf(user.id),
              department: user.department_code,
            }
          : null;
      return {
        idHash,
        stage: row.stage,
        csrf: row.csrf_token,
        userId: user.id,
        principal,
        pendingTotpSecret: row.pending_totp_secret ? secrets.open(row.pending_totp_secret) : null,
      };
    },

    async signOut(idHash: string): Promise<void> {
      await uow.inTransaction(() => uow.db().deleteFrom('sessions').where('id_hash', '=', idHash).execute());
    },

    /** The username behind a session (for audit records of incomplete sign-ins). */
    async usernameOf(userId: string): Promise<string> {
      const row = await uow.db().selectFrom('users').select('username').where('id', '=', userId).executeTakeFirst();
      return row?.username ?? 'unknown';
    },
  };
}
