import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerBinary, type AlertmanagerProcess, startAlertmanager } from '../../test/prometheus-process.ts';

/**
 * dashboards/alertmanager.example.yml as Alertmanager runs it: who gets which alert (amtool), and
 * which alerts a real Alertmanager holds back when a link above them is down or a certificate has
 * moved into a graver window. Labels are those the rules in this folder give their alerts.
 */

const config = fileURLToPath(new URL('../alertmanager.example.yml', import.meta.url));
const missing = ['amtool', alertmanagerBinary].filter((tool) => spawnSync(tool, ['--version']).error);
if (missing.length && process.env.CI) throw new Error(`the Alertmanager tests must run in CI: ${missing} not found`);
if (missing.length) console.warn(`skipping the Alertmanager tests: ${missing.join(', ')} not installed`);

describe.skipIf(missing.length > 0)('alertmanager.example.yml', () => {
  it.each([
    ['critical extranet: on-call and the network team', 'severity=critical area=extranet', 'on-call,network'],
    ['warning extranet: the network team', 'severity=warning area=extranet', 'network'],
    ['critical elsewhere: on-call and operations', 'severity=critical area=console', 'on-call,operations'],
    ['warning elsewhere: operations', 'severity=warning area=capacity', 'operations'],
  ])('routes %s', (_name, labels, receivers) => {
    const r = spawnSync('amtool', ['config', 'routes', 'test', `--config.file=${config}`, ...labels.split(' ')], {
      encoding: 'utf8',
    });
    expect(r.stdout.trim(), r.stderr).toBe(receivers);
  });

  describe('inhibitions in a running Alertmanager', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
    let alertmanager: AlertmanagerProcess;
    beforeAll(async () => {
      alertmanager = await startAlertmanager(dir, config);
    });
    afterAll(async () => {
      await alertmanager?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    type Path = { city?: string; backbone_link?: string; city_link?: string; county_link?: string };
    const link = (alertname: string, target: string, linkClass: string, path: Path) => ({
      alertname,
      severity: alertname === 'ExtranetUpstreamLinkDown' ? 'critical' : 'warning',
      area: 'extranet',
      job: 'govops-agents',
      kind: 'icmp',
      target,
      class: linkClass,
      ...path,
    });
    const cert = (alertname: string, fingerprint: string, instance: string) => ({
      alertname,
      severity: alertname === 'CertificateExpiringIn30Days' ? 'warning' : 'critical',
      area: 'certificates',
      job: 'govops-agents',
      instance,
      source: 'portal-tls',
      fingerprint,
      subject_cn: 'portal.ah.gov.cn',
      issuer_cn: 'Anhui Gov SM2 CA',
      algorithm: 'sm2',
    });
    const bb1 = { backbone_link: 'bb-1' };
    const bb2 = { backbone_link: 'bb-2' };

    // Each alert and whether Alertmanager should hold it back.
    const cases: [Record<string, string>, 'active' | 'inhibited'][] = [
      // The backbone bb-1 is down: everything beneath it is held back.
      [link('ExtranetUpstreamLinkDown', 'bb-1', 'backbone', bb1), 'active'],
      [link('ExtranetUpstreamLinkDown', 'city-1', 'city', { ...bb1, city: '1', city_link: 'city-1' }), 'inhibited'],
      [
        link('ExtranetLinkDown', 'dept-1', 'department', { ...bb1, city_link: 'city-1', county_link: 'cty-1' }),
        'inhibited',
      ],
      [link('ExtranetLinkDegraded', 'dept-2', 'department', { ...bb1, city_link: 'city-1' }), 'inhibited'],
      // Under the backbone bb-2 (up), the city link city-2 is down: its county and departments are
      // held back, a department of the neighbouring city-3 is not.
      [link('ExtranetUpstreamLinkDown', 'city-2', 'city', { ...bb2, city_link: 'city-2' }), 'active'],
      [
        link('ExtranetUpstreamLinkDown', 'cty-2', 'county', { ...bb2, city_link: 'city-2', county_link: 'cty-2' }),
        'inhibited',
      ],
      [
        link('ExtranetLinkDown', 'dept-3', 'department', { ...bb2, city_link: 'city-2', county_link: 'cty-2' }),
        'inhibited',
      ],
      [link('ExtranetLinkDown', 'dept-4', 'department', { ...bb2, city_link: 'city-3' }), 'active'],
      // The county link cty-5 is down: its department is held back, one of county cty-6 is not.
      [
        link('ExtranetUpstreamLinkDown', 'cty-5', 'county', { ...bb2, city_link: 'city-5', county_link: 'cty-5' }),
        'active',
      ],
      [
        link('ExtranetLinkDown', 'dept-5', 'department', { ...bb2, city_link: 'city-5', county_link: 'cty-5' }),
        'inhibited',
      ],
      [
        link('ExtranetLinkDegraded', 'dept-6', 'department', { ...bb2, city_link: 'city-5', county_link: 'cty-6' }),
        'active',
      ],
      // A link just gone down still carries its degraded alert: only the down alert is sent.
      [link('ExtranetLinkDown', 'dept-7', 'department', { ...bb2, city_link: 'city-7' }), 'active'],
      [link('ExtranetLinkDegraded', 'dept-7', 'department', { ...bb2, city_link: 'city-7' }), 'inhibited'],
      // A certificate moving into a graver window: only the graver alert is sent; the same
      // certificate installed on another agent's host is another alert.
      [cert('CertificateExpired', 'aa11', 'agent-1:9464'), 'active'],
      [cert('CertificateExpiringIn7Days', 'aa11', 'agent-1:9464'), 'inhibited'],
      [cert('CertificateExpiringIn7Days', 'bb22', 'agent-1:9464'), 'active'],
      [cert('CertificateExpiringIn30Days', 'bb22', 'agent-1:9464'), 'inhibited'],
      [cert('CertificateExpiringIn30Days', 'bb22', 'agent-2:9464'), 'active'],
      // No inhibition across areas: a critical console alert holds back nothing.
      [{ alertname: 'ConsoleDown', severity: 'critical', area: 'console', instance: 'console-a:8080' }, 'active'],
      [{ alertname: 'ConsoleHighLatency', severity: 'warning', area: 'console', job: 'govops-console' }, 'active'],
    ];
    const keyOf = (l: Record<string, string>) =>
      [l.alertname, l.target ?? l.fingerprint ?? l.instance ?? l.job, l.fingerprint ? l.instance : ''].join(' ');

    it('holds back the alerts beneath a down link and the milder alert of the same thing', async () => {
      const endsAt = new Date(Date.now() + 3_600_000).toISOString();
      const posted = await fetch(`${alertmanager.url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(cases.map(([labels]) => ({ labels, endsAt }))),
      });
      expect(posted.status, await posted.text()).toBe(200);

      const want = Object.fromEntries(cases.map(([labels, state]) => [keyOf(labels), state]));
      type AmAlert = { labels: Record<string, string>; status: { inhibitedBy: string[] } };
      let got: Record<string, string> = {};
      // Inhibiting alerts reach the inhibitor asynchronously; wait until the picture settles.
      for (let attempt = 0; attempt < 50; attempt++) {
        const alerts = (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as AmAlert[];
        got = Object.fromEntries(
          alerts.map((a) => [keyOf(a.labels), a.status.inhibitedBy.length ? 'inhibited' : 'active']),
        );
        if (JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(want).sort())) break;
        await sleep(100);
      }
      expect(got).toEqual(want);
    });
  });
});
