import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logger.ts';

/** Sets one series of the gauge being collected. */
export type SeriesSetter = (labels: Record<string, string>, value: number) => void;

export type StoreGaugeSpec = {
  name: string;
  help: string;
  labelNames: readonly string[];
  /** Reads the store and sets every series the gauge has now. */
  read: (set: SeriesSetter) => Promise<void>;
};

/**
 * A gauge whose series are rebuilt from the store on every scrape, so every replica reports the
 * same figures and none keeps state. A failed read leaves the gauge empty and logs a warning: the
 * scrape still answers with everything else, and the gap shows on the dashboards.
 */
export function storeGauge(registry: Registry, logger: Logger | undefined, spec: StoreGaugeSpec): Gauge<string> {
  const gauge: Gauge<string> = new Gauge({
    name: spec.name,
    help: spec.help,
    labelNames: spec.labelNames,
    registers: [registry],
    async collect() {
      gauge.reset();
      try {
        await spec.read((labels, value) => gauge.set(labels, value));
      } catch (e) {
        gauge.reset();
        logger?.warn('metric not collected', { metric: spec.name, err: (e as Error).message });
      }
    },
  });
  return gauge;
}

/**
 * One store read shared by the gauges of one scrape. prom-client starts every metric's collect()
 * in the same synchronous pass (then awaits them together), so the gauges fed by the same rows
 * share the promise made by the first; it is forgotten at the next microtask, and the next scrape
 * (or a lone `get()`) reads afresh.
 */
export function readOncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    if (!pending) {
      pending = (async () => read())(); // a read that throws at once rejects like any other
      queueMicrotask(() => (pending = null));
    }
    return pending;
  };
}
