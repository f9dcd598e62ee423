import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alertCatalogue, alertRules, recordingRules } from './alert-catalogue.ts';

describe('alertCatalogue', () => {
  it('lists the alerts the console, runbooks and Alertmanager are built around, with their severity', () => {
    // The names are a contract: runbook files, console links and inhibition rules use them.
    const bySeverity = (severity: string) =>
      alertCatalogue()
        .filter((a) => a.severity === severity)
        .map((a) => `${a.area}/${a.alert}`)
        .sort();
    expect(bySeverity('critical')).toEqual([
      'agents/AgentResultsDropped',
      'certificates/CertificateExpired',
      'certificates/CertificateExpiringIn7Days',
      'console/ConsoleDown',
      'console/ConsoleHighErrorRate',
      'dr/DrReplicationLagAboveRpo',
      'extranet/ExtranetUpstreamLinkDown',
    ]);
    expect(bySeverity('warning')).toEqual([
      'agents/AgentReportsRejected',
      'agents/AgentSilent',
      'agents/AgentSpoolGrowing',
      'capacity/DepartmentQuotaNearlyUsed',
      'capacity/SiteAllocationNearCeiling',
      'capacity/SiteUsageReadFailing',
      'certificates/CertificateExpiringIn30Days',
      'certificates/CertificatesStillOnRsa',
      'console/ConsoleHighLatency',
      'dr/DrDrillOverdue',
      'dr/DrTargetNotMet',
      'extranet/ExtranetLinkDegraded',
      'extranet/ExtranetLinkDown',
    ]);
    expect(alertCatalogue()).toHaveLength(20);
    for (const a of alertCatalogue()) expect(a.summary, a.alert).toMatch(/^[A-Z].*\.$/);
  });

  it('lists the recording rules dashboards use, named level:metric:operations', () => {
    const records = recordingRules().map((r) => r.record);
    expect(records).toEqual(
      expect.arrayContaining([
        'link:probe_success:labelled',
        'link:extranet_link_loss_ratio:labelled',
        'link:extranet_link_jitter_seconds:labelled',
        'link:probe_rtt_seconds:labelled',
      ]),
    );
    for (const record of records) expect(record).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+$/);
  });
});

describe('reading a rules directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the area from the label and the file, and keeps records apart', () => {
    writeFileSync(
      join(dir, 'dr.rules.yml'),
      [
        'groups:',
        '  - name: dr',
        '    rules:',
        '      - record: job:x:sum',
        '        expr: sum(x)',
        '      - alert: DrSomething',
        '        expr: x > 0',
        '        for: 5m',
        '        labels: { severity: warning, area: dr }',
        '        annotations: { summary: Something in DR. }',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'dr.test.yml'), 'not: a rule file\n');
    expect(alertCatalogue(dir)).toEqual([
      { area: 'dr', alert: 'DrSomething', severity: 'warning', summary: 'Something in DR.' },
    ]);
    expect(alertRules(dir)[0]).toMatchObject({ fileArea: 'dr', for: '5m', expr: 'x > 0' });
    expect(recordingRules(dir)).toMatchObject([{ fileArea: 'dr', record: 'job:x:sum', expr: 'sum(x)' }]);
  });

  it('names the file that is not a rule file', () => {
    writeFileSync(join(dir, 'broken.rules.yml'), 'groups:\n  - name: x\n    rules:\n      - expr: up\n');
    expect(() => alertCatalogue(dir)).toThrow(/broken\.rules\.yml: not a Prometheus rule file/);
  });
});
