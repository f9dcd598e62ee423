import type { DesiredState } from '../core/contracts/desired-state.ts';
import { mockEngine, registeredUrns } from '../infra/testing/mocked-engine.ts';

/**
 * How long the Pulumi program takes to declare every resource of a desired-state document,
 * with the engine mocked (no CLI, no cluster): the program's own cost plus the SDK's
 * registration work, which is what grows with the number of departments. Loading the SDK is
 * left out. The mocks are process-global, so call this once per process.
 */
export async function timeMockedProgram(doc: DesiredState): Promise<{ ms: number; resources: number }> {
  const { registrations } = await mockEngine();
  const { provisionTenants } = await import('../infra/program.ts');
  const contexts = Object.fromEntries(doc.sites.map((site) => [site.code, `${site.code}-context`]));

  const t0 = performance.now();
  const sites = provisionTenants(doc, { contexts });
  const urns = await registeredUrns(sites);
  const ms = performance.now() - t0;

  // One provider per site; per namespace the component and its six objects.
  const expected = doc.sites.reduce((n, site) => n + 1 + site.namespaces.length * 7, 0);
  if (urns.length !== expected || registrations.length !== expected) {
    throw new Error(`expected ${expected} registrations, saw ${registrations.length} (${urns.length} URNs)`);
  }
  return { ms, resources: registrations.length };
}
