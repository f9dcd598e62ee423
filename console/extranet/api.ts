import { createRoute, z } from '@hono/zod-openapi';
import { apiArea, areaRoutes, errorResponses, jsonBody, jsonOk } from '../http/openapi.ts';
import { requirePrincipal } from '../http/principal.ts';
import {
  availabilityView,
  linkClassView,
  linkDetail,
  linkListQuery,
  linkView,
  overviewView,
  roundsQuery,
  roundView,
} from './api-schemas.ts';
import { linkBody, linkPatch } from './link-input.ts';
import { classThresholdsBody } from './link-thresholds.ts';
import type { LinksService } from './links-service.ts';

const tags = ['Extranet links'];
const codeParam = z.object({ code: z.string().min(1).max(64) });
const route = areaRoutes(tags);
const body = jsonBody;

const routes = {
  list: createRoute({
    ...route('get', '/links', 'extranet:read', 'Links with their state (filter, sort, offset pages)'),
    request: { query: linkListQuery },
    responses: {
      200: jsonOk(z.object({ items: z.array(linkView), total: z.number().int() }), 'One page'),
      ...errorResponses,
    },
  }),
  create: createRoute({
    ...route('post', '/links', 'extranet:write', 'Define a link: its place in the tree, its agent and probe'),
    request: body(linkBody),
    responses: { 201: jsonOk(linkView, 'Created (state unknown until its agent reports)'), ...errorResponses },
  }),
  get: createRoute({
    ...route('get', '/links/{code}', 'extranet:read', 'One link: state, thresholds in force, latest state changes'),
    request: { params: codeParam },
    responses: { 200: jsonOk(linkDetail, 'The link'), ...errorResponses },
  }),
  update: createRoute({
    ...route(
      'patch',
      '/links/{code}',
      'extranet:write',
      'Change a link (any field but its code; probe replaced whole)',
    ),
    request: { params: codeParam, ...body(linkPatch) },
    responses: { 200: jsonOk(linkView, 'Changed'), ...errorResponses },
  }),
  rounds: createRoute({
    ...route('get', '/links/{code}/rounds', 'extranet:read', "A link's latest stored rounds, newest first"),
    request: { params: codeParam, query: roundsQuery },
    responses: { 200: jsonOk(z.object({ items: z.array(roundView) }), 'Rounds'), ...errorResponses },
  }),
  availability: createRoute({
    ...route(
      'get',
      '/links/{code}/availability',
      'extranet:read',
      'Availability today, per day (30 days) and per month (12), Asia/Shanghai calendar',
    ),
    request: { params: codeParam },
    responses: { 200: jsonOk(availabilityView, 'Availability'), ...errorResponses },
  }),
  overview: createRoute({
    ...route(
      'get',
      '/extranet/overview',
      'extranet:read',
      'Counts per level and state (one incident per cut upstream link), incidents, the region tree, worst links',
    ),
    responses: { 200: jsonOk(overviewView, 'The overview'), ...errorResponses },
  }),
  classes: createRoute({
    ...route('get', '/link-classes', 'extranet:read', 'Thresholds in force per link class, with their defaults'),
    responses: { 200: jsonOk(z.object({ items: z.array(linkClassView) }), 'Every class'), ...errorResponses },
  }),
  setClass: createRoute({
    ...route('put', '/link-classes/{class}', 'extranet:write', "Replace a class's thresholds (from the next round on)"),
    request: { params: z.object({ class: z.string().min(1).max(32) }), ...body(classThresholdsBody) },
    responses: { 200: jsonOk(linkClassView, 'Changed'), ...errorResponses },
  }),
};

/** /api/v1 routes of extranet links, their history, the overview and per-class thresholds. */
export function extranetApi({ links }: { links: LinksService }) {
  return apiArea()
    .openapi(routes.list, async (c) => c.json(await links.list(requirePrincipal(c), c.req.valid('query')), 200))
    .openapi(routes.create, async (c) => {
      const input = c.req.valid('json');
      c.set('audit', {
        action: 'link.create',
        target: `link:${input.code}`,
        detail: { class: input.class, parent: input.parent ?? null, agent: input.agent ?? null },
      });
      return c.json(await links.create(requirePrincipal(c), input), 201);
    })
    .openapi(routes.get, async (c) => {
      const p = requirePrincipal(c);
      const { code } = c.req.valid('param');
      const link = await links.get(p, code);
      const events = await links.events(p, code);
      const thresholds = (await links.classes()).find((k) => k.class === link.class)!.thresholds;
      return c.json({ ...link, thresholds, events }, 200);
    })
    .openapi(routes.update, async (c) => {
      const { code } = c.req.valid('param');
      const changes = c.req.valid('json');
      c.set('audit', { action: 'link.update', target: `link:${code}`, detail: { changes } });
      return c.json(await links.update(requirePrincipal(c), code, changes), 200);
    })
    .openapi(routes.rounds, async (c) => {
      const { code } = c.req.valid('param');
      const { limit } = c.req.valid('query');
      return c.json({ items: await links.rounds(requirePrincipal(c), code, limit) }, 200);
    })
    .openapi(routes.availability, async (c) =>
      c.json(await links.availability(requirePrincipal(c), c.req.valid('param').code), 200),
    )
    .openapi(routes.overview, async (c) => c.json(await links.overview(requirePrincipal(c)), 200))
    .openapi(routes.classes, async (c) => c.json({ items: await links.classes() }, 200))
    .openapi(routes.setClass, async (c) => {
      const linkClass = c.req.valid('param').class;
      const thresholds = c.req.valid('json');
      c.set('audit', { action: 'link_class.update', target: `link_class:${linkClass}`, detail: { thresholds } });
      return c.json(await links.setClassThresholds(linkClass, thresholds, requirePrincipal(c).name), 200);
    });
}
