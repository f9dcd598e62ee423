import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import {
  agentConfigSchema,
  enrolRequestSchema,
  enrolResponseSchema,
  reportAckSchema,
  reportBatchSchema,
} from '../../core/contracts/agent.ts';
import { Forbidden, Invalid } from '../../core/errors.ts';
import { zodProblems } from '../http/field-problems.ts';
import { errorResponses, jsonOk } from '../http/openapi.ts';
import type { Logger } from '../logger.ts';
import { agentActor, agentAuth, type AgentEnv } from './agent-auth.ts';
import { refusedReportAction, type ReportIngest } from './ingest.ts';
import type { ReportMetrics } from './report-metrics.ts';
import type { AgentsService } from './service.ts';

const tags = ['Agents (called by agents)'];
const agentSecurity = [{ agentCredential: [] }];
const body = <T>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const { 401: unauthenticated, 400: invalid, 403: forbidden } = errorResponses;
const tooLarge = { description: 'The batch is larger than the 1 MiB body limit', content: invalid.content };

/** Whether If-None-Match names this entity tag (weak or strong, or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  return (ifNoneMatch ?? '').split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/** The routes an agent calls: enrol (no credential yet), fetch its configuration, push reports. */
export function agentRoutes({
  agents,
  ingest,
  metrics,
  logger,
}: {
  agents: AgentsService;
  ingest: ReportIngest;
  metrics: ReportMetrics;
  logger: Logger;
}) {
  const routes = {
    enrol: createRoute({
      method: 'post',
      path: '/agents/enrol',
      tags,
      security: [],
      summary: 'Exchange a one-time enrolment token for the agent’s credential (shown once)',
      request: body(enrolRequestSchema),
      responses: { 201: jsonOk(enrolResponseSchema, 'Enrolled'), 400: invalid, 401: unauthenticated },
    }),
    config: createRoute({
      method: 'get',
      path: '/agents/self/config',
      tags,
      security: agentSecurity,
      middleware: [agentAuth({ agents, action: 'agent.config' })] as const,
      summary: 'The calling agent’s targets, certificate sources and trust anchors; ETag (If-None-Match → 304)',
      responses: {
        200: jsonOk(agentConfigSchema, 'The configuration'),
        304: { description: 'Unchanged since the ETag given' },
        401: unauthenticated,
      },
    }),
    reports: createRoute({
      method: 'post',
      path: '/agents/reports',
      tags,
      security: agentSecurity,
      middleware: [agentAuth({ agents, action: 'agent.report' })] as const,
      summary: 'Push one batch of rounds and certificate observations: stored whole, once, or not at all',
      request: body(reportBatchSchema),
      responses: {
        200: jsonOk(reportAckSchema, 'Stored, or acknowledged as a replay (duplicate: true)'),
        400: invalid,
        401: unauthenticated,
        403: forbidden,
        413: tooLarge,
      },
    }),
  };

  const app = new OpenAPIHono<AgentEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new Invalid(zodProblems(result.error));
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'agentCredential', {
    type: 'http',
    scheme: 'bearer',
    description: 'The credential an agent received at enrolment (gva_…); people’s tokens are refused here.',
  });
  return app
    .openapi(routes.enrol, async (c) => {
      const request = c.req.valid('json');
      const detail = { hostname: request.hostname, version: request.version };
      c.set('audit', { action: 'agent.enrol', target: 'agent:unknown', detail });
      const { agent, credential } = await agents.enrol(request);
      c.set('audit', { action: 'agent.enrol', target: `agent:${agent.id}`, actor: agentActor(agent), detail });
      return c.json({ agentId: agent.id, credential }, 201);
    })
    .openapi(routes.config, async (c) => {
      await agents.heardFrom(c.get('agent').id);
      const doc = await agents.config(c.get('agent').id);
      const etag = `"${doc.revision}"`;
      c.header('etag', etag);
      c.header('cache-control', 'no-cache');
      if (etagMatches(c.req.header('if-none-match'), etag)) return c.body(null, 304);
      return c.json(doc, 200);
    })
    .openapi(
      routes.reports,
      async (c) => {
        const agent = c.get('agent');
        const batch = c.req.valid('json');
        try {
          return c.json(await ingest.store(agent, batch), 200);
        } catch (e) {
          if (e instanceof Forbidden) {
            ingest.logRefusal(agent, batch, e);
            const actor = agentActor(agent);
            if (await ingest.refusalWorthAuditing(actor.name)) {
              const targets = (e.details as { targets?: string[] } | undefined)?.targets ?? [];
              c.set('audit', {
                action: refusedReportAction,
                target: `agent:${agent.id}`,
                actor,
                detail: { batchId: batch.batchId, unowned: targets.slice(0, 20), count: targets.length },
              });
            }
          }
          throw e;
        }
      },
      (result, c) => {
        if (result.success) return undefined;
        metrics.report('invalid');
        const problems = zodProblems(result.error);
        logger.warn('agent report refused: invalid batch', {
          agent: c.get('agent').id,
          fields: problems.slice(0, 10).map((p) => `${p.field}: ${p.rule}`),
        });
        throw new Invalid(problems);
      },
    );
}
