import type { Context } from 'hono';
import { html } from 'hono/html';
import type { AgentView } from '../../agents/agent-views.ts';
import type { Enrolment } from '../../agents/service.ts';
import type { Env } from '../../http/env.ts';
import type { FormProblems } from '../form-problems.ts';
import { csrfField, fieldError, type Html } from '../layout.ts';
import { messages } from '../list-links.ts';
import { utcMinute } from '../site-reading.ts';

export type NewAgentValues = { name: string; site: string; department: string };
export const newAgentFields = ['name', 'site', 'department'] as const;

/**
 * Where agents reach this console: the address the operator's browser used, or the one the load
 * balancer was asked for when the console trusts it to say.
 */
export function consoleUrl(c: Context<Env>, trustProxy: boolean): string {
  const url = new URL(c.req.url);
  if (trustProxy) {
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim();
    const host = c.req.header('x-forwarded-host')?.split(',')[0]?.trim();
    if (proto === 'http' || proto === 'https') url.protocol = `${proto}:`;
    if (host && /^[A-Za-z0-9.:[\]-]+$/.test(host)) url.host = host;
  }
  return url.origin;
}

/** The agent.yaml lines that enrol the agent (the file's schema is agents/config/local-file.ts). */
export function enrolmentYaml(url: string, agent: Pick<AgentView, 'site' | 'department'>, token: string): string {
  return [
    'console:',
    `  url: ${url}`,
    `  enrolToken: "${token}"`,
    ...(agent.site ? [`site: ${agent.site}`] : []),
    ...(agent.department ? [`department: "${agent.department}"`] : []),
  ].join('\n');
}

/**
 * A one-time enrolment token, shown on the page answering the form that made it and nowhere
 * else: with the snippet of agent.yaml that carries it and the command that starts the agent.
 */
export function enrolmentPanel(
  c: Context<Env>,
  agent: AgentView,
  enrolment: Enrolment,
  opts: { notice: string; url: string },
): Html {
  const t = c.get('t');
  return html`<div class="secret-once" role="status">
<p>${opts.notice}</p>
<p>${t('agents.tokenOnce', { expiresAt: utcMinute(enrolment.expiresAt) })}</p>
<p><code class="secret" id="enrolment-token">${enrolment.token}</code></p>
<p class="hint">${t('agents.tokenSteps')}</p>
<pre><code id="agent-yaml">${enrolmentYaml(opts.url, agent, enrolment.token)}</code></pre>
<pre><code>npm run agent -- --config agent.yaml</code></pre>
<p><a href="/agents/${encodeURIComponent(agent.id)}">${t('agents.open')}</a></p>
</div>`;
}

/** The form that creates an agent; sites come as a choice, the department as its code. */
export function newAgentForm(
  c: Context<Env>,
  sites: { code: string; name: string }[],
  values: NewAgentValues,
  problems: FormProblems,
): Html {
  const t = c.get('t');
  const e = problems.fields;
  return html`${messages([], problems.general)}
<form method="post" action="/agents" class="stacked">
  ${csrfField(c)}
  <label>${t('agents.name')} <input name="name" value="${values.name}" maxlength="100" required aria-invalid="${e.name ? 'true' : 'false'}"><span class="hint">${t('agents.nameHelp')}</span>${fieldError(e.name)}</label>
  <label>${t('agents.site')} <select name="site">
    <option value="">${t('common.choose')}</option>
    ${sites.map((s) => html`<option value="${s.code}"${values.site === s.code ? html` selected` : ''}>${s.name} (${s.code})</option>`)}
  </select>${fieldError(e.site)}</label>
  <label>${t('agents.department')} <input name="department" value="${values.department}" maxlength="32" aria-invalid="${e.department ? 'true' : 'false'}"><span class="hint">${t('agents.departmentHelp')}</span>${fieldError(e.department)}</label>
  <p><button type="submit">${t('common.create')}</button> <a href="/agents">${t('common.cancel')}</a></p>
</form>`;
}
