import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { holds, requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import type { SystemDetail, SystemRef } from '../../systems/service.ts';
import { drSection } from '../dr/system-section.ts';
import { type FormProblems, formProblems, formText, noProblems } from '../form-problems.ts';
import { csrfField, fieldError, type Html, layout } from '../layout.ts';
import { messages } from '../list-links.ts';
import { migrationSection } from '../migration/system-section.ts';
import { utcMinute } from '../site-reading.ts';
import {
  durationLabel,
  flagBadges,
  hostingLabel,
  mlpsLabel,
  networkLabel,
  stateLabel,
  systemHref,
} from './system-labels.ts';

function refList(c: Context<Env>, refs: readonly SystemRef[]): Html {
  const t = c.get('t');
  if (refs.length === 0) return html`<p class="muted">${t('systems.noDependencies')}</p>`;
  return html`<ul>${refs.map(
    (r) =>
      html`<li><a href="${systemHref(r.code)}">${r.code}</a> ${r.name} <span class="muted">(${r.departmentName})</span></li>`,
  )}</ul>`;
}

/** Dependency codes as typed: separated by semicolons, commas, spaces or new lines. */
export function dependencyCodes(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s;；,，]+/)
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * One system: its facts, DR targets, dependencies both ways (editable by those who may), then the
 * migration and DR sections the other areas render. Other departments' systems are not found for
 * a department user.
 */
export function systemDetailPage(deps: Deps) {
  const { systems, uow } = deps;

  async function render(c: Context<Env>, s: SystemDetail, problems: FormProblems, typed?: string): Promise<Response> {
    const t = c.get('t');
    const p = requirePrincipal(c);
    const canWrite = holds(p, 'systems:write');
    const demo = await isDemo(uow);
    const own = (await systems.flagsOf([s.code])).get(s.code) ?? [];
    const notices = [
      ...(c.req.query('created') ? [t('system.created')] : []),
      ...(c.req.query('saved') ? [t('system.saved')] : []),
    ];
    const body = html`${messages(notices, problems.general)}
<p class="toolbar">
  <a href="/systems">${t('systems.title')}</a>
  ${canWrite ? html`<a class="button secondary" href="${systemHref(s.code)}/edit">${t('system.edit')}</a>` : ''}
</p>
<section id="facts"><h2>${t('system.facts')}</h2>
<dl class="facts">
  <dt>${t('systems.code')}</dt><dd><code>${s.code}</code>${s.demo ? html` <span class="badge demo">${t('systems.demo')}</span>` : ''}</dd>
  <dt>${t('systems.name')}</dt><dd>${s.name}</dd>
  <dt>${t('systems.department')}</dt><dd><a href="/departments/${encodeURIComponent(s.department)}">${s.departmentName}</a> <span class="muted">${s.department}</span></dd>
  <dt>${t('systems.region')}</dt><dd>${s.regionName}</dd>
  <dt>${t('systems.description')}</dt><dd>${s.description || t('systems.notSet')}</dd>
  <dt>${t('systems.mlps')}</dt><dd class="mlps">${mlpsLabel(t, s.mlpsLevel)}</dd>
  <dt>${t('systems.network')}</dt><dd>${networkLabel(t, s.network)}</dd>
  <dt>${t('systems.hosting')}</dt><dd>${hostingLabel(t, s.hosting, s.hostingSite)}</dd>
  <dt>${t('systems.dataVolume')}</dt><dd class="num">${s.dataVolumeGiB.toLocaleString('en')}</dd>
  <dt>${t('systems.state')}</dt><dd>${stateLabel(t, s.migration?.state ?? null)}${s.migration?.wave ? html` · ${t('systems.wave')}: ${s.migration.wave}` : ''}</dd>
  <dt>${t('systems.flags')}</dt><dd class="flags">${own.length ? flagBadges(t, own) : t('systems.notSet')}</dd>
  <dt>${t('system.version')}</dt><dd>${s.version} · ${t('systems.updated')}: ${utcMinute(s.updatedAt)}</dd>
</dl></section>
<section id="targets"><h2>${t('system.targets')}</h2>
<dl class="facts">
  <dt>${t('systems.rpo')}</dt><dd class="rpo">${durationLabel(s.rpoSeconds)}</dd>
  <dt>${t('systems.rto')}</dt><dd class="rto">${durationLabel(s.rtoSeconds)}</dd>
  <dt>${t('systems.targetDrLevel')}</dt><dd>${s.targetDrLevel === null ? t('systems.notSet') : t('systems.drLevel', { level: s.targetDrLevel })}</dd>
</dl></section>
<section id="dependencies"><h2>${t('systems.dependsOn')}</h2>
${refList(c, s.dependsOn)}
${
  canWrite
    ? html`<form method="post" action="${systemHref(s.code)}/dependencies" class="stacked">
  ${csrfField(c)}
  <input type="hidden" name="version" value="${s.version}">
  <label>${t('systems.dependsOn')} <textarea name="dependsOn" rows="3" cols="60" spellcheck="false" aria-invalid="${problems.fields.dependsOn ? 'true' : 'false'}">${typed ?? s.dependsOn.map((d) => d.code).join('\n')}</textarea>
  <span class="hint">${t('systems.dependsOnHelp')}</span>${fieldError(problems.fields.dependsOn)}</label>
  <p><button type="submit">${t('system.setDependencies')}</button></p>
</form>`
    : ''
}
<h2>${t('systems.dependants')}</h2>
${refList(c, s.dependants)}
</section>
${await migrationSection(c, deps, s.code)}
${await drSection(c, deps, s.code)}
${
  canWrite
    ? html`<section id="delete"><form method="post" action="${systemHref(s.code)}/delete" class="inline">
  ${csrfField(c)}
  <button type="submit" class="danger">${t('system.delete')}</button> <span class="hint">${t('system.deleteHelp')}</span>
</form></section>`
    : ''
}`;
    return c.html(
      layout(c, { title: t('system.title', { name: s.name }), body, demo, active: '/systems' }),
      problems.status,
    );
  }

  return new Hono<Env>()
    .get('/systems/:code', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'systems:read');
      return render(c, await systems.get(p, c.req.param('code')), noProblems);
    })
    .post('/systems/:code/dependencies', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'systems:write');
      const code = c.req.param('code');
      const form = await c.req.parseBody();
      const typed = formText(form.dependsOn);
      const dependsOn = dependencyCodes(typed);
      c.set('audit', { action: 'system.dependencies', target: `system:${code}`, detail: { dependsOn } });
      try {
        await systems.setDependencies(p, code, { dependsOn, version: Number(formText(form.version)) || undefined });
        return c.redirect(`${systemHref(code)}?saved=1`, 303);
      } catch (e) {
        const problems = formProblems(c, e, ['dependsOn'], { dependency_cycle: 'dependsOn' });
        return render(c, await systems.get(p, code), problems, typed);
      }
    })
    .post('/systems/:code/delete', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'systems:write');
      const code = c.req.param('code');
      c.set('audit', { action: 'system.delete', target: `system:${code}` });
      try {
        await systems.remove(p, code);
        return c.redirect(`/systems?deleted=${encodeURIComponent(code)}`, 303);
      } catch (e) {
        return render(c, await systems.get(p, code), formProblems(c, e, []));
      }
    });
}
