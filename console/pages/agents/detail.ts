import type { Context } from 'hono';
import { html } from 'hono/html';
import type { CertSource } from '../../../core/contracts/agent.ts';
import type { AgentDetail } from '../../agents/agent-views.ts';
import type { Env } from '../../http/env.ts';
import { csrfField, type Html } from '../layout.ts';
import { runbookLinks } from '../runbooks/runbook-links.ts';
import { utcMinute } from '../site-reading.ts';
import { agentAlerts } from './list.ts';
import { lastSeenText, spoolText, statusText } from './seen.ts';

/** Where a certificate source looks: a TLS endpoint, file paths, or a PKCS#12 file. */
function sourceWhere(s: CertSource): string {
  if (s.kind === 'tls') return `${s.servername ?? s.host} (${s.host}:${s.port})`;
  if (s.kind === 'files') return s.paths.join(', ');
  return s.path;
}

function certSourcesTable(c: Context<Env>, sources: CertSource[]): Html {
  const t = c.get('t');
  if (!sources.length) return html`<p class="muted">${t('agents.noSources')}</p>`;
  return html`<table class="cert-sources"><thead><tr><th>${t('agents.sourceId')}</th><th>${t('agents.sourceKind')}</th><th>${t('agents.sourceWhere')}</th><th>${t('agents.department')}</th><th>${t('agents.personal')}</th></tr></thead>
<tbody>${sources.map(
    (s) =>
      html`<tr><td><code>${s.id}</code></td><td>${s.kind}</td><td>${sourceWhere(s)}</td><td>${s.department ?? '—'}</td><td>${s.personal ? t('common.yes') : t('common.no')}</td></tr>`,
  )}</tbody></table>`;
}

/**
 * One agent: what it is and where, when it last reported and how full its spool is, the
 * certificate sources the console gives it, and — for operators — revoking it or issuing a new
 * enrolment token. The forms post with the session's CSRF token.
 */
export function agentDetailBody(c: Context<Env>, a: AgentDetail, opts: { canWrite: boolean; now: Date }): Html {
  const t = c.get('t');
  const base = `/agents/${encodeURIComponent(a.id)}`;
  const fact = (label: string, value: Html | string) => html`<dt>${label}</dt><dd>${value}</dd>`;
  return html`<dl class="facts">
  ${fact(t('agents.status'), statusText(t, a))}
  ${fact(t('agents.site'), a.site ? `${a.siteName ?? a.site} (${a.site})` : '—')}
  ${fact(t('agents.department'), a.department ? `${a.departmentName ?? a.department} (${a.department})` : '—')}
  ${fact(t('agents.hostname'), a.hostname ?? '—')}
  ${fact(t('agents.version'), a.version ?? '—')}
  ${fact(t('agents.lastSeen'), lastSeenText(t, a.lastSeenAt, opts.now))}
  ${fact(t('agents.spool'), spoolText(a))}
  ${fact(t('agents.dropped'), a.spool.droppedTotal.toLocaleString('en'))}
  ${fact(t('agents.links'), a.links.toLocaleString('en'))}
  ${fact(t('agents.configRevision'), a.configRevision ? html`<code>${a.configRevision}</code>` : '—')}
  ${a.enrolledAt ? fact(t('agents.enrolledAt'), utcMinute(a.enrolledAt)) : ''}
  ${a.enrolmentExpiresAt ? fact(t('agents.expiresAt'), utcMinute(a.enrolmentExpiresAt)) : ''}
</dl>
${runbookLinks(t, 'agents', agentAlerts)}
<p class="muted">${t('agents.createdBy', { by: a.createdBy, at: utcMinute(a.createdAt) })}${
    a.revokedAt ? html` · ${t('agents.revokedAt', { at: utcMinute(a.revokedAt), by: a.revokedBy ?? '' })}` : ''
  }</p>
<h2>${t('agents.certSources')}</h2>
${certSourcesTable(c, a.certSources)}
${
  opts.canWrite
    ? html`${
        a.status !== 'revoked'
          ? html`<form method="post" action="${base}/revoke" class="stacked" id="revoke">
  <h3>${t('agents.revoke')}</h3>${csrfField(c)}
  <p class="hint">${t('agents.revokeHelp')}</p>
  <p><button type="submit" class="danger">${t('agents.revoke')}</button></p>
</form>`
          : ''
      }${
        a.status !== 'active'
          ? html`<form method="post" action="${base}/enrolment-token" class="stacked" id="reissue">
  <h3>${t('agents.reissue')}</h3>${csrfField(c)}
  <p class="hint">${t('agents.reissueHelp')}</p>
  <p><button type="submit" class="secondary">${t('agents.reissue')}</button></p>
</form>`
          : ''
      }`
    : ''
}
<p><a href="/agents">${t('agents.back')}</a></p>`;
}
