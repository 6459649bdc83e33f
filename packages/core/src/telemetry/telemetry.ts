import type { MetricId } from '../metrics/catalog.js';
import type { Transport } from '../transport/transport.js';

/**
 * One value a device reported, for a catalog metric of kind gauge or counter.
 * The `target` label is added by the agent; `labels` holds the others the catalog entry lists
 * (e.g. `{ slot: 'nvme1' }` for disk metrics).
 */
export interface TelemetrySample {
  /** The catalog entry (a key of `Metrics`). */
  readonly metric: MetricId;
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Gauges: the current value. Counters: the device's own cumulative total; the MetricsHub turns
   * successive totals into increments, so a device reboot (a total going down) never makes an
   * exported counter decrease.
   */
  readonly value: number;
}

/**
 * Optional transport add-on: reads device telemetry (system resource, disk traffic, ...) over the
 * kept connection. `collect` MUST honour its signal (the agent's collection deadline), MUST NOT open
 * a new connection, and MUST reject with a TransportError: connection-class errors count as a loss
 * of the connection, `COMMAND` errors (the device refused a command) only as a failed collection.
 * It SHOULD return what it could read when one of several commands fails, and reject only when
 * nothing could be read.
 */
export interface TelemetrySource {
  collect(signal: AbortSignal): Promise<readonly TelemetrySample[]>;
}

export function isTelemetrySource(t: Transport): t is Transport & TelemetrySource {
  return typeof (t as Partial<TelemetrySource>).collect === 'function';
}
