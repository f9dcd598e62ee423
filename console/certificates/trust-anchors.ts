import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { algorithmFamilyOf, type AlgorithmFamily } from '../../core/cert-windows.ts';
import { Conflict, Invalid, NotFound } from '../../core/errors.ts';
import type { Principal } from '../../core/principal.ts';
import { zodProblems } from '../http/field-problems.ts';
import { insertOrConflict } from '../store/unique-violation.ts';
import type { UnitOfWork } from '../store/unit-of-work.ts';
import { commonNameOf } from './common-name.ts';

/** The agents' configuration carries at most 100 anchors of at most 20,000 characters each. */
export const maxTrustAnchors = 100;
export const maxAnchorPem = 20_000;

export const trustAnchorInput = z
  .object({
    /** Shown in lists; the certificate's common name when left out. */
    name: z.string().trim().min(1).max(200).optional(),
    pem: z.string().min(1).max(maxAnchorPem),
  })
  .strict();
export type TrustAnchorInput = z.input<typeof trustAnchorInput>;

/** A root that agents verify chains against, described from its certificate. */
export type TrustAnchorView = {
  fingerprint: string;
  name: string;
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  family: AlgorithmFamily;
  isCa: boolean;
  addedAt: string;
  addedBy: string;
};

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Reads one PEM certificate (RSA, ECDSA or SM2: OpenSSL parses all three), or says why not. */
function readCertificate(pem: string): X509Certificate {
  const blocks = pem.match(pemBlock) ?? [];
  if (blocks.length !== 1) {
    throw new Invalid([{ field: 'pem', rule: blocks.length === 0 ? 'invalid_certificate' : 'single_certificate' }]);
  }
  try {
    return new X509Certificate(blocks[0]!);
  } catch {
    throw new Invalid([{ field: 'pem', rule: 'invalid_certificate' }]);
  }
}

/** RFC 2253 order (most specific first), as agents report names. */
const rfc2253 = (multiline: string) => multiline.split('\n').reverse().join(',');

function describe(cert: X509Certificate) {
  // Node names no key type for SM2 keys; the SM2-with-SM3 signature names the family then.
  const key = cert.publicKey;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const family = algorithmFamilyOf({
    keyAlgorithm: key.asymmetricKeyType ?? 'unknown',
    signatureAlgorithm: cert.signatureAlgorithm ?? cert.signatureAlgorithmOid,
    ...(curve ? { curve } : {}),
  });
  return {
    fingerprint: cert.fingerprint256.replaceAll(':', '').toLowerCase(),
    subject: rfc2253(cert.subject),
    issuer: rfc2253(cert.issuer),
    serial: cert.serialNumber.toUpperCase(),
    notBefore: cert.validFromDate.toISOString(),
    notAfter: cert.validToDate.toISOString(),
    family,
    isCa: cert.ca,
  };
}

/** Trust anchors: listed for everyone who reads the inventory, added and removed by network operators. */
export function createTrustAnchors({ uow, now }: { uow: UnitOfWork; now: () => Date }) {
  async function list(): Promise<TrustAnchorView[]> {
    const rows = await uow
      .db()
      .selectFrom('trust_anchors')
      .selectAll()
      .orderBy('name')
      .orderBy('fingerprint')
      .execute();
    return rows.map((r) => ({
      ...describe(new X509Certificate(r.pem)),
      fingerprint: r.fingerprint,
      name: r.name,
      addedAt: r.added_at,
      addedBy: r.added_by,
    }));
  }

  return {
    list,

    async add(raw: unknown, actor: Principal): Promise<TrustAnchorView> {
      const parsed = trustAnchorInput.safeParse(raw);
      if (!parsed.success) throw new Invalid(zodProblems(parsed.error));
      const cert = readCertificate(parsed.data.pem);
      const facts = describe(cert);
      const db = uow.db();
      const exists = () => new Conflict('trust_anchor_exists', { fingerprint: facts.fingerprint });
      const held = await db.selectFrom('trust_anchors').select('fingerprint').execute();
      if (held.some((a) => a.fingerprint === facts.fingerprint)) throw exists();
      if (held.length >= maxTrustAnchors) throw new Conflict('too_many_trust_anchors', { max: maxTrustAnchors });
      const row = {
        fingerprint: facts.fingerprint,
        name: parsed.data.name ?? commonNameOf(facts.subject) ?? facts.subject,
        // Stored as OpenSSL writes it back: one block, no text around it.
        pem: cert.toString(),
        added_at: now().toISOString(),
        added_by: actor.name,
      };
      await insertOrConflict(() => db.insertInto('trust_anchors').values(row).execute(), exists);
      return { ...facts, name: row.name, addedAt: row.added_at, addedBy: row.added_by };
    },

    async remove(fingerprint: string): Promise<void> {
      const result = await uow
        .db()
        .deleteFrom('trust_anchors')
        .where('fingerprint', '=', fingerprint)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new NotFound('trust_anchor_not_found', { fingerprint });
    },
  };
}
