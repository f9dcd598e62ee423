import type { CertificateObservation, LinkRound } from '../../core/contracts/agent.ts';
import type { Logger } from '../logger.ts';

/**
 * Where an accepted report's contents go. The links service (link state from rounds) and the
 * certificate inventory implement these; they write through `uow.db()`, so they run inside the
 * report's one transaction and a failure in either stores nothing at all.
 */
export type RoundSink = { recordRounds(agentId: string, rounds: LinkRound[]): Promise<void> };
export type CertificateSink = {
  recordObservations(agentId: string, observations: CertificateObservation[]): Promise<void>;
};

/** The links service as a round sink, or (until it records rounds) one that keeps nothing and says so once. */
export function roundSinkOf(links: object, logger: Logger): RoundSink {
  if (hasMethod(links, 'recordRounds')) return links as RoundSink;
  return { recordRounds: missing(logger, 'link rounds are not recorded: the links service has no recordRounds') };
}

/** The certificate inventory as an observation sink, or (until it records them) one that keeps nothing. */
export function certificateSinkOf(certificates: object, logger: Logger): CertificateSink {
  if (hasMethod(certificates, 'recordObservations')) return certificates as CertificateSink;
  return {
    recordObservations: missing(
      logger,
      'certificate observations are not recorded: the certificate service has no recordObservations',
    ),
  };
}

function hasMethod(o: object, name: string): boolean {
  return typeof (o as Record<string, unknown>)[name] === 'function';
}

function missing(logger: Logger, message: string) {
  let said = false;
  return async () => {
    if (!said) logger.warn(message);
    said = true;
  };
}
