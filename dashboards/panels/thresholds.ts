import { ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DynamicConfigValue, Threshold } from '@grafana/grafana-foundation-sdk/dashboard';

/**
 * Colours that carry meaning across the dashboards: green is fine, orange wants a look, red is
 * what an alert fires on. Thresholds mirror the alert rules (dashboards/rules/) so a red cell and
 * a page say the same thing.
 */

/** Red at and above `critical`, orange from `warning` (when given), green below. */
export function highIsBad(critical: number, warning?: number): ThresholdsConfigBuilder {
  const steps: Threshold[] = [{ value: null, color: 'green' }];
  if (warning !== undefined) steps.push({ value: warning, color: 'orange' });
  steps.push({ value: critical, color: 'red' });
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

/** Red below `critical`, orange below `warning` (when given), green above. */
export function lowIsBad(critical: number, warning?: number): ThresholdsConfigBuilder {
  const steps: Threshold[] = [
    { value: null, color: 'red' },
    { value: critical, color: warning === undefined ? 'green' : 'orange' },
  ];
  if (warning !== undefined) steps.push({ value: warning, color: 'green' });
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps);
}

/** A fixed colour for one series or field, e.g. red for `down`. */
export function fixedColour(colour: string): DynamicConfigValue[] {
  return [{ id: 'color', value: { mode: 'fixed', fixedColor: colour } }];
}

/** The colours of link states, as the console's pages show them. */
export const linkStateColours: Record<string, string> = {
  up: 'green',
  degraded: 'orange',
  down: 'red',
  affected: 'purple',
  unknown: 'text',
};
