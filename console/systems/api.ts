import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Deps } from '../deps.ts';
import type { Env } from '../http/env.ts';
import { apiArea, areaRoutes, errorResponses, jsonBody, jsonOk } from '../http/openapi.ts';
import { requirePrincipal } from '../http/principal.ts';
import {
  importJson,
  importOutcome,
  mlpsFilter,
  systemDetail,
  systemFilterQuery,
  systemListItem,
  systemListQuery,
} from './api-schemas.ts';
import { dependenciesBody, SystemImportRejected, systemBody, systemPatch } from './service.ts';

const tags = ['Systems'];
const codeParam = z.object({ code: z.string().min(1).max(64) });
const csv = { 'text/csv': { schema: z.string() } };
const route = areaRoutes(tags);
const body = jsonBody;

// The fixed paths (export, catalog-info.yaml, import) come before /systems/{code}.
const routes = {
  list: createRoute({
    ...route(
      'get',
      '/systems',
      'systems:read',
      'Systems with their current migration and DR flags (filter, sort, pages)',
    ),
    request: { query: systemListQuery },
    responses: {
      200: jsonOk(z.object({ items: z.array(systemListItem), total: z.number().int() }), 'One page'),
      ...errorResponses,
    },
  }),
  export: createRoute({
    ...route('get', '/systems/export', 'systems:read', 'The filtered systems as CSV (the columns the import reads)'),
    request: { query: systemFilterQuery },
    responses: { 200: { description: 'CSV, UTF-8 with BOM', content: csv }, ...errorResponses },
  }),
  catalog: createRoute({
    ...route(
      'get',
      '/systems/catalog-info.yaml',
      'systems:read',
      'The filtered systems as Backstage entities: department → Group and Domain, system → System',
    ),
    request: { query: systemFilterQuery },
    responses: {
      200: { description: 'Multi-document YAML', content: { 'application/yaml': { schema: z.string() } } },
      ...errorResponses,
    },
  }),
  import: createRoute({
    ...route(
      'post',
      '/systems/import',
      'systems:write',
      'Import systems from CSV: all lines or none, every bad line named',
    ),
    request: {
      // Not `required`: the JSON schema then applies to JSON bodies only, and CSV bodies pass as text.
      body: {
        required: false,
        description:
          'CSV with a header: code, name, department, network, hosting required; description, mlpsLevel, hostingSite, dataVolumeGiB, rpoSeconds, rtoSeconds, targetDrLevel, dependsOn (codes separated by ;) optional. English or Chinese headers.',
        content: { ...csv, 'application/json': { schema: importJson } },
      },
    },
    responses: { 200: jsonOk(importOutcome, 'Imported'), ...errorResponses },
  }),
  create: createRoute({
    ...route('post', '/systems', 'systems:write', 'Register a system (department users: in their department)'),
    request: body(systemBody),
    responses: { 201: jsonOk(systemDetail, 'Created'), ...errorResponses },
  }),
  get: createRoute({
    ...route('get', '/systems/{code}', 'systems:read', 'One system with its dependencies both ways'),
    request: { params: codeParam },
    responses: { 200: jsonOk(systemDetail, 'The system'), ...errorResponses },
  }),
  update: createRoute({
    ...route('patch', '/systems/{code}', 'systems:write', 'Change a system (send the version you read; 409 if stale)'),
    request: { params: codeParam, ...body(systemPatch) },
    responses: { 200: jsonOk(systemDetail, 'Changed'), ...errorResponses },
  }),
  delete: createRoute({
    ...route('delete', '/systems/{code}', 'systems:write', 'Delete a system nothing refers to yet (409 otherwise)'),
    request: { params: codeParam },
    responses: { 204: { description: 'Deleted' }, ...errorResponses },
  }),
  dependencies: createRoute({
    ...route(
      'put',
      '/systems/{code}/dependencies',
      'systems:write',
      "Replace a system's dependencies (409 naming a cycle)",
    ),
    request: { params: codeParam, ...body(dependenciesBody) },
    responses: { 200: jsonOk(systemDetail, 'Changed'), ...errorResponses },
  }),
};

/** The import's CSV: the body itself (text/csv), or `csv` in a JSON body (validated by the route). */
async function importText(c: Context<Env>, json: () => string | { csv: string }): Promise<string> {
  if (!(c.req.header('content-type') ?? '').includes('json')) return c.req.text();
  const body = json();
  return typeof body === 'string' ? body : body.csv;
}

/** /api/v1 routes of the system inventory. */
export function systemsApi({ systems }: Pick<Deps, 'systems'>) {
  return apiArea()
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      return c.json(await systems.list(requirePrincipal(c), { ...q, mlps: mlpsFilter(q.mlps) }), 200);
    })
    .openapi(routes.export, async (c) => {
      const q = c.req.valid('query');
      c.set('audit', { action: 'system.export', target: 'systems', always: true, detail: { filters: q } });
      const text = await systems.exportCsv(requirePrincipal(c), { ...q, mlps: mlpsFilter(q.mlps) });
      return c.body(text, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="systems.csv"',
      });
    })
    .openapi(routes.catalog, async (c) => {
      const q = c.req.valid('query');
      c.set('audit', { action: 'system.catalog_export', target: 'systems', always: true, detail: { filters: q } });
      const text = await systems.catalogInfo(requirePrincipal(c), { ...q, mlps: mlpsFilter(q.mlps) });
      return c.body(text, 200, {
        'content-type': 'application/yaml; charset=utf-8',
        'content-disposition': 'attachment; filename="catalog-info.yaml"',
      });
    })
    .openapi(routes.import, async (c) => {
      c.set('audit', { action: 'system.import', target: 'systems' });
      try {
        const outcome = await systems.importCsv(requirePrincipal(c), await importText(c, () => c.req.valid('json')));
        c.set('audit', { action: 'system.import', target: 'systems', detail: outcome });
        return c.json(outcome, 200);
      } catch (e) {
        if (e instanceof SystemImportRejected) {
          c.set('audit', { action: 'system.import', target: 'systems', detail: { badLines: e.lines.length } });
        }
        throw e;
      }
    })
    .openapi(routes.create, async (c) => {
      const input = c.req.valid('json');
      c.set('audit', {
        action: 'system.create',
        target: `system:${input.code}`,
        detail: { department: input.department },
      });
      return c.json(await systems.create(requirePrincipal(c), input), 201);
    })
    .openapi(routes.get, async (c) => c.json(await systems.get(requirePrincipal(c), c.req.valid('param').code), 200))
    .openapi(routes.update, async (c) => {
      const { code } = c.req.valid('param');
      const changes = c.req.valid('json');
      c.set('audit', { action: 'system.update', target: `system:${code}`, detail: { changes } });
      return c.json(await systems.update(requirePrincipal(c), code, changes), 200);
    })
    .openapi(routes.delete, async (c) => {
      const { code } = c.req.valid('param');
      c.set('audit', { action: 'system.delete', target: `system:${code}` });
      await systems.remove(requirePrincipal(c), code);
      return c.body(null, 204);
    })
    .openapi(routes.dependencies, async (c) => {
      const { code } = c.req.valid('param');
      const input = c.req.valid('json');
      c.set('audit', {
        action: 'system.dependencies',
        target: `system:${code}`,
        detail: { dependsOn: input.dependsOn },
      });
      return c.json(await systems.setDependencies(requirePrincipal(c), code, input), 200);
    });
}
