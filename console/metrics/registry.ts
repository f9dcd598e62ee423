import { collectDefaultMetrics, Registry } from 'prom-client';

/** The process's one metrics registry, with Node's process metrics under the console prefix. */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'govops_' });
  return registry;
}
