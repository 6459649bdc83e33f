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
 * - `forget`: drop every series whose `target` label is `target` (the target was removed);
 * - `restore`: a histogram series' whole state, sent only to an exporter that subscribes after the
 *   series began (a reload re-created it), so it starts where the old one was. Counters are restored
 *   as one `add` of their total, gauges as a `set`. An exporter that cannot seed a histogram MAY
 *   ignore it (a backend that tracks start times then sees a reset).
 *
 * @public
 */
export type MetricUpdate =
  | { readonly op: 'set' | 'add' | 'observe'; readonly metric: MetricDef; readonly labels: Labels; readonly value: number }
  | { readonly op: 'delete'; readonly metric: MetricDef; readonly labels: Labels }
  | { readonly op: 'forget'; readonly target: string }
  | { readonly op: 'restore'; readonly metric: MetricDef; readonly labels: Labels; readonly histogram: HistogramState };

/**
 * A histogram series' state: observations per bucket (not cumulative; one more entry than the
 * metric's `buckets`, for `+Inf`), their sum and count.
 *
 * @public
 */
export interface HistogramState {
  readonly bucketCounts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/** Receives metric updates. MUST NOT block; a sink that throws is isolated and counted. @public */
export interface MetricSink {
  record(update: MetricUpdate): void;
}
