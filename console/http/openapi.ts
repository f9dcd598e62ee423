import { OpenAPIHono, z } from '@hono/zod-openapi';
import { Invalid } from '../../core/errors.ts';
import type { Permission } from '../../core/roles.ts';
import type { Env } from './env.ts';
import { zodProblems } from './field-problems.ts';
import { needs } from './guard.ts';

/**
 * A sub-app for one API area. Validation failures become `Invalid` naming each field,
 * mapped to 400 by the app's one onError.
 */
export function apiArea() {
  return new OpenAPIHono<Env>({
    defaultHook: (result) => {
      if (!result.success) throw new Invalid(zodProblems(result.error));
    },
  });
}

/** The error body every API error uses, for the OpenAPI document. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })).optional(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

const errorContent = { 'application/json': { schema: errorSchema } };

/** The error responses every protected route can give. */
export const errorResponses = {
  400: { description: 'Invalid input; every bad field is named', content: errorContent },
  401: { description: 'Not signed in', content: errorContent },
  403: { description: 'Not allowed for this role or department', content: errorContent },
  404: { description: 'Not found', content: errorContent },
  409: { description: 'Conflicts with the current state', content: errorContent },
} as const;

/** A JSON response body for the OpenAPI document. */
export function jsonOk<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/** Bearer token (automation) or session cookie (browsers). */
export const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

/** A required JSON request body. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { 'application/json': { schema } } } };
}

/**
 * What every route of an API area shares: its tags in the document, the accepted credentials, and
 * the permission checked before the handler runs. `route('get', '/links', 'extranet:read', '…')`.
 */
export function areaRoutes(tags: string[]) {
  return <P extends string, M extends 'get' | 'post' | 'put' | 'patch' | 'delete'>(
    method: M,
    path: P,
    permission: Permission,
    summary: string,
  ) => ({ method, path, tags, security, middleware: [needs(permission)], summary });
}
