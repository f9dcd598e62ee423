import { type RawBuilder, sql } from 'kysely';

/**
 * A case-insensitive "column contains text" condition that behaves the same on SQLite and
 * PostgreSQL, with the user's text matched literally (no wildcards of their own).
 */
export function contains(column: string, text: string): RawBuilder<boolean> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}
