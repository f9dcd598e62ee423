import { createRoute, z } from '@hono/zod-openapi';
import { apiArea, areaRoutes, errorResponses, jsonOk } from '../http/openapi.ts';
import { requirePrincipal } from '../http/principal.ts';
import {
  certificate,
  certificateDetail,
  certificateFilterQuery,
  certificateListQuery,
  certificateSummary,
  fingerprintParam,
  raCsvDescription,
  raImportOutcome,
  trustAnchor,
} from './api-schemas.ts';
import { formatCertificatesCsv } from './certificate-csv.ts';
import { RaImportRejected } from './ra-import.ts';
import type { CertificatesService } from './service.ts';
import { trustAnchorInput } from './trust-anchors.ts';

const tags = ['Certificates'];
const csv = { 'text/csv': { schema: z.string() } };

const route = areaRoutes(tags);

// The fixed paths (export, summary, ra-import) come before /certificates/{fingerprint}.
const routes = {
  list: createRoute({
    ...route('get', '/certificates', 'extranet:read', 'The certificate inventory: filters, sort, pages'),
    request: { query: certificateListQuery },
    responses: {
      200: jsonOk(z.object({ items: z.array(certificate), total: z.number().int() }), 'One page'),
      ...errorResponses,
    },
  }),
  export: createRoute({
    ...route('get', '/certificates/export', 'extranet:read', 'The filtered inventory as CSV (no personal subject)'),
    request: { query: certificateFilterQuery },
    responses: { 200: { description: 'CSV, UTF-8 with BOM', content: csv }, ...errorResponses },
  }),
  summary: createRoute({
    ...route(
      'get',
      '/certificates/summary',
      'extranet:read',
      "Expiry windows, algorithm mix and SM2 share per department, beside the RA's list",
    ),
    responses: { 200: jsonOk(certificateSummary, 'The figures'), ...errorResponses },
  }),
  raImport: createRoute({
    ...route(
      'post',
      '/certificates/ra-import',
      'extranet:write',
      "Import the RA's issued certificates: all lines or none",
    ),
    request: { body: { required: true, description: raCsvDescription, content: csv } },
    responses: { 200: jsonOk(raImportOutcome, 'Imported'), ...errorResponses },
  }),
  detail: createRoute({
    ...route('get', '/certificates/{fingerprint}', 'extranet:read', 'One certificate and where agents saw it'),
    request: { params: fingerprintParam },
    responses: { 200: jsonOk(certificateDetail, 'The certificate'), ...errorResponses },
  }),
  anchors: createRoute({
    ...route('get', '/trust-anchors', 'extranet:read', 'Roots agents verify chains against'),
    responses: { 200: jsonOk(z.object({ items: z.array(trustAnchor) }), 'All anchors'), ...errorResponses },
  }),
  addAnchor: createRoute({
    ...route('post', '/trust-anchors', 'extranet:write', 'Add a root (PEM; RSA, ECDSA or SM2)'),
    request: { body: { required: true, content: { 'application/json': { schema: trustAnchorInput } } } },
    responses: { 201: jsonOk(trustAnchor, 'Added'), ...errorResponses },
  }),
  removeAnchor: createRoute({
    ...route('delete', '/trust-anchors/{fingerprint}', 'extranet:write', 'Remove a root'),
    request: { params: fingerprintParam },
    responses: { 204: { description: 'Removed' }, ...errorResponses },
  }),
};

/** /api/v1 routes of the certificate inventory, its CSV export, the RA import and trust anchors. */
export function certificatesApi({ certificates }: { certificates: CertificatesService }) {
  return apiArea()
    .openapi(routes.list, async (c) => c.json(await certificates.list(requirePrincipal(c), c.req.valid('query')), 200))
    .openapi(routes.export, async (c) => {
      const query = c.req.valid('query');
      c.set('audit', { action: 'certificate.export', target: 'certificates', detail: { ...query }, always: true });
      const rows = await certificates.all(requirePrincipal(c), query);
      return c.body(formatCertificatesCsv(rows), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="certificates.csv"',
      });
    })
    .openapi(routes.summary, async (c) => c.json(await certificates.summary(requirePrincipal(c)), 200))
    .openapi(routes.raImport, async (c) => {
      const audit = (detail?: Record<string, unknown>) =>
        c.set('audit', { action: 'ra_certificates.import', target: 'ra_certificates', ...(detail ? { detail } : {}) });
      audit();
      try {
        const outcome = await certificates.importRa(await c.req.text());
        audit(outcome);
        return c.json(outcome, 200);
      } catch (e) {
        if (e instanceof RaImportRejected) audit({ errors: e.errorCount });
        throw e;
      }
    })
    .openapi(routes.detail, async (c) =>
      c.json(await certificates.detail(requirePrincipal(c), c.req.valid('param').fingerprint), 200),
    )
    .openapi(routes.anchors, async (c) => c.json({ items: await certificates.trustAnchors.list() }, 200))
    .openapi(routes.addAnchor, async (c) => {
      c.set('audit', { action: 'trust_anchor.add', target: 'trust_anchors' });
      const added = await certificates.trustAnchors.add(c.req.valid('json'), requirePrincipal(c));
      c.set('audit', {
        action: 'trust_anchor.add',
        target: `trust_anchor:${added.fingerprint}`,
        detail: { name: added.name, subject: added.subject, family: added.family },
      });
      return c.json(added, 201);
    })
    .openapi(routes.removeAnchor, async (c) => {
      const { fingerprint } = c.req.valid('param');
      c.set('audit', { action: 'trust_anchor.remove', target: `trust_anchor:${fingerprint}` });
      await certificates.trustAnchors.remove(fingerprint);
      return c.body(null, 204);
    });
}
