import { describe, expect, it } from 'vitest';
import { Conflict, Invalid } from './errors.ts';
import {
  cycleText,
  type DependencyGraph,
  findDependencyCycle,
  requireValidDependencies,
  withDependencies,
} from './system-dependencies.ts';

const graph = (edges: Record<string, string[]>): DependencyGraph => new Map(Object.entries(edges));

describe('findDependencyCycle', () => {
  it.each([
    ['no systems', {}, [], null],
    ['a chain', { A: ['B'], B: ['C'], C: [] }, [], null],
    ['a diamond (shared dependency is no cycle)', { A: ['B', 'C'], B: ['D'], C: ['D'], D: [] }, [], null],
    ['a system on itself', { A: ['A'] }, [], ['A', 'A']],
    ['two systems on each other', { A: ['B'], B: ['A'] }, [], ['A', 'B', 'A']],
    ['three, named from the start asked for', { A: ['B'], B: ['C'], C: ['A'] }, ['B'], ['B', 'C', 'A', 'B']],
    ['a cycle below an acyclic head', { X: ['A'], A: ['B'], B: ['C'], C: ['B'] }, [], ['B', 'C', 'B']],
    ['an edge to a system not in the map', { A: ['Z'] }, [], null],
  ] as const)('%s', (_, edges, first, expected) => {
    expect(findDependencyCycle(graph(edges as Record<string, string[]>), first)).toEqual(expected);
  });

  it('walks a long chain without running out of stack', () => {
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 20_000; i++) edges[`S${i}`] = [`S${i + 1}`];
    expect(findDependencyCycle(graph(edges))).toBeNull();
    edges.S20000 = ['S0'];
    expect(findDependencyCycle(graph(edges), ['S0'])).toHaveLength(20_002);
  });
});

describe('requireValidDependencies', () => {
  const existing = graph({ A: ['B'], B: ['C'], C: [], D: [] });

  it('accepts known, acyclic dependencies and duplicates', () => {
    expect(() => requireValidDependencies(existing, 'D', ['A', 'A', 'C'])).not.toThrow();
    expect(() => requireValidDependencies(existing, 'NEW', ['A'])).not.toThrow();
  });

  it('refuses unknown systems with field dependsOn and rule unknown_system, naming each', () => {
    const e = catchError(() => requireValidDependencies(existing, 'D', ['A', 'X', 'Y']));
    expect(e).toBeInstanceOf(Invalid);
    expect((e as Invalid).fields).toEqual([
      { field: 'dependsOn', rule: 'unknown_system', params: { code: 'X' } },
      { field: 'dependsOn', rule: 'unknown_system', params: { code: 'Y' } },
    ]);
  });

  it.each([
    ['C on A closes A → B → C', 'C', ['A'], ['C', 'A', 'B', 'C']],
    ['B on A', 'B', ['A'], ['B', 'A', 'B']],
    ['a system on itself', 'D', ['D'], ['D', 'D']],
  ])('refuses a cycle, naming it: %s', (_, system, dependsOn, cycle) => {
    const e = catchError(() => requireValidDependencies(existing, system, dependsOn));
    expect(e).toBeInstanceOf(Conflict);
    expect((e as Conflict).code).toBe('dependency_cycle');
    expect((e as Conflict).params).toEqual({ cycle: cycleText(cycle) });
    expect((e as Conflict).details).toEqual({ cycle });
  });

  it('replaces, not adds to, the edges of the system being changed', () => {
    // A no longer depends on B, so B may now depend on A.
    const changed = withDependencies(existing, 'A', []);
    expect(() => requireValidDependencies(changed, 'B', ['A'])).not.toThrow();
    expect(cycleText(['A', 'B', 'A'])).toBe('A → B → A');
  });
});

function catchError(fn: () => void): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
