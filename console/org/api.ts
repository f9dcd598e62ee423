import { createRoute, z } from '@hono/zod-openapi';
import { departmentLevels, regionKinds, siteRoles } from '../../core/org.ts';
import { requireDepartmentInScope } from '../../core/principal.ts';
import { needs } from '../http/guard.ts';
import { apiArea, errorResponses, jsonOk, security } from '../http/openapi.ts';
import { requirePrincipal } from '../http/principal.ts';
import { departmentBody, departmentPatch, departmentSorts, type OrgService } from './service.ts';

const department = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.enum(departmentLevels),
    region: z.string(),
    regionName: z.string(),
    demo: z.boolean(),
  })
  .openapi('Department');

const region = z
  .object({ code: z.string(), name: z.string(), kind: z.enum(regionKinds), parentCode: z.string().nullable() })
  .openapi('Region');

const site = z
  .object({ code: z.string(), name: z.string(), role: z.enum(siteRoles), regionCode: z.string(), demo: z.boolean() })
  .openapi('Site');

const listQuery = z.object({
  level: z.enum(departmentLevels).optional(),
  region: z.string().max(32).optional(),
  q: z.string().max(100).optional(),
  sort: z.enum(departmentSorts).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

const codeParam = z.object({ code: z.string().min(1).max(32) });
const csv = { 'text/csv': { schema: z.string() } };
const tags = ['Organisation'];

const routes = {
  list: createRoute({
    method: 'get',
    path: '/departments',
    tags,
    security,
    middleware: [needs('org:read')] as const,
    summary: 'List departments (filter by level, region, text; keyset pages)',
    request: { query: listQuery },
    responses: {
      200: jsonOk(
        z.object({ items: z.array(department), total: z.number(), nextCursor: z.string().nullable() }),
        'One page',
      ),
      ...errorResponses,
    },
  }),
  export: createRoute({
    method: 'get',
    path: '/departments/export',
    tags,
    security,
    middleware: [needs('org:read')] as const,
    summary: 'Export departments as CSV (same filters as the list)',
    request: { query: listQuery.omit({ limit: true, cursor: true }) },
    responses: { 200: { description: 'CSV, UTF-8 with BOM', content: csv }, ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: '/departments/{code}',
    tags,
    security,
    middleware: [needs('org:read')] as const,
    summary: 'One department',
    request: { params: codeParam },
    responses: { 200: jsonOk(department, 'The department'), ...errorResponses },
  }),
  create: createRoute({
    method: 'post',
    path: '/departments',
    tags,
    security,
    middleware: [needs('org:write')] as const,
    summary: 'Create a department',
    request: { body: { required: true, content: { 'application/json': { schema: departmentBody } } } },
    responses: { 201: jsonOk(department, 'Created'), ...errorResponses },
  }),
  update: createRoute({
    method: 'patch',
    path: '/departments/{code}',
    tags,
    security,
    middleware: [needs('org:write')] as const,
    summary: 'Change a department',
    request: {
      params: codeParam,
      body: { required: true, content: { 'application/json': { schema: departmentPatch } } },
    },
    responses: { 200: jsonOk(department, 'Changed'), ...errorResponses },
  }),
  import: createRoute({
    method: 'post',
    path: '/departments/import',
    tags,
    security,
    middleware: [needs('org:write')] as const,
    summary: 'Import departments from CSV: all lines or none',
    request: { body: { required: true, content: csv } },
    responses: { 200: jsonOk(z.object({ created: z.number(), updated: z.number() }), 'Imported'), ...errorResponses },
  }),
  regions: createRoute({
    method: 'get',
    path: '/regions',
    tags,
    security,
    middleware: [needs('org:read')] as const,
    summary: 'Administrative regions (province, cities, counties)',
    responses: {
      200: jsonOk(z.object({ items: z.array(region) }), 'All regions'),
      ...errorResponses,
    },
  }),
  sites: createRoute({
    method: 'get',
    path: '/sites',
    tags,
    security,
    middleware: [needs('org:read')] as const,
    summary: 'Data-centre sites and their roles',
    responses: {
      200: jsonOk(z.object({ items: z.array(site) }), 'All sites'),
      ...errorResponses,
    },
  }),
};

/** /api/v1 routes of the organisation model. */
export function orgApi({ org }: { org: OrgService }) {
  return apiArea()
    .openapi(routes.list, async (c) => {
      const p = requirePrincipal(c);
      return c.json(await org.listDepartments(p, c.req.valid('query')), 200);
    })
    .openapi(routes.export, async (c) => {
      const p = requirePrincipal(c);
      c.set('audit', { action: 'department.export', target: 'departments', always: true });
      const body = await org.exportDepartments(p, c.req.valid('query'));
      return c.body(body, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="departments.csv"',
      });
    })
    .openapi(routes.get, async (c) => {
      const p = requirePrincipal(c);
      const { code } = c.req.valid('param');
      requireDepartmentInScope(p, code);
      return c.json(await org.getDepartment(code), 200);
    })
    .openapi(routes.create, async (c) => {
      const body = c.req.valid('json');
      c.set('audit', { action: 'department.create', target: `department:${body.code}` });
      return c.json(await org.createDepartment(body), 201);
    })
    .openapi(routes.update, async (c) => {
      const { code } = c.req.valid('param');
      c.set('audit', {
        action: 'department.update',
        target: `department:${code}`,
        detail: { changes: c.req.valid('json') },
      });
      return c.json(await org.updateDepartment(code, c.req.valid('json')), 200);
    })
    .openapi(routes.import, async (c) => {
      c.set('audit', { action: 'department.import', target: 'departments' });
      const outcome = await org.importDepartments(await c.req.text());
      c.set('audit', { action: 'department.import', target: 'departments', detail: outcome });
      return c.json(outcome, 200);
    })
    .openapi(routes.regions, async (c) => {
      return c.json({ items: await org.listRegions() }, 200);
    })
    .openapi(routes.sites, async (c) => {
      return c.json({ items: await org.listSites() }, 200);
    });
}
