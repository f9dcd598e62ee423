import { randomBytes } from 'node:crypto';
import type { Role } from '../../core/roles.ts';
import { createSecretBox } from '../auth/secret-box.ts';
import { createApp } from '../app.ts';
import { currentCode } from '../auth/totp.ts';
import { firstStart } from '../bootstrap.ts';
import { type Config, testConfig } from '../config.ts';
import { buildDeps, type Deps } from '../deps.ts';
import { memoryLogger } from '../logger.ts';
import { createRegistry } from '../metrics/registry.ts';
import { sqliteTestStore, type TestStore } from '../store/testing.ts';

/**
 * A whole console over a real store for tests: the app (called through app.request, no port),
 * its services, a clock the test moves, and helpers to sign in as any role.
 */
export type TestConsole = Awaited<ReturnType<typeof testConsole>>;

export const testPassword = 'correct horse battery staple';

/** A signed-in browser: its session cookie and the CSRF token its forms carry. */
export type Session = { cookie: string; csrf: string };

/** A response's JSON body, loosely typed for assertions. */
export async function json(res: Response): Promise<any> {
  return res.json();
}

export async function testConsole(
  opts: { store?: () => Promise<TestStore>; demo?: boolean; config?: Partial<Config> } = {},
) {
  const store = await (opts.store ?? sqliteTestStore)();
  let time = Date.parse('2026-11-21T08:00:00Z');
  const clock = {
    now: () => new Date(time),
    advance: (ms: number) => {
      time += ms;
    },
  };
  const logger = memoryLogger();
  const config = testConfig({ demo: opts.demo ?? true, ...opts.config });
  // A low scrypt cost keeps tests fast; production uses the OWASP cost.
  const deps: Deps = buildDeps({
    config,
    store,
    logger,
    registry: createRegistry(),
    now: clock.now,
    secrets: createSecretBox(randomBytes(32)),
    scryptCost: 1024,
  });
  await firstStart({ ...deps, demo: config.demo, adminPassword: testPassword });
  const app = createApp(deps);
  const secrets = new Map<string, string>();

  /** Makes a request as a browser or script would; returns the response. */
  function request(path: string, init: RequestInit & { cookie?: string; csrf?: string; token?: string } = {}) {
    const headers = new Headers(init.headers);
    if (init.cookie) headers.set('cookie', init.cookie);
    if (init.csrf) headers.set('x-csrf-token', init.csrf);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    if (typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return app.request(path, { ...init, headers });
  }

  function cookieFrom(res: Response): string {
    const set = res.headers.getSetCookie().find((c) => c.startsWith('govops_session='));
    if (!set) throw new Error(`no session cookie (status ${res.status})`);
    return set.split(';')[0]!;
  }

  /** Creates a user (enrolled in TOTP) and signs them in; returns cookie and CSRF token. */
  async function signIn(username: string, roles: Role[] = [], department: string | null = null) {
    if (roles.length && !(await deps.accounts.listUsers({ username })).length) {
      await deps.accounts.createUser({ username, roles, department, password: testPassword });
    }
    const first = await request('/api/v1/session', {
      method: 'POST',
      body: JSON.stringify({ username, password: testPassword }),
    });
    if (first.status !== 200) throw new Error(`sign-in of ${username} failed: ${first.status} ${await first.text()}`);
    const state = (await first.json()) as { stage: string; csrfToken: string; totpSecret?: string };
    let cookie = cookieFrom(first);
    if (state.stage === 'active') return { cookie, csrf: state.csrfToken };
    if (state.totpSecret) secrets.set(username, state.totpSecret);
    clock.advance(30_000); // a fresh TOTP step, so no code is a replay
    const code = currentCode(secrets.get(username)!, clock.now());
    const second = await request('/api/v1/session/totp', {
      method: 'POST',
      cookie,
      csrf: state.csrfToken,
      body: JSON.stringify({ code }),
    });
    if (second.status !== 200) throw new Error(`TOTP of ${username} failed: ${second.status} ${await second.text()}`);
    cookie = cookieFrom(second);
    return { cookie, csrf: state.csrfToken };
  }

  /** Opens a page as a signed-in person's browser would, in a language when given. */
  function visit(path: string, session: Session, lang?: string) {
    return request(path, { cookie: session.cookie, headers: lang ? { 'accept-language': lang } : {} });
  }

  /** Posts a form as a browser does: url-encoded, with the CSRF token as the `_csrf` field. */
  function submit(path: string, fields: Record<string, string | string[]>, session: Session, lang?: string) {
    const body = new URLSearchParams({ _csrf: session.csrf });
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    return request(path, {
      method: 'POST',
      cookie: session.cookie,
      headers: lang ? { 'accept-language': lang } : {},
      body,
    });
  }

  /** An API token for a role (and department), created directly through the service. */
  async function tokenFor(role: Role, department: string | null = null) {
    // As the local admin command would: administrator tokens included.
    return (
      await deps.accounts.createToken({ name: `test ${role}`, role, department }, 'test', {
        allowAdministratorRoles: true,
      })
    ).token;
  }

  return {
    app,
    deps,
    store,
    clock,
    logger,
    request,
    visit,
    submit,
    signIn,
    tokenFor,
    totpSecretOf: (username: string) => secrets.get(username),
    dispose: () => store.dispose(),
  };
}
