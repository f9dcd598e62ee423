import { readFile } from 'node:fs/promises';
import type forge from 'node-forge';
import type { CertSource } from '../../core/contracts/agent.ts';
import { parseCertificate, type ParsedCertificate } from './certificate.ts';
import { splitIntoChains, verifyChain } from './chain.ts';
import { observeChain } from './observation.ts';
import type { CertSourceScanner, ScanProblem } from './source.ts';
import { trustStoreFor } from './trust.ts';

/**
 * A PKCS#12 bundle (a server's or a person's key with its certificates, or a trust store without a
 * key). node-forge decrypts it, including OpenSSL 3's default AES-256-CBC / PBKDF2-HMAC-SHA256 with
 * an HMAC-SHA256 MAC; its legacy RC2 and 3DES bundles too. The key itself is never used or kept.
 * node-forge is loaded on the first bundle scanned: an agent without a PKCS#12 source never pays the
 * few MiB it takes in memory.
 */
type Pkcs12Source = Extract<CertSource, { kind: 'pkcs12' }>;

export const scanPkcs12Source: CertSourceScanner<Pkcs12Source> = async (source, context) => {
  const now = context.now();
  const location = `p12:${source.path}`;
  const problem = (message: string) => ({ observations: [], problems: [{ location, message }] });
  let password: string;
  let bundle: Buffer;
  try {
    // `echo secret > file` leaves a newline that is not part of the password; spaces may be.
    password = (await readFile(source.passwordFile, 'utf8')).replace(/\r?\n$/, '');
  } catch (error) {
    return problem(`password file ${source.passwordFile}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  try {
    bundle = await readFile(source.path);
  } catch (error) {
    return problem(`unreadable: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let ders: Uint8Array[];
  try {
    ders = await certificatesInPkcs12(bundle, password);
  } catch (error) {
    return problem((error as Error).message);
  }
  const problems: ScanProblem[] = [];
  const certificates: ParsedCertificate[] = [];
  ders.forEach((der, index) => {
    try {
      certificates.push(parseCertificate(der));
    } catch (error) {
      problems.push({ location, message: `certificate ${index + 1}: ${(error as Error).message}` });
    }
  });
  if (ders.length === 0) problems.push({ location, message: 'no certificate in the bundle' });
  const trust = trustStoreFor(context.trustAnchorsPem);
  const observedAt = now.toISOString();
  const observations = splitIntoChains(certificates).flatMap((chain) =>
    observeChain(chain, verifyChain(chain, { trust, now }), { source, location, observedAt }),
  );
  return { observations, problems };
};

/**
 * The DER of every certificate in a PKCS#12 bundle, the one belonging to the bundle's key first.
 * Throws with a short message on a wrong password or a damaged file.
 */
export async function certificatesInPkcs12(bundle: Uint8Array, password: string): Promise<Uint8Array[]> {
  const forge = await loadForge();
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(bundle).toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    const message = (error as Error).message;
    if (/MAC could not be verified|wrong password|Invalid password/i.test(message)) {
      throw new Error('wrong password (the PKCS#12 integrity check fails)', { cause: error });
    }
    throw new Error(`not a readable PKCS#12 file: ${message}`, { cause: error });
  }
  const keyIds = new Set<string>();
  for (const bagType of [forge.pki.oids.pkcs8ShroudedKeyBag!, forge.pki.oids.keyBag!]) {
    for (const bag of p12.getBags({ bagType })[bagType] ?? []) {
      for (const keyId of bag.attributes['localKeyId'] ?? []) keyIds.add(String(keyId));
    }
  }
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const ownsKey = (bag: forge.pkcs12.Bag) =>
    (bag.attributes['localKeyId'] ?? []).some((keyId: unknown) => keyIds.has(String(keyId)));
  const ordered = [...certBags.filter(ownsKey), ...certBags.filter((bag) => !ownsKey(bag))];
  return ordered.map((bag) => certificateDer(forge, bag));
}

type Forge = typeof forge;
let forgeModule: Forge | undefined;

async function loadForge(): Promise<Forge> {
  return (forgeModule ??= (await import('node-forge')).default);
}

/**
 * forge decodes RSA certificates and keeps their original TBS, so re-encoding gives back the same
 * bytes (and fingerprint); certificates with other keys (ECDSA, SM2) it cannot decode and keeps as ASN.1.
 */
function certificateDer(forge: Forge, bag: forge.pkcs12.Bag): Uint8Array {
  const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
  if (!asn1) throw new Error('PKCS#12 certificate bag without a certificate');
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
