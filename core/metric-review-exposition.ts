/**
 * The Prometheus text exposition format (version 0.0.4, what `/metrics` answers) read into metric
 * families, so a review can look at each family's HELP, TYPE, names and labels the way
 * Prometheus will. Only what a review needs: values are kept as written, timestamps dropped.
 */

export type Sample = { name: string; labels: Record<string, string>; value: string };

export type MetricFamily = {
  name: string;
  /** Null when the family has no `# HELP` line. */
  help: string | null;
  /** Null when the family has no `# TYPE` line (Prometheus treats it as untyped). */
  type: string | null;
  samples: Sample[];
};

/** Thrown for a line that is not valid exposition text; names the line. */
export class ExpositionError extends Error {}

/** Sample names that belong to the family declared just before them, by its type. */
const suffixesOf: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/** Parses exposition text into families in the order they appear. */
export function parseExposition(text: string): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  const familyNamed = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, help: null, type: null, samples: [] }));
    return f;
  };
  let current: MetricFamily | null = null;

  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const where = `line ${i + 1}`;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(.*))?$/.exec(line);
      if (!m) return; // any other comment
      current = familyNamed(m[2]!);
      if (m[1] === 'HELP') current.help = unescapeHelp(m[3] ?? '');
      else current.type = (m[3] ?? '').trim() || null;
      return;
    }
    const sample = parseSample(line, where);
    const owner: MetricFamily | null = current;
    const belongs =
      owner !== null &&
      (sample.name === owner.name || (suffixesOf[owner.type ?? ''] ?? []).some((s) => sample.name === owner.name + s));
    (belongs ? owner : familyNamed(sample.name)).samples.push(sample);
  });
  return [...families.values()];
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/** `name{label="value",…} value [timestamp]`; label values may hold any character, escaped. */
function parseSample(line: string, where: string): Sample {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
  if (!name) throw new ExpositionError(`${where}: expected a metric name: ${line.slice(0, 80)}`);
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i += 1;
    for (;;) {
      while (line[i] === ' ') i += 1;
      if (line[i] === '}') break;
      const label = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i))?.[0];
      if (!label || line[i + label.length] !== '=' || line[i + label.length + 1] !== '"') {
        throw new ExpositionError(`${where}: malformed label in ${name}`);
      }
      i += label.length + 2;
      let value = '';
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\') {
          const next = line[i + 1];
          value += next === 'n' ? '\n' : (next ?? '');
          i += 2;
        } else value += line[i++];
      }
      if (line[i] !== '"') throw new ExpositionError(`${where}: unterminated value of ${label} in ${name}`);
      if (label in labels) throw new ExpositionError(`${where}: label ${label} twice in ${name}`);
      labels[label] = value;
      i += 1;
      while (line[i] === ' ') i += 1;
      if (line[i] === ',') i += 1;
      else if (line[i] !== '}') throw new ExpositionError(`${where}: expected , or } in ${name}`);
    }
    i += 1;
  }
  const [value, timestamp, extra] = line.slice(i).trim().split(/\s+/);
  if (!value || extra !== undefined || (timestamp !== undefined && !/^-?\d+$/.test(timestamp))) {
    throw new ExpositionError(`${where}: expected a value (and optional timestamp) after ${name}`);
  }
  if (!/^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/.test(value)) {
    throw new ExpositionError(`${where}: ${JSON.stringify(value)} is not a number in ${name}`);
  }
  return { name, labels, value };
}
