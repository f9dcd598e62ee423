import { z } from '@hono/zod-openapi';
import { algorithmFamilies, expiryWindows } from '../../core/cert-windows.ts';
import { chainProblems } from '../../core/contracts/agent.ts';
import { raHolderKinds, raStatuses } from '../../core/ra-certificates-csv.ts';
import { certificateSorts, chainStates, holderKinds } from './inventory-filter.ts';

/** Response and query shapes of the certificate API, for validation and the OpenAPI document. */

const window = z.enum(expiryWindows);
const family = z.enum(algorithmFamilies);

export const certificate = z
  .object({
    fingerprint: z.string().openapi({ description: 'SHA-256 of the DER, lowercase hex' }),
    commonName: z.string().nullable().openapi({ description: 'Always null for personal certificates' }),
    subject: z.string().nullable().openapi({ description: 'Always null for personal certificates' }),
    issuer: z.string(),
    serial: z.string(),
    notBefore: z.string(),
    notAfter: z.string(),
    window,
    keyAlgorithm: z.string(),
    keySize: z.number().int().nullable(),
    curve: z.string().nullable(),
    signatureAlgorithm: z.string(),
    family,
    sans: z.array(z.string()),
    isCa: z.boolean(),
    personal: z.boolean(),
    department: z.string().nullable(),
    departmentName: z.string().nullable(),
    chainVerified: z.boolean(),
    chainProblems: z.array(z.enum(chainProblems)),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
  })
  .openapi('Certificate');

export const certificateDetail = certificate
  .extend({
    sightings: z.array(
      z.object({
        agentId: z.string(),
        agentName: z.string().nullable(),
        sourceId: z.string(),
        location: z.string(),
        position: z.number().int(),
        chainVerified: z.boolean(),
        chainProblems: z.array(z.enum(chainProblems)),
        lastSeenAt: z.string(),
      }),
    ),
    ra: z
      .object({
        status: z.string(),
        holderKind: z.string(),
        department: z.string().nullable(),
        family: z.string(),
        notBefore: z.string(),
        notAfter: z.string(),
      })
      .nullable()
      .openapi({ description: "The RA's record of the same serial, if its list has one" }),
  })
  .openapi('CertificateDetail');

const mix = z.object({
  total: z.number().int(),
  byWindow: z.record(window, z.number().int()),
  byFamily: z.record(family, z.number().int()),
  sm2Share: z.number().nullable().openapi({ description: 'SM2 certificates / total, 0–1; null when none' }),
});
const raMix = mix.extend({
  seen: z.number().int().openapi({ description: 'Issued serials that agents have also seen' }),
  revoked: z.number().int(),
});

export const certificateSummary = z
  .object({
    at: z.string(),
    windows: z.record(window, z.number().int()).openapi({ description: 'Every certificate, CA certificates included' }),
    total: z.number().int(),
    inventory: mix.openapi({ description: 'End-entity certificates agents reported' }),
    ra: raMix.openapi({ description: "The RA's issued certificates (not revoked)" }),
    departments: z.array(
      z.object({
        department: z.string().nullable(),
        departmentName: z.string().nullable(),
        inventory: mix,
        ra: raMix,
      }),
    ),
  })
  .openapi('CertificateSummary');

export const certificateFilterQuery = z.object({
  window: window.optional(),
  family: family.optional(),
  department: z.string().min(1).max(32).optional(),
  holder: z.enum(holderKinds).optional(),
  chain: z.enum(chainStates).optional(),
  q: z.string().max(100).optional(),
  sort: z.enum(certificateSorts).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

export const certificateListQuery = certificateFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const fingerprintParam = z.object({
  fingerprint: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .transform((f) => f.toLowerCase())
    .openapi({ param: { name: 'fingerprint', in: 'path' }, description: 'SHA-256, 64 hex digits' }),
});

export const raImportOutcome = z
  .object({ imported: z.number().int(), created: z.number().int(), updated: z.number().int() })
  .openapi('RaImportOutcome');

export const trustAnchor = z
  .object({
    fingerprint: z.string(),
    name: z.string(),
    subject: z.string(),
    issuer: z.string(),
    serial: z.string(),
    notBefore: z.string(),
    notAfter: z.string(),
    family,
    isCa: z.boolean(),
    addedAt: z.string(),
    addedBy: z.string(),
  })
  .openapi('TrustAnchor');

/** Documented for readers of the OpenAPI file; the parser in core reads the text itself. */
export const raCsvDescription = `CSV (UTF-8, BOM allowed) with a header. Columns, English or Chinese: serial (序列号),
common name (证书名称/通用名, kept for server certificates only), department code (部门代码), holder kind
(持有者类型: ${raHolderKinds.join('|')} or 个人|设备/服务器), algorithm (算法: SM2, RSA, ECDSA…), not before (生效日期),
not after (失效日期), status (状态: ${raStatuses.join('|')}). Times without a zone are China Standard Time.
Other columns are ignored. Any bad line refuses the whole file.`;
