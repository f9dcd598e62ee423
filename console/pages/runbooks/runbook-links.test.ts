import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observation, rsaObservation, seedAgent } from '../../certificates/fixtures.ts';
import { agentRow, operator, round, type RoundKind } from '../../extranet/testing.ts';
import { translator } from '../../i18n/negotiate.ts';
import { type Session, type TestConsole, testConsole } from '../../testing/harness.ts';
import { siteReadingLine } from '../site-reading.ts';

const day = 86_400_000;
const href = (area: string, alert: string) => `href="/runbooks/${area}/${alert}"`;
/** The alerts a page links to, in the order it shows them. */
const linked = (page: string) =>
  [...page.matchAll(/href="\/runbooks\/([\w-]+)\/(\w+)"/g)].map((m) => `${m[1]}/${m[2]}`);

/** Each page about something an alert watches leads to that alert's runbook. */
describe('runbook links on the console’s pages', () => {
  let t: TestConsole;
  let netops: Session;
  let ops: Session;
  const page = async (path: string, session: Session, lang = 'en') => {
    const res = await t.visit(path, session, lang);
    expect(res.status, path).toBe(200);
    return res.text();
  };
  const rounds = async (link: string, kinds: RoundKind[]) => {
    await t.deps.links.update(operator, link, { agent: 'agent-links' });
    const now = t.clock.now().getTime();
    await t.deps.links.recordRounds(
      'agent-links',
      kinds.map((kind, i) => round(link, now - (kinds.length - i) * 30_000, kind)),
    );
  };

  beforeAll(async () => {
    t = await testConsole();
    t.clock.advance(3_600_000); // rounds come after the demo defined its links
    netops = await t.signIn('netops', ['network-operator']);
    ops = await t.signIn('ops', ['cloud-operator']);
    await t.store.db.insertInto('agents').values(agentRow('agent-links', t.clock.now().toISOString())).execute();
    await rounds('dept-340200-001', ['fail', 'fail', 'fail']);
    await rounds('city-340300', ['fail', 'fail', 'fail']);
    await rounds('dept-340400-001', ['lossy']);
    await rounds('dept-340500-001', ['ok', 'ok']);
    await seedAgent(t.store.db, 'agent-certs', '340100-001');
    const at = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();
    await t.deps.uow.inTransaction(() =>
      t.deps.certificates.recordObservations('agent-certs', [
        observation('gone.hf.gov.cn', { notAfter: at(-day) }),
        rsaObservation('soon.hf.gov.cn', { notAfter: at(3 * day) }),
        observation('fine.hf.gov.cn', { notAfter: at(200 * day) }),
      ]),
    );
  });
  afterAll(() => t.dispose());

  it('links a link’s page to the runbook of the alert its state raises', async () => {
    expect(linked(await page('/extranet/links/dept-340200-001', netops))).toEqual(['extranet/ExtranetLinkDown']);
    expect(linked(await page('/extranet/links/city-340300', netops))).toEqual(['extranet/ExtranetUpstreamLinkDown']);
    expect(linked(await page('/extranet/links/dept-340400-001', netops))).toEqual(['extranet/ExtranetLinkDegraded']);
    expect(linked(await page('/extranet/links/dept-340500-001', netops))).toEqual([]);
    const zh = await page('/extranet/links/dept-340200-001', netops, 'zh-CN');
    expect(zh).toContain(`处置手册： <a ${href('extranet', 'ExtranetLinkDown')}>ExtranetLinkDown</a>`);
  });

  it('links the extranet overview and the links list to the three link alerts', async () => {
    const all = ['extranet/ExtranetUpstreamLinkDown', 'extranet/ExtranetLinkDown', 'extranet/ExtranetLinkDegraded'];
    expect(linked(await page('/extranet', netops))).toEqual(all);
    expect(linked(await page('/extranet/links', netops))).toEqual(all);
  });

  it('links the agents pages to the agent alerts', async () => {
    const all = [
      'agents/AgentSilent',
      'agents/AgentSpoolGrowing',
      'agents/AgentResultsDropped',
      'agents/AgentReportsRejected',
    ];
    expect(linked(await page('/agents', netops))).toEqual(all);
    const { agent } = await t.deps.agents.create(operator, { name: 'runbook-agent' });
    expect(linked(await page(`/agents/${agent.id}`, netops))).toEqual(all);
  });

  it('links the certificate pages to the certificate alerts, a certificate to its own', async () => {
    const all = [
      'certificates/CertificateExpiringIn30Days',
      'certificates/CertificateExpiringIn7Days',
      'certificates/CertificateExpired',
      'certificates/CertificatesStillOnRsa',
    ];
    expect(linked(await page('/certificates', netops))).toEqual(all);
    expect(linked(await page('/certificates/board', netops))).toEqual(all);
    const detail = async (name: string) => {
      const list = await page(`/certificates?q=${name}`, netops);
      const fingerprint = list.match(/href="\/certificates\/([0-9a-f]{64})"/)![1];
      return linked(await page(`/certificates/${fingerprint}`, netops));
    };
    expect(await detail('gone.hf.gov.cn')).toEqual(['certificates/CertificateExpired']);
    expect(await detail('soon.hf.gov.cn')).toEqual([
      'certificates/CertificateExpiringIn7Days',
      'certificates/CertificatesStillOnRsa',
    ]);
    expect(await detail('fine.hf.gov.cn')).toEqual([]);
  });

  it('links the capacity and quota pages to the capacity alerts', async () => {
    expect(linked(await page('/capacity', ops))).toEqual([
      'capacity/SiteAllocationNearCeiling',
      'capacity/DepartmentQuotaNearlyUsed',
      'capacity/SiteUsageReadFailing',
    ]);
    expect(linked(await page('/quotas', ops))).toEqual([
      'capacity/DepartmentQuotaNearlyUsed',
      'capacity/SiteAllocationNearCeiling',
    ]);
    expect(linked(await page('/quotas/340100-001', ops))).toEqual(['capacity/DepartmentQuotaNearlyUsed']);
  });

  it('puts the usage-read runbook beside a site whose Kubernetes API cannot be read', () => {
    const t = translator('en');
    const failing = { used: null, message: 'denied', observedAt: null, lastSuccessAt: null, stale: false };
    expect(String(siteReadingLine(t, { ...failing, status: 'forbidden' }))).toContain(
      href('capacity', 'SiteUsageReadFailing'),
    );
    expect(
      String(siteReadingLine(t, { ...failing, status: 'ok', lastSuccessAt: '2026-11-21T08:00:00Z' })),
    ).not.toContain('/runbooks/');
  });

  it('puts each DR flag’s runbook beside its count, and the drill runbook on the drill log', async () => {
    const matrix = await page('/dr', ops);
    for (const [flag, alert] of [
      ['target-not-met', 'DrTargetNotMet'],
      ['drill-overdue', 'DrDrillOverdue'],
      ['lag-above-rpo', 'DrReplicationLagAboveRpo'],
    ] as const)
      expect(matrix).toMatch(
        new RegExp(
          `href="/dr\\?flag=${flag}">[^<]*<strong>[\\d,]+</strong></a> <small>\\(<a class="runbook-link" ${href('dr', alert)}`,
        ),
      );
    expect(matrix).toContain('title="What to do when DrTargetNotMet fires">runbook</a>');
    expect(linked(await page('/dr/drills', ops))).toEqual(['dr/DrDrillOverdue']);
  });
});
