import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { hostingKinds, systemNetworks } from '../../../core/dr.ts';
import { requirePermission } from '../../../core/principal.ts';
import type { SystemCsvColumn, SystemCsvError } from '../../../core/systems-csv.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { problemMessage } from '../../http/field-problems.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { MessageKey } from '../../i18n/negotiate.ts';
import { SystemImportRejected } from '../../systems/service.ts';
import { formText } from '../form-problems.ts';
import { csrfField, layout } from '../layout.ts';
import { hrefWith, messages } from '../list-links.ts';
import { filterParams, systemFilter } from './systems-list.ts';

const columnLabel: Record<SystemCsvColumn, MessageKey> = {
  code: 'systems.code',
  name: 'systems.name',
  department: 'systems.departmentCode',
  description: 'systems.description',
  mlpsLevel: 'systems.mlps',
  network: 'systems.network',
  hosting: 'systems.hosting',
  hostingSite: 'systems.hostingSite',
  dataVolumeGiB: 'systems.dataVolume',
  rpoSeconds: 'systems.rpoSeconds',
  rtoSeconds: 'systems.rtoSeconds',
  targetDrLevel: 'systems.targetDrLevel',
  dependsOn: 'systems.dependsOn',
};

// The CSV parser reports zod's rule without its limits; the messages need them back.
const limits: Partial<Record<SystemCsvColumn, { minimum?: number; maximum: number | string }>> = {
  code: { minimum: 1, maximum: 64 },
  name: { minimum: 1, maximum: 200 },
  description: { maximum: 2000 },
  mlpsLevel: { minimum: 1, maximum: 5 },
  targetDrLevel: { minimum: 1, maximum: 6 },
  hostingSite: { minimum: 1, maximum: 32 },
};

/** The message for one refused line, with the figures its rule's message names. */
function lineProblem(c: Context<Env>, l: SystemCsvError): string {
  const values = l.field === 'network' ? systemNetworks : l.field === 'hosting' ? hostingKinds : [];
  const params: Record<string, string | number> = {
    minimum: (l.field && limits[l.field]?.minimum) ?? 0,
    maximum: (l.field && limits[l.field]?.maximum) ?? '',
    values: values.join(', '),
    otherLine: l.detail?.otherLine ?? '',
    code: l.detail?.code ?? l.value,
    cycle: l.value,
  };
  return problemMessage(c.get('t'), { field: l.field, rule: l.rule, params });
}

/**
 * Bulk import of systems from CSV (file upload or pasted text): any bad line stops the whole
 * import and every bad line is listed. Also the CSV and Backstage downloads of the list's filters.
 */
export function systemImportPages({ systems, uow }: Pick<Deps, 'systems' | 'uow'>) {
  async function render(c: Context<Env>, opts: { lines?: SystemCsvError[]; text?: string }) {
    const t = c.get('t');
    const demo = await isDemo(uow);
    const lines = opts.lines ?? [];
    const body = html`<p>${t('systemImport.help')}</p>
<p><a href="${hrefWith('/systems/export.csv', {})}" download>${t('systems.export')}</a></p>
${lines.length ? messages([], [t('systemImport.errors', { count: new Set(lines.map((l) => l.line)).size })]) : ''}
${
  lines.length
    ? html`<table class="problems"><thead><tr><th>${t('systemImport.line')}</th><th>${t('systemImport.field')}</th><th>${t('systemImport.value')}</th><th>${t('systemImport.problem')}</th></tr></thead>
<tbody>${lines.map(
        (l) =>
          html`<tr><td>${l.line}</td><td>${l.field ? t(columnLabel[l.field]) : '—'}</td><td><code>${l.value}</code></td><td>${lineProblem(c, l)}</td></tr>`,
      )}</tbody></table>`
    : ''
}
<form method="post" action="/systems/import" enctype="multipart/form-data" class="stacked">
  ${csrfField(c)}
  <label>${t('systemImport.file')} <input type="file" name="file" accept=".csv,text/csv"></label>
  <label>${t('systemImport.text')} <textarea name="csv" rows="12" cols="100" spellcheck="false" placeholder="code,name,department,network,hosting">${opts.text ?? ''}</textarea></label>
  <p><button type="submit">${t('common.import')}</button> <a href="/systems">${t('common.cancel')}</a></p>
</form>`;
    return c.html(
      layout(c, { title: t('systemImport.title'), body, demo, active: '/systems' }),
      lines.length ? 400 : 200,
    );
  }

  return new Hono<Env>()
    .get('/systems/import', (c) => {
      requirePermission(requirePrincipal(c), 'systems:write');
      return render(c, {});
    })
    .post('/systems/import', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'systems:write');
      const form = await c.req.parseBody();
      const file = form.file;
      const fromFile = file instanceof File && file.size > 0;
      const text = fromFile ? await file.text() : formText(form.csv);
      c.set('audit', { action: 'system.import', target: 'systems' });
      try {
        const outcome = await systems.importCsv(p, text);
        c.set('audit', { action: 'system.import', target: 'systems', detail: outcome });
        return c.redirect(`/systems?created=${outcome.created}&updated=${outcome.updated}`, 303);
      } catch (e) {
        if (!(e instanceof SystemImportRejected)) throw e;
        c.set('audit', { action: 'system.import', target: 'systems', detail: { badLines: e.lines.length } });
        // A file cannot be put back into its input; pasted text can.
        return render(c, { lines: e.lines, text: fromFile ? '' : text });
      }
    })
    .get('/systems/export.csv', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'systems:read');
      const f = filterParams(systemFilter(c));
      c.set('audit', { action: 'system.export', target: 'systems', always: true, detail: { filters: f } });
      return c.body(await systems.exportCsv(p, f), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="systems.csv"',
      });
    })
    .get('/systems/catalog-info.yaml', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'systems:read');
      const f = filterParams(systemFilter(c));
      c.set('audit', { action: 'system.catalog_export', target: 'systems', always: true, detail: { filters: f } });
      return c.body(await systems.catalogInfo(p, f), 200, {
        'content-type': 'application/yaml; charset=utf-8',
        'content-disposition': 'attachment; filename="catalog-info.yaml"',
      });
    });
}
