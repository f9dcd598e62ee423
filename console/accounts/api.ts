import { createRoute, z } from '@hono/zod-openapi';
import { roles } from '../../core/roles.ts';
import { needs } from '../http/guard.ts';
import { apiArea, errorResponses, jsonOk, security } from '../http/openapi.ts';
import { requirePrincipal } from '../http/principal.ts';
import { type AccountsService, newTokenInput, newUserInput, userChanges } from './service.ts';

const user = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(z.enum(roles)),
    department: z.string().nullable(),
    totpEnrolled: z.boolean(),
    lockedUntil: z.string().nullable(),
    disabled: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('User');

const token = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(roles),
    department: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi('ApiToken');

const usernameParam = z.object({ username: z.string().min(1).max(32) });
const tags = ['Accounts'];
const json = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

const routes = {
  listUsers: createRoute({
    method: 'get',
    path: '/users',
    tags,
    security,
    middleware: [needs('accounts:read')] as const,
    summary: 'Accounts',
    responses: { 200: jsonOk(z.object({ items: z.array(user) }), 'All accounts'), ...errorResponses },
  }),
  createUser: createRoute({
    method: 'post',
    path: '/users',
    tags,
    security,
    middleware: [needs('accounts:write')] as const,
    summary: 'Create an account (TOTP is enrolled at first sign-in)',
    request: { body: json(newUserInput) },
    responses: { 201: jsonOk(user, 'Created'), ...errorResponses },
  }),
  updateUser: createRoute({
    method: 'patch',
    path: '/users/{username}',
    tags,
    security,
    middleware: [needs('accounts:write')] as const,
    summary: "Change roles, department, display name, or disable; ends the user's sessions",
    request: { params: usernameParam, body: json(userChanges) },
    responses: { 200: jsonOk(user, 'Changed'), ...errorResponses },
  }),
  resetPassword: createRoute({
    method: 'post',
    path: '/users/{username}/password',
    tags,
    security,
    middleware: [needs('accounts:write')] as const,
    summary: "Set a new password; ends the user's sessions and clears the lockout",
    request: { params: usernameParam, body: json(z.strictObject({ password: z.string().min(12).max(200) })) },
    responses: { 204: { description: 'Done' }, ...errorResponses },
  }),
  unlock: createRoute({
    method: 'post',
    path: '/users/{username}/unlock',
    tags,
    security,
    middleware: [needs('accounts:write')] as const,
    summary: 'Clear a lockout after failed sign-ins',
    request: { params: usernameParam },
    responses: { 204: { description: 'Done' }, ...errorResponses },
  }),
  resetTotp: createRoute({
    method: 'post',
    path: '/users/{username}/totp-reset',
    tags,
    security,
    middleware: [needs('accounts:write')] as const,
    summary: 'Forget the TOTP enrolment (lost device); the user enrols again at next sign-in',
    request: { params: usernameParam },
    responses: { 204: { description: 'Done' }, ...errorResponses },
  }),
  listTokens: createRoute({
    method: 'get',
    path: '/tokens',
    tags,
    security,
    middleware: [needs('accounts:read')] as const,
    summary: 'API tokens (never their secrets)',
    responses: { 200: jsonOk(z.object({ items: z.array(token) }), 'All tokens'), ...errorResponses },
  }),
  createToken: createRoute({
    method: 'post',
    path: '/tokens',
    tags,
    security,
    middleware: [needs('accounts:write')] as const,
    summary: 'Create an API token; its secret is in this response only',
    request: { body: json(newTokenInput) },
    responses: { 201: jsonOk(z.object({ token: z.string(), item: token }), 'Created'), ...errorResponses },
  }),
  revokeToken: createRoute({
    method: 'delete',
    path: '/tokens/{id}',
    tags,
    security,
    middleware: [needs('accounts:write')] as const,
    summary: 'Revoke an API token',
    request: { params: z.object({ id: z.string().min(1).max(64) }) },
    responses: { 200: jsonOk(token, 'Revoked'), ...errorResponses },
  }),
};

/** /api/v1 routes for accounts and tokens: the security administrator's area. */
export function accountsApi({ accounts }: { accounts: AccountsService }) {
  return apiArea()
    .openapi(routes.listUsers, async (c) => {
      return c.json({ items: await accounts.listUsers() }, 200);
    })
    .openapi(routes.createUser, async (c) => {
      const { password: _secret, ...shown } = c.req.valid('json');
      c.set('audit', { action: 'user.create', target: `user:${shown.username}`, detail: shown });
      return c.json(await accounts.createUser(c.req.valid('json')), 201);
    })
    .openapi(routes.updateUser, async (c) => {
      const { username } = c.req.valid('param');
      c.set('audit', { action: 'user.update', target: `user:${username}`, detail: c.req.valid('json') });
      return c.json(await accounts.updateUser(username, c.req.valid('json')), 200);
    })
    .openapi(routes.resetPassword, async (c) => {
      const { username } = c.req.valid('param');
      c.set('audit', { action: 'user.password-reset', target: `user:${username}` });
      await accounts.resetPassword(username, c.req.valid('json').password);
      return c.body(null, 204);
    })
    .openapi(routes.unlock, async (c) => {
      const { username } = c.req.valid('param');
      c.set('audit', { action: 'user.unlock', target: `user:${username}` });
      await accounts.unlock(username);
      return c.body(null, 204);
    })
    .openapi(routes.resetTotp, async (c) => {
      const { username } = c.req.valid('param');
      c.set('audit', { action: 'user.totp-reset', target: `user:${username}` });
      await accounts.resetTotp(username);
      return c.body(null, 204);
    })
    .openapi(routes.listTokens, async (c) => {
      return c.json({ items: await accounts.listTokens() }, 200);
    })
    .openapi(routes.createToken, async (c) => {
      const p = requirePrincipal(c);
      const body = c.req.valid('json');
      c.set('audit', { action: 'token.create', target: `token:${body.name}`, detail: body });
      const { token: secret, view } = await accounts.createToken(body, p.name);
      return c.json({ token: secret, item: view }, 201);
    })
    .openapi(routes.revokeToken, async (c) => {
      const { id } = c.req.valid('param');
      c.set('audit', { action: 'token.revoke', target: `token:${id}` });
      return c.json(await accounts.revokeToken(id), 200);
    });
}
