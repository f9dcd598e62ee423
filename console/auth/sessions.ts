import { Forbidden, Invalid, Locked, Unauthenticated } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import { type Role, requiresSecondFactor } from '../../core/roles.ts';
import type { UsersTable } from '../store/schema.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import type { Lockout } from './lockout.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { SecretBox } from './secret-box.ts';
import { randomToken, secretHash } from './secrets.ts';
import { acceptedStep, newTotpSecret } from './totp.ts';

export type Stage = 'password' | 'enrol' | 'active';
export type StartedSession = {
  token: string;
  stage: Stage;
  csrf: string;
  userId: string;
  username: string;
  /** The new TOTP key to show, when the stage is 'enrol'. */
  pendingTotpSecret: string | null;
};
export type ResolvedSession = {
  idHash: string;
  stage: Stage;
  csrf: string;
  userId: string;
  username: string;
  principal: Principal | null;
  pendingTotpSecret: string | null;
};

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
  idleMs,
  lockout,
  secrets,
  scryptCost,
}: {
  uow: UnitOfWork;
  now: () => Date;
  idleMs: number;
  lockout: Lockout;
  /** TOTP keys are stored sealed and opened only to check a code. */
  secrets: SecretBox;
  scryptCost?: number;
}) {
  // Unknown usernames are checked against a hash of the same cost as real ones, so the time an
  // answer takes does not tell which usernames exist.
  const standInHash = hashPassword(randomToken(), scryptCost);

  async function rolesOf(userId: string): Promise<Role[]> {
    const rows = await uow.db().selectFrom('user_roles').select('role').where('user_id', '=', userId).execute();
    return rows.map((r) => r.role);
  }

  async function failAttempt(userId: string, code: 'bad_credentials' | 'bad_totp'): Promise<never> {
    throw (await lockout.fail(userId)) ?? new Unauthenticated(code);
  }

  async function userById(id: string): Promise<UsersTable> {
    const user = await uow.db().selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!user || user.disabled) throw new Unauthenticated('unauthenticated');
    return user;
  }

  /** Marks the session signed in under a fresh id (defeats session fixation); returns the new token. */
  async function activate(idHash: string, user: UsersTable, step: number, enrolSecret: string | null): Promise<string> {
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
      await uow
        .db()
        .updateTable('sessions')
        .set({ id_hash: secretHash(fresh), stage: 'active', pending_totp_secret: null, last_seen_at: at })
        .where('id_hash', '=', idHash)
        .execute();
    });
    return fresh;
  }

  async function signOut(idHash: string): Promise<void> {
    await uow.inTransaction(() => uow.db().deleteFrom('sessions').where('id_hash', '=', idHash).execute());
  }

  /** The session with a stored id hash, or null when unknown or idle too long (then it is removed). */
  async function byHash(idHash: string): Promise<ResolvedSession | null> {
    // One round trip for the session and its user: this runs on every signed-in request.
    const row = await uow
      .db()
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'sessions.stage',
        'sessions.csrf_token',
        'sessions.pending_totp_secret',
        'sessions.last_seen_at',
        'users.id as user_id',
        'users.username',
        'users.department_code',
        'users.disabled',
      ])
      .where('sessions.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row) return null;
    const t = now().getTime();
    const idle = t - Date.parse(row.last_seen_at);
    if (idle > idleMs) {
      await signOut(idHash);
      return null;
    }
    if (row.disabled) return null;
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
            id: row.user_id,
            name: row.username,
            roles: await rolesOf(row.user_id),
            department: row.department_code,
          }
        : null;
    return {
      idHash,
      stage: row.stage,
      csrf: row.csrf_token,
      userId: row.user_id,
      username: row.username,
      principal,
      pendingTotpSecret: row.pending_totp_secret ? secrets.open(row.pending_totp_secret) : null,
    };
  }

  return {
    /** Step one: username and password. Returns a session awaiting its second factor (or active, for viewers). */
    async signIn(username: string, password: string): Promise<StartedSession> {
      const user = await uow.db().selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      if (!user || user.disabled) {
        await verifyPassword(password, await standInHash);
        throw new Unauthenticated('bad_credentials');
      }
      lockout.assertOpen(user);
      if (!(await verifyPassword(password, user.password_hash))) return failAttempt(user.id, 'bad_credentials');
      const held = await rolesOf(user.id);
      const stage: Stage = user.totp_secret ? 'password' : held.some(requiresSecondFactor) ? 'enrol' : 'active';
      const token = randomToken();
      const csrf = randomToken(24);
      const pendingTotpSecret = stage === 'enrol' ? newTotpSecret() : null;
      const at = now().toISOString();
      await uow.inTransaction(async () => {
        if (stage === 'active') await lockout.succeed(user.id);
        // Sweep sessions nobody has used within the idle timeout: they can never be resumed.
        const stale = new Date(now().getTime() - idleMs).toISOString();
        await uow.db().deleteFrom('sessions').where('last_seen_at', '<', stale).execute();
        await uow
          .db()
          .insertInto('sessions')
          .values({
            id_hash: secretHash(token),
            user_id: user.id,
            stage,
            csrf_token: csrf,
            pending_totp_secret: pendingTotpSecret ? secrets.seal(pendingTotpSecret) : null,
            created_at: at,
            last_seen_at: at,
          })
          .execute();
      });
      return { token, stage, csrf, userId: user.id, username: user.username, pendingTotpSecret };
    },

    /**
     * Step two: the TOTP code of an enrolled user, or the first code of a new enrolment. Returns
     * the new session token. A lockout ends the half-signed-in session: back to the password.
     */
    async completeSecondFactor(idHash: string, code: string): Promise<string> {
      const session = await byHash(idHash);
      if (!session || session.stage === 'active') throw new Forbidden('second_factor_required');
      const user = await userById(session.userId);
      try {
        lockout.assertOpen(user);
        const enrolling = session.stage === 'enrol' ? session.pendingTotpSecret : null;
        if (session.stage === 'enrol' && !enrolling) throw new Forbidden('second_factor_required');
        const secret = enrolling ?? secrets.open(user.totp_secret!);
        const step = acceptedStep(secret, code.trim(), now(), enrolling ? null : user.totp_last_step);
        if (step === null) {
          if (!/^\d{6}$/.test(code.trim())) throw new Invalid([{ field: 'code', rule: 'invalid_format' }]);
          return await failAttempt(user.id, 'bad_totp');
        }
        return await activate(idHash, user, step, enrolling);
      } catch (e) {
        if (e instanceof Locked) await signOut(idHash);
        throw e;
      }
    },

    /** The session behind a cookie, or null when unknown or idle too long. */
    resolve(token: string): Promise<ResolvedSession | null> {
      return byHash(secretHash(token));
    },

    /** The session with a stored id hash, or null. */
    byHash,

    signOut,
  };
}
