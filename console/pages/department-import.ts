import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { DepartmentCsvError } from '../../core/departments-csv.ts';
import { departmentInput, departmentLevels } from '../../core/org.ts';
import { requirePermission } from '../../core/principal.ts';
import { isDemo } from '../bootstrap.ts';
import type { Env } from '../http/env.ts';
import { problemMessage } from '../http/field-problems.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { MessageKey } from '../i18n/negotiate.ts';
import { ImportRejected, type OrgService } from '../org/service.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { formText } from './form-problems.ts';
import { csrfField, layout } from './layout.ts';
import { messages } from './list-links.ts';

const columnLabel: Record<string, MessageKey> = {
  code: 'dept.code',
  name: 'dept.name',
  level: 'dept.level',
  region: 'dept.region',
};

// The CSV parser reports zod's rule without its limits; the messages need them back.
const limits = {
  code: departmentInput.shape.code,
  name: departmentInput.shape.name,
  region: departmentInput.shape.regionCode,
};

/** The message for one refused line, with the figures its rule's message names. */
function lineProblem(c: Context<Env>, l: DepartmentCsvError): string {
  const t = c.get('t');
  const limit = l.field && l.field !== 'level' ? limits[l.field] : undefined;
  const params: Record<string, string | number> = {
    minimum: limit?.minLength ?? 1,
    maximum: limit?.maxLength ?? '',
    values: [...departmentLevels, '省级', '市级', '县级'].join(', '),
    otherLine: l.detail?.otherLine ?? '',
  };
  // A blank cell is a missing value, whatever rule zod tripped on.
  const rule = l.value === '' && l.field && l.rule !== 'missing_column' ? 'required' : l.rule;
  return problemMessage(t, { field: l.field, rule, params });
}

/**
 * Bulk import of departments from CSV, as a file upload or pasted text. Any bad line stops the
 * whole import; every bad line is listed so the spreadsheet can be fixed in one pass.
 */
export function departmentImportPage({ org, uow }: { org: OrgService; uow: UnitOfWork }) {
  async function render(c: Context<Env>, opts: { lines?: DepartmentCsvError[]; text?: string }) {
    const t = c.get('t');
    const demo = await isDemo(uow);
    const lines = opts.lines ?? [];
    const body = html`<p>${t('dept.importHelp')}</p>
${lines.length ? messages([], [t('dept.importErrors', { count: new Set(lines.map((l) => l.line)).size })]) : ''}
${
  lines.length
    ? html`<table class="problems"><thead><tr><th>${t('dept.line')}</th><th>${t('dept.field')}</th><th>${t('dept.value')}</th><th>${t('dept.problem')}</th></tr></thead>
<tbody>${lines.map(
        (l) =>
          html`<tr><td>${l.line}</td><td>${l.field ? t(columnLabel[l.field] ?? 'dept.field') : '—'}</td><td><code>${l.value}</code></td><td>${lineProblem(c, l)}</td></tr>`,
      )}</tbody></table>`
    : ''
}
<form method="post" action="/departments/import" enctype="multipart/form-data" class="stacked">
  ${csrfField(c)}
  <label>${t('dept.file')} <input type="file" name="file" accept=".csv,text/csv"></label>
  <label>${t('dept.csvText')} <textarea name="csv" rows="10" cols="80" spellcheck="false" placeholder="code,name,level,region">${opts.text ?? ''}</textarea></label>
  <p><button type="submit">${t('common.import')}</button> <a href="/departments">${t('common.cancel')}</a></p>
</form>`;
    return c.html(
      layout(c, { title: t('dept.importTitle'), body, demo, active: '/departments' }),
      lines.length ? 400 : 200,
    );
  }

  return new Hono<Env>()
    .get('/departments/import', (c) => {
      requirePermission(requirePrincipal(c), 'org:write');
      return render(c, {});
    })
    .post('/departments/import', async (c) => {
      requirePermission(requirePrincipal(c), 'org:write');
      const form = await c.req.parseBody();
      const file = form.file;
      const fromFile = file instanceof File && file.size > 0;
      const text = fromFile ? await file.text() : formText(form.csv);
      c.set('audit', { action: 'department.import', target: 'departments' });
      try {
        const outcome = await org.importDepartments(text);
        c.set('audit', { action: 'department.import', target: 'departments', detail: outcome });
        return c.redirect(`/departments?created=${outcome.created}&updated=${outcome.updated}`, 303);
      } catch (e) {
        if (!(e instanceof ImportRejected)) throw e;
        c.set('audit', { action: 'department.import', target: 'departments', detail: { badLines: e.lines.length } });
        // A file cannot be put back into its input; pasted text can.
        return render(c, { lines: e.lines, text: fromFile ? '' : text });
      }
    });
}
