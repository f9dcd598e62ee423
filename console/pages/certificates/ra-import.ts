import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { requirePermission } from '../../../core/principal.ts';
import type { RaCsvError } from '../../../core/ra-certificates-csv.ts';
import { isDemo } from '../../bootstrap.ts';
import { raLineProblem, RaImportRejected } from '../../certificates/ra-import.ts';
import type { CertificatesService } from '../../certificates/service.ts';
import type { Env } from '../../http/env.ts';
import { problemMessage } from '../../http/field-problems.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { formText } from '../form-problems.ts';
import { csrfField, layout } from '../layout.ts';
import { messages } from '../list-links.ts';
import { certificateToolbar } from './inventory.ts';

type Outcome = { imported: number; created: number; updated: number };

/**
 * The RA's list of issued certificates, uploaded as a CSV file or pasted. Any bad line stops
 * the whole import and every bad line is listed with its field; a good file ends on the counts
 * of what was imported (POST, redirect, GET).
 */
export function raImportPage({ certificates, uow }: { certificates: CertificatesService; uow: UnitOfWork }) {
  async function render(c: Context<Env>, opts: { rejected?: RaImportRejected; text?: string; outcome?: Outcome }) {
    const t = c.get('t');
    const demo = await isDemo(uow);
    const lines: RaCsvError[] = opts.rejected?.lines ?? [];
    const count = opts.rejected?.errorCount ?? 0;
    const notices = opts.outcome ? [t('cert.imported', mapLocale(opts.outcome))] : [];
    const problems = lines.length
      ? [
          t('cert.importErrors', { count: new Set(lines.map((l) => l.line)).size }),
          ...(count > lines.length ? [t('cert.importShown', { shown: lines.length, count })] : []),
        ]
      : [];
    const body = html`${certificateToolbar(c)}
<p>${t('cert.importHelp')}</p>
${messages(notices, problems)}
${
  lines.length
    ? html`<table class="problems"><thead><tr><th>${t('dept.line')}</th><th>${t('dept.field')}</th><th>${t('dept.value')}</th><th>${t('dept.problem')}</th></tr></thead>
<tbody>${lines.map(
        (l) =>
          html`<tr><td>${l.line}</td><td>${l.field ? t(`cert.column.${l.field}`) : '—'}</td><td><code>${l.value}</code></td><td>${problemMessage(t, raLineProblem(l))}</td></tr>`,
      )}</tbody></table>`
    : ''
}
<form method="post" action="/certificates/import" enctype="multipart/form-data" class="stacked">
  ${csrfField(c)}
  <label>${t('cert.importFile')} <input type="file" name="file" accept=".csv,text/csv"></label>
  <label>${t('cert.importText')} <textarea name="csv" rows="10" cols="80" spellcheck="false" placeholder="serial,common name,department code,holder kind,algorithm,not before,not after,status">${opts.text ?? ''}</textarea></label>
  <p><button type="submit">${t('common.import')}</button> <a href="/certificates">${t('common.cancel')}</a></p>
</form>`;
    return c.html(
      layout(c, { title: t('cert.importTitle'), body, demo, active: '/certificates' }),
      lines.length ? 400 : 200,
    );
  }

  return new Hono<Env>()
    .get('/certificates/import', (c) => {
      requirePermission(requirePrincipal(c), 'extranet:write');
      const counts = ['imported', 'created', 'updated'].map((k) => c.req.query(k) ?? '');
      const [imported, created, updated] = counts.map(Number) as [number, number, number];
      const outcome = counts.every((n) => /^\d+$/.test(n)) ? { imported, created, updated } : undefined;
      return render(c, { outcome });
    })
    .post('/certificates/import', async (c) => {
      requirePermission(requirePrincipal(c), 'extranet:write');
      const form = await c.req.parseBody();
      const file = form.file;
      const fromFile = file instanceof File && file.size > 0;
      const text = fromFile ? await file.text() : formText(form.csv);
      c.set('audit', { action: 'ra_certificates.import', target: 'ra_certificates' });
      try {
        const outcome = await certificates.importRa(text);
        c.set('audit', { action: 'ra_certificates.import', target: 'ra_certificates', detail: outcome });
        const { imported, created, updated } = outcome;
        return c.redirect(`/certificates/import?imported=${imported}&created=${created}&updated=${updated}`, 303);
      } catch (e) {
        if (!(e instanceof RaImportRejected)) throw e;
        c.set('audit', {
          action: 'ra_certificates.import',
          target: 'ra_certificates',
          detail: { errors: e.errorCount },
        });
        // A file cannot be put back into its input; pasted text can (it may hold names: not echoed
        // anywhere else, and only to the person who pasted it).
        return render(c, { rejected: e, text: fromFile ? '' : text });
      }
    });
}

function mapLocale(o: Outcome): Record<string, string> {
  return {
    imported: o.imported.toLocaleString('en'),
    created: o.created.toLocaleString('en'),
    updated: o.updated.toLocaleString('en'),
  };
}
