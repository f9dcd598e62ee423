import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The pieces of an OpenSSL-CLI certificate authority for RSA, ECDSA (P-256) and SM2-with-SM3,
 * shared by the demo agent's certificates and the tests' PKI. `openssl ca` is used rather than
 * `x509 -req` because OpenSSL 3.0's `x509` can only date a certificate from now, and expiring or
 * expired certificates need exact dates.
 */

export const caAlgorithms = ['rsa', 'ecdsa', 'sm2'] as const;
export type CaAlgorithm = (typeof caAlgorithms)[number];

/** SM2 signs with GM/T 0009's default ID, as real SM2 CAs do; OpenSSL 3 would use an empty one. */
const sm2Id = 'distid:1234567812345678';

/** `openssl genpkey` options per algorithm. */
export const keyOptions: Record<CaAlgorithm, string[]> = {
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  ecdsa: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  sm2: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2'],
};
/** `openssl ca` signing options per algorithm. */
export const signOptions: Record<CaAlgorithm, string[]> = {
  rsa: ['-md', 'sha256'],
  ecdsa: ['-md', 'sha256'],
  sm2: ['-md', 'sm3', '-sigopt', sm2Id, '-vfyopt', sm2Id],
};
/** `openssl req` options per algorithm. */
export const requestOptions: Record<CaAlgorithm, string[]> = {
  rsa: ['-sha256'],
  ecdsa: ['-sha256'],
  sm2: ['-sm3', '-sigopt', sm2Id],
};

/**
 * An `openssl ca` configuration with its bookkeeping in `db/`, the root and intermediate
 * profiles, a personal-certificate profile (e-mail and the ID number as an otherName SAN, as the
 * extranet RA issues them), and the caller's leaf profiles.
 */
export function caConfig({
  person,
  leafProfiles,
}: {
  person: { email: string; idNumber: string };
  leafProfiles: string;
}) {
  return `
[ca]
default_ca = local_ca
[local_ca]
database = db/index.txt
serial = db/serial
new_certs_dir = db
policy = any_name
unique_subject = no
email_in_dn = no
copy_extensions = none
[any_name]
commonName = optional
[req]
distinguished_name = empty_dn
[empty_dn]
[root_ext]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[intermediate_ext]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[personal_ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = clientAuth,emailProtection
authorityKeyIdentifier = keyid:always
subjectAltName = email:${person.email},otherName:1.2.156.10260.4.1.1;UTF8:${person.idNumber}
${leafProfiles.trim()}
`;
}

const run = promisify(execFile);

/** Runs the OpenSSL CLI and returns its standard output; a failure carries OpenSSL's own message. */
export async function runOpenssl(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<string> {
  try {
    return (await run('openssl', args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } })).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args.join(' ')} failed: ${stderr.trim()}`, { cause: error });
  }
}

/** UTCTime up to 2049 and GeneralizedTime after, as RFC 5280 asks (for `-startdate`/`-enddate`). */
export function asn1Time(date: Date): string {
  const digits = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${date.getUTCFullYear() < 2050 ? digits.slice(2) : digits}Z`;
}
