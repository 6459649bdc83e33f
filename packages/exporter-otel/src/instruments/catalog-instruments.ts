import type { Attributes, Counter, Histogram, Meter, ObservableGauge, ObservableResult } from '@opentelemetry/api';
import { METRIC_CATALOG, type Labels, type MetricDef, type MetricSink, type MetricUpdate } from '@rds-agent/core';

/** One gauge series: its attributes and last value. */
interface GaugeSeries {
  readonly attributes: Attributes;
  value: number;
}

type Instrument =
  | { readonly kind: 'counter'; readonly counter: Counter }
  | { readonly kind: 'histogram'; readonly histogram: Histogram }
  | { readonly kind: 'gauge'; readonly gauge: ObservableGauge; readonly series: Map<string, GaugeSeries> };

/**
 * Maps the shared metric catalog onto OpenTelemetry instruments, once, and applies the hub's
 * {@link MetricUpdate}s to them.
 *
 * - counter -> `Counter` (`add`); histogram -> `Histogram` with the catalog's bucket bounds as
 *   `advice.explicitBucketBoundaries` (`observe`); gauge -> `ObservableGauge` reading a map that
 *   `set`/`delete`/`forget` edit, so a removed target's gauge series stop being reported.
 * - Names and units come from `def.otelName` and `def.unit`; labels become attributes.
 * - OTel cannot un-report a cumulative counter or histogram series: after `forget` those keep their
 *   last totals until the agent restarts (with `delta` temporality they simply stop changing).
 *
 * Metric definitions outside the catalog (a plugin's own) get an instrument on first sight.
 */
export class CatalogInstruments implements MetricSink {
  private readonly instruments = new Map<string, Instrument>();

  constructor(
    private readonly meter: Meter,
    catalog: readonly MetricDef[] = METRIC_CATALOG,
  ) {
    for (const def of catalog) this.instrumentFor(def);
  }

  record(update: MetricUpdate): void {
    if (update.op === 'forget') {
      for (const instrument of this.instruments.values()) {
        if (instrument.kind !== 'gauge') continue;
        for (const [key, series] of instrument.series) {
          if (series.attributes['target'] === update.target) instrument.series.delete(key);
        }
      }
      return;
    }
    const instrument = this.instrumentFor(update.metric);
    switch (update.op) {
      case 'set':
        if (instrument.kind === 'gauge') {
          const key = seriesKey(update.labels);
          const series = instrument.series.get(key);
          if (series) series.value = update.value;
          else instrument.series.set(key, { attributes: { ...update.labels }, value: update.value });
        }
        return;
      case 'add':
        if (instrument.kind === 'counter') instrument.counter.add(update.value, { ...update.labels });
        return;
      case 'observe':
        if (instrument.kind === 'histogram') instrument.histogram.record(update.value, { ...update.labels });
        return;
      case 'restore':
        // The SDK cannot seed a histogram: a re-created OTLP exporter starts it at 0 under a new
        // start time, which OTLP consumers read as a reset (counters are restored by an add).
        return;
      case 'delete':
        if (instrument.kind === 'gauge') instrument.series.delete(seriesKey(update.labels));
        return;
    }
  }

  /** Number of gauge series currently reported (bounded by targets x catalog, never by time). */
  gaugeSeriesCount(): number {
    let n = 0;
    for (const instrument of this.instruments.values()) if (instrument.kind === 'gauge') n += instrument.series.size;
    return n;
  }

  private instrumentFor(def: MetricDef): Instrument {
    const existing = this.instruments.get(def.otelName);
    if (existing) return existing;
    const options = { description: def.help, unit: def.unit };
    let instrument: Instrument;
    switch (def.kind) {
      case 'counter':
        instrument = { kind: 'counter', counter: this.meter.createCounter(def.otelName, options) };
        break;
      case 'histogram':
        instrument = {
          kind: 'histogram',
          histogram: this.meter.createHistogram(def.otelName, {
            ...options,
            ...(def.buckets ? { advice: { explicitBucketBoundaries: [...def.buckets] } } : {}),
          }),
        };
        break;
      case 'gauge': {
        const series = new Map<string, GaugeSeries>();
        const gauge = this.meter.createObservableGauge(def.otelName, options);
        gauge.addCallback((result: ObservableResult) => {
          for (const s of series.values()) result.observe(s.value, s.attributes);
        });
        instrument = { kind: 'gauge', gauge, series };
        break;
      }
    }
    this.instruments.set(def.otelName, instrument);
    return instrument;
  }
}

function seriesKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
}
