import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { ResourceKey } from '../../../core/capacity.ts';
import { DomainError, type FieldProblem, Invalid } from '../../../core/errors.ts';
import { isMigrationState, type MigrationState } from '../../../core/migration-lifecycle.ts';
import { holds, type Principal, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import { namedMigrationError } from '../../migration/error-names.ts';
import { editableStates } from '../../migration/service.ts';
import type { MigrationEvent } from '../../migration/views.ts';
import { moveAuditAction } from '../../migration/waves.ts';
import { amountFieldNames, onAmountFields, postedAmounts, readAllocation } from '../amount-fields.ts';
import { formProblems, formText, givenOrUndefined, noProblems } from '../form-problems.ts';
import { csrfField, fieldError, type Html, layout } from '../layout.ts';
import { messages } from '../list-links.ts';
import { allocationSummary } from '../resource-labels.ts';
import { utcMinute } from '../site-reading.ts';
import { gateText, stateBadge, stateName, strategyName } from './labels.ts';
import { type MoveAttempt, moveForms } from './move-forms.ts';

type PageDeps = Pick<Deps, 'migration' | 'capacity' | 'org' | 'uow'>;
type Detail = Awaited<ReturnType<Deps['migration']['detail']>>;

/** A `datetime-local` value read as UTC (the page says so); anything else goes to the service as typed. */
function utcFromLocal(text: string): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(t) ? `${t}:00Z` : t;
}

function historyTable(c: Context<Env>, events: readonly MigrationEvent[]): Html {
  const t = c.get('t');
  return html`<table class="history"><thead><tr><th>${t('audit.at')}</th><th>${t('audit.actor')}</th><th>${t('migration.from')}</th><th>${t('migration.to')}</th><th>${t('migration.comment')}</th></tr></thead>
<tbody>${events.map(
    (e) =>
      html`<tr class="event-${e.to}"><td class="nowrap">${utcMinute(e.at)}</td><td>${e.actor}</td><td>${e.from ? stateName(t, e.from) : '—'}</td><td>${stateName(t, e.to)}</td><td class="note">${e.comment}</td></tr>`,
  )}</tbody></table>`;
}

/**
 * One migration request: its system, state, wave and cutover window, the assessment, the gates
 * of cut-over and acceptance as they stand, the forms of the moves the caller may make (only
 * those: the department sees its own, an operator all), an edit form while it is a draft or
 * returned, and the whole history.
 */
export function requestDetailPage({ migration, capacity, org, uow }: PageDeps) {
  async function sizingKeys(site: string | null): Promise<ResourceKey[]> {
    if (!site) return ['cpu', 'memory'];
    const view = await capacity.view(site);
    return view.resources.filter((r) => r.capacity > 0).map((r) => r.resource);
  }

  async function render(c: Context<Env>, d: Detail, attempt?: MoveAttempt, editProblems = noProblems) {
    const p = requirePrincipal(c);
    const t = c.get('t');
    const [gates, waves, keys, sites, demo] = await Promise.all([
      migration.gates(d),
      migration.waves.list(),
      sizingKeys(d.targetSite),
      org.listSites(),
      isDemo(uow),
    ]);
    const done = attempt ? undefined : c.req.query('done');
    const doneText =
      done === 'draft'
        ? t('migration.drafted')
        : done === 'edit'
          ? t('migration.edited')
          : done && isMigrationState(done)
            ? t('migration.moved', { state: stateName(t, done) })
            : undefined;
    const gateList = (problems: typeof gates.cutOver) =>
      problems.length
        ? html`<ul class="gates unmet">${problems.map((g) => html`<li>${gateText(t, g)}</li>`)}</ul>`
        : html`<p class="gates met">${t('migration.gatesMet')}</p>`;
    const editable = editableStates.includes(d.state) && holds(p, 'systems:write');
    const e = editProblems.fields;
    const body = html`${messages(doneText ? [doneText] : [], [...(attempt?.problems.general ?? []), ...editProblems.general])}
<dl class="facts">
  <dt>${t('migration.system')}</dt><dd><a href="/systems/${encodeURIComponent(d.system)}">${d.systemName}</a> <code>${d.system}</code> · ${d.mlpsLevel ? t('migration.mlpsLevel', { level: d.mlpsLevel }) : t('migration.mlpsUnknown')}</dd>
  <dt>${t('migration.department')}</dt><dd>${d.departmentName} <code>${d.department}</code></dd>
  <dt>${t('migration.state')}</dt><dd id="state">${stateBadge(t, d.state)}${d.heldFrom ? html` <span class="muted">${t('migration.heldFrom', { state: stateName(t, d.heldFrom) })}</span>` : ''}</dd>
  <dt>${t('migration.wave')}</dt><dd>${d.wave ? html`<a href="/migration/waves#wave-${d.wave}">${d.wave}</a>` : '—'}</dd>
  <dt>${t('migration.cutoverWindow')}</dt><dd>${d.cutoverStart ? `${utcMinute(d.cutoverStart)} – ${utcMinute(d.cutoverEnd ?? d.cutoverStart)} UTC` : '—'}</dd>
  <dt>${t('migration.targetSite')}</dt><dd>${d.targetSite ?? '—'}</dd>
  <dt>${t('migration.justification')}</dt><dd class="note">${d.justification || '—'}</dd>
  <dt>${t('migration.strategy')}</dt><dd>${strategyName(t, d.strategy)}</dd>
  <dt>${t('migration.readiness')}</dt><dd class="note">${d.readiness ?? '—'}</dd>
  <dt>${t('migration.sizing')}</dt><dd>${allocationSummary(t, d.sizing)}${d.quotaRequestId ? html` · <a href="/quota-requests/${encodeURIComponent(d.quotaRequestId)}">${t('migration.quotaRequest')}</a>` : ''}</dd>
  <dt>${t('migration.createdBy')}</dt><dd>${d.createdBy} · ${utcMinute(d.createdAt)}</dd>
</dl>
<h2>${t('migration.gates')}</h2>
<h3>${t('migration.cutOverGates')}</h3>${gateList(gates.cutOver)}
<h3>${t('migration.acceptanceGates')}</h3>${gateList(gates.acceptance)}
${
  editable
    ? html`<form method="post" action="/migration/requests/${encodeURIComponent(d.id)}/edit" class="stacked" id="edit">
  <h2>${t('migration.editDraft')}</h2>${csrfField(c)}<input type="hidden" name="version" value="${d.version}">
  <label>${t('migration.justification')} <textarea name="justification" rows="3" maxlength="4000">${d.justification}</textarea>${fieldError(e.justification)}</label>
  <label>${t('migration.targetSite')} <select name="targetSite"><option value="">${t('common.choose')}</option>${sites.map(
    (s) =>
      html`<option value="${s.code}"${d.targetSite === s.code ? html` selected` : ''}>${s.name} (${s.code})</option>`,
  )}</select>${fieldError(e.targetSite)}</label>
  <p><button type="submit" class="secondary">${t('common.save')}</button></p>
</form>`
    : ''
}
${moveForms(c, d, d.allowed, { waves, sizingKeys: keys, attempt })}
<h2>${t('migration.history')}</h2>
${historyTable(c, d.history)}
<p><a href="/migration">${t('migration.backToBoard')}</a></p>`;
    const status = attempt?.problems.status ?? (editProblems.status === 200 ? 200 : editProblems.status);
    return c.html(
      layout(c, { title: t('migration.detailTitle', { system: d.systemName }), body, demo, active: '/migration' }),
      status,
    );
  }

  /** Reads a move form as the API's body would be, keeping what was typed for showing again. */
  async function readMove(form: Record<string, unknown>, keys: ResourceKey[], attempt: MoveAttempt) {
    for (const name of ['comment', 'strategy', 'readiness', 'wave', 'cutoverStart', 'cutoverEnd', 'raiseQuotaRequest'])
      attempt.typed[name] = formText(form[name]);
    attempt.amounts = postedAmounts(form, keys);
    const problems: FieldProblem[] = [];
    const version = Number(formText(form.version));
    if (!Number.isSafeInteger(version) || version < 0) problems.push({ field: 'version', rule: 'required' });
    const typedAmounts = Object.values(attempt.amounts).some((v) => v.trim());
    const sizing = typedAmounts ? readAllocation(attempt.amounts, keys) : { allocation: null, problems: [] };
    problems.push(...sizing.problems);
    if (problems.length) throw new Invalid(problems);
    const typed = attempt.typed;
    return {
      version,
      comment: givenOrUndefined(typed.comment!),
      strategy: givenOrUndefined(typed.strategy!) as never,
      readiness: givenOrUndefined(typed.readiness!),
      sizing: sizing.allocation ?? undefined,
      raiseQuotaRequest: !!typed.raiseQuotaRequest,
      wave: givenOrUndefined(typed.wave!),
      cutoverStart: utcFromLocal(typed.cutoverStart!),
      cutoverEnd: utcFromLocal(typed.cutoverEnd!),
    };
  }

  async function loadDetail(p: Principal, id: string) {
    return migration.detail(p, id);
  }

  return new Hono<Env>()
    .get('/migration/requests/:id', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'systems:read');
      return render(c, await loadDetail(p, c.req.param('id')));
    })
    .post('/migration/requests/:id/moves', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'systems:write');
      const id = c.req.param('id');
      const form = await c.req.parseBody();
      const to = formText(form.to);
      c.set('audit', { action: moveAuditAction, target: `migration_request:${id}`, detail: { to } });
      // Read before the move: a refused move is shown against this snapshot, never a half-made change.
      const d = await loadDetail(p, id);
      const keys = await sizingKeys(d.targetSite);
      const attempt: MoveAttempt = { to: to as MigrationState, typed: {}, amounts: {}, problems: noProblems };
      try {
        if (!isMigrationState(to)) throw new Invalid([{ field: 'to', rule: 'required' }]);
        await migration.move(p, id, to, await readMove(form, keys, attempt));
        return c.redirect(`/migration/requests/${encodeURIComponent(id)}?done=${to}`, 303);
      } catch (e) {
        const fields = [
          ...amountFieldNames(keys),
          'comment',
          'strategy',
          'readiness',
          'wave',
          'cutoverStart',
          'cutoverEnd',
          'targetSite',
          'sizing',
        ];
        attempt.problems = formProblems(c, namedMigrationError(c.get('t'), onAmountFields(e)), fields);
        // The refusal's code goes on record with the attempt (the page, not the error, answers):
        // a gate refusal recorded here counts against the wave's health.
        const note = c.get('audit');
        if (note && e instanceof DomainError) c.set('audit', { ...note, detail: { ...note.detail, error: e.code } });
        return render(c, d, attempt);
      }
    })
    .post('/migration/requests/:id/edit', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'systems:write');
      const id = c.req.param('id');
      const form = await c.req.parseBody();
      c.set('audit', { action: 'migration_request.edit', target: `migration_request:${id}` });
      const d = await loadDetail(p, id);
      try {
        await migration.edit(p, id, {
          version: Number(formText(form.version)),
          justification: formText(form.justification),
          targetSite: givenOrUndefined(formText(form.targetSite)) ?? null,
        });
        return c.redirect(`/migration/requests/${encodeURIComponent(id)}?done=edit`, 303);
      } catch (e) {
        const problems = formProblems(c, namedMigrationError(c.get('t'), e), ['justification', 'targetSite']);
        const note = c.get('audit');
        if (note && e instanceof DomainError) c.set('audit', { ...note, detail: { error: e.code } });
        return render(c, d, undefined, problems);
      }
    });
}
