import * as pulumi from '@pulumi/pulumi';
import type { ProvisionedSite } from '../program.ts';

/**
 * A stand-in for the Pulumi engine (`pulumi.runtime.setMocks`): records every resource the
 * program registers and echoes its inputs back as its state. Process-global, like the engine
 * connection it replaces, so call it once per process (vitest forks one per test file) and
 * before the program module is imported.
 */

export type Registration = {
  type: string;
  name: string;
  // Each resource type sends its own shape; tests read into it freely.
  inputs: Record<string, any>;
  /** `<provider urn>::<provider id>`, for resources given a provider. */
  provider?: string;
  protect: boolean;
  deleteBeforeReplace: boolean;
};

type RegisterRequest = {
  getType(): string;
  getName(): string;
  getProtect(): boolean | undefined;
  getDeletebeforereplace(): boolean;
};
type Monitor = { registerResource(req: RegisterRequest, callback: unknown): unknown };

export async function mockEngine(): Promise<{ registrations: Registration[] }> {
  const registrations: Registration[] = [];
  const options = new Map<string, { protect: boolean; deleteBeforeReplace: boolean }>();
  await pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs, provider }) => {
        const { protect = false, deleteBeforeReplace = false } = options.get(`${type}::${name}`) ?? {};
        registrations.push({ type, name, inputs, provider, protect, deleteBeforeReplace });
        return { id: `${name}-id`, state: inputs };
      },
      call: ({ inputs }) => inputs,
    },
    'govops-tenancy',
    'test',
  );
  // The mocks are not shown resource options; the two that guard data are read off the request.
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const protect = req.getProtect() ?? false;
    options.set(`${req.getType()}::${req.getName()}`, { protect, deleteBeforeReplace: req.getDeletebeforereplace() });
    return register(req, callback);
  };
  return { registrations };
}

/** The value of an output once the engine (here, the mock) has resolved it. */
export function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Waits until every resource provisionTenants created is registered; returns their URNs. */
export async function registeredUrns(sites: Map<string, ProvisionedSite>): Promise<string[]> {
  const resources: pulumi.Resource[] = [];
  for (const { provider, tenants } of sites.values()) {
    resources.push(provider);
    for (const tenant of tenants.values()) resources.push(tenant, ...tenant.children);
  }
  return Promise.all(resources.map((r) => settled(r.urn)));
}
