import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as pulumi from '@pulumi/pulumi';
import { afterAll, describe, expect, it } from 'vitest';
import { mockEngine, settled } from './testing/mocked-engine.ts';
import { twoSiteState } from './testing/sample-state.ts';

// The entry as `pulumi up` runs it: stack config → the console's API (a real local server that
// insists on the token) → resources. Only the engine is mocked.

const { registrations } = await mockEngine();
const server = createServer((req, res) => {
  const authorised = req.headers.authorization === 'Bearer gov_operator';
  res.writeHead(authorised ? 200 : 401, { 'content-type': 'application/json' });
  res.end(authorised ? JSON.stringify(twoSiteState()) : '{"error":{"code":"unauthenticated","message":"no"}}');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

pulumi.runtime.setAllConfig(
  {
    'govops-tenancy:desiredState': `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/provisioning/desired-state`,
    'govops-tenancy:consoleToken': 'gov_operator',
    'govops-tenancy:contexts': JSON.stringify({ 'prod-hefei': 'hefei', 'dr-remote': 'huangshan' }),
    'govops-tenancy:kubeconfig': '/etc/govops/kubeconfig',
  },
  ['govops-tenancy:consoleToken', 'govops-tenancy:kubeconfig'],
);
const entry = await import('./index.ts');

describe('the program entry', () => {
  it('fetches the document with the configured token and exports what it provisioned', async () => {
    expect(entry.revision).toBe(7);
    const namespaces = await Promise.all(
      Object.entries(entry.namespaces).map(async ([site, names]) => [site, await Promise.all(names.map(settled))]),
    );
    expect(Object.fromEntries(namespaces)).toEqual({
      'prod-hefei': ['dept-340000-001', 'dept-340100-003', expect.stringMatching(/^dept-ab-/)],
      'dr-remote': ['dept-340000-001'],
    });
  });

  it('hands each site context to its provider, and the kubeconfig as a secret', () => {
    const providers = registrations.filter((r) => r.type === 'pulumi:providers:kubernetes');
    const secret = (value: string) => ({
      [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
      value,
    });
    expect(providers.map((p) => [p.name, p.inputs.context, p.inputs.kubeconfig])).toEqual([
      ['prod-hefei', 'hefei', secret('/etc/govops/kubeconfig')],
      ['dr-remote', 'huangshan', secret('/etc/govops/kubeconfig')],
    ]);
  });

  it('stops with the message alone when the configuration is incomplete', async () => {
    pulumi.runtime.setConfig('govops-tenancy:contexts', JSON.stringify({ 'prod-hefei': 'hefei' }));
    // A query makes a fresh copy of the module, so the entry runs again with the new config.
    const fresh: string = './index.ts?without-dr-remote';
    const error = await import(fresh).catch((e: Error) => e);
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect((error as Error).message).toBe(
      "no kubeconfig context for site dr-remote: pulumi config set --path 'contexts.dr-remote' <context>",
    );
  });
});
