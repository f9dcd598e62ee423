import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { Invalid } from '../../core/errors.ts';
import { holds, requireDepartmentInScope, requirePermission } from '../../core/principal.ts';
import type { AccountsService } from '../accounts/service.ts';
import { isDemo } from '../bootstrap.ts';
import type { Env } from '../http/env.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { MessageKey } from '../i18n/negotiate.ts';
import type { OrgService } from '../org/service.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import {
  type DepartmentFormValues,
  departmentFields,
  departmentFormFields,
  postedDepartment,
} from './department-form.ts';
import { type FormProblems, formProblems, noProblems } from './form-problems.ts';
import { csrfField, layout } from './layout.ts';
import { messages } from './list-links.ts';

/**
 * One department: its code, name, level and region path; its accounts for those who manage
 * accounts; and an edit form for holders of org:write. A department user may open only their own.
 */
export function departmentDetailPage({
  org,
  accounts,
  uow,
}: {
  org: OrgService;
  accounts: AccountsService;
  uow: UnitOfWork;
}) {
  async function render(
    c: Context<Env>,
    code: string,
    edit: { values?: DepartmentFormValues; problems: FormProblems },
    notices: string[] = [],
  ) {
    const p = requirePrincipal(c);
    const t = c.get('t');
    const d = await org.getDepartment(code);
    const [path, regions, demo] = await Promise.all([org.regionPath(d.region), org.listRegions(), isDemo(uow)]);
    const users = holds(p, 'accounts:read') ? await accounts.listUsers({ department: d.code }) : null;
    const values = edit.values ?? { code: d.code, name: d.name, level: d.level, region: d.region };
    const body = html`${messages(notices)}
<dl class="facts">
  <dt>${t('dept.code')}</dt><dd><code>${d.code}</code></dd>
  <dt>${t('dept.name')}</dt><dd>${d.name}</dd>
  <dt>${t('dept.level')}</dt><dd>${t(`level.${d.level}`)}</dd>
  <dt>${t('dept.parentRegions')}</dt><dd>${path.map((r, i) => html`${i ? ' › ' : ''}${r.name}`)}</dd>
</dl>
${
  users
    ? html`<h2>${t('dept.users')}</h2>${
        users.length === 0
          ? html`<p class="muted">${t('common.none')}</p>`
          : html`<table><thead><tr><th>${t('users.username')}</th><th>${t('users.displayName')}</th><th>${t('users.roles')}</th><th>${t('users.totp')}</th></tr></thead>
<tbody>${users.map(
              (u) =>
                html`<tr><td>${u.username}</td><td>${u.displayName}</td><td>${u.roles.map((r) => t(`role.${r}` as MessageKey)).join(', ')}</td><td>${u.totpEnrolled ? t('common.yes') : t('common.no')}</td></tr>`,
            )}</tbody></table>`
      }`
    : ''
}
${
  holds(p, 'org:write')
    ? html`<h2 id="edit">${t('dept.edit')}</h2>${messages([], edit.problems.general)}
<form method="post" action="/departments/${encodeURIComponent(d.code)}" class="stacked">
  ${csrfField(c)}
  ${departmentFields(c, regions, values, edit.problems, false)}
  <p><button type="submit">${t('common.save')}</button></p>
</form>`
    : ''
}
<p><a href="/departments">${t('common.back')}</a></p>`;
    return c.html(
      layout(c, { title: t('dept.detail', { name: d.name }), body, demo, active: '/departments' }),
      edit.problems.status,
    );
  }

  return new Hono<Env>()
    .get('/departments/:code', (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'org:read');
      const code = c.req.param('code');
      requireDepartmentInScope(p, code);
      const t = c.get('t');
      const notices = [
        ...(c.req.query('created') ? [t('dept.created')] : []),
        ...(c.req.query('saved') ? [t('dept.saved')] : []),
      ];
      return render(c, code, { problems: noProblems }, notices);
    })
    .post('/departments/:code', async (c) => {
      requirePermission(requirePrincipal(c), 'org:write');
      const code = c.req.param('code');
      const values = { ...(await postedDepartment(c)), code };
      const changes = { name: values.name, level: values.level, region: values.region };
      c.set('audit', { action: 'department.update', target: `department:${code}`, detail: { changes } });
      try {
        // An empty name is a missing one; the service would call it "too short".
        if (!values.name.trim()) throw new Invalid([{ field: 'name', rule: 'required' }]);
        await org.updateDepartment(code, changes);
        return c.redirect(`/departments/${encodeURIComponent(code)}?saved=1`, 303);
      } catch (e) {
        return render(c, code, { values, problems: formProblems(c, e, departmentFormFields) });
      }
    });
}
