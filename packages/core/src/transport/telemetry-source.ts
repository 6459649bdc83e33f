import type { MetricId } from '../metrics/catalog.js';
import type { Transport } from './transport.js';

/**
 * One value a device reported, for a catalog metric of kind gauge or counter.
 * The `target` label is added by the agent; `labels` holds the others the catalog entry lists
 * (e.g. `{ slot: 'nvme1' }` for disk metrics).
 *
 * @public
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

/** What one run of a {@link TelemetryInput} read. @public */
export interface TelemetryReading {
  /** The samples that passed the input's own plausibility checks. */
  readonly samples: readonly TelemetrySample[];
  /** Bytes of device output the run read (exported as the input's bytes-read counter). */
  readonly bytesRead: number;
  /**
   * Values the input refused (implausible, unparsable, over a cardinality cap), counted by reason
   * (`implausible`, `unparsable`, `cap`, ...); a refused value's series goes absent, never stale.
   */
  readonly rejected?: readonly { readonly reason: string; readonly count: number }[];
}

/**
 * One named group of device readings with its own schedule (Telegraf's `inputs.*`): `system`,
 * `health`, `raid`, ... The agent's collector runs each input every `intervalMs` under `timeoutMs`
 * while the target is connected.
 *
 * `collect` MUST honour its signal, MUST NOT open a new connection and MUST reject with a
 * TransportError: `UNSUPPORTED` (the device does not know the command: the input is disabled for
 * the rest of this connection, with one log line and a metric), `COMMAND` (the device refused or
 * answered nonsense: a failed run), or a connection-class error (counts as a loss).
 *
 * @public
 */
export interface TelemetryInput {
  /** Short, stable, `[a-z][a-z0-9-]*`: the `input` label of the per-input metrics. */
  readonly name: string;
  /** Time between the starts of two runs (ms, > 0). */
  readonly intervalMs: number;
  /** Deadline of one run (ms, > 0). */
  readonly timeoutMs: number;
  collect(signal: AbortSignal): Promise<TelemetryReading>;
}

/**
 * Optional transport add-on: reads device telemetry over the kept connection, in either of two
 * shapes (a transport SHOULD offer inputs; `collect` is the simple form):
 *
 * - `telemetryInputs()`: named {@link TelemetryInput}s, each scheduled by the agent on its own
 *   interval and deadline (the rds-ssh transport's system, health, raid, drives, ...). MUST return
 *   the same objects on every call.
 * - `collect(signal)`: everything in one go, every `monitor.telemetryInterval`. MUST honour its
 *   signal, MUST NOT open a new connection, and MUST reject with a TransportError:
 *   connection-class errors count as a loss of the connection, `COMMAND` errors (the device
 *   refused a command) only as a failed collection. It SHOULD return what it could read when one of
 *   several commands fails, and reject only when nothing could be read.
 *
 * When both exist the agent schedules the inputs; `collect` is then for one-shot callers.
 *
 * @public
 */
export interface TelemetrySource {
  telemetryInputs?(): readonly TelemetryInput[];
  collect?(signal: AbortSignal): Promise<readonly TelemetrySample[]>;
}

/** @public */
export function isTelemetrySource(t: Transport): t is Transport & TelemetrySource {
  const s = t as TelemetrySource;
  return typeof s.telemetryInputs === 'function' || typeof s.collect === 'function';
}
