import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';

describe('usage read-back settings', () => {
  it('is off by default, polling every 60 s with a 10 s timeout when on', () => {
    expect(loadConfig({})).toMatchObject({
      kubeconfigPath: undefined,
      kubeSiteContexts: {},
      usagePollMs: 60_000,
      kubeTimeoutMs: 10_000,
    });
  });

  it('reads site=context pairs', () => {
    const config = loadConfig({
      KUBECONFIG_PATH: '/etc/govops/kubeconfig',
      KUBE_SITE_CONTEXTS: ' prod-hefei=ctx-a , dr-hefei=admin@dr.hefei,',
      USAGE_POLL_SECONDS: '30',
      KUBE_TIMEOUT_SECONDS: '5',
    });
    expect(config).toMatchObject({
      kubeconfigPath: '/etc/govops/kubeconfig',
      kubeSiteContexts: { 'prod-hefei': 'ctx-a', 'dr-hefei': 'admin@dr.hefei' },
      usagePollMs: 30_000,
      kubeTimeoutMs: 5000,
    });
  });

  it.each([
    [
      { KUBE_SITE_CONTEXTS: 'prod-hefei' },
      'KUBE_SITE_CONTEXTS: expected site=context pairs separated by commas, got "prod-hefei"',
    ],
    [{ KUBE_SITE_CONTEXTS: 'a=x,a=y' }, 'KUBE_SITE_CONTEXTS: site a is named twice'],
    [{ KUBE_SITE_CONTEXTS: 'a=x=y' }, 'KUBE_SITE_CONTEXTS: expected site=context pairs'],
    [{ KUBECONFIG_PATH: '/k' }, 'KUBE_SITE_CONTEXTS: required when KUBECONFIG_PATH is set'],
    [{ USAGE_POLL_SECONDS: '4' }, 'USAGE_POLL_SECONDS'],
    [{ KUBE_TIMEOUT_SECONDS: '0' }, 'KUBE_TIMEOUT_SECONDS'],
    [
      { USAGE_POLL_SECONDS: '10', KUBE_TIMEOUT_SECONDS: '10' },
      'KUBE_TIMEOUT_SECONDS: must be less than USAGE_POLL_SECONDS',
    ],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(`invalid configuration: ${message}`);
  });
});
