import {
  CoreV1Api,
  KubeConfig,
  Observable,
  type ObservableMiddleware,
  type V1Node,
  type V1ResourceQuota,
} from '@kubernetes/client-node';
import type { ObservedQuotaKey } from '../../core/drift.ts';
import { classifyReadFailure, type FailureStatus, SiteReadError } from './read-failure.ts';
import { type Allocatable, allocatableOf, quotaRows } from './readings.ts';

/**
 * Reads one site's Kubernetes API: the ResourceQuotas of the department namespaces the ledger
 * knows, and the nodes' allocatable totals. Two list calls per site (paged), with the reader's
 * own RBAC needs kept to `list` on `resourcequotas` and `nodes` cluster-wide.
 */

export type ClusterReading =
  | { status: 'ok'; allocatable: Allocatable; quotas: ObservedQuotaKey[]; notes: string[] }
  | { status: FailureStatus; message: string };

/** Reads the site behind kubeconfig `context`, keeping quotas of `namespaces` only. Never throws. */
export type SiteReader = (context: string, namespaces: ReadonlySet<string>) => Promise<ClusterReading>;

const pageSize = 500;

/**
 * A reader over the kubeconfig at `kubeconfigPath`. The file is read again on every call, so a
 * rotated credential is picked up without a restart; each call gets its own KubeConfig because
 * the client reads the current context at request time, and sites are read in parallel.
 * `timeoutMs` bounds a whole site read (every page of both lists), not each request.
 */
export function kubeSiteReader({
  kubeconfigPath,
  timeoutMs,
}: {
  kubeconfigPath: string;
  timeoutMs: number;
}): SiteReader {
  return async (context, namespaces) => {
    let server = `context ${context}`;
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      const kc = loadContext(kubeconfigPath, context);
      server = kc.getCurrentCluster()?.server ?? server;
      const api = kc.makeApiClient(CoreV1Api);
      const options = abortWith(deadline);
      const read = Promise.all([
        listAll((page) => api.listResourceQuotaForAllNamespaces({ limit: pageSize, _continue: page }, options)),
        listAll((page) => api.listNode({ limit: pageSize, _continue: page }, options)),
      ]);
      // The signal aborts the requests; the race also bounds anything that ignores it (an exec
      // credential plugin, say), so a site can never hold the poll up for longer than its timeout.
      const [quotas, nodes] = await Promise.race([read, rejectOnAbort(deadline)]);
      const rows = quotaRows(quotas, namespaces);
      const allocatable = allocatableOf(nodes);
      const notes = [...rows.notes, ...allocatable.notes];
      if (rows.skipped) notes.push(`${rows.skipped} ResourceQuotas outside the console's namespaces ignored`);
      return { status: 'ok', allocatable: allocatable.value, quotas: rows.value, notes };
    } catch (error) {
      return classifyReadFailure(error, { server, timeoutMs });
    }
  };
}

/**
 * What is wrong with the kubeconfig for these sites, checked once at start so an operator sees
 * a typo in the log at once rather than as a failed read a minute later. Empty when all is well.
 */
export function kubeconfigProblems(path: string, siteContexts: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const [site, context] of Object.entries(siteContexts)) {
    try {
      loadContext(path, context);
    } catch (e) {
      problems.push(`${site}: ${(e as Error).message}`);
    }
  }
  return [...new Set(problems)];
}

function loadContext(path: string, context: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (e) {
    // Parse errors quote the file, which holds credentials: pass on the error code only.
    const code = (e as { code?: unknown }).code;
    throw new SiteReadError(
      'error',
      `the kubeconfig file cannot be read${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
  if (!kc.getContextObject(context)) throw new SiteReadError('error', `the kubeconfig has no context "${context}"`);
  kc.setCurrentContext(context);
  if (!kc.getCurrentCluster()) throw new SiteReadError('error', `kubeconfig context "${context}" names no cluster`);
  return kc;
}

/** Per-request options that tie every request to the site's deadline. */
function abortWith(signal: AbortSignal): { middleware: ObservableMiddleware[]; middlewareMergeStrategy: 'append' } {
  const middleware: ObservableMiddleware = {
    pre: (request) => {
      request.setSignal(signal);
      return new Observable(Promise.resolve(request));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Follows `metadata.continue` until the list is complete. */
async function listAll<T extends V1ResourceQuota | V1Node>(
  page: (token: string | undefined) => Promise<{ items: T[]; metadata?: { _continue?: string } }>,
): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const list = await page(token);
    items.push(...list.items);
    token = list.metadata?._continue || undefined;
  } while (token);
  return items;
}
