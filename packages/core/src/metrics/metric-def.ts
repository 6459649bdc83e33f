/**
 * One metric, defined once in the catalog. Exporters map it onto their own instruments.
 *
 * - `name` is the Prometheus name (base units, `_seconds`, counters end in `_total`).
 * - `otelName` + `unit` (UCUM) are the OpenTelemetry name and unit; a Prometheus translation
 *   of them gives back `name` (checked by a unit test).
 *
 * @public
 */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

/** @public */
export interface MetricDef {
  readonly name: string;
  readonly otelName: string;
  readonly kind: MetricKind;
  /** UCUM unit: `s`, `By`, `1`, or an annotation such as `{state}`. */
  readonly unit: string;
  readonly labels: readonly string[];
  readonly help: string;
  /** Histogram bucket upper bounds, in the metric's unit. */
  readonly buckets?: readonly number[];
  /**
   * `device`: a fact a device reported (telemetry samples may name it); absent: the agent's own
   * measurement, which no transport can write.
   */
  readonly source?: 'device';
}

/** Freezes a catalog entry (and its label list). */
export function define<const T extends MetricDef>(def: T): T {
  return Object.freeze({ ...def, labels: Object.freeze([...def.labels]) }) as T;
}

