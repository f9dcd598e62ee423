import { isIP } from 'node:net';
import type { CertificateObservation } from '../../core/contracts/agent.ts';

/**
 * Personal certificates (staff signing and login certificates) carry a person's name and ID number
 * in the subject, and often an e-mail address or the ID number again as an other-name SAN. None of
 * that may leave the agent: the subject is dropped whole and only host SANs are kept. The issuer is
 * a CA's name and stays, since the per-CA and SM2 figures need it.
 */
export function redactPersonal(observation: CertificateObservation): CertificateObservation {
  return { ...observation, subject: null, sans: observation.sans.filter(isHostSan), personal: true };
}

// A whitelist rather than a list of what to drop: a SAN form nobody thought of stays out.
const dnsName = /^(\*\.)?[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;

function isHostSan(san: string): boolean {
  return isIP(san) !== 0 || dnsName.test(san);
}
