import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { certSourceSchema, targetSchema, type CertSource, type Target } from '../../core/contracts/agent.ts';
import { parseQuantity, QuantityError } from '../../core/quantity.ts';
import { problemsFromZod, problemsFromYaml, type ConfigProblem } from './problems.ts';

/**
 * The agent's own YAML file (`--config agent.yaml`): how to reach the console, where to keep
 * state, and targets and certificate sources of its own. Targets and sources use the contract's
 * schemas (same fields, same defaults), made strict here because a hand-edited file with
 * `intervalSecond: 10` must be refused, not silently probed every 30 s.
 *
 * Relative paths are resolved against the file's directory, as Prometheus does, so the agent
 * behaves the same whatever directory it is started from.
 */

const [icmpTarget, tcpTarget, httpTarget] = targetSchema.options;
const [tlsSource, filesSource, pkcs12Source] = certSourceSchema.options;
const localTargetSchema = z.discriminatedUnion('kind', [icmpTarget.strict(), tcpTarget.strict(), httpTarget.strict()]);
const localSourceSchema = z.discriminatedUnion('kind', [
  tlsSource.strict(),
  filesSource.strict(),
  pkcs12Source.strict(),
]);

const path = z.string().min(1).max(4096);
const mib = 1024 * 1024;

/** `host:port` or `[v6]:port`; a metrics endpoint on all interfaces must be asked for explicitly. */
const listenSchema = z.string().transform((text, ctx) => {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535) {
    ctx.addIssue({ code: 'custom', message: 'expected host:port, e.g. 127.0.0.1:9465 or [::1]:9465' });
    return z.NEVER;
  }
  return { host: (m[1] ?? m[2])!, port };
});

/** Bytes as an integer or a quantity (`256Mi`, `1Gi`), read exactly. */
const bytesSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    const bytes = typeof value === 'number' ? value : parseQuantity(value, 'bytes');
    if (Number.isSafeInteger(bytes) && bytes >= mib) return bytes;
    ctx.addIssue({ code: 'custom', message: 'expected a whole number of bytes of at least 1Mi' });
  } catch (e) {
    if (!(e instanceof QuantityError)) throw e;
    ctx.addIssue({ code: 'custom', message: `expected bytes such as 268435456 or 256Mi (${e.rule})` });
  }
  return z.NEVER;
});

function uniqueIds(entries: readonly { id: string }[], ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    if (seen.has(entry.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id ${entry.id}` });
    seen.add(entry.id);
  });
}

export const localFileSchema = z.strictObject({
  console: z
    .strictObject({
      url: z.url({ protocol: /^https?$/ }),
      /** One-time enrolment token; only needed until the credential is stored in stateDir. */
      enrolToken: z.string().min(20).max(200).optional(),
      enrolTokenFile: path.optional(),
      /** CA bundle for the console's TLS certificate when it is not in the system store. */
      caFile: path.optional(),
    })
    .refine((c) => !(c.enrolToken && c.enrolTokenFile), {
      path: ['enrolTokenFile'],
      message: 'give enrolToken or enrolTokenFile, not both',
    }),
  /** Spool and credential live here. */
  stateDir: path.default('./data/agent'),
  listen: listenSchema.prefault('127.0.0.1:9465'),
  spool: z.strictObject({ maxBytes: bytesSchema.default(256 * mib) }).default({ maxBytes: 256 * mib }),
  targets: z.array(localTargetSchema).max(5000).default([]).superRefine(uniqueIds),
  certSources: z.array(localSourceSchema).max(500).default([]).superRefine(uniqueIds),
  /** PEM files of roots certificate chains are verified against (added to the console's). */
  trustAnchors: z.array(path).max(100).default([]),
  certScanSeconds: z.number().int().min(60).max(86_400).optional(),
  /** Department code and site code of this agent, for per-department certificate figures. */
  department: z.string().min(1).max(64).optional(),
  site: z.string().min(1).max(64).optional(),
});

export type LocalConfig = Omit<z.infer<typeof localFileSchema>, 'targets' | 'certSources'> & {
  /** Absolute path of the file this was read from. */
  file: string;
  targets: Target[];
  certSources: CertSource[];
  /** The contents of `trustAnchors`, read when the file was loaded. */
  trustAnchorsPem: string[];
};

export type LocalLoad = { ok: true; config: LocalConfig } | { ok: false; problems: ConfigProblem[] };

/** Large enough for 5,000 targets written out long-hand; stops a wrong path (a log file) early. */
const maxFileBytes = 8 * mib;

/**
 * Reads and validates the file; every problem is reported at once with its line and column.
 * Never throws for a mistake in the file: a missing file is a problem like any other.
 */
export async function loadLocalConfig(file: string): Promise<LocalLoad> {
  const absolute = resolve(file);
  let text: string;
  try {
    const bytes = await readFile(absolute);
    if (bytes.length > maxFileBytes)
      return fileProblem(`larger than ${maxFileBytes / mib} MiB: is this the right file?`);
    text = bytes.toString('utf8');
  } catch (e) {
    return fileProblem(`cannot read ${absolute}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const parsed = parseLocalConfig(text, absolute);
  if (!parsed.ok) return parsed;
  const anchors = await readTrustAnchors(parsed.config.trustAnchors);
  if (anchors.problems.length) {
    const { doc, lineCounter } = parseWithPositions(text);
    return {
      ok: false,
      problems: problemsFromZod(
        anchors.problems.map(({ index, message }) => ({ path: ['trustAnchors', index], message })),
        doc,
        lineCounter,
      ),
    };
  }
  return { ok: true, config: { ...parsed.config, trustAnchorsPem: anchors.pems } };
}

/** Validates YAML text as if read from `file` (used for resolving relative paths). No I/O. */
export function parseLocalConfig(text: string, file: string): LocalLoad {
  const { doc, lineCounter } = parseWithPositions(text);
  if (doc.errors.length) return { ok: false, problems: problemsFromYaml(doc.errors, lineCounter) };
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) return fileProblem('the file is empty; it needs at least console.url');
  const result = localFileSchema.safeParse(raw);
  if (!result.success) return { ok: false, problems: problemsFromZod(result.error.issues, doc, lineCounter) };
  const baseDir = dirname(resolve(file));
  return { ok: true, config: withResolvedPaths({ ...result.data, file: resolve(file), trustAnchorsPem: [] }, baseDir) };
}

function parseWithPositions(text: string): { doc: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  // prettyErrors off: positions are reported by us, in one format, from the line counter.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  return { doc, lineCounter };
}

function withResolvedPaths(config: LocalConfig, baseDir: string): LocalConfig {
  const at = (p: string) => resolve(baseDir, p);
  const atOptional = (p: string | undefined) => (p === undefined ? undefined : at(p));
  return {
    ...config,
    console: {
      ...config.console,
      enrolTokenFile: atOptional(config.console.enrolTokenFile),
      caFile: atOptional(config.console.caFile),
    },
    stateDir: at(config.stateDir),
    trustAnchors: config.trustAnchors.map(at),
    certSources: config.certSources.map((s): CertSource => {
      if (s.kind === 'files') return { ...s, paths: s.paths.map(at) };
      if (s.kind === 'pkcs12') return { ...s, path: at(s.path), passwordFile: at(s.passwordFile) };
      return s;
    }),
  };
}

async function readTrustAnchors(paths: readonly string[]) {
  const pems: string[] = [];
  const problems: { index: number; message: string }[] = [];
  for (const [index, p] of paths.entries()) {
    try {
      const text = await readFile(p, 'utf8');
      if (!text.includes('-----BEGIN CERTIFICATE-----'))
        problems.push({ index, message: `${p} holds no PEM certificate` });
      else pems.push(text);
    } catch (e) {
      problems.push({ index, message: `cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
    }
  }
  return { pems, problems };
}

function fileProblem(message: string): LocalLoad {
  return { ok: false, problems: [{ path: '', line: null, column: null, message }] };
}
