import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Conflict } from '../../core/errors.ts';
import { holds, requirePermission } from '../../core/principal.ts';
import type { AccountsService, TokenView, UserView } from '../accounts/service.ts';
import { isDemo } from '../bootstrap.ts';
import type { Env } from '../http/env.ts';
import { requirePrincipal } from '../http/principal.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { type FormProblems, formProblems, formText, givenOrUndefined, noProblems } from './form-problems.ts';
import { layout } from './layout.ts';
import { messages } from './list-links.ts';
import { type NewTokenValues, newTokenFields, tokensSection } from './tokens-section.ts';
import {
  filterUsers,
  type NewUserValues,
  newUserFields,
  newUserForm,
  roleName,
  userFilter,
  usersSection,
} from './users-page.ts';

type View = {
  newUser?: { values: NewUserValues; problems: FormProblems };
  newToken?: { values: NewTokenValues; problems: FormProblems };
  createdToken?: { secret: string; view: TokenView };
  rowProblem?: { username: string; message: string };
  status?: ContentfulStatusCode;
};

const blankUser: NewUserValues = { username: '', displayName: '', roles: [], department: '' };
const blankToken: NewTokenValues = { name: '', role: '', department: '' };

/** After a change the browser is sent back with what was done, said in the list's language. */
function noticesFor(c: Context<Env>, users: UserView[], tokens: TokenView[]): string[] {
  const t = c.get('t');
  const user = (key: string) => users.find((u) => u.username === c.req.query(key))?.username;
  const out: string[] = [];
  const created = user('created');
  if (created) out.push(t('users.created', { username: created }));
  const reset = user('passwordReset');
  if (reset) out.push(t('users.passwordReset', { username: reset }));
  const unlocked = user('unlocked');
  if (unlocked) out.push(t('users.unlocked', { username: unlocked }));
  const totp = user('totpReset');
  if (totp) out.push(t('users.totpReset', { username: totp }));
  const revoked = tokens.find((k) => k.id === c.req.query('revoked') && k.revokedAt);
  if (revoked) out.push(t('users.tokenRevoked', { name: revoked.name }));
  return out;
}

/** The separation-of-duties refusal names roles by id; a page names them in its language. */
function namedRoles(c: Context<Env>, e: unknown): unknown {
  if (!(e instanceof Conflict) || e.code !== 'role_separation') return e;
  const t = c.get('t');
  return new Conflict('role_separation', { a: roleName(t, String(e.params.a)), b: roleName(t, String(e.params.b)) });
}

/**
 * The security administrator's page: accounts (create, reset password, unlock, reset TOTP) and
 * API tokens (create, revoke). Each change is a POST form audited by the request transaction.
 */
export function usersPages({ accounts, uow }: { accounts: AccountsService; uow: UnitOfWork }) {
  async function render(c: Context<Env>, view: View = {}) {
    const p = requirePrincipal(c);
    const t = c.get('t');
    const f = userFilter(c);
    const [users, tokens, demo] = await Promise.all([accounts.listUsers(), accounts.listTokens(), isDemo(uow)]);
    const canWrite = holds(p, 'accounts:write');
    const body = html`${messages(c.req.method === 'GET' ? noticesFor(c, users, tokens) : [])}
${usersSection(c, filterUsers(users, f), f, { canWrite, rowProblem: view.rowProblem })}
${canWrite ? newUserForm(c, view.newUser?.values ?? blankUser, view.newUser?.problems ?? noProblems) : ''}
${tokensSection(c, tokens, {
  canWrite,
  form: view.newToken ?? { values: blankToken, problems: noProblems },
  created: view.createdToken,
})}`;
    return c.html(layout(c, { title: t('users.title'), body, demo, active: '/users' }), view.status ?? 200);
  }

  /** Runs one action on a user and comes back to the list, or shows the refusal on the user's row. */
  async function userAction(c: Context<Env>, action: string, notice: string, run: (username: string) => Promise<void>) {
    requirePermission(requirePrincipal(c), 'accounts:write');
    const username = c.req.param('username') ?? '';
    c.set('audit', { action, target: `user:${username}` });
    try {
      await run(username);
      return c.redirect(`/users?${notice}=${encodeURIComponent(username)}#user-${username}`, 303);
    } catch (e) {
      const problems = formProblems(c, e, ['password']);
      const message = problems.fields.password ?? problems.general.join(' ');
      return render(c, { rowProblem: { username, message }, status: problems.status });
    }
  }

  return new Hono<Env>()
    .get('/users', (c) => {
      requirePermission(requirePrincipal(c), 'accounts:read');
      return render(c);
    })
    .post('/users', async (c) => {
      requirePermission(requirePrincipal(c), 'accounts:write');
      const form = await c.req.parseBody({ all: true });
      const chosen = form.roles;
      const values: NewUserValues = {
        username: formText(form.username).trim(),
        displayName: formText(form.displayName).trim(),
        roles: (Array.isArray(chosen) ? chosen : [chosen]).filter((r): r is string => typeof r === 'string'),
        department: formText(form.department).trim(),
      };
      c.set('audit', { action: 'user.create', target: `user:${values.username}`, detail: { ...values } });
      try {
        await accounts.createUser({
          username: givenOrUndefined(values.username),
          displayName: givenOrUndefined(values.displayName),
          roles: values.roles.length ? values.roles : undefined,
          department: givenOrUndefined(values.department) ?? null,
          password: givenOrUndefined(formText(form.password)),
        });
        return c.redirect(`/users?created=${encodeURIComponent(values.username)}`, 303);
      } catch (e) {
        const problems = formProblems(c, namedRoles(c, e), newUserFields, {
          username_taken: 'username',
          role_separation: 'roles',
        });
        return render(c, { newUser: { values, problems }, status: problems.status });
      }
    })
    .post('/users/tokens', async (c) => {
      const p = requirePrincipal(c);
      requirePermission(p, 'accounts:write');
      const form = await c.req.parseBody();
      const values: NewTokenValues = {
        name: formText(form.name).trim(),
        role: formText(form.role),
        department: formText(form.department).trim(),
      };
      c.set('audit', { action: 'token.create', target: `token:${values.name}`, detail: { ...values } });
      try {
        const { token, view } = await accounts.createToken(
          {
            name: givenOrUndefined(values.name),
            role: givenOrUndefined(values.role),
            department: givenOrUndefined(values.department) ?? null,
          },
          p.name,
        );
        // Rendered, not redirected: the secret must not travel in a URL or be shown twice.
        return render(c, { createdToken: { secret: token, view }, status: 201 });
      } catch (e) {
        const problems = formProblems(c, e, newTokenFields);
        return render(c, { newToken: { values, problems }, status: problems.status });
      }
    })
    .post('/users/tokens/:id/revoke', async (c) => {
      requirePermission(requirePrincipal(c), 'accounts:write');
      const id = c.req.param('id');
      c.set('audit', { action: 'token.revoke', target: `token:${id}` });
      await accounts.revokeToken(id);
      return c.redirect(`/users?revoked=${encodeURIComponent(id)}#tokens`, 303);
    })
    .post('/users/:username/password', (c) =>
      userAction(c, 'user.password-reset', 'passwordReset', async (u) =>
        accounts.resetPassword(u, formText((await c.req.parseBody()).password)),
      ),
    )
    .post('/users/:username/unlock', (c) => userAction(c, 'user.unlock', 'unlocked', (u) => accounts.unlock(u)))
    .post('/users/:username/totp-reset', (c) =>
      userAction(c, 'user.totp-reset', 'totpReset', (u) => accounts.resetTotp(u)),
    );
}
