import type { MetricDef } from './catalog.js';

/** @public */
export type Labels = Readonly<Record<string, string>>;

/**
 * One change to one series, derived from a monitor event by the MetricsHub. Exporters apply these
 * to their instruments; they never interpret monitor events themselves, so Prometheus and OTLP
 * always agree.
 *
 * - `set`: gauge value; `add`: counter increment (an `add` of 0 creates the series at zero);
 * - `observe`: histogram observation (in the metric's unit);
 * - `delete`: drop one series (an info series whose labels changed);
 * - `forget`: drop every series whose `target` label is `target` (the target was removed).
 *
 * @public
 */
export type MetricUpdate =
  | { readonly op: 'set' | 'add' | 'observe'; readonly metric: MetricDef; readonly labels: Labels; readonly value: number }
  | { readonly op: 'delete'; readonly metric: MetricDef; readonly labels: Labels }
  | { readonly op: 'forget'; readonly target: string };

/** Receives metric updates. MUST NOT block; a sink that throws is isolated and counted. @public */
export interface MetricSink {
  record(update: MetricUpdate): void;
}
