import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { apiArea, areaRoutes, errorResponses, jsonBody, jsonOk } from '../http/openapi.ts';
import { requirePrincipal } from '../http/principal.ts';
import { agentRoutes } from './agent-api.ts';
import {
  agentDetail,
  agentIdParam,
  agentListQuery,
  agentView,
  agentWithToken,
  certSourcesBody,
} from './api-schemas.ts';
import { createReportIngest } from './ingest.ts';
import { agentReportMetrics } from './report-metrics.ts';
import { type AgentsService, newAgentInput } from './service.ts';

const tags = ['Agents'];
const route = areaRoutes(tags);
const body = jsonBody;

const routes = {
  list: createRoute({
    ...route('get', '/agents', 'extranet:read', 'Agents (filter by status, site, department, text; sortable; pages)'),
    request: { query: agentListQuery },
    responses: {
      200: jsonOk(z.object({ items: z.array(agentView), total: z.number().int() }), 'One page'),
      ...errorResponses,
    },
  }),
  create: createRoute({
    ...route('post', '/agents', 'extranet:write', 'Create an agent; its one-time enrolment token is returned once'),
    request: body(newAgentInput),
    responses: { 201: jsonOk(agentWithToken, 'Created, waiting to enrol'), ...errorResponses },
  }),
  get: createRoute({
    ...route('get', '/agents/{id}', 'extranet:read', 'One agent with its certificate sources'),
    request: { params: agentIdParam },
    responses: { 200: jsonOk(agentDetail, 'The agent'), ...errorResponses },
  }),
  revoke: createRoute({
    ...route('post', '/agents/{id}/revoke', 'extranet:write', 'Revoke the agent’s credential, effective at once'),
    request: { params: agentIdParam },
    responses: { 200: jsonOk(agentDetail, 'Revoked'), ...errorResponses },
  }),
  reissue: createRoute({
    ...route(
      'post',
      '/agents/{id}/enrolment-token',
      'extranet:write',
      'A new one-time enrolment token for a pending or revoked agent (re-enrolment); returned once',
    ),
    request: { params: agentIdParam },
    responses: { 200: jsonOk(agentWithToken, 'Token issued'), ...errorResponses },
  }),
  certSources: createRoute({
    ...route(
      'put',
      '/agents/{id}/cert-sources',
      'extranet:write',
      'Replace the certificate sources the agent scans (served in its next configuration)',
    ),
    request: { params: agentIdParam, ...body(certSourcesBody) },
    responses: { 200: jsonOk(agentDetail, 'Replaced'), ...errorResponses },
  }),
};

/** Operators' routes: create, list, inspect, revoke agents, reissue tokens, set certificate sources. */
function operatorRoutes({ agents }: { agents: AgentsService }) {
  return apiArea()
    .openapi(routes.list, async (c) => c.json(await agents.list(requirePrincipal(c), c.req.valid('query')), 200))
    .openapi(routes.create, async (c) => {
      const input = c.req.valid('json');
      const detail = { name: input.name, site: input.site ?? null, department: input.department ?? null };
      c.set('audit', { action: 'agent.create', target: `agent:${input.name}`, detail });
      const created = await agents.create(requirePrincipal(c), input);
      // The token is the caller's to hand on; the trail records that one was issued, never the token.
      c.set('audit', {
        action: 'agent.create',
        target: `agent:${created.agent.id}`,
        detail: { ...detail, tokenExpiresAt: created.enrolment.expiresAt },
      });
      return c.json(created, 201);
    })
    .openapi(routes.get, async (c) => c.json(await agents.get(requirePrincipal(c), c.req.valid('param').id), 200))
    .openapi(routes.revoke, async (c) => {
      const { id } = c.req.valid('param');
      c.set('audit', { action: 'agent.revoke', target: `agent:${id}` });
      return c.json(await agents.revoke(requirePrincipal(c), id), 200);
    })
    .openapi(routes.reissue, async (c) => {
      const { id } = c.req.valid('param');
      c.set('audit', { action: 'agent.enrolment_token', target: `agent:${id}` });
      const issued = await agents.reissueToken(requirePrincipal(c), id);
      c.set('audit', {
        action: 'agent.enrolment_token',
        target: `agent:${id}`,
        detail: { tokenExpiresAt: issued.enrolment.expiresAt },
      });
      return c.json(issued, 200);
    })
    .openapi(routes.certSources, async (c) => {
      const { id } = c.req.valid('param');
      const sources = c.req.valid('json');
      c.set('audit', {
        action: 'agent.cert_sources',
        target: `agent:${id}`,
        detail: { sources: sources.map((s) => `${s.kind}:${s.id}`) },
      });
      return c.json(await agents.setCertSources(requirePrincipal(c), id, sources), 200);
    });
}

/**
 * /api/v1 routes for agents: operators manage them (extranet:read / extranet:write, department
 * users see their own department's), and agents enrol, fetch their configuration and push
 * reports with their own credential. Reports go to the links service and the certificate
 * inventory inside the request's one transaction.
 */
export function agentsApi(deps: Deps) {
  const metrics = agentReportMetrics(deps.registry);
  const ingest = createReportIngest({
    uow: deps.uow,
    now: deps.now,
    logger: deps.logger,
    rounds: deps.links,
    certificates: deps.certificates,
    metrics,
  });
  return apiArea()
    .route('/', agentRoutes({ agents: deps.agents, ingest, metrics, logger: deps.logger }))
    .route('/', operatorRoutes({ agents: deps.agents }));
}
