import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { DomainError, NotFound } from '../../../core/errors.ts';
import { isScoped, type Principal, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import { namedMigrationError } from '../../migration/error-names.ts';
import { type FormProblems, formProblems, formText, givenOrUndefined, noProblems } from '../form-problems.ts';
import { csrfField, fieldError, layout } from '../layout.ts';
import { messages } from '../list-links.ts';

type Typed = { system: string; justification: string; targetSite: string };

/**
 * Drafting a migration request for one system (/migration/requests/new?system=CODE): the system
 * is named, the department writes why it should move and may pick the cloud site it should land
 * on. The draft is then submitted from its own page.
 */
export function requestFormPage({ migration, org, uow }: Pick<Deps, 'migration' | 'org' | 'uow'>) {
  async function systemOf(p: Principal, code: string) {
    const row = await uow
      .db()
      .selectFrom('systems')
      .innerJoin('departments', 'departments.code', 'systems.department_code')
      .select(['systems.code', 'systems.name', 'systems.department_code', 'departments.name as department_name'])
      .where('systems.code', '=', code)
      .executeTakeFirst();
    if (!row || (isScoped(p) && p.department !== row.department_code)) throw new NotFound('system_not_found', { code });
    return row;
  }

  async function render(c: Context<Env>, typed: Typed, problems: FormProblems) {
    const p = requirePrincipal(c);
    const t = c.get('t');
    const e = problems.fields;
    const system = typed.system ? await systemOf(p, typed.system) : null;
    const sites = await org.listSites();
    const body = html`${messages([], problems.general)}
<form method="${system ? 'post' : 'get'}" action="${system ? '/migration/requests' : '/migration/requests/new'}" class="stacked">
  ${system ? csrfField(c) : ''}
  ${
    system
      ? html`<input type="hidden" name="system" value="${system.code}">
  <dl class="facts"><dt>${t('migration.system')}</dt><dd><a href="/systems/${encodeURIComponent(system.code)}">${system.name}</a> <code>${system.code}</code></dd>
  <dt>${t('migration.department')}</dt><dd>${system.department_name} <code>${system.department_code}</code></dd></dl>
  <label>${t('migration.justification')} <textarea name="justification" rows="4" maxlength="4000" aria-invalid="${e.justification ? 'true' : 'false'}">${typed.justification}</textarea>
  <span class="hint">${t('migration.justificationHelp')}</span>${fieldError(e.justification)}</label>
  <label>${t('migration.targetSite')} <select name="targetSite"><option value="">${t('common.choose')}</option>${sites.map(
    (s) =>
      html`<option value="${s.code}"${typed.targetSite === s.code ? html` selected` : ''}>${s.name} (${s.code})</option>`,
  )}</select>${fieldError(e.targetSite)}</label>
  <p><button type="submit">${t('migration.saveDraft')}</button> <a href="/systems/${encodeURIComponent(system.code)}">${t('common.cancel')}</a></p>`
      : html`<label>${t('migration.systemCode')} <input name="system" maxlength="64" required></label>
  <p><button type="submit">${t('request.continue')}</button></p>`
  }
</form>`;
    return c.html(
      layout(c, { title: t('migration.newTitle'), body, demo: await isDemo(uow), active: '/migration' }),
      problems.status,
    );
  }

  return new Hono<Env>()
    .get('/migration/requests/new', async (c) => {
      requirePermission(requirePrincipal(c), 'systems:write');
      const system = (c.req.query('system') ?? '').trim().slice(0, 64);
      return render(c, { system, justification: '', targetSite: '' }, noProblems);
    })
    .post('/migration/requests', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'systems:write');
      const form = await c.req.parseBody();
      const typed = {
        system: formText(form.system).trim(),
        justification: formText(form.justification),
        targetSite: formText(form.targetSite),
      };
      c.set('audit', { action: 'migration_request.create', target: `system:${typed.system}` });
      try {
        const drafted = await migration.create(p, {
          system: typed.system,
          justification: typed.justification,
          targetSite: givenOrUndefined(typed.targetSite) ?? null,
        });
        c.set('audit', { action: 'migration_request.create', target: `migration_request:${drafted.id}` });
        return c.redirect(`/migration/requests/${encodeURIComponent(drafted.id)}?done=draft`, 303);
      } catch (e) {
        const named = namedMigrationError(c.get('t'), e);
        const problems = formProblems(c, named, ['justification', 'targetSite']);
        const note = c.get('audit');
        if (note && e instanceof DomainError) c.set('audit', { ...note, detail: { error: e.code } });
        return render(c, typed, problems);
      }
    });
}
