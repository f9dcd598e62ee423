// Which systems a system needs running first. The graph must stay acyclic: a wave cuts a system
// over only after the systems it depends on, which a cycle would make impossible.
import { Conflict, Invalid } from './errors.ts';

/** System code → the codes it depends on. */
export type DependencyGraph = ReadonlyMap<string, readonly string[]>;

/** The graph with `system`'s edges replaced by `dependsOn` (duplicates dropped). */
export function withDependencies(
  graph: DependencyGraph,
  system: string,
  dependsOn: readonly string[],
): DependencyGraph {
  const next = new Map(graph);
  next.set(system, [...new Set(dependsOn)]);
  return next;
}

/**
 * A cycle in the graph as the path that closes it (`['A', 'B', 'C', 'A']`), or null. The walk
 * starts from `first` (then every other node in code order), so a cycle just made through one
 * system is named from that system.
 */
export function findDependencyCycle(graph: DependencyGraph, first: readonly string[] = []): string[] | null {
  const done = new Set<string>();
  const starts = [...first, ...[...graph.keys()].sort()];
  for (const start of starts) {
    if (done.has(start)) continue;
    // Iterative depth-first walk: the path on the stack is the chain being followed.
    const path: string[] = [start];
    const onPath = new Set<string>([start]);
    const next: number[] = [0];
    while (path.length > 0) {
      const node = path[path.length - 1]!;
      const edges = graph.get(node) ?? [];
      const i = next[next.length - 1]!;
      if (i >= edges.length) {
        done.add(node);
        onPath.delete(node);
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = i + 1;
      const to = edges[i]!;
      if (onPath.has(to)) return [...path.slice(path.indexOf(to)), to];
      if (done.has(to)) continue;
      path.push(to);
      onPath.add(to);
      next.push(0);
    }
  }
  return null;
}

/** How a cycle reads to people: `A → B → C → A`. */
export function cycleText(cycle: readonly string[]): string {
  return cycle.join(' → ');
}

/**
 * Refuses new dependencies for `system`: codes that name no system (Invalid, field `dependsOn`,
 * rule `unknown_system`, each code named), or a cycle (Conflict `dependency_cycle` naming it).
 * `graph` holds every existing system's edges, which are acyclic.
 */
export function requireValidDependencies(
  graph: DependencyGraph,
  system: string,
  dependsOn: readonly string[],
  exists: (code: string) => boolean = (code) => graph.has(code),
): void {
  const unknown = [...new Set(dependsOn)].filter((code) => code !== system && !exists(code));
  if (unknown.length > 0) {
    throw new Invalid(unknown.map((code) => ({ field: 'dependsOn', rule: 'unknown_system', params: { code } })));
  }
  const cycle = findDependencyCycle(withDependencies(graph, system, dependsOn), [system]);
  if (cycle) throw new Conflict('dependency_cycle', { cycle: cycleText(cycle) }).with({ cycle });
}
