import type { MigrationState } from '../../core/migration-lifecycle.ts';

/**
 * The migration board's columns: the lifecycle's eighteen states grouped into the stages people
 * talk about (intake, review done, build, test, cut-over, hypercare…), in the order work flows,
 * with on hold and the closed ones last. The list page filters by the same groups.
 */
export const boardColumns = [
  { key: 'intake', states: ['draft', 'submitted', 'returned'] },
  { key: 'approved', states: ['approved', 'assessed'] },
  { key: 'build', states: ['planned', 'replicating'] },
  { key: 'test', states: ['ready-for-test', 'testing'] },
  { key: 'cutover', states: ['ready-for-cutover', 'cutting-over'] },
  { key: 'hypercare', states: ['cut-over'] },
  { key: 'accepted', states: ['accepted', 'source-decommissioned'] },
  { key: 'done', states: ['done'] },
  { key: 'held', states: ['on-hold'] },
  { key: 'closed', states: ['rejected', 'cancelled'] },
] as const satisfies readonly { key: string; states: readonly MigrationState[] }[];

export type BoardColumnKey = (typeof boardColumns)[number]['key'];
export const boardColumnKeys = boardColumns.map((c) => c.key) as BoardColumnKey[];

export function statesOfColumn(key: BoardColumnKey): readonly MigrationState[] {
  return boardColumns.find((c) => c.key === key)?.states ?? [];
}
