import { createRoute, z } from '@hono/zod-openapi';
import { desiredStateSchema } from '../../core/contracts/desired-state.ts';
import { apiArea, areaRoutes, errorResponses, jsonBody, jsonOk } from '../http/openapi.ts';
import { requirePrincipal } from '../http/principal.ts';
import { allocationInput } from './allocation-input.ts';
import {
  justification,
  quotaListQuery,
  quotaRequest,
  quotaRow,
  reason,
  requestEvent,
  requestListQuery,
  siteCapacity,
  version,
  allocationOut,
} from './api-schemas.ts';
import { type CapacityService, capacityUpdate } from './capacity-service.ts';
import type { DesiredStateBuilder } from './desired-state.ts';
import type { QuotasService } from './quotas-service.ts';
import type { RequestsService } from './requests-service.ts';

const tags = ['Capacity & quotas'];
const siteParam = z.object({ site: z.string().min(1).max(32) });
const idParam = z.object({ id: z.string().min(1).max(64) });
const route = areaRoutes(tags);
const body = jsonBody;

const routes = {
  sites: createRoute({
    ...route('get', '/capacity', 'capacity:read', "Every site's capacity, ceilings, allocations and free amounts"),
    responses: { 200: jsonOk(z.object({ items: z.array(siteCapacity) }), 'All sites'), ...errorResponses },
  }),
  site: createRoute({
    ...route('get', '/capacity/{site}', 'capacity:read', "One site's capacity"),
    request: { params: siteParam },
    responses: { 200: jsonOk(siteCapacity, 'The site'), ...errorResponses },
  }),
  setCapacity: createRoute({
    ...route('put', '/capacity/{site}', 'capacity:write', "Replace a site's capacity and overcommit ratios"),
    request: { params: siteParam, ...body(capacityUpdate) },
    responses: { 200: jsonOk(siteCapacity, 'Changed'), ...errorResponses },
  }),
  requests: createRoute({
    ...route(
      'get',
      '/quota-requests',
      'quota:read',
      'Quota requests (the approval queue by default: open ones, oldest first)',
    ),
    request: { query: requestListQuery },
    responses: {
      200: jsonOk(z.object({ items: z.array(quotaRequest), total: z.number() }), 'One page'),
      ...errorResponses,
    },
  }),
  submit: createRoute({
    ...route('post', '/quota-requests', 'quota:request', 'Ask for a new quota or a change on one site'),
    request: body(
      z
        .object({
          department: z.string().min(1).max(32),
          site: z.string().min(1).max(32),
          justification,
          allocation: allocationInput,
        })
        .strict(),
    ),
    responses: { 201: jsonOk(quotaRequest, 'Filed'), ...errorResponses },
  }),
  request: createRoute({
    ...route('get', '/quota-requests/{id}', 'quota:read', 'One request with its history'),
    request: { params: idParam },
    responses: {
      200: jsonOk(quotaRequest.extend({ history: z.array(requestEvent) }), 'The request'),
      ...errorResponses,
    },
  }),
  approve: createRoute({
    ...route(
      'post',
      '/quota-requests/{id}/approve',
      'quota:decide',
      'Approve, possibly a smaller amount; refused when the site cannot promise it',
    ),
    request: {
      params: idParam,
      ...body(z.object({ version, allocation: allocationInput.optional(), note: reason.optional() }).strict()),
    },
    responses: { 200: jsonOk(quotaRequest, 'Approved'), ...errorResponses },
  }),
  sendBack: createRoute({
    ...route('post', '/quota-requests/{id}/return', 'quota:decide', 'Return to the requester for changes'),
    request: { params: idParam, ...body(z.object({ version, reason }).strict()) },
    responses: { 200: jsonOk(quotaRequest, 'Returned'), ...errorResponses },
  }),
  reject: createRoute({
    ...route('post', '/quota-requests/{id}/reject', 'quota:decide', 'Reject with a reason'),
    request: { params: idParam, ...body(z.object({ version, reason }).strict()) },
    responses: { 200: jsonOk(quotaRequest, 'Rejected'), ...errorResponses },
  }),
  resubmit: createRoute({
    ...route('post', '/quota-requests/{id}/resubmit', 'quota:request', 'Change a returned request and send it again'),
    request: { params: idParam, ...body(z.object({ version, justification, allocation: allocationInput }).strict()) },
    responses: { 200: jsonOk(quotaRequest, 'Resubmitted'), ...errorResponses },
  }),
  withdraw: createRoute({
    ...route('post', '/quota-requests/{id}/withdraw', 'quota:request', 'Withdraw an open request'),
    request: { params: idParam, ...body(z.object({ version }).strict()) },
    responses: { 200: jsonOk(quotaRequest, 'Withdrawn'), ...errorResponses },
  }),
  quotas: createRoute({
    ...route('get', '/quotas', 'quota:read', 'Allocations in force per department and site (sortable by amounts)'),
    request: { query: quotaListQuery },
    responses: {
      200: jsonOk(z.object({ items: z.array(quotaRow), total: z.number() }), 'One page'),
      ...errorResponses,
    },
  }),
  departmentQuotas: createRoute({
    ...route('get', '/quotas/{department}', 'quota:read', "One department's quotas on every site"),
    request: { params: z.object({ department: z.string().min(1).max(32) }) },
    responses: {
      200: jsonOk(z.object({ items: z.array(quotaRow.extend({ allocation: allocationOut })) }), 'Quotas'),
      ...errorResponses,
    },
  }),
  desiredState: createRoute({
    ...route(
      'get',
      '/provisioning/desired-state',
      'capacity:read',
      'What every site should hold; ETag per revision (If-None-Match → 304)',
    ),
    responses: {
      200: jsonOk(desiredStateSchema, 'The document'),
      304: { description: 'Unchanged since the ETag given' },
      ...errorResponses,
    },
  }),
};

export type CapacityApiDeps = {
  capacity: CapacityService;
  requests: RequestsService;
  quotas: QuotasService;
  desiredState: DesiredStateBuilder;
};

/** /api/v1 routes for sites' capacity, the quota request workflow and the provisioning document. */
export function capacityApi({ capacity, requests, quotas, desiredState }: CapacityApiDeps) {
  return apiArea()
    .openapi(routes.sites, async (c) => c.json({ items: await capacity.list() }, 200))
    .openapi(routes.site, async (c) => c.json(await capacity.view(c.req.valid('param').site), 200))
    .openapi(routes.setCapacity, async (c) => {
      const { site } = c.req.valid('param');
      const input = c.req.valid('json');
      c.set('audit', {
        action: 'capacity.update',
        target: `site:${site}`,
        detail: { version: input.version, resources: input.resources },
      });
      return c.json(await capacity.update(site, input, requirePrincipal(c)), 200);
    })
    .openapi(routes.requests, async (c) => c.json(await requests.list(requirePrincipal(c), c.req.valid('query')), 200))
    .openapi(routes.submit, async (c) => {
      const input = c.req.valid('json');
      c.set('audit', {
        action: 'quota_request.submit',
        target: `department:${input.department}`,
        detail: { site: input.site, allocation: input.allocation },
      });
      const filed = await requests.submit(requirePrincipal(c), input);
      c.set('audit', {
        action: 'quota_request.submit',
        target: `quota_request:${filed.id}`,
        detail: { department: filed.department, site: filed.site, allocation: filed.requested },
      });
      return c.json(filed, 201);
    })
    .openapi(routes.request, async (c) => {
      const p = requirePrincipal(c);
      const { id } = c.req.valid('param');
      const [view, history] = [await requests.get(id, p), await requests.history(p, id)];
      return c.json({ ...view, history }, 200);
    })
    .openapi(routes.approve, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      c.set('audit', {
        action: 'quota_request.approve',
        target: `quota_request:${id}`,
        detail: { version: input.version, allocation: input.allocation ?? 'as requested' },
      });
      return c.json(await requests.approve(requirePrincipal(c), id, input), 200);
    })
    .openapi(routes.sendBack, async (c) => {
      const { id } = c.req.valid('param');
      c.set('audit', { action: 'quota_request.return', target: `quota_request:${id}` });
      return c.json(await requests.sendBack(requirePrincipal(c), id, c.req.valid('json')), 200);
    })
    .openapi(routes.reject, async (c) => {
      const { id } = c.req.valid('param');
      c.set('audit', { action: 'quota_request.reject', target: `quota_request:${id}` });
      return c.json(await requests.reject(requirePrincipal(c), id, c.req.valid('json')), 200);
    })
    .openapi(routes.resubmit, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      c.set('audit', {
        action: 'quota_request.resubmit',
        target: `quota_request:${id}`,
        detail: { allocation: input.allocation },
      });
      return c.json(await requests.resubmit(requirePrincipal(c), id, input), 200);
    })
    .openapi(routes.withdraw, async (c) => {
      const { id } = c.req.valid('param');
      c.set('audit', { action: 'quota_request.withdraw', target: `quota_request:${id}` });
      return c.json(await requests.withdraw(requirePrincipal(c), id, c.req.valid('json')), 200);
    })
    .openapi(routes.quotas, async (c) => c.json(await quotas.list(requirePrincipal(c), c.req.valid('query')), 200))
    .openapi(routes.departmentQuotas, async (c) =>
      c.json({ items: await quotas.ofDepartment(requirePrincipal(c), c.req.valid('param').department) }, 200),
    )
    .openapi(routes.desiredState, async (c) => {
      const doc = await desiredState.current();
      const etag = `"desired-${doc.revision}"`;
      c.header('etag', etag);
      c.header('cache-control', 'no-cache');
      if (
        c.req
          .header('if-none-match')
          ?.split(',')
          .some((t) => t.trim() === etag)
      )
        return c.body(null, 304);
      return c.json(doc, 200);
    });
}
