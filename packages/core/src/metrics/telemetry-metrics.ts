import { Metrics, type MetricId } from './catalog.js';

/**
 * True when `id` names a catalog entry a telemetry sample may carry: one marked `source: 'device'`.
 * The agent's own connection-health metrics are not among them, so a transport cannot overwrite them.
 */
export function isTelemetryMetric(id: unknown): id is MetricId {
  return typeof id === 'string' && Object.hasOwn(Metrics, id) && (Metrics[id as MetricId] as { source?: string }).source === 'device';
}
