import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { departmentLevels, type Region } from '../../core/org.ts';
import { requirePermission } from '../../core/principal.ts';
import { isDemo } from '../bootstrap.ts';
import type { Env } from '../http/env.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { OrgService } from '../org/service.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { type FormProblems, formProblems, formText, givenOrUndefined, noProblems } from './form-problems.ts';
import { csrfField, fieldError, type Html, layout } from './layout.ts';
import { messages } from './list-links.ts';
import { regionOptions } from './region-select.ts';

export type DepartmentFormValues = { code: string; name: string; level: string; region: string };
export const departmentFormFields = ['code', 'name', 'level', 'region'] as const;

/** Reads a posted department form. */
export async function postedDepartment(c: Context<Env>): Promise<DepartmentFormValues> {
  const form = await c.req.parseBody();
  return {
    code: formText(form.code).trim(),
    name: formText(form.name),
    level: formText(form.level),
    region: formText(form.region),
  };
}

/**
 * The fields of a department, shared by the create form and the detail page's edit form; the
 * code is fixed once created (other records and URLs point at it), so it is shown only to create.
 */
export function departmentFields(
  c: Context<Env>,
  regions: readonly Region[],
  values: DepartmentFormValues,
  problems: FormProblems,
  withCode: boolean,
): Html {
  const t = c.get('t');
  const e = problems.fields;
  return html`${
    withCode
      ? html`<label>${t('dept.code')} <input name="code" value="${values.code}" maxlength="32" pattern="[A-Za-z0-9][A-Za-z0-9_\\-]*" required aria-invalid="${e.code ? 'true' : 'false'}">
  <span class="hint">${t('dept.codeHelp')}</span>${fieldError(e.code)}</label>`
      : ''
  }
  <label>${t('dept.name')} <input name="name" value="${values.name}" maxlength="100" required aria-invalid="${e.name ? 'true' : 'false'}">${fieldError(e.name)}</label>
  <label>${t('dept.level')} <select name="level" required aria-invalid="${e.level ? 'true' : 'false'}">
    <option value="">${t('common.choose')}</option>
    ${departmentLevels.map((l) => html`<option value="${l}"${values.level === l ? html` selected` : ''}>${t(`level.${l}`)}</option>`)}
  </select><span class="hint">${t('dept.levelHelp')}</span>${fieldError(e.level)}</label>
  <label>${t('dept.region')} <select name="region" required aria-invalid="${e.region ? 'true' : 'false'}">${regionOptions(t, regions, values.region, 'form')}</select>${fieldError(e.region)}</label>`;
}

/** The "new department" page and its submission, for holders of org:write. */
export function departmentCreatePage({ org, uow }: { org: OrgService; uow: UnitOfWork }) {
  async function render(c: Context<Env>, values: DepartmentFormValues, problems: FormProblems) {
    const t = c.get('t');
    const [regions, demo] = await Promise.all([org.listRegions(), isDemo(uow)]);
    const body = html`${messages([], problems.general)}
<form method="post" action="/departments" class="stacked">
  ${csrfField(c)}
  ${departmentFields(c, regions, values, problems, true)}
  <p><button type="submit">${t('common.create')}</button> <a href="/departments">${t('common.cancel')}</a></p>
</form>`;
    return c.html(
      layout(c, { title: t('dept.create'), body, demo, active: '/departments' }),
      problems.status as ContentfulStatusCode,
    );
  }

  return new Hono<Env>()
    .get('/departments/new', (c) => {
      requirePermission(requirePrincipal(c), 'org:write');
      return render(c, { code: '', name: '', level: '', region: '' }, noProblems);
    })
    .post('/departments', async (c) => {
      requirePermission(requirePrincipal(c), 'org:write');
      const values = await postedDepartment(c);
      c.set('audit', { action: 'department.create', target: `department:${values.code}` });
      try {
        const created = await org.createDepartment({
          code: givenOrUndefined(values.code),
          name: givenOrUndefined(values.name),
          level: givenOrUndefined(values.level),
          region: givenOrUndefined(values.region),
        });
        return c.redirect(`/departments/${encodeURIComponent(created.code)}?created=1`, 303);
      } catch (e) {
        return render(c, values, formProblems(c, e, departmentFormFields, { department_exists: 'code' }));
      }
    });
}
