import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { holds, isScoped, type Principal, primaryRole } from '../../core/principal.ts';
import type { Permission } from '../../core/roles.ts';
import type { Env } from '../http/env.ts';
import type { MessageKey } from '../i18n/negotiate.ts';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

// 'staff': anyone not confined to one department (department users reach runbooks from their pages).
type NavItem = { href: string; label: MessageKey; permission: Permission | 'staff' | null };
const nav: NavItem[] = [
  { href: '/', label: 'nav.home', permission: null },
  { href: '/regions', label: 'nav.regions', permission: 'org:read' },
  { href: '/departments', label: 'nav.departments', permission: 'org:read' },
  { href: '/capacity', label: 'nav.capacity', permission: 'capacity:read' },
  { href: '/quotas', label: 'nav.quotas', permission: 'quota:read' },
  { href: '/quota-requests', label: 'nav.quotaRequests', permission: 'quota:read' },
  { href: '/extranet', label: 'nav.extranet', permission: 'extranet:read' },
  { href: '/agents', label: 'nav.agents', permission: 'extranet:read' },
  { href: '/certificates', label: 'nav.certificates', permission: 'extranet:read' },
  { href: '/systems', label: 'nav.systems', permission: 'systems:read' },
  { href: '/migration', label: 'nav.migration', permission: 'systems:read' },
  { href: '/dr', label: 'nav.dr', permission: 'systems:read' },
  { href: '/runbooks', label: 'nav.runbooks', permission: 'staff' },
  { href: '/users', label: 'nav.users', permission: 'accounts:read' },
  { href: '/audit', label: 'nav.audit', permission: 'audit:read' },
];

function mayOpen(p: Principal, item: NavItem): boolean {
  if (item.permission === null) return true;
  return item.permission === 'staff' ? !isScoped(p) : holds(p, item.permission);
}

/** The link that switches language and comes back to the same page. */
function langSwitchHref(c: Context<Env>): string {
  const url = new URL(c.req.url);
  url.searchParams.set('lang', c.get('lang') === 'en' ? 'zh-CN' : 'en');
  return `${url.pathname}${url.search}`;
}

/**
 * The frame of every signed-in page: header with navigation for what the role may open, the
 * demo banner, the language switch and sign-out. Pages read without JavaScript; htmx only
 * makes lists update in place.
 */
export function layout(c: Context<Env>, opts: { title: string; body: Html; demo?: boolean; active?: string }): Html {
  const t = c.get('t');
  const p = c.get('principal');
  const session = c.get('session');
  const items = nav.filter((n) => p && mayOpen(p, n));
  return html`<!doctype html>
<html lang="${c.get('lang')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · ${t('app.short')}</title>
<link rel="stylesheet" href="/static/console.css">
<script src="/static/htmx.min.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">${t('app.title')}</a>
  ${opts.demo ? html`<span class="badge demo" title="${t('app.demoNote')}">${t('app.demo')}</span>` : ''}
  <nav>${items.map((n) => html`<a href="${n.href}"${opts.active === n.href ? raw(' aria-current="page"') : ''}>${t(n.label)}</a>`)}</nav>
  <div class="who">
    <a class="lang" href="${langSwitchHref(c)}" hreflang="${c.get('lang') === 'en' ? 'zh-CN' : 'en'}">${t('lang.switch')}</a>
    ${
      p && session
        ? html`<a href="/account">${t('nav.signedInAs', { user: p.name, role: t(`role.${primaryRole(p)}` as MessageKey) })}</a>
    <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${session.csrf}"><button type="submit" class="link">${t('nav.logout')}</button></form>`
        : ''
    }
  </div>
</header>
${opts.demo ? html`<p class="demo-note">${t('app.demoNote')}</p>` : ''}
<main>
<h1>${opts.title}</h1>
${opts.body}
</main>
</body>
</html>`;
}

/** A page with no session: sign-in, enrolment. */
export function bareLayout(c: Context<Env>, title: string, body: Html): Html {
  const t = c.get('t');
  return html`<!doctype html>
<html lang="${c.get('lang')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t('app.short')}</title>
<link rel="stylesheet" href="/static/console.css">
</head>
<body class="bare">
<main class="card">
<p class="brand">${t('app.title')}</p>
<p class="lang"><a href="${langSwitchHref(c)}">${t('lang.switch')}</a></p>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

/** The hidden CSRF field every state-changing form carries. */
export function csrfField(c: Context<Env>): Html {
  return html`<input type="hidden" name="_csrf" value="${c.get('session')?.csrf ?? ''}">`;
}

/** A field's error message under the input, in the page's language. */
export function fieldError(message: string | undefined): Html {
  return message ? html`<p class="field-error" role="alert">${message}</p>` : html``;
}
