import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { Forbidden } from '../../core/errors.ts';
import type { AccountsService } from '../accounts/service.ts';
import { isDemo } from '../bootstrap.ts';
import type { Env } from '../http/env.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { type FormProblems, formProblems, formText, noProblems } from './form-problems.ts';
import { csrfField, fieldError, layout } from './layout.ts';
import { messages } from './list-links.ts';
import { roleName } from './users-page.ts';

const passwordFields = ['currentPassword', 'newPassword'] as const;

/** The signed-in user's own account: who they are, and changing their password. */
export function accountPage({ accounts, uow }: { accounts: AccountsService; uow: UnitOfWork }) {
  async function render(c: Context<Env>, problems: FormProblems, notice?: string) {
    const p = requirePrincipal(c);
    const t = c.get('t');
    const user = await accounts.getUser(p.name);
    const body = html`${messages(notice ? [notice] : [], problems.general)}
<dl class="facts">
  <dt>${t('users.username')}</dt><dd>${user.username}</dd>
  <dt>${t('users.displayName')}</dt><dd>${user.displayName}</dd>
  <dt>${t('users.roles')}</dt><dd>${user.roles.map((r) => roleName(t, r)).join(', ')}</dd>
  ${user.department ? html`<dt>${t('users.department')}</dt><dd><a href="/departments/${user.department}">${user.department}</a></dd>` : ''}
</dl>
<h2>${t('account.changePassword')}</h2>
<form method="post" action="/account/password" class="stacked">
  ${csrfField(c)}
  <label>${t('account.currentPassword')} <input type="password" name="currentPassword" autocomplete="current-password" required></label>
  ${fieldError(problems.fields.currentPassword)}
  <label>${t('account.newPassword')} <input type="password" name="newPassword" autocomplete="new-password" minlength="12" required></label>
  ${fieldError(problems.fields.newPassword)}
  <button type="submit">${t('account.changePassword')}</button>
</form>`;
    return c.html(layout(c, { title: t('account.title'), body, demo: await isDemo(uow) }), problems.status);
  }

  return new Hono<Env>()
    .get('/account', async (c) => {
      if (requirePrincipal(c).kind !== 'user') throw new Forbidden('forbidden');
      return render(c, noProblems, c.req.query('changed') ? c.get('t')('account.changed') : undefined);
    })
    .post('/account/password', async (c) => {
      const p = requirePrincipal(c);
      if (p.kind !== 'user') throw new Forbidden('forbidden');
      c.set('audit', { action: 'user.password-change', target: `user:${p.name}` });
      const form = await c.req.parseBody();
      try {
        await accounts.changeOwnPassword(p.id, c.get('session')?.idHash ?? null, {
          currentPassword: formText(form.currentPassword),
          newPassword: formText(form.newPassword),
        });
      } catch (e) {
        return render(c, formProblems(c, e, passwordFields));
      }
      return c.redirect('/account?changed=1', 303);
    });
}
