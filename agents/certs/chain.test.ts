import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPki,
  pemToDer,
  pkiAlgorithms,
  runOpenssl,
  skipWithoutOpenssl,
  type TestPki,
} from '../../test/cert-factory.ts';
import { parseCertificate, type ParsedCertificate } from './certificate.ts';
import { matchesHostname, splitIntoChains, verifyChain } from './chain.ts';
import { createTrustStore } from './trust.ts';

const skip = skipWithoutOpenssl();
const day = 86_400_000;

describe.skipIf(skip)('verifyChain', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });
  afterAll(() => pki?.cleanup());

  const parse = (der: Uint8Array) => parseCertificate(der);
  const problemsOf = (verdicts: { chainProblems: string[] }[]) => verdicts.map((verdict) => verdict.chainProblems);

  describe.each(pkiAlgorithms)('%s', (algorithm) => {
    const variants = [
      ['leaf', []],
      ['expiringSoon', []],
      ['expired', ['expired']],
      ['notYetValid', ['not_yet_valid']],
      ['wrongHost', ['hostname_mismatch']],
      ['selfSigned', ['self_signed']],
    ] as const;

    it.each(variants)('classifies the %s variant presented with its intermediate', (variant, expected) => {
      const p = pki[algorithm];
      const verdicts = verifyChain([parse(p[variant].der), parse(p.intermediate.der)], {
        trust: createTrustStore([p.root.pem]),
        now: pki.now,
        hostname: pki.hostname,
      });
      expect(verdicts[0]).toEqual({ chainVerified: expected.length === 0, chainProblems: expected });
      expect(verdicts[1]).toEqual({ chainVerified: true, chainProblems: [] });
    });

    it('reports a missing intermediate as a broken chain, and finds it among the anchors', () => {
      const p = pki[algorithm];
      const leaf = parse(p.leaf.der);
      expect(problemsOf(verifyChain([leaf], { trust: createTrustStore([p.root.pem]), now: pki.now }))).toEqual([
        ['broken_chain'],
      ]);
      const withIntermediate = createTrustStore([p.root.pem, p.intermediate.pem]);
      expect(verifyChain([leaf], { trust: withIntermediate, now: pki.now })[0]!.chainVerified).toBe(true);
      // An intermediate alone as the anchor ends the chain as trusted (a pinned department CA).
      const pinned = createTrustStore([p.intermediate.pem]);
      expect(verifyChain([leaf], { trust: pinned, now: pki.now })[0]!.chainVerified).toBe(true);
    });

    it('tolerates issuers presented out of order', () => {
      const p = pki[algorithm];
      const presented = [parse(p.leaf.der), parse(p.root.der), parse(p.intermediate.der)];
      const verdicts = verifyChain(presented, { trust: createTrustStore([p.root.pem]), now: pki.now });
      expect(verdicts.every((verdict) => verdict.chainVerified)).toBe(true);
    });

    it('without the root among the anchors, the chain is untrusted and the root self-signed', () => {
      const p = pki[algorithm];
      const presented = [parse(p.leaf.der), parse(p.intermediate.der), parse(p.root.der)];
      const verdicts = verifyChain(presented, { trust: createTrustStore([]), now: pki.now });
      expect(problemsOf(verdicts)).toEqual([['untrusted'], ['untrusted'], ['self_signed']]);
      const otherRoot = createTrustStore([pki[algorithm === 'sm2' ? 'rsa' : 'sm2'].root.pem]);
      expect(problemsOf(verifyChain(presented, { trust: otherRoot, now: pki.now }))[0]).toEqual(['untrusted']);
    });

    it('detects a tampered signature and a tampered certificate body', () => {
      const p = pki[algorithm];
      const trust = createTrustStore([p.root.pem]);
      const intermediate = parse(p.intermediate.der);
      const badSignature = Buffer.from(p.leaf.der);
      badSignature[badSignature.length - 2]! ^= 0x01;
      const badBody = Buffer.from(p.leaf.der);
      const at = badBody.indexOf('svc.example');
      badBody[at]! ^= 0x20; // "Svc.example": the issuer still matches, the signature no longer does
      for (const tampered of [badSignature, badBody]) {
        const verdicts = verifyChain([parse(tampered), intermediate], { trust, now: pki.now });
        expect(problemsOf(verdicts)).toEqual([['bad_signature'], []]);
      }
    });

    it("includes the issuers' problems in a certificate's verdict", () => {
      const p = pki[algorithm];
      // 320 days ago the leaf of `expiringSoon` was valid but its intermediate was not yet.
      const then = new Date(pki.now.getTime() - 320 * day);
      const presented = [parse(p.expiringSoon.der), parse(p.intermediate.der)];
      const verdicts = verifyChain(presented, { trust: createTrustStore([p.root.pem]), now: then });
      expect(problemsOf(verdicts)).toEqual([['not_yet_valid'], ['not_yet_valid']]);
    });
  });

  describe('SM2 with SM3', () => {
    it('agrees with OpenSSL on a real chain and on a tampered one', async () => {
      const p = pki.sm2;
      const tampered = Buffer.from(p.leaf.der);
      tampered[tampered.length - 2]! ^= 0x01;
      const tamperedPath = join(pki.dir, 'sm2-tampered.der');
      await writeFile(tamperedPath, tampered);
      // OpenSSL 3.0 applies `-vfyopt distid` to the target certificate only, so each link is checked
      // on its own: the intermediate against the root, the leaf against the intermediate.
      const opensslVerify = (issuer: string, path: string) =>
        runOpenssl(
          ['verify', '-partial_chain', '-CAfile', issuer, '-vfyopt', 'distid:1234567812345678', path],
          pki.dir,
        ).then(
          () => true,
          () => false,
        );
      expect(await opensslVerify(p.root.certPath, p.intermediate.certPath)).toBe(true);
      expect(await opensslVerify(p.intermediate.certPath, p.leaf.certPath)).toBe(true);
      const tamperedPem = join(pki.dir, 'sm2-tampered.pem');
      await runOpenssl(['x509', '-inform', 'DER', '-in', tamperedPath, '-out', tamperedPem], pki.dir);
      expect(await opensslVerify(p.intermediate.certPath, tamperedPem)).toBe(false);

      const trust = createTrustStore([p.root.pem]);
      const ours = (leaf: Uint8Array) =>
        verifyChain([parse(leaf), parse(p.intermediate.der)], { trust, now: pki.now })[0]!.chainVerified;
      expect(ours(p.leaf.der)).toBe(true);
      expect(ours(tampered)).toBe(false);
    });

    it('accepts certificates OpenSSL signed with its empty default ID', async () => {
      // `openssl req -x509 -sm3` without `-sigopt distid:…` signs with an empty ID, as home-made CAs do.
      const key = join(pki.dir, 'empty-id.key');
      const cert = join(pki.dir, 'empty-id.pem');
      await runOpenssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', key], pki.dir);
      await runOpenssl(
        ['req', '-x509', '-key', key, '-sm3', '-subj', '/CN=Home-made SM2 CA', '-days', '2', '-out', cert],
        pki.dir,
      );
      const pem = await readFile(cert, 'utf8');
      const root = parse(pemToDer(pem));
      expect(verifyChain([root], { trust: createTrustStore([pem]), now: new Date() })[0]!.chainVerified).toBe(true);
      expect(verifyChain([root], { trust: createTrustStore([]), now: new Date() })[0]!.chainProblems).toEqual([
        'self_signed',
      ]);
    });
  });

  it('matches host names by RFC 6125', () => {
    const leaf = parse(pki.ecdsa.leaf.der);
    expect(matchesHostname(leaf, pki.hostname)).toBe(true);
    expect(matchesHostname(leaf, `${pki.hostname}.`)).toBe(true);
    expect(matchesHostname(leaf, `API.apps.${pki.hostname}`)).toBe(true);
    expect(matchesHostname(leaf, `a.b.apps.${pki.hostname}`)).toBe(false);
    expect(matchesHostname(leaf, `apps.${pki.hostname}`)).toBe(false);
    expect(matchesHostname(leaf, '127.0.0.1')).toBe(true);
    expect(matchesHostname(leaf, '127.0.0.2')).toBe(false);
  });

  it('splits certificates found together into chains, leaf first', () => {
    const byName = (certificates: ParsedCertificate[][]) =>
      certificates.map((chain) => chain.map((certificate) => /CN=([^,]+)/.exec(certificate.subject)![1]));
    const { rsa, sm2 } = pki;
    const mixed = [rsa.root, sm2.intermediate, rsa.leaf, rsa.intermediate, sm2.root].map((issued) => parse(issued.der));
    expect(byName(splitIntoChains(mixed))).toEqual([
      ['GovOps Test SM2 Issuing CA', 'GovOps Test SM2 Root CA'],
      [pki.hostname, 'GovOps Test RSA Issuing CA', 'GovOps Test RSA Root CA'],
    ]);
    const roots = [rsa.root, sm2.root, pki.ecdsa.root].map((issued) => parse(issued.der));
    expect(splitIntoChains(roots).map((chain) => chain.length)).toEqual([1, 1, 1]);
  });
});
