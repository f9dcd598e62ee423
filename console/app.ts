import { drApi } from './dr/api.ts';
import { migrationApi } from './migration/api.ts';
import { systemsApi } from './systems/api.ts';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { NotFound } from '../core/errors.ts';
import { accountsApi } from './accounts/api.ts';
import { agentsApi } from './agents/api.ts';
import { auditApi } from './audit/api.ts';
import { sessionApi } from './auth/api.ts';
import { capacityApi } from './capacity/api.ts';
import { certificatesApi } from './certificates/api.ts';
import type { Deps } from './deps.ts';
import { auditedTransaction } from './http/audited-transaction.ts';
import { csrfMiddleware } from './http/csrf.ts';
import { extranetApi } from './extranet/api.ts';
import type { Env } from './http/env.ts';
import { onError } from './http/errors.ts';
import { languageMiddleware } from './http/lang.ts';
import { principalMiddleware } from './http/principal.ts';
import { httpMetricsMiddleware } from './metrics/http-metrics.ts';
import { opsRoutes } from './ops.ts';
import { orgApi } from './org/api.ts';
import { errorPage } from './pages/error-page.ts';
import { pages, signInPaths } from './pages/routes.ts';

const maxBodyBytes = 1024 * 1024;
// The RA's list of 18,678 issued certificates is about 1.5 MiB of CSV, a province's systems a few
// MiB: imports get more room.
const maxImportBodyBytes = 16 * 1024 * 1024;
const importPaths = new Set([
  '/api/v1/certificates/ra-import',
  '/certificates/import',
  '/api/v1/systems/import',
  '/systems/import',
]);
const apiSignInPaths = new Set(['/api/v1/session', '/api/v1/session/totp']);
// A wrong current password must count towards the lockout even though the request fails.
const passwordChangePaths = new Set(['/api/v1/session/password', '/account/password']);

/** Sign-in steps keep their own transactions and need no CSRF token (SameSite=Strict guards them). */
function isSignIn(path: string): boolean {
  return apiSignInPaths.has(path) || signInPaths.has(path);
}

/** The whole console: operational endpoints, the JSON API under /api/v1, and the pages. */
export function createApp(deps: Deps) {
  const app = new OpenAPIHono<Env>();
  app.use(httpMetricsMiddleware(deps.registry));
  app.use(languageMiddleware);
  app.route('/', opsRoutes(deps));
  app.use(
    principalMiddleware({ accounts: deps.accounts, sessions: deps.sessions, trustProxy: deps.config.trustProxy }),
  );
  app.use(
    auditedTransaction({
      uow: deps.uow,
      audit: deps.audit,
      selfTransacting: (path) => isSignIn(path) || passwordChangePaths.has(path),
    }),
  );
  const tooLarge = () => {
    throw new HTTPException(413, { message: 'payload too large' });
  };
  const importLimit = bodyLimit({ maxSize: maxImportBodyBytes, onError: tooLarge });
  const defaultLimit = bodyLimit({ maxSize: maxBodyBytes, onError: tooLarge });
  app.use((c, next) => (importPaths.has(c.req.path) ? importLimit : defaultLimit)(c, next));
  app.use(csrfMiddleware(isSignIn));

  app.route(
    '/api/v1',
    sessionApi({ sessions: deps.sessions, accounts: deps.accounts, cookieSecure: deps.config.cookieSecure }),
  );
  app.route('/api/v1', orgApi(deps));
  app.route('/api/v1', accountsApi(deps));
  app.route('/api/v1', auditApi(deps));
  app.route('/api/v1', capacityApi(deps));
  app.route('/api/v1', agentsApi(deps));
  app.route('/api/v1', extranetApi(deps));
  app.route('/api/v1', certificatesApi(deps));
  app.route('/api/v1', systemsApi(deps));
  app.route('/api/v1', migrationApi(deps));
  app.route('/api/v1', drApi(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'govops_session',
  });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'GovOps Console API',
      version: '1',
      description: 'Operations console for a provincial government cloud and extranet.',
    },
  });

  app.route('/', pages(deps));

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/'))
      throw new NotFound('route_not_found', { method: c.req.method, path: c.req.path });
    throw new NotFound('not_found');
  });
  app.onError(onError(deps.logger, errorPage));
  return app;
}

export type App = ReturnType<typeof createApp>;
