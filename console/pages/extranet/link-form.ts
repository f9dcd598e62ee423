import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { probeKinds } from '../../../core/contracts/agent.ts';
import { Invalid } from '../../../core/errors.ts';
import { linkClasses } from '../../../core/link-state.ts';
import { requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { LinksService, LinkView } from '../../extranet/links-service.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { OrgService } from '../../org/service.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { type FormProblems, formProblems, formText, noProblems } from '../form-problems.ts';
import { csrfField, fieldError, type Html, layout } from '../layout.ts';
import { messages } from '../list-links.ts';
import { regionOptions } from '../region-select.ts';
import { classLabel, linkHref } from './link-labels.ts';

const formFields = [
  'code',
  'name',
  'class',
  'parent',
  'region',
  'department',
  'agent',
  'kind',
  'host',
  'port',
  'url',
  'intervalSeconds',
  'packets',
  'timeoutMs',
] as const;
type Values = Record<(typeof formFields)[number], string>;

const blank: Values = Object.fromEntries(formFields.map((f) => [f, ''])) as Values;

function valuesOf(l: LinkView): Values {
  const probe = l.probe;
  return {
    code: l.code,
    name: l.name,
    class: l.class,
    parent: l.parent ?? '',
    region: l.region ?? '',
    department: l.department ?? '',
    agent: l.agent ?? '',
    kind: probe.kind,
    host: probe.kind === 'http' ? '' : probe.host,
    port: probe.kind === 'tcp' ? String(probe.port) : '',
    url: probe.kind === 'http' ? probe.url : '',
    intervalSeconds: String(probe.intervalSeconds),
    packets: String(probe.packets),
    timeoutMs: String(probe.timeoutMs),
  };
}

async function posted(c: Context<Env>): Promise<Values> {
  const form = await c.req.parseBody();
  return Object.fromEntries(formFields.map((f) => [f, formText(form[f]).trim()])) as Values;
}

/** The form as the API's body: blanks are "not given" (references: none; probe figures: defaults). */
function linkInput(v: Values, withCode: boolean) {
  const number = (s: string) => (s === '' ? undefined : Number(s));
  const text = (s: string) => (s === '' ? undefined : s);
  const orNull = (s: string) => (s === '' ? null : s);
  const probe = {
    kind: text(v.kind),
    ...(v.kind === 'http' ? { url: text(v.url) } : { host: text(v.host) }),
    ...(v.kind === 'tcp' ? { port: number(v.port) } : {}),
    intervalSeconds: number(v.intervalSeconds),
    packets: number(v.packets),
    timeoutMs: number(v.timeoutMs),
  };
  return {
    ...(withCode ? { code: text(v.code) } : {}),
    name: text(v.name),
    class: text(v.class),
    parent: orNull(v.parent),
    region: orNull(v.region),
    department: orNull(v.department),
    agent: orNull(v.agent),
    probe,
  };
}

/** The probe's fields sit in the form as themselves: `probe.host` is the `host` input. */
function problemsOf(c: Context<Env>, e: unknown): FormProblems {
  const error =
    e instanceof Invalid ? new Invalid(e.fields.map((f) => ({ ...f, field: f.field.replace(/^probe\./, '') }))) : e;
  return formProblems(c, error, formFields, { link_exists: 'code', link_cycle: 'parent' });
}

/** Create and edit forms for links, for network operators; every rule is the API's. */
export function linkFormPages({ links, org, uow }: { links: LinksService; org: OrgService; uow: UnitOfWork }) {
  async function render(c: Context<Env>, values: Values, problems: FormProblems, editing: string | null) {
    const t = c.get('t');
    const e = problems.fields;
    const [regions, demo] = await Promise.all([org.listRegions(), isDemo(uow)]);
    const input = (name: (typeof formFields)[number], extra: Html | string = '') =>
      html`<input name="${name}" value="${values[name]}" aria-invalid="${e[name] ? 'true' : 'false'}"${extra}>`;
    const field = (name: (typeof formFields)[number], label: string, control: Html, hint?: string) =>
      html`<label>${label} ${control}${hint ? html`<span class="hint">${hint}</span>` : ''}${fieldError(e[name])}</label>`;
    const body = html`${messages([], problems.general)}
<form method="post" action="${editing ? linkHref(editing) : '/extranet/links'}" class="stacked">
  ${csrfField(c)}
  ${editing ? '' : field('code', t('links.code'), input('code', html` maxlength="64" required`), t('linkForm.codeHelp'))}
  ${field('name', t('links.name'), input('name', html` maxlength="200" required`))}
  ${field(
    'class',
    t('links.class'),
    html`<select name="class" required><option value="">${t('common.choose')}</option>${linkClasses.map((k) => html`<option value="${k}"${values.class === k ? html` selected` : ''}>${classLabel(t, k)}</option>`)}</select>`,
  )}
  ${field('parent', t('links.parent'), input('parent', html` maxlength="64"`), t('linkForm.parentHelp'))}
  ${field('region', t('links.region'), html`<select name="region">${regionOptions(t, regions, values.region, 'form')}</select>`)}
  ${field('department', t('links.department'), input('department', html` maxlength="32"`), t('linkForm.departmentHelp'))}
  ${field('agent', t('links.agent'), input('agent', html` maxlength="64"`), t('linkForm.agentHelp'))}
  <fieldset><legend>${t('link.probe')}</legend>
  ${field(
    'kind',
    t('linkForm.kind'),
    html`<select name="kind" required>${probeKinds.map((k) => html`<option value="${k}"${values.kind === k ? html` selected` : ''}>${k.toUpperCase()}</option>`)}</select>`,
  )}
  ${field('host', t('linkForm.host'), input('host', html` maxlength="253"`))}
  ${field('port', t('linkForm.port'), input('port', html` inputmode="numeric" size="6"`))}
  ${field('url', t('linkForm.url'), input('url', html` type="url" maxlength="2000"`))}
  ${field('intervalSeconds', t('linkForm.interval'), input('intervalSeconds', html` inputmode="numeric" size="6"`))}
  ${field('packets', t('linkForm.packets'), input('packets', html` inputmode="numeric" size="6"`))}
  ${field('timeoutMs', t('linkForm.timeout'), input('timeoutMs', html` inputmode="numeric" size="6"`), t('linkForm.defaultsHelp'))}
  </fieldset>
  <p><button type="submit">${editing ? t('common.save') : t('common.create')}</button>
  <a href="${editing ? linkHref(editing) : '/extranet/links'}">${t('common.cancel')}</a></p>
</form>`;
    const title = editing ? t('linkForm.edit', { code: editing }) : t('linkForm.create');
    return c.html(layout(c, { title, body, demo, active: '/extranet' }), problems.status as ContentfulStatusCode);
  }

  return new Hono<Env>()
    .get('/extranet/links/new', (c) => {
      requirePermission(requirePrincipal(c), 'extranet:write');
      return render(c, { ...blank, kind: 'icmp' }, noProblems, null);
    })
    .post('/extranet/links', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'extranet:write');
      const values = await posted(c);
      c.set('audit', { action: 'link.create', target: `link:${values.code}` });
      try {
        const created = await links.create(p, linkInput(values, true));
        return c.redirect(`${linkHref(created.code)}?created=1`, 303);
      } catch (e) {
        return render(c, values, problemsOf(c, e), null);
      }
    })
    .get('/extranet/links/:code/edit', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'extranet:write');
      const link = await links.get(p, c.req.param('code'));
      return render(c, valuesOf(link), noProblems, link.code);
    })
    .post('/extranet/links/:code', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'extranet:write');
      const code = c.req.param('code');
      const values = await posted(c);
      const changes = linkInput(values, false);
      c.set('audit', { action: 'link.update', target: `link:${code}`, detail: { changes } });
      try {
        await links.update(p, code, changes);
        return c.redirect(`${linkHref(code)}?saved=1`, 303);
      } catch (e) {
        return render(c, values, problemsOf(c, e), code);
      }
    });
}
