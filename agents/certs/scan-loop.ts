import type { CertSource } from '../../core/contracts/agent.ts';
import type { EffectiveConfig } from '../config/effective.ts';
import type { Logger } from '../logger.ts';
import { scanCertSource } from './scan.ts';
import type { CertScanResult } from './source.ts';

/** Scans every certificate source soon after a change, then every `certScanSeconds`; one scan at a time. */
export function createCertScanLoop({
  logger,
  now,
  onScan,
}: {
  logger: Logger;
  now: () => Date;
  onScan: (source: CertSource, result: CertScanResult) => void;
}) {
  let config: EffectiveConfig | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  async function scanAll(cfg: EffectiveConfig) {
    for (const source of cfg.certSources) {
      if (stopped || cfg !== config) return; // a newer configuration starts its own scan
      onScan(source, await scanCertSource(source, { trustAnchorsPem: cfg.trustAnchorsPem, now }));
    }
  }
  function after(ms: number) {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const cfg = config!;
      running = running
        .then(() => scanAll(cfg))
        .catch((error: unknown) => logger.error('certificate scan failed', { error: String(error) }))
        .finally(() => {
          if (!stopped && cfg === config) after(cfg.certScanSeconds * 1000);
        });
    }, ms);
  }
  return {
    apply(next: EffectiveConfig) {
      config = next;
      // A short pause gathers a burst of changes (file saved twice, console and file together).
      if (next.certSources.length) after(5_000);
      else clearTimeout(timer);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
