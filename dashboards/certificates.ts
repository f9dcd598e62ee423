import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { finishDashboard, govopsDashboard } from './dashboard.ts';
import { defaultStat, defaultTable, matrixTable } from './panels/current-values.ts';
import { defaultTimeseries } from './panels/over-time.ts';
import { instantQuery, prometheusQuery, tableQuery } from './panels/queries.ts';
import { fixedColour, highIsBad, lowIsBad } from './panels/thresholds.ts';

/**
 * Certificates: the console's inventory (every certificate the agents observed, once per
 * fingerprint) by expiry window and algorithm family, the move to SM2 per department, the server
 * certificates to renew first (from the agents, which name them), and whether the agents' scans
 * work. Personal certificates never appear one by one: only as counts.
 */

const day = 86_400;
/** The inventory's counts, one replica's worth (every replica reports the same figures). */
const inventory = (matchers?: string) => `max by (window, family) (govops_certificates${braced(matchers)})`;
const perDepartment = (matchers?: string) =>
  `sum by (department) (max by (department, family) (govops_department_certificates${braced(matchers)}))`;
const braced = (matchers?: string) => (matchers ? `{${matchers}}` : '');

const windowColours: Record<string, string> = { expired: 'red', '7d': 'red', '30d': 'orange', valid: 'green' };

export function certificatesPerWindow() {
  const panel = defaultStat()
    .title('Certificates per expiry window')
    .description(
      'Certificates in the inventory that have expired, expire within 7 days, within 30 days, or later. Server ' +
        'certificates in the first three fire CertificateExpired / CertificateExpiringIn7Days / …In30Days.',
    )
    .unit('short')
    .withTarget(instantQuery(`sum by (window) (${inventory()})`, '{{window}}'));
  for (const [window, colour] of Object.entries(windowColours)) panel.overrideByName(window, fixedColour(colour));
  return panel;
}

export function certificatesPerWindowAndFamily() {
  return matrixTable('family', 'window')
    .title('Certificates per algorithm family and expiry window')
    .description('The inventory by key algorithm family (rows: sm2, rsa, ecdsa, other) and expiry window (columns).')
    .unit('short')
    .withTarget(tableQuery(inventory()));
}

export function sm2Share() {
  return defaultStat()
    .title('SM2 share of unexpired certificates')
    .description(
      'Share of the unexpired certificates in the inventory whose key is SM2 (GM/T 0003): the target is all.',
    )
    .unit('percentunit')
    .decimals(1)
    .thresholds(lowIsBad(0.5, 0.9))
    .withTarget(
      instantQuery(
        `sum(${inventory('family="sm2", window!="expired"')}) / sum(${inventory('window!="expired"')})`,
        'SM2 share',
      ),
    );
}

export function unexpiredRsaCertificates() {
  return defaultTimeseries()
    .title('Unexpired RSA certificates')
    .description(
      'RSA certificates still valid, in the whole inventory. After the configured cutover date ' +
        '(CERT_RSA_CUTOVER_DATE) each department still holding one fires CertificatesStillOnRsa.',
    )
    .unit('short')
    .min(0)
    .withTarget(prometheusQuery(`sum(${inventory('family="rsa", window!="expired"')})`, 'RSA, unexpired'));
}

export function sm2SharePerDepartment() {
  return defaultTable({ descending: false })
    .title('SM2 share per department')
    .description(
      "Share of each department's unexpired certificates that are SM2, lowest first: the departments to follow up " +
        'with. Only departments holding certificates are listed.',
    )
    .unit('percentunit')
    .thresholds(lowIsBad(0.5, 0.9))
    .withTarget(
      // A department without SM2 certificates has no sm2 series: `or … * 0` gives it a zero share.
      tableQuery(`(${perDepartment('family="sm2"')} or ${perDepartment()} * 0) / ${perDepartment()}`),
    );
}

export function serverCertificatesExpiringSoonest() {
  return defaultTable({ descending: false })
    .title('Server certificates expiring soonest')
    .description(
      'The 20 server certificates the agents found that expire first: time left (negative: expired), with the ' +
        'source that found them and the fingerprint to tell renewals apart.',
    )
    .unit('s')
    .thresholds(lowIsBad(7 * day, 30 * day))
    .withTarget(
      tableQuery(
        'bottomk(20, min by (subject_cn, issuer_cn, algorithm, source, fingerprint) (gov_cert_not_after_timestamp_seconds) - time())',
      ),
    );
}

export function scanProblemsPerSource() {
  return defaultTimeseries()
    .title('Certificate scan problems per source')
    .description(
      'Files or endpoints the last scan of each certificate source could not read or parse (per agent). Certificates ' +
        'behind a failing source are not re-checked: their expiry alerts rely on the last good scan.',
    )
    .unit('short')
    .min(0)
    .withTarget(
      prometheusQuery(
        'sum by (instance, source) (gov_cert_scan_problems) or on () vector(0)',
        '{{instance}} {{source}}',
      ),
    );
}

export function chainVerification() {
  return defaultStat()
    .title('Server certificate chains')
    .description(
      'Server certificates whose chain leads to a configured trust anchor (verified) and those whose chain does not: ' +
        'a wrong or missing intermediate, or an issuer that is not trusted.',
    )
    .unit('short')
    .withTarget(
      instantQuery('count(max by (source, fingerprint) (gov_cert_chain_verified) == 1) or vector(0)', 'verified'),
    )
    .withTarget(
      instantQuery('count(max by (source, fingerprint) (gov_cert_chain_verified) == 0) or vector(0)', 'not verified'),
    )
    .overrideByName('verified', fixedColour('green'))
    .overrideByName('not verified', [
      { id: 'thresholds', value: highIsBad(1).build() },
      { id: 'color', value: { mode: 'thresholds' } },
    ]);
}

export function certificatesDashboard(): Dashboard {
  return finishDashboard(
    govopsDashboard({
      uid: 'govops-certificates',
      title: 'GovOps / Certificates',
      description:
        'Certificates per expiry window and algorithm family, SM2 share per department, server certificates expiring ' +
        'soonest, and the health of the agents’ certificate sources.',
      tags: ['certificates'],
    })
      .withRow(new RowBuilder('Inventory'))
      .withPanel(certificatesPerWindow().height(6).span(12))
      .withPanel(sm2Share().height(6).span(6))
      .withPanel(unexpiredRsaCertificates().height(6).span(6))
      .withPanel(certificatesPerWindowAndFamily().height(8).span(12))
      .withPanel(sm2SharePerDepartment().height(8).span(12))
      .withRow(new RowBuilder('Server certificates'))
      .withPanel(serverCertificatesExpiringSoonest().height(10).span(24))
      .withRow(new RowBuilder('Certificate sources'))
      .withPanel(scanProblemsPerSource().height(8).span(16))
      .withPanel(chainVerification().height(8).span(8)),
  );
}
