import { isAbsolute } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';
import type { DesiredState } from '../core/contracts/desired-state.ts';
import { loadDesiredState } from './desired-state-source.ts';
import { type ProvisionedSite, provisionTenants } from './program.ts';

// The entry `pulumi preview` / `pulumi up` run (Pulumi.yaml `main`): stack config in, the
// console's desired state in, resources out. Everything else lives in program.ts.

// A RunError ends the run with its message alone: these problems are the operator's to fix, and
// a stack trace into this program would only bury what to do.
const stop = (e: unknown): never => {
  throw new pulumi.RunError(e instanceof Error ? e.message : String(e));
};

const config = new pulumi.Config();
const contexts = z.record(z.string(), z.string().min(1)).safeParse(config.requireObject('contexts'));
if (!contexts.success) stop("config 'contexts' must map site codes to kubeconfig context names");

// A relative path means relative to Pulumi.yaml, not to infra/ where the program runs. (An older
// CLI does not pass the project root; the SDK then answers a placeholder, not a path.)
const root = pulumi.runtime.getRootDirectory();
const doc: DesiredState = await loadDesiredState(config.require('desiredState'), {
  // Read in plain text because it only goes into one request header, never into a resource.
  token: config.get('consoleToken'),
  baseDir: isAbsolute(root) ? root : process.cwd(),
}).catch(stop);

let sites = new Map<string, ProvisionedSite>();
try {
  sites = provisionTenants(doc, { kubeconfig: config.getSecret('kubeconfig'), contexts: contexts.data ?? {} });
} catch (e) {
  stop(e);
}

/** The revision applied, and each site's department namespaces. */
export const revision = doc.revision;
export const namespaces: Record<string, pulumi.Output<string>[]> = Object.fromEntries(
  [...sites].map(([code, site]) => [code, [...site.tenants.values()].map((t) => t.namespaceName)]),
);
