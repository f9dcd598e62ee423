import type { Context } from 'hono';
import { html } from 'hono/html';
import type { TokenView } from '../accounts/service.ts';
import type { Env } from '../http/env.ts';
import type { FormProblems } from './form-problems.ts';
import { csrfField, fieldError, type Html } from './layout.ts';
import { messages } from './list-links.ts';
import { roleChoices, roleName } from './users-page.ts';

export type NewTokenValues = { name: string; role: string; department: string };
export const newTokenFields = ['name', 'role', 'department'] as const;

const minute = (at: string | null) => (at ? at.slice(0, 16).replace('T', ' ') : '—');

/**
 * The API tokens: the list (never a secret), revoke buttons, and the form that makes one. A new
 * token's secret is shown once, on the page answering the form, and is not kept anywhere.
 */
export function tokensSection(
  c: Context<Env>,
  tokens: TokenView[],
  opts: {
    canWrite: boolean;
    form: { values: NewTokenValues; problems: FormProblems };
    created?: { secret: string; view: TokenView };
  },
): Html {
  const t = c.get('t');
  const e = opts.form.problems.fields;
  return html`<h2 id="tokens">${t('users.tokens')}</h2>
${
  opts.created
    ? html`<div class="secret-once" role="status"><p>${t('users.tokenCreated')}</p>
<p><code class="secret">${opts.created.secret}</code></p><p class="hint">${t('users.tokenUse', { name: opts.created.view.name })}</p></div>`
    : ''
}
${
  tokens.length === 0
    ? html`<p class="muted">${t('common.none')}</p>`
    : html`<table><thead><tr><th>${t('users.tokenName')}</th><th>${t('users.roles')}</th><th>${t('users.department')}</th><th>${t('users.createdBy')}</th><th>${t('users.createdAt')}</th><th>${t('users.lastUsed')}</th><th>${t('users.status')}</th>${opts.canWrite ? html`<th>${t('common.actions')}</th>` : ''}</tr></thead>
<tbody>${tokens.map(
        (
          k,
        ) => html`<tr><td>${k.name}</td><td>${roleName(t, k.role)}</td><td>${k.department ?? '—'}</td><td>${k.createdBy}</td><td>${minute(k.createdAt)}</td><td>${minute(k.lastUsedAt)}</td>
<td>${k.revokedAt ? html`<span class="outcome-denied">${t('users.revoked')} ${minute(k.revokedAt)}</span>` : t('users.active')}</td>${
          opts.canWrite
            ? html`<td>${
                k.revokedAt
                  ? ''
                  : html`<form method="post" action="/users/tokens/${encodeURIComponent(k.id)}/revoke" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t('users.revoke')}</button></form>`
              }</td>`
            : ''
        }</tr>`,
      )}</tbody></table>`
}
${
  opts.canWrite
    ? html`<h3>${t('users.createToken')}</h3>${messages([], opts.form.problems.general)}
<form method="post" action="/users/tokens" class="stacked">
  ${csrfField(c)}
  <label>${t('users.tokenName')} <input name="name" value="${opts.form.values.name}" maxlength="100" required>${fieldError(e.name)}</label>
  <label>${t('users.roles')} ${roleChoices(t, [opts.form.values.role], false)}${fieldError(e.role)}</label>
  <label>${t('users.department')} <input name="department" value="${opts.form.values.department}" maxlength="32"><span class="hint">${t('users.departmentHelp')}</span>${fieldError(e.department)}</label>
  <p><button type="submit">${t('common.create')}</button></p>
</form>`
    : ''
}`;
}
