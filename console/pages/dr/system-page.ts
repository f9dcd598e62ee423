import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { requirePermission } from '../../../core/principal.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Deps } from '../../deps.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import { formProblems, formText } from '../form-problems.ts';
import { layout } from '../layout.ts';
import { systemHref } from './labels.ts';
import { drSection, type EditedProtection, protectionFields, type ProtectionValues } from './system-section.ts';

/** The form as the API's body: blanks are "not known" (lag, recovery point) or "not given" (version). */
function protectionInput(v: ProtectionValues) {
  return {
    ...(v.mode ? { mode: v.mode } : {}),
    ...(v.state ? { state: v.state } : {}),
    lagSeconds: v.lagSeconds === '' ? null : Number(v.lagSeconds),
    lastRecoveryPoint: v.lastRecoveryPoint === '' ? null : v.lastRecoveryPoint,
    ...(v.version ? { version: Number(v.version) } : {}),
  };
}

/**
 * A system's DR on its own page, and the posts of the section's forms: a protection saved, a
 * follow-up closed. Success returns to the system's detail page; a refused protection form comes
 * back here with its messages beside the fields, nothing saved.
 */
export function drSystemPages(deps: Deps) {
  async function render(c: Context<Env>, code: string, edited?: EditedProtection) {
    const t = c.get('t');
    const p = requirePrincipal(c);
    requirePermission(p, 'systems:read');
    const [section, demo] = await Promise.all([drSection(c, deps, code, edited), isDemo(deps.uow)]);
    return c.html(
      layout(c, { title: t('dr.systemTitle', { code }), body: section, demo, active: '/dr' }),
      (edited?.problems.status ?? 200) as ContentfulStatusCode,
    );
  }

  return new Hono<Env>()
    .get('/dr/systems/:code', (c) => render(c, c.req.param('code')))
    .post('/dr/systems/:code/protections/:site', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'dr:write');
      const { code, site } = c.req.param();
      const form = await c.req.parseBody();
      const values = Object.fromEntries(protectionFields.map((f) => [f, formText(form[f]).trim()])) as ProtectionValues;
      const input = protectionInput(values);
      c.set('audit', { action: 'dr_protection.set', target: `system:${code}/site:${site}`, detail: input });
      try {
        await deps.dr.setProtection(p, code, site, input);
        return c.redirect(`${systemHref(code)}?dr=protection#dr`, 303);
      } catch (e) {
        return render(c, code, { site, values, problems: formProblems(c, e, protectionFields) });
      }
    })
    .post('/dr/follow-ups/:id/close', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'dr:write');
      const id = c.req.param('id');
      c.set('audit', { action: 'follow_up.close', target: `follow_up:${id}` });
      const closed = await deps.dr.closeFollowUp(p, id, {});
      return c.redirect(`${systemHref(closed.system)}?dr=closed#dr`, 303);
    });
}
