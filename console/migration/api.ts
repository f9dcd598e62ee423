import { createRoute, z } from '@hono/zod-openapi';
import type { Deps } from '../deps.ts';
import { apiArea, areaRoutes, errorResponses, jsonBody, jsonOk } from '../http/openapi.ts';
import { requirePrincipal } from '../http/principal.ts';
import {
  boardQuery,
  boardView,
  draftBody,
  draftPatch,
  migrationDetail,
  migrationRequest,
  moveBody,
  requestListQuery,
  waveBody,
  wavePatch,
  waveView,
} from './api-schemas.ts';
import type { BoardColumnKey } from './board-columns.ts';
import { namedMigrationError } from './error-names.ts';
import { moveAuditAction } from './waves.ts';

const tags = ['Migration'];
const idParam = z.object({ id: z.string().min(1).max(64) });
const codeParam = z.object({ code: z.string().min(1).max(32) });
const route = areaRoutes(tags);
const body = jsonBody;

const routes = {
  list: createRoute({
    ...route('get', '/migration-requests', 'systems:read', 'Migration requests (filter, sort, offset pages)'),
    request: { query: requestListQuery },
    responses: {
      200: jsonOk(z.object({ items: z.array(migrationRequest), total: z.number().int() }), 'One page'),
      ...errorResponses,
    },
  }),
  create: createRoute({
    ...route(
      'post',
      '/migration-requests',
      'systems:write',
      "Draft a request to move a system onto the cloud (one open request per system; a department's own systems only)",
    ),
    request: body(draftBody),
    responses: { 201: jsonOk(migrationRequest, 'Drafted'), ...errorResponses },
  }),
  get: createRoute({
    ...route(
      'get',
      '/migration-requests/{id}',
      'systems:read',
      'One request with its history and the moves open to the caller',
    ),
    request: { params: idParam },
    responses: { 200: jsonOk(migrationDetail, 'The request'), ...errorResponses },
  }),
  edit: createRoute({
    ...route('patch', '/migration-requests/{id}', 'systems:write', 'Change a draft or returned request'),
    request: { params: idParam, ...body(draftPatch) },
    responses: { 200: jsonOk(migrationRequest, 'Changed'), ...errorResponses },
  }),
  move: createRoute({
    ...route(
      'post',
      '/migration-requests/{id}/moves',
      'systems:write',
      'Move a request along its lifecycle. Operator moves need migration:manage (403 otherwise); an illegal move is 409 naming the state and the allowed moves; a move the gates refuse is 409 gate_refused naming every unmet gate',
    ),
    request: { params: idParam, ...body(moveBody) },
    responses: { 200: jsonOk(migrationRequest, 'Moved'), ...errorResponses },
  }),
  board: createRoute({
    ...route('get', '/migration-board', 'systems:read', 'Counts per state and the latest cards per board column'),
    request: { query: boardQuery },
    responses: { 200: jsonOk(boardView, 'The board'), ...errorResponses },
  }),
  waves: createRoute({
    ...route('get', '/waves', 'systems:read', 'Waves in plan order with progress and health'),
    responses: { 200: jsonOk(z.object({ items: z.array(waveView) }), 'The plan'), ...errorResponses },
  }),
  createWave: createRoute({
    ...route('post', '/waves', 'migration:manage', 'Add a wave to the plan'),
    request: body(waveBody),
    responses: { 201: jsonOk(waveView, 'Created'), ...errorResponses },
  }),
  wave: createRoute({
    ...route('get', '/waves/{code}', 'systems:read', 'One wave with its requests'),
    request: { params: codeParam },
    responses: {
      200: jsonOk(waveView.extend({ requests: z.array(migrationRequest) }), 'The wave'),
      ...errorResponses,
    },
  }),
  updateWave: createRoute({
    ...route('patch', '/waves/{code}', 'migration:manage', "Change a wave's name, position, window or notes"),
    request: { params: codeParam, ...body(wavePatch) },
    responses: { 200: jsonOk(waveView, 'Changed'), ...errorResponses },
  }),
};

/** /api/v1 routes for migration requests, the board and the wave plan. */
export function migrationApi({ migration }: Pick<Deps, 'migration'>) {
  return apiArea()
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      return c.json(await migration.list(requirePrincipal(c), { ...q, column: q.column as BoardColumnKey }), 200);
    })
    .openapi(routes.create, async (c) => {
      const input = c.req.valid('json');
      c.set('audit', { action: 'migration_request.create', target: `system:${input.system}` });
      const drafted = await migration.create(requirePrincipal(c), input);
      c.set('audit', {
        action: 'migration_request.create',
        target: `migration_request:${drafted.id}`,
        detail: { system: drafted.system, department: drafted.department },
      });
      return c.json(drafted, 201);
    })
    .openapi(routes.get, async (c) => c.json(await migration.detail(requirePrincipal(c), c.req.valid('param').id), 200))
    .openapi(routes.edit, async (c) => {
      const { id } = c.req.valid('param');
      c.set('audit', { action: 'migration_request.edit', target: `migration_request:${id}` });
      return c.json(await migration.edit(requirePrincipal(c), id, c.req.valid('json')), 200);
    })
    .openapi(routes.move, async (c) => {
      const { id } = c.req.valid('param');
      const { to, ...input } = c.req.valid('json');
      c.set('audit', {
        action: moveAuditAction,
        target: `migration_request:${id}`,
        detail: { to, version: input.version, ...(input.wave ? { wave: input.wave } : {}) },
      });
      try {
        return c.json(await migration.move(requirePrincipal(c), id, to, input), 200);
      } catch (e) {
        // State and gate names in the caller's language; the codes stay in `details`.
        throw namedMigrationError(c.get('t'), e);
      }
    })
    .openapi(routes.board, async (c) => {
      const { cards, column, ...filter } = c.req.valid('query');
      const columns = await migration.board(
        requirePrincipal(c),
        { ...filter, column: column as BoardColumnKey },
        cards,
      );
      return c.json({ columns }, 200);
    })
    .openapi(routes.waves, async (c) => c.json({ items: await migration.waves.list() }, 200))
    .openapi(routes.createWave, async (c) => {
      const input = c.req.valid('json');
      c.set('audit', { action: 'wave.create', target: `wave:${input.code}`, detail: { position: input.position } });
      return c.json(await migration.waves.create(requirePrincipal(c), input), 201);
    })
    .openapi(routes.wave, async (c) =>
      c.json(await migration.waves.get(requirePrincipal(c), c.req.valid('param').code), 200),
    )
    .openapi(routes.updateWave, async (c) => {
      const { code } = c.req.valid('param');
      const input = c.req.valid('json');
      c.set('audit', { action: 'wave.update', target: `wave:${code}`, detail: input });
      return c.json(await migration.waves.update(requirePrincipal(c), code, input), 200);
    });
}
