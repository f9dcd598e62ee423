import type { Context } from 'hono';
import { html } from 'hono/html';
import { type Role, roles, separatedRoles } from '../../core/roles.ts';
import type { UserView } from '../accounts/service.ts';
import type { Env } from '../http/env.ts';
import { isMessageKey, type Translate } from '../i18n/negotiate.ts';
import type { FormProblems } from './form-problems.ts';
import { csrfField, fieldError, type Html } from './layout.ts';
import { hrefWith, messages, oneOf, type SortOrder, sortableHeader, sortOrder } from './list-links.ts';

export const userSorts = ['username', 'displayName', 'department'] as const;
export type UserFilter = { q: string; role: Role | undefined; sort: (typeof userSorts)[number]; order: SortOrder };
export type NewUserValues = { username: string; displayName: string; roles: string[]; department: string };
export const newUserFields = ['username', 'displayName', 'roles', 'department', 'password'] as const;

/** The users list's filters from the URL. */
export function userFilter(c: Context<Env>): UserFilter {
  return {
    q: (c.req.query('q') ?? '').trim().slice(0, 100),
    role: oneOf(roles, c.req.query('role')),
    sort: oneOf(userSorts, c.req.query('sort')) ?? 'username',
    order: sortOrder(c.req.query('order')),
  };
}

/** Accounts are few (hundreds), so they are filtered and sorted here rather than in SQL. */
export function filterUsers(users: UserView[], f: UserFilter): UserView[] {
  const text = f.q.toLowerCase();
  const kept = users.filter(
    (u) =>
      (!text || u.username.includes(text) || u.displayName.toLowerCase().includes(text)) &&
      (!f.role || u.roles.includes(f.role)),
  );
  const key = (u: UserView) => (f.sort === 'department' ? (u.department ?? '') : u[f.sort]);
  const sign = f.order === 'desc' ? -1 : 1;
  return kept.sort((a, b) => sign * (key(a).localeCompare(key(b)) || a.username.localeCompare(b.username)));
}

/** A role's name in the page's language; the audit log also holds 'anonymous'. */
export function roleName(t: Translate, role: string): string {
  const key = `role.${role}`;
  return isMessageKey(key) ? t(key) : role;
}

/** Roles to pick: checkboxes for an account (it may hold several), a <select> for a token (one). */
// Administrator tokens come only from the local admin command (see AccountsService.createToken).
const tokenRoles = roles.filter((r) => !separatedRoles.includes(r));

export function roleChoices(t: Translate, chosen: readonly string[], multiple: boolean): Html {
  return multiple
    ? html`${roles.map(
        (r) =>
          html`<label class="check"><input type="checkbox" name="roles" value="${r}"${chosen.includes(r) ? html` checked` : ''}> ${t(`role.${r}`)}</label>`,
      )}`
    : html`<select name="role" required><option value="">${t('common.choose')}</option>${tokenRoles.map(
        (r) => html`<option value="${r}"${chosen.includes(r) ? html` selected` : ''}>${t(`role.${r}`)}</option>`,
      )}</select>`;
}

/** The accounts table with its filters and, for holders of accounts:write, each row's actions. */
export function usersSection(
  c: Context<Env>,
  users: UserView[],
  f: UserFilter,
  opts: { canWrite: boolean; rowProblem?: { username: string; message: string } },
): Html {
  const t = c.get('t');
  const header = (column: UserFilter['sort'], label: string) =>
    sortableHeader(label, column, f, (sort, order) => hrefWith('/users', { q: f.q, role: f.role, sort, order }));
  const post = (u: UserView, action: string, label: string, extra: Html | string = '') =>
    html`<form method="post" action="/users/${encodeURIComponent(u.username)}/${action}" class="inline">${csrfField(c)}${extra}<button type="submit" class="secondary">${label}</button></form>`;
  return html`<form method="get" action="/users" class="filters" role="search"
  hx-get="/users" hx-target="#users" hx-select="#users" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change, keyup changed delay:400ms">
  <label>${t('common.search')} <input type="search" name="q" value="${f.q}" placeholder="${t('users.searchPlaceholder')}" maxlength="100"></label>
  <label>${t('users.roles')} <select name="role"><option value="">${t('common.all')}</option>${roles.map(
    (r) => html`<option value="${r}"${f.role === r ? html` selected` : ''}>${t(`role.${r}`)}</option>`,
  )}</select></label>
  <input type="hidden" name="sort" value="${f.sort}"><input type="hidden" name="order" value="${f.order}">
  <button type="submit">${t('common.filter')}</button> <a href="/users">${t('common.reset')}</a>
</form>
<div id="users" hx-target="#users" hx-select="#users" hx-swap="outerHTML">
<p class="summary">${t('common.total', { count: users.length.toLocaleString('en') })}</p>
<table>
<thead hx-boost="true"><tr>${header('username', t('users.username'))}${header('displayName', t('users.displayName'))}<th>${t('users.roles')}</th>${header('department', t('users.department'))}<th>${t('users.totp')}</th><th>${t('users.lockedTitle')}</th>${opts.canWrite ? html`<th>${t('common.actions')}</th>` : ''}</tr></thead>
<tbody>${users.map(
    (u) => html`<tr id="user-${u.username}">
<td>${u.username}</td><td>${u.displayName}</td><td>${u.roles.map((r) => roleName(t, r)).join(', ')}</td>
<td>${u.department ? html`<a href="/departments/${encodeURIComponent(u.department)}">${u.department}</a>` : '—'}</td>
<td>${u.totpEnrolled ? t('common.yes') : t('common.no')}</td>
<td>${u.lockedUntil ? t('users.locked', { until: u.lockedUntil.slice(0, 16).replace('T', ' ') }) : '—'}</td>
${
  opts.canWrite
    ? html`<td class="actions">${post(
        u,
        'password',
        t('users.resetPassword'),
        html`<input type="password" name="password" autocomplete="new-password" minlength="12" maxlength="200" required placeholder="${t('users.newPassword')}" aria-label="${t('users.newPassword')}">`,
      )}${u.lockedUntil ? post(u, 'unlock', t('users.unlock')) : ''}${u.totpEnrolled ? post(u, 'totp-reset', t('users.resetTotp')) : ''}${
        opts.rowProblem?.username === u.username ? fieldError(opts.rowProblem.message) : ''
      }</td>`
    : ''
}</tr>`,
  )}</tbody>
</table>
</div>`;
}

/** The form that creates an account; the department is asked only of department users. */
export function newUserForm(c: Context<Env>, values: NewUserValues, problems: FormProblems): Html {
  const t = c.get('t');
  const e = problems.fields;
  return html`<h2 id="new-user">${t('users.create')}</h2>${messages([], problems.general)}
<form method="post" action="/users" class="stacked">
  ${csrfField(c)}
  <label>${t('users.username')} <input name="username" value="${values.username}" maxlength="32" autocomplete="off" required><span class="hint">${t('users.usernameHelp')}</span>${fieldError(e.username)}</label>
  <label>${t('users.displayName')} <input name="displayName" value="${values.displayName}" maxlength="100">${fieldError(e.displayName)}</label>
  <fieldset><legend>${t('users.roles')}</legend>${roleChoices(t, values.roles, true)}<p class="hint">${t('users.rolesHelp')}</p>${fieldError(e.roles)}</fieldset>
  <label>${t('users.department')} <input name="department" value="${values.department}" maxlength="32"><span class="hint">${t('users.departmentHelp')}</span>${fieldError(e.department)}</label>
  <label>${t('users.password')} <input type="password" name="password" autocomplete="new-password" minlength="12" maxlength="200" required><span class="hint">${t('users.passwordHelp')}</span>${fieldError(e.password)}</label>
  <p><button type="submit">${t('common.create')}</button></p>
</form>`;
}
