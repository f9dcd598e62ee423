/**
 * Whether a store error is a unique-key violation: two requests racing to create the same
 * username or code. Both pass the "already exists?" check; the database refuses the second,
 * which is the caller's conflict (409), not our fault (500).
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errcode?: unknown; message?: unknown } | null;
  if (!e) return false;
  if (e.code === '23505') return true; // PostgreSQL unique_violation
  // node:sqlite: SQLITE_CONSTRAINT_UNIQUE (2067) or SQLITE_CONSTRAINT_PRIMARYKEY (1555).
  return e.errcode === 2067 || e.errcode === 1555 || /UNIQUE constraint failed/.test(String(e.message ?? ''));
}

/** Runs an insert, turning a unique-key violation into the given conflict. */
export async function insertOrConflict<T>(insert: () => Promise<T>, conflict: () => Error): Promise<T> {
  try {
    return await insert();
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict();
    throw e;
  }
}
