import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceOf } from '../../core/namespace.ts';
import { type KubeSites, startKubeSites } from '../testing/kube-standin.ts';
import { type Session, type TestConsole, testConsole } from '../testing/harness.ts';
import { kubeSiteReader } from '../usage/kube-client.ts';
import { createUsagePoller } from '../usage/poller.ts';

/**
 * The done-when path's last step: the capacity page shows what the site's Kubernetes API reports,
 * read by the console's own poller from the stand-in over a real socket; a site that answers 403
 * shows as such and the page still renders.
 */
describe('capacity page with usage read back from Kubernetes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govops-capacity-usage-'));
  let kube: KubeSites;
  let t: TestConsole;
  let operator: Session;
  beforeAll(async () => {
    kube = await startKubeSites(['prod-hefei', 'dr-hefei'], dir);
    t = await testConsole({ config: { ...kube.config, kubeTimeoutMs: 2000 } });
    kube.site('prod-hefei').setQuotas([
      {
        namespace: namespaceOf('340100-001'),
        hard: { 'requests.cpu': '2', 'limits.cpu': '4', 'requests.memory': '2Gi' },
        used: { 'requests.cpu': '1500m', 'limits.cpu': '3', 'requests.memory': '1Gi' },
      },
    ]);
    kube.site('dr-hefei').fail(403);
    const poller = createUsagePoller({
      uow: t.deps.uow,
      reader: kubeSiteReader({ kubeconfigPath: kube.kubeconfigPath, timeoutMs: 2000 }),
      siteContexts: kube.contexts,
      intervalMs: 60_000,
      now: t.clock.now,
      logger: t.logger,
    });
    await poller.pollOnce();
    operator = await t.signIn('ops', ['cloud-operator']);
  });
  afterAll(async () => {
    await t.dispose();
    await kube.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows used CPU from the stand-in and the refused site as forbidden', async () => {
    const res = await t.visit('/capacity', operator, 'en');
    expect(res.status).toBe(200);
    const page = await res.text();
    const prod = page.slice(page.indexOf('prod-hefei'), page.indexOf('dr-hefei'));
    expect(prod).toContain('1.5 vCPU');
    expect(page).not.toContain('not read yet for prod-hefei');
    const dr = page.slice(page.indexOf('dr-hefei'));
    expect(dr.toLowerCase()).toMatch(/forbidden|403/);
  });
});
