import { Hono } from 'hono';
import { html } from 'hono/html';
import { NotFound } from '../../../core/errors.ts';
import { requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { CertificatesService } from '../../certificates/service.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import { isMessageKey } from '../../i18n/negotiate.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { layout } from '../layout.ts';
import type { AlertOf } from '../runbooks/known-alerts.ts';
import { runbookLinks } from '../runbooks/runbook-links.ts';
import { utcMinute } from '../site-reading.ts';
import { algorithmText, certificateName, chainText, windowLabel } from './certificate-labels.ts';
import { certificateToolbar } from './inventory.ts';

const windowAlert = {
  expired: 'CertificateExpired',
  '7d': 'CertificateExpiringIn7Days',
  '30d': 'CertificateExpiringIn30Days',
} as const;

/**
 * The alerts a certificate can raise: its expiry window's, and the RSA one while it is unexpired
 * RSA. Only server certificates are watched by alerts; personal ones are counted, never named.
 */
export function alertsForCertificate(x: {
  personal: boolean;
  window: keyof typeof windowAlert | 'valid';
  family: string;
}): AlertOf<'certificates'>[] {
  if (x.personal) return [];
  return [
    ...(x.window === 'valid' ? [] : [windowAlert[x.window]]),
    ...(x.family === 'rsa' && x.window !== 'expired' ? (['CertificatesStillOnRsa'] as const) : []),
  ];
}

/**
 * One certificate: its fields (a personal certificate shows no subject or name), its chain
 * verdict, every place agents saw it (agent, source, location, position) and the RA's record of
 * its serial. Unknown, or outside a department user's department, is 404.
 */
export function certificateDetailPage({ certificates, uow }: { certificates: CertificatesService; uow: UnitOfWork }) {
  return new Hono<Env>().get('/certificates/:fingerprint', async (c) => {
    const p = requirePrincipal(c);
    requirePermission(p, 'extranet:read');
    const t = c.get('t');
    const fingerprint = c.req.param('fingerprint').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(fingerprint)) throw new NotFound('certificate_not_found', { fingerprint: '' });
    const [x, demo] = await Promise.all([certificates.detail(p, fingerprint), isDemo(uow)]);
    const raStatus = `cert.raStatus.${x.ra?.status}`;
    const body = html`${certificateToolbar(c)}
${runbookLinks(t, 'certificates', alertsForCertificate(x))}
<dl class="facts">
  <dt>${t('cert.commonName')}</dt><dd>${certificateName(t, x)}</dd>
  ${x.personal ? '' : html`<dt>${t('cert.subject')}</dt><dd><code class="detail">${x.subject ?? ''}</code></dd>`}
  <dt>${t('cert.issuer')}</dt><dd><code class="detail">${x.issuer}</code></dd>
  <dt>${t('cert.serial')}</dt><dd><code class="detail">${x.serial}</code></dd>
  <dt>${t('cert.fingerprint')}</dt><dd><code class="detail">${x.fingerprint}</code></dd>
  <dt>${t('cert.notBefore')}</dt><dd>${utcMinute(x.notBefore)}</dd>
  <dt>${t('cert.notAfter')}</dt><dd>${utcMinute(x.notAfter)} · ${windowLabel(t, x.window)}</dd>
  <dt>${t('cert.family')}</dt><dd>${algorithmText(t, x)}${x.curve ? ` (${x.curve})` : ''}</dd>
  <dt>${t('cert.signature')}</dt><dd>${x.signatureAlgorithm}</dd>
  <dt>${t('cert.sans')}</dt><dd>${x.sans.length ? x.sans.join(', ') : html`<span class="muted">—</span>`}</dd>
  <dt>${t('cert.kind')}</dt><dd>${x.isCa ? t('cert.ca') : t('cert.endEntity')} · ${t(x.personal ? 'cert.holder.personal' : 'cert.holder.server')}</dd>
  <dt>${t('cert.department')}</dt><dd>${x.department ? html`${x.department} ${x.departmentName ?? ''}` : html`<span class="muted">${t('cert.noDepartment')}</span>`}</dd>
  <dt>${t('cert.chain')}</dt><dd>${chainText(t, x)}</dd>
  <dt>${t('cert.firstSeen')}</dt><dd>${utcMinute(x.firstSeenAt)}</dd>
  <dt>${t('cert.lastSeen')}</dt><dd>${utcMinute(x.lastSeenAt)}</dd>
</dl>
<h2>${t('cert.sightings')}</h2>
<table class="sightings"><thead><tr><th>${t('cert.agent')}</th><th>${t('cert.source')}</th><th>${t('cert.location')}</th><th>${t('cert.position')}</th><th>${t('cert.chain')}</th><th>${t('cert.lastSeen')}</th></tr></thead>
<tbody>${x.sightings.map(
      (s) =>
        html`<tr><td>${s.agentName ?? s.agentId}</td><td>${s.sourceId}</td><td><code class="detail">${s.location}</code></td><td>${s.position === 0 ? t('cert.leaf') : s.position}</td><td>${chainText(t, s)}</td><td class="nowrap">${utcMinute(s.lastSeenAt)}</td></tr>`,
    )}</tbody></table>
<h2>${t('cert.ra')}</h2>
${
  x.ra
    ? html`<dl class="facts">
  <dt>${t('cert.column.status')}</dt><dd>${isMessageKey(raStatus) ? t(raStatus) : x.ra.status}</dd>
  <dt>${t('cert.column.holder_kind')}</dt><dd>${x.ra.holderKind === 'personal' ? t('cert.holder.personal') : t('cert.holder.server')}</dd>
  <dt>${t('cert.column.department')}</dt><dd>${x.ra.department ?? '—'}</dd>
  <dt>${t('cert.column.not_after')}</dt><dd>${utcMinute(x.ra.notAfter)}</dd>
</dl>`
    : html`<p class="muted">${t('cert.raNone')}</p>`
}`;
    return c.html(
      layout(c, { title: t('cert.detailTitle', { name: certificateName(t, x) }), body, demo, active: '/certificates' }),
    );
  });
}
