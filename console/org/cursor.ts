import { Invalid } from '../../core/errors.ts';

/** Opaque keyset cursors: the last row's sort value and code, so pages stay fast and stable. */
export function encodeCursor(parts: [string, string]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** Reads a cursor back; a tampered or stale one is the caller's mistake (400), not ours. */
export function decodeCursor(cursor: string): [string, string] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === 2 && parts.every((p) => typeof p === 'string'))
      return parts as [string, string];
  } catch {
    // fall through
  }
  throw new Invalid([{ field: 'cursor', rule: 'invalid_format' }], 'bad_cursor');
}
