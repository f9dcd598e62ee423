import { Locked } from '../../core/errors.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';

export type LockoutPolicy = { lockoutThreshold: number; lockoutMs: number };
export type Lockout = ReturnType<typeof createLockout>;

/**
 * Failed authentication attempts (password, TOTP, current password when changing it) and the
 * lockout they lead to. The count moves in one statement, so attempts sent in parallel cannot
 * each read the same old count and slip past the threshold; only success or an unlock clears it.
 */
export function createLockout({ uow, now, policy }: { uow: UnitOfWork; now: () => Date; policy: LockoutPolicy }) {
  const lockedError = (until: string) => new Locked('locked', { until: until.slice(0, 16).replace('T', ' ') });

  return {
    /** Throws Locked while the account is locked. */
    assertOpen(user: { locked_until: string | null }): void {
      if (user.locked_until && user.locked_until > now().toISOString()) throw lockedError(user.locked_until);
    },

    /** Counts one failure; returns the Locked error when this failure locks (or found it locked). */
    async fail(userId: string): Promise<Locked | null> {
      return uow.inTransaction(async () => {
        const row = await uow
          .db()
          .updateTable('users')
          .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
          .where('id', '=', userId)
          .returning(['failed_logins', 'locked_until'])
          .executeTakeFirst();
        if (!row) return null;
        const at = now();
        if (row.locked_until && row.locked_until > at.toISOString()) return lockedError(row.locked_until);
        if (row.failed_logins < policy.lockoutThreshold) return null;
        const until = new Date(at.getTime() + policy.lockoutMs).toISOString();
        await uow
          .db()
          .updateTable('users')
          .set({ failed_logins: 0, locked_until: until })
          .where('id', '=', userId)
          .execute();
        return lockedError(until);
      });
    },

    /** Clears the count after a success. */
    async succeed(userId: string): Promise<void> {
      await uow.inTransaction(() =>
        uow.db().updateTable('users').set({ failed_logins: 0 }).where('id', '=', userId).execute(),
      );
    },
  };
}
