import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ZodError } from 'zod';
import { type DesiredState, desiredStateSchema } from '../core/contracts/desired-state.ts';

/**
 * Reads the console's desired-state document from a file or from the console's API
 * (`GET /api/v1/provisioning/desired-state`) and checks it against the shared schema. Every
 * failure says which source, and what to do, because it stops a `pulumi preview` before any
 * resource is planned.
 */

export type DesiredStateSourceOptions = {
  /** Sent as `Authorization: Bearer <token>` to an http(s) source; never printed. */
  token?: string;
  /** What a relative file path is resolved against (default: the working directory). */
  baseDir?: string;
  /** How long the console may take to answer (default 30 s). */
  timeoutMs?: number;
};

const isUrl = (source: string) => /^https?:\/\//i.test(source);

export async function loadDesiredState(source: string, options: DesiredStateSourceOptions = {}): Promise<DesiredState> {
  const { where, text } = isUrl(source) ? await fetchText(source, options) : await readText(source, options);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`desired state from ${where} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const parsed = desiredStateSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`desired state from ${where} does not match the schema:\n${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}

async function readText(path: string, { baseDir = process.cwd() }: DesiredStateSourceOptions) {
  const where = resolve(baseDir, path);
  try {
    return { where, text: await readFile(where, 'utf8') };
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new Error(`cannot read the desired state from ${where}: ${reason}`, { cause: e });
  }
}

async function fetchText(url: string, { token, timeoutMs = 30_000 }: DesiredStateSourceOptions) {
  const where = url;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      // A redirect from the console API usually ends on a login page, never on the document.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const cause = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
    throw new Error(`cannot reach the console at ${where}: ${cause}`, { cause: e });
  }
  const text = await response.text();
  if (response.status === 200) return { where, text };
  throw new Error(`the console at ${where} answered ${response.status}: ${advice(response, text, token)}`);
}

/** What an unexpected answer means for the operator running `pulumi preview`. */
function advice(response: Response, body: string, token: string | undefined): string {
  const said = consoleMessage(body);
  if (response.status === 401) {
    return token
      ? `the API token was refused${said}; create a new cloud-operator token and run \`pulumi config set --secret consoleToken <token>\``
      : `a token is required${said}; run \`pulumi config set --secret consoleToken <token>\` with a cloud-operator API token`;
  }
  if (response.status === 403)
    return `the token's account may not read the desired state${said}; use a cloud-operator token`;
  if (response.status === 304)
    return 'Not Modified, although nothing was cached; a proxy in between answers for the console';
  if (response.status >= 300 && response.status < 400) {
    return `a redirect to ${response.headers.get('location') ?? '(no location)'}; point desiredState at the API URL itself`;
  }
  return `expected the document with 200${said || `: ${body.slice(0, 200)}`}`;
}

/** The message of the console's JSON errors (`{ "error": { "code", "message" } }`), if it sent one. */
function consoleMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? ` ("${message}")` : '';
  } catch {
    return '';
  }
}

/** One line per problem, with the path into the document (`sites.0.namespaces.2.name: …`). */
function describeIssues(error: ZodError): string {
  const lines = error.issues.slice(0, 10).map((issue) => `  ${issue.path.join('.') || '(document)'}: ${issue.message}`);
  if (error.issues.length > 10) lines.push(`  … and ${error.issues.length - 10} more`);
  return lines.join('\n');
}
