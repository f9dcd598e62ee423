import { createRoute, z } from '@hono/zod-openapi';
import { auditFieldNames, auditFieldValues } from '../../core/audit-chain.ts';
import { formatCsv } from '../../core/csv.ts';
import { needs } from '../http/guard.ts';
import { apiArea, errorResponses, jsonOk, security } from '../http/openapi.ts';
import type { AuditFilter, AuditRecord, AuditService } from './service.ts';

const record = z
  .object({
    seq: z.number(),
    at: z.string(),
    actor: z.string(),
    role: z.string(),
    action: z.string(),
    target: z.string(),
    outcome: z.enum(['success', 'failure', 'denied']),
    source: z.string(),
    detail: z.string(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditRecord');

const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/);

export const auditQuery = z.object({
  actor: z.string().max(64).optional(),
  action: z.string().max(100).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const tags = ['Audit'];

const routes = {
  list: createRoute({
    method: 'get',
    path: '/audit',
    tags,
    security,
    middleware: [needs('audit:read')] as const,
    summary: 'Audit records, newest first (page with `before` = the last seq seen)',
    request: { query: auditQuery },
    responses: {
      200: jsonOk(z.object({ items: z.array(record), nextBefore: z.number().nullable() }), 'One page'),
      ...errorResponses,
    },
  }),
  verify: createRoute({
    method: 'get',
    path: '/audit/verify',
    tags,
    security,
    middleware: [needs('audit:read')] as const,
    summary: 'Verify the hash chain; names the first broken record',
    responses: {
      200: jsonOk(
        z.object({
          ok: z.boolean(),
          count: z.number(),
          seq: z.number().optional(),
          reason: z.enum(['missing', 'altered', 'relinked', 'truncated']).optional(),
        }),
        'Verification result',
      ),
      ...errorResponses,
    },
  }),
  export: createRoute({
    method: 'get',
    path: '/audit/export',
    tags,
    security,
    middleware: [needs('audit:read')] as const,
    summary: 'Export matching audit records as CSV',
    request: { query: auditQuery.omit({ before: true, limit: true }) },
    responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
  }),
};

/** Audit records as CSV rows, the header first, the chain's hashes last. */
export function auditCsv(records: AuditRecord[]): string {
  return formatCsv([
    [...auditFieldNames, 'prev_hash', 'hash'],
    ...records.map((r) => [...auditFieldValues(r).map(String), r.prevHash, r.hash]),
  ]);
}

/** Every record matching a filter, fetched page by page. */
export async function allMatching(audit: AuditService, filter: AuditFilter): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for (let before: number | undefined; ;) {
    const page = await audit.list({ ...filter, before, limit: 1000 });
    out.push(...page);
    if (page.length < 1000) return out;
    before = page.at(-1)!.seq;
  }
}

/** /api/v1 routes of the audit log: read and verify, for the audit administrator. */
export function auditApi({ audit }: { audit: AuditService }) {
  return apiArea()
    .openapi(routes.list, async (c) => {
      const q = c.req.valid('query');
      const items = await audit.list(q);
      return c.json({ items, nextBefore: items.length === q.limit ? items.at(-1)!.seq : null }, 200);
    })
    .openapi(routes.verify, async (c) => {
      const result = await audit.verify();
      c.set('audit', { action: 'audit.verify', target: 'audit_log', detail: result, always: true });
      return c.json(result, 200);
    })
    .openapi(routes.export, async (c) => {
      const q = c.req.valid('query');
      c.set('audit', { action: 'audit.export', target: 'audit_log', detail: q, always: true });
      return c.body(auditCsv(await allMatching(audit, q)), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="audit-log.csv"',
      });
    });
}
