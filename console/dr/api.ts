import { createRoute, z } from '@hono/zod-openapi';
import { apiArea, areaRoutes, errorResponses, jsonBody, jsonOk } from '../http/openapi.ts';
import { requirePrincipal } from '../http/principal.ts';
import {
  drillsQuery,
  drillView,
  followUpView,
  levelView,
  matrixQuery,
  matrixView,
  protectionView,
  settingsView,
  siteView,
} from './api-schemas.ts';
import {
  drillPlanBody,
  drillRecordBody,
  drLevelBody,
  drSettingsBody,
  followUpCloseBody,
  milestoneBody,
  protectionBody,
  siteStatusBody,
} from './dr-input.ts';
import type { DrService } from './service.ts';

const tags = ['Disaster recovery'];
const systemParam = z.object({ code: z.string().min(1).max(64) });
const protectionParams = systemParam.extend({ site: z.string().min(1).max(64) });
const idParam = z.object({ id: z.string().min(1).max(64) });
const route = areaRoutes(tags);
const body = jsonBody;

const routes = {
  matrix: createRoute({
    ...route(
      'get',
      '/dr/matrix',
      'systems:read',
      'Systems × DR sites: state, mode, lag, achieved vs target level, flags',
    ),
    request: { query: matrixQuery },
    responses: { 200: jsonOk(matrixView, 'One page'), ...errorResponses },
  }),
  protections: createRoute({
    ...route('get', '/systems/{code}/protections', 'systems:read', "A system's protection at every DR site"),
    request: { params: systemParam },
    responses: { 200: jsonOk(z.object({ items: z.array(protectionView) }), 'Protections'), ...errorResponses },
  }),
  protection: createRoute({
    ...route('get', '/systems/{code}/protections/{site}', 'systems:read', "A system's protection at one DR site"),
    request: { params: protectionParams },
    responses: { 200: jsonOk(protectionView, 'The protection'), ...errorResponses },
  }),
  setProtection: createRoute({
    ...route(
      'put',
      '/systems/{code}/protections/{site}',
      'dr:write',
      'Create or change a protection (omitted fields kept: replication tooling may send only lag and recovery point)',
    ),
    request: { params: protectionParams, ...body(protectionBody) },
    responses: { 200: jsonOk(protectionView, 'Saved, achieved level recomputed'), ...errorResponses },
  }),
  systemDrills: createRoute({
    ...route('get', '/systems/{code}/drills', 'systems:read', "A system's drills and follow-ups"),
    request: { params: systemParam },
    responses: {
      200: jsonOk(z.object({ items: z.array(drillView), followUps: z.array(followUpView) }), 'Drills'),
      ...errorResponses,
    },
  }),
  drills: createRoute({
    ...route('get', '/drills', 'systems:read', 'The drill log (filter, sort, offset pages)'),
    request: { query: drillsQuery },
    responses: {
      200: jsonOk(z.object({ items: z.array(drillView), total: z.number().int() }), 'One page'),
      ...errorResponses,
    },
  }),
  planDrill: createRoute({
    ...route('post', '/drills', 'dr:write', 'Plan a drill of a system at a DR site'),
    request: body(drillPlanBody),
    responses: { 201: jsonOk(drillView, 'Planned'), ...errorResponses },
  }),
  recordDrill: createRoute({
    ...route(
      'patch',
      '/drills/{id}',
      'dr:write',
      "Record a drill's execution (a failed or partial one opens a follow-up on the system)",
    ),
    request: { params: idParam, ...body(drillRecordBody) },
    responses: { 200: jsonOk(drillView, 'Recorded'), ...errorResponses },
  }),
  closeFollowUp: createRoute({
    ...route('post', '/follow-ups/{id}/close', 'dr:write', 'Close a follow-up'),
    request: { params: idParam, ...body(followUpCloseBody) },
    responses: { 200: jsonOk(followUpView, 'Closed'), ...errorResponses },
  }),
  levels: createRoute({
    ...route('get', '/dr/levels', 'systems:read', 'The GB/T 20988 level table the achieved levels are computed with'),
    responses: { 200: jsonOk(z.object({ items: z.array(levelView) }), 'Levels 1–6'), ...errorResponses },
  }),
  correctLevel: createRoute({
    ...route('put', '/dr/levels/{level}', 'dr:write', 'Correct one level (every achieved level is recomputed)'),
    request: { params: z.object({ level: z.coerce.number().int().min(1).max(6) }), ...body(drLevelBody) },
    responses: { 200: jsonOk(levelView, 'Corrected'), ...errorResponses },
  }),
  settings: createRoute({
    ...route('get', '/dr/settings', 'systems:read', 'DR settings (the drill-overdue period)'),
    responses: { 200: jsonOk(settingsView, 'Settings'), ...errorResponses },
  }),
  setSettings: createRoute({
    ...route('put', '/dr/settings', 'dr:write', 'Change the DR settings'),
    request: body(drSettingsBody),
    responses: { 200: jsonOk(settingsView, 'Changed'), ...errorResponses },
  }),
  sites: createRoute({
    ...route('get', '/dr/sites', 'systems:read', 'The sites with their construction status and approval milestones'),
    responses: { 200: jsonOk(z.object({ items: z.array(siteView) }), 'Sites'), ...errorResponses },
  }),
  setSiteStatus: createRoute({
    ...route('patch', '/dr/sites/{code}', 'dr:write', "Set a site's construction status"),
    request: { params: systemParam, ...body(siteStatusBody) },
    responses: { 200: jsonOk(siteView, 'Changed'), ...errorResponses },
  }),
  setMilestone: createRoute({
    ...route('put', '/dr/sites/{code}/milestones/{kind}', 'dr:write', 'Record an approval milestone of a site'),
    request: { params: systemParam.extend({ kind: z.string().min(1).max(64) }), ...body(milestoneBody) },
    responses: { 200: jsonOk(siteView, 'Recorded'), ...errorResponses },
  }),
};

/** /api/v1 routes of DR protection, drills, follow-ups, the level table and the DR sites. */
export function drApi({ dr }: { dr: DrService }) {
  return apiArea()
    .openapi(routes.matrix, async (c) => c.json(await dr.matrix(requirePrincipal(c), c.req.valid('query')), 200))
    .openapi(routes.protections, async (c) =>
      c.json({ items: await dr.protections(requirePrincipal(c), c.req.valid('param').code) }, 200),
    )
    .openapi(routes.protection, async (c) => {
      const { code, site } = c.req.valid('param');
      return c.json(await dr.protection(requirePrincipal(c), code, site), 200);
    })
    .openapi(routes.setProtection, async (c) => {
      const { code, site } = c.req.valid('param');
      const input = c.req.valid('json');
      c.set('audit', { action: 'dr_protection.set', target: `system:${code}/site:${site}`, detail: { ...input } });
      return c.json(await dr.setProtection(requirePrincipal(c), code, site, input), 200);
    })
    .openapi(routes.systemDrills, async (c) => {
      const { drills, followUps } = await dr.systemDrills(requirePrincipal(c), c.req.valid('param').code);
      return c.json({ items: drills, followUps }, 200);
    })
    .openapi(routes.drills, async (c) => c.json(await dr.drills(requirePrincipal(c), c.req.valid('query')), 200))
    .openapi(routes.planDrill, async (c) => {
      const input = c.req.valid('json');
      c.set('audit', { action: 'dr_drill.plan', target: `system:${input.system}/site:${input.site}`, detail: input });
      const drill = await dr.planDrill(requirePrincipal(c), input);
      c.set('audit', { action: 'dr_drill.plan', target: `drill:${drill.id}`, detail: input });
      return c.json(drill, 201);
    })
    .openapi(routes.recordDrill, async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      c.set('audit', {
        action: 'dr_drill.record',
        target: `drill:${id}`,
        detail: {
          result: input.result,
          executedAt: input.executedAt,
          measuredRtoSeconds: input.measuredRtoSeconds ?? null,
          measuredRpoSeconds: input.measuredRpoSeconds ?? null,
        },
      });
      return c.json(await dr.recordDrill(requirePrincipal(c), id, input), 200);
    })
    .openapi(routes.closeFollowUp, async (c) => {
      const { id } = c.req.valid('param');
      c.set('audit', { action: 'follow_up.close', target: `follow_up:${id}` });
      return c.json(await dr.closeFollowUp(requirePrincipal(c), id, c.req.valid('json')), 200);
    })
    .openapi(routes.levels, async (c) => c.json({ items: await dr.levels() }, 200))
    .openapi(routes.correctLevel, async (c) => {
      const { level } = c.req.valid('param');
      const input = c.req.valid('json');
      c.set('audit', { action: 'dr_level.correct', target: `dr_level:${level}`, detail: { ...input } });
      return c.json(await dr.correctLevel(level, input, requirePrincipal(c).name), 200);
    })
    .openapi(routes.settings, async (c) => c.json(await dr.settings(), 200))
    .openapi(routes.setSettings, async (c) => {
      const input = c.req.valid('json');
      c.set('audit', { action: 'dr_settings.set', target: 'dr_settings', detail: { ...input } });
      return c.json(await dr.setSettings(input), 200);
    })
    .openapi(routes.sites, async (c) => c.json({ items: await dr.sites() }, 200))
    .openapi(routes.setSiteStatus, async (c) => {
      const { code } = c.req.valid('param');
      const input = c.req.valid('json');
      c.set('audit', { action: 'dr_site.status', target: `site:${code}`, detail: { ...input } });
      return c.json(await dr.setSiteStatus(code, input), 200);
    })
    .openapi(routes.setMilestone, async (c) => {
      const { code, kind } = c.req.valid('param');
      const input = c.req.valid('json');
      c.set('audit', { action: 'dr_site.milestone', target: `site:${code}/milestone:${kind}`, detail: { ...input } });
      return c.json(await dr.setMilestone(code, kind, input, requirePrincipal(c).name), 200);
    });
}
