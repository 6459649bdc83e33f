import type { MetricId } from '../metrics/catalog.js';

/**
 * The catalog entries a {@link TelemetrySample} may name: device facts and traffic. The agent's own
 * connection-health metrics are not among them, so a transport cannot overwrite them.
 */
export const TELEMETRY_METRICS: ReadonlySet<MetricId> = new Set<MetricId>([
  'systemUptime',
  'systemCpuLoad',
  'systemMemoryFree',
  'systemMemoryTotal',
  'systemInfo',
  'diskReadBytes',
  'diskWriteBytes',
  'diskReadOps',
  'diskWriteOps',
]);

/** True when `id` names a catalog entry a telemetry sample may carry. */
export function isTelemetryMetric(id: unknown): id is MetricId {
  return typeof id === 'string' && TELEMETRY_METRICS.has(id as MetricId);
}
