import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type YAMLError } from 'yaml';

/**
 * Mistakes in the agent's YAML file, each pinned to the field and the line an operator has to
 * fix. Positions come from the parsed document, so a problem in the 300th target names that
 * target's line, not "targets: invalid".
 */
export type ConfigProblem = {
  /** Dotted path of the field (`targets.3.port`); empty for the file as a whole. */
  path: string;
  /** 1-based; null when the problem is not at one place (an unreadable file). */
  line: number | null;
  column: number | null;
  message: string;
};

/** `targets.3.port (line 12, column 11): Too big: expected number to be <=65535` */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line === null ? '' : ` (line ${p.line}, column ${p.column})`;
  return `${p.path || '(file)'}${where}: ${p.message}`;
}

export function problemsFromYaml(errors: readonly YAMLError[], lineCounter: LineCounter): ConfigProblem[] {
  return errors.map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { path: '', line, column: col, message: `YAML: ${e.message}` };
  });
}

/** The part of a zod issue we use; zod's own issues fit, and so do problems found after parsing. */
type Issue = {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  keys?: readonly string[];
  input?: unknown;
};

export function problemsFromZod(issues: readonly Issue[], doc: Document, lineCounter: LineCounter): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (path: readonly PropertyKey[], message: string, onKey = false) => {
    const offset = offsetOf(doc, path, onKey);
    const pos = offset === null ? null : lineCounter.linePos(offset);
    problems.push({ path: path.map(String).join('.'), line: pos?.line ?? null, column: pos?.col ?? null, message });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      // One problem per unknown key, at the key itself: usually a typo of a known field.
      for (const key of issue.keys) at([...issue.path, key], 'unknown field', true);
    } else if (issue.code === 'invalid_type' && issue.input === undefined && /received undefined/.test(issue.message)) {
      at(issue.path, 'required');
    } else {
      at(issue.path, issue.message);
    }
  }
  return problems;
}

/**
 * Where a path points in the source. A value's position when it is there; the nearest enclosing
 * node's when it is missing (a required field is reported at the entry that lacks it).
 */
function offsetOf(doc: Document, path: readonly PropertyKey[], onKey: boolean): number | null {
  let node: unknown = doc.contents;
  let offset = isNode(node) ? (node.range?.[0] ?? null) : null;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return offset;
      const key = isNode(pair.key) ? pair.key : null;
      const value = isNode(pair.value) ? pair.value : null;
      // An empty value (`host:`) has no position of its own: point at its key.
      const target = (last && onKey) || !value?.range ? key : value;
      offset = target?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!isNode(item)) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}
