import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { hostingKinds, mlpsLevels, systemNetworks } from '../../../core/dr.ts';
import { isScoped, type Principal, requirePermission } from '../../../core/principal.ts';
import { drLevels } from '../../../core/system-input.ts';
import { systemCsvColumns } from '../../../core/systems-csv.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { SystemDetail } from '../../systems/service.ts';
import { type FormProblems, formProblems, formText, noProblems } from '../form-problems.ts';
import { csrfField, fieldError, type Html, layout } from '../layout.ts';
import { messages } from '../list-links.ts';
import { dependencyCodes } from './system-detail.ts';
import { hostingLabel, mlpsLabel, networkLabel, systemHref } from './system-labels.ts';

const formFields = [...systemCsvColumns, 'version'] as const;
type Field = (typeof formFields)[number];
type Values = Record<Field, string>;

const blank: Values = Object.fromEntries(formFields.map((f) => [f, ''])) as Values;

function valuesOf(s: SystemDetail): Values {
  const text = (n: number | null) => (n === null ? '' : String(n));
  return {
    code: s.code,
    name: s.name,
    department: s.department,
    description: s.description,
    mlpsLevel: text(s.mlpsLevel),
    network: s.network,
    hosting: s.hosting,
    hostingSite: s.hostingSite ?? '',
    dataVolumeGiB: String(s.dataVolumeGiB),
    rpoSeconds: text(s.rpoSeconds),
    rtoSeconds: text(s.rtoSeconds),
    targetDrLevel: text(s.targetDrLevel),
    dependsOn: s.dependsOn.map((d) => d.code).join('\n'),
    version: String(s.version),
  };
}

async function posted(c: Context<Env>): Promise<Values> {
  const form = await c.req.parseBody();
  return Object.fromEntries(formFields.map((f) => [f, formText(form[f]).trim()])) as Values;
}

/**
 * The form as the API's body: blank levels and targets are "not set" (null); a number that is
 * not one stays text so the service names the field. A department user's department is theirs.
 */
function systemInput(p: Principal, v: Values, editing: boolean) {
  const number = (s: string) => (s === '' ? null : /^\d+$/.test(s) ? Number(s) : s);
  return {
    ...(editing ? { version: Number(v.version) || 0 } : { code: v.code || undefined }),
    name: v.name || undefined,
    department: isScoped(p) ? (p.department ?? '') : v.department || undefined,
    description: v.description,
    mlpsLevel: number(v.mlpsLevel),
    network: v.network || undefined,
    hosting: v.hosting || undefined,
    hostingSite: v.hostingSite || null,
    dataVolumeGiB: number(v.dataVolumeGiB) ?? 0,
    rpoSeconds: number(v.rpoSeconds),
    rtoSeconds: number(v.rtoSeconds),
    targetDrLevel: number(v.targetDrLevel),
    dependsOn: dependencyCodes(v.dependsOn),
  };
}

/** Register and edit forms for systems; every rule is the API's. Department users: their department only. */
export function systemFormPages({ systems, org, uow }: Pick<Deps, 'systems' | 'org' | 'uow'>) {
  async function render(c: Context<Env>, values: Values, problems: FormProblems, editing: string | null) {
    const t = c.get('t');
    const p = requirePrincipal(c);
    const e = problems.fields;
    const [sites, demo] = await Promise.all([org.listSites(), isDemo(uow)]);
    const input = (name: Field, extra: Html | string = '') =>
      html`<input name="${name}" value="${values[name]}" aria-invalid="${e[name] ? 'true' : 'false'}"${extra}>`;
    const field = (name: Field, label: string, control: Html, hint?: string) =>
      html`<label>${label} ${control}${hint ? html`<span class="hint">${hint}</span>` : ''}${fieldError(e[name])}</label>`;
    const select = (name: Field, choices: readonly { value: string; label: string }[], required = false) =>
      html`<select name="${name}"${required ? html` required` : ''}>${required ? '' : html`<option value="">${t('systems.notSet')}</option>`}${choices.map(
        (o) => html`<option value="${o.value}"${values[name] === o.value ? html` selected` : ''}>${o.label}</option>`,
      )}</select>`;
    const scopedDepartment = isScoped(p) ? (p.department ?? '') : null;
    const body = html`${messages([], problems.general)}
<form method="post" action="${editing ? systemHref(editing) : '/systems'}" class="stacked">
  ${csrfField(c)}
  ${editing ? html`<input type="hidden" name="version" value="${values.version}">` : field('code', t('systems.code'), input('code', html` maxlength="64" required`), t('systemForm.codeHelp'))}
  ${field('name', t('systems.name'), input('name', html` maxlength="200" required`))}
  ${
    scopedDepartment === null
      ? field('department', t('systems.departmentCode'), input('department', html` maxlength="32" required`))
      : html`<p>${t('systemForm.departmentFixed', { department: scopedDepartment })}</p>${fieldError(e.department)}`
  }
  ${field('description', t('systems.description'), html`<textarea name="description" rows="3" cols="60" maxlength="2000">${values.description}</textarea>`)}
  ${field(
    'mlpsLevel',
    t('systems.mlps'),
    select(
      'mlpsLevel',
      mlpsLevels.map((l) => ({ value: String(l), label: mlpsLabel(t, l) })),
    ),
  )}
  ${field(
    'network',
    t('systems.network'),
    select(
      'network',
      systemNetworks.map((n) => ({ value: n, label: networkLabel(t, n) })),
      true,
    ),
  )}
  ${field(
    'hosting',
    t('systems.hosting'),
    select(
      'hosting',
      hostingKinds.map((h) => ({ value: h, label: hostingLabel(t, h) })),
      true,
    ),
  )}
  ${field(
    'hostingSite',
    t('systems.hostingSite'),
    select(
      'hostingSite',
      sites.map((s) => ({ value: s.code, label: `${s.name} (${s.code})` })),
    ),
    t('systemForm.siteHelp'),
  )}
  ${field('dataVolumeGiB', t('systems.dataVolume'), input('dataVolumeGiB', html` inputmode="numeric" size="10"`))}
  <fieldset><legend>${t('system.targets')}</legend>
  ${field('rpoSeconds', t('systems.rpoSeconds'), input('rpoSeconds', html` inputmode="numeric" size="10"`), t('systemForm.secondsHelp'))}
  ${field('rtoSeconds', t('systems.rtoSeconds'), input('rtoSeconds', html` inputmode="numeric" size="10"`))}
  ${field(
    'targetDrLevel',
    t('systems.targetDrLevel'),
    select(
      'targetDrLevel',
      drLevels.map((l) => ({ value: String(l), label: t('systems.drLevel', { level: l }) })),
    ),
  )}
  </fieldset>
  ${field('dependsOn', t('systems.dependsOn'), html`<textarea name="dependsOn" rows="3" cols="60" spellcheck="false">${values.dependsOn}</textarea>`, t('systems.dependsOnHelp'))}
  <p><button type="submit">${editing ? t('common.save') : t('common.create')}</button>
  <a href="${editing ? systemHref(editing) : '/systems'}">${t('common.cancel')}</a></p>
</form>`;
    const title = editing ? t('systemForm.edit', { code: editing }) : t('systemForm.create');
    return c.html(layout(c, { title, body, demo, active: '/systems' }), problems.status);
  }

  const problemsOf = (c: Context<Env>, e: unknown) =>
    formProblems(c, e, formFields, { system_exists: 'code', dependency_cycle: 'dependsOn', stale_system: 'version' });

  return new Hono<Env>()
    .get('/systems/new', (c) => {
      requirePermission(requirePrincipal(c), 'systems:write');
      return render(c, { ...blank, network: 'extranet', hosting: 'own-machine-room' }, noProblems, null);
    })
    .post('/systems', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'systems:write');
      const values = await posted(c);
      const input = systemInput(p, values, false);
      c.set('audit', {
        action: 'system.create',
        target: `system:${values.code}`,
        detail: { department: input.department },
      });
      try {
        const created = await systems.create(p, input);
        return c.redirect(`${systemHref(created.code)}?created=1`, 303);
      } catch (e) {
        return render(c, values, problemsOf(c, e), null);
      }
    })
    .get('/systems/:code/edit', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'systems:write');
      const s = await systems.get(p, c.req.param('code'));
      return render(c, valuesOf(s), noProblems, s.code);
    })
    .post('/systems/:code', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'systems:write');
      const code = c.req.param('code');
      const values = await posted(c);
      const changes = systemInput(p, values, true);
      c.set('audit', { action: 'system.update', target: `system:${code}`, detail: { changes } });
      try {
        await systems.update(p, code, changes);
        return c.redirect(`${systemHref(code)}?saved=1`, 303);
      } catch (e) {
        return render(c, values, problemsOf(c, e), code);
      }
    });
}
