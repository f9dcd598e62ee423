import type { Context } from 'hono';
import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { NotFound } from '../../../core/errors.ts';
import { isDemo } from '../../bootstrap.ts';
import type { Env } from '../../http/env.ts';
import { requirePrincipal } from '../../http/principal.ts';
import { isMessageKey, type Lang, type Translate } from '../../i18n/negotiate.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { type Html, layout } from '../layout.ts';
import { hrefWith, oneOf } from '../list-links.ts';
import type { Severity } from './known-alerts.ts';
import { alertName, areaName, type Runbook, type RunbookLibrary, type RunbookText } from './runbook-library.ts';

const otherLang = (lang: Lang): Lang => (lang === 'en' ? 'zh-CN' : 'en');

function areaLabel(t: Translate, area: string): string {
  const key = `runbooks.area.${area}`;
  return isMessageKey(key) ? t(key) : area;
}

// The stylesheet's health colours: red pages someone now, amber can wait for working hours.
const severityClass: Record<Severity, string> = {
  critical: 'health-error',
  warning: 'health-lagging',
  info: 'health-healthy',
};

function severityBadge(t: Translate, severity: Severity | null): Html {
  if (!severity) return html`<span class="muted">–</span>`;
  return html`<span class="badge severity-${severity} ${severityClass[severity]}">${t(`runbooks.severity.${severity}`)}</span>`;
}

/** The text in the reader's language, else the other one (flagged as a fallback). */
function textFor(r: Runbook, lang: Lang): { text: RunbookText; fallback: boolean } {
  const own = r.texts[lang];
  return own ? { text: own, fallback: false } : { text: r.texts[otherLang(lang)]!, fallback: true };
}

function runbookRow(c: Context<Env>, r: Runbook): Html {
  const t = c.get('t');
  const { text, fallback } = textFor(r, c.get('lang'));
  const versions = (['en', 'zh-CN'] as const).filter((l) => r.texts[l]).map((l) => t(`runbooks.lang.${l}`));
  return html`<tr id="runbook-${r.alert}"><td><a href="/runbooks/${r.area}/${r.alert}"><code>${r.alert}</code></a></td>
<td>${severityBadge(t, r.severity)}</td>
<td${fallback ? raw(` lang="${text.lang}"`) : ''}>${raw(text.summaryHtml)}</td>
<td class="nowrap">${versions.join(' · ')}</td></tr>`;
}

function areaSection(c: Context<Env>, area: string, runbooks: Runbook[]): Html {
  const t = c.get('t');
  return html`<section class="runbook-area" id="area-${area}"><h2>${areaLabel(t, area)} <code class="muted">${area}</code></h2>
<table class="runbooks"><thead><tr><th>${t('runbooks.alert')}</th><th>${t('runbooks.severity')}</th><th>${t('runbooks.summary')}</th><th>${t('runbooks.versions')}</th></tr></thead>
<tbody>${runbooks.map((r) => runbookRow(c, r))}</tbody></table></section>`;
}

/**
 * The runbooks: an index of every alert by area with its severity and summary, and one page per
 * alert rendered from its Markdown in the reader's language (the other one, with a notice, when
 * it has not been written yet). Any signed-in person may read them: they hold no secrets. Pages
 * answer from the library read at start-up; a URL names a runbook only through its map.
 */
export function runbookPages({ library, uow }: { library: RunbookLibrary; uow: UnitOfWork }) {
  return new Hono<Env>()
    .get('/runbooks', async (c) => {
      requirePrincipal(c);
      const t = c.get('t');
      const area = oneOf(library.areas, c.req.query('area'));
      const shown = area ? [area] : library.areas;
      const body = html`<p class="hint">${t('runbooks.intro')}</p>
<form method="get" action="/runbooks" class="filters" role="search">
  <label>${t('runbooks.area')} <select name="area">
    <option value="">${t('common.all')}</option>
    ${library.areas.map((a) => html`<option value="${a}"${a === area ? html` selected` : ''}>${areaLabel(t, a)}</option>`)}
  </select></label>
  <button type="submit">${t('common.filter')}</button>
  <a href="/runbooks">${t('common.reset')}</a>
</form>
${
  shown.length === 0
    ? html`<p class="muted">${t('runbooks.none')}</p>`
    : shown.map((a) => areaSection(c, a, library.list(a)))
}`;
      return c.html(layout(c, { title: t('runbooks.title'), body, demo: await isDemo(uow), active: '/runbooks' }));
    })
    .get('/runbooks/:area/:alert', async (c) => {
      requirePrincipal(c);
      const t = c.get('t');
      const { area, alert } = c.req.param();
      const runbook = areaName.test(area) && alertName.test(alert) ? library.find(area, alert) : undefined;
      if (!runbook) throw new NotFound('runbook_not_found');
      const lang = c.get('lang');
      const { text, fallback } = textFor(runbook, lang);
      const other = otherLang(lang);
      const body = html`<p class="toolbar">
  <a href="${hrefWith('/runbooks', { area })}">${t('runbooks.back', { area: areaLabel(t, area) })}</a>
  ${runbook.texts[other] && !fallback ? html`<a href="?lang=${other}" hreflang="${other}">${t('runbooks.readOther')}</a>` : ''}
</p>
<p class="runbook-meta">${areaLabel(t, area)} · ${severityBadge(t, runbook.severity)} · <span class="muted">${t('runbooks.source', { file: text.file })}</span></p>
${fallback ? html`<p class="notice" role="status">${t('runbooks.fallback')} <a href="?lang=${text.lang}" hreflang="${text.lang}">${t('runbooks.switchToFallback')}</a></p>` : ''}
<article class="runbook" lang="${text.lang}">
${raw(text.bodyHtml)}
</article>`;
      return c.html(layout(c, { title: text.title, body, demo: await isDemo(uow), active: '/runbooks' }));
    });
}
