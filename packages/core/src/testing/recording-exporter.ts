import type { MetricDef } from '../metrics/catalog.js';
import type { MetricsExporter, MetricStream } from '../metrics/exporter.js';
import type { Labels, MetricSink, MetricUpdate } from '../metrics/metric-update.js';
import type { MetricsHub } from '../metrics/metrics-hub.js';
import type { MonitorEvent, MonitorEventSink } from '../monitor/events.js';
import { waitForCondition } from './wait-for.js';

/** Count and sum of one histogram series. @public */
export interface HistogramSnapshot {
  readonly count: number;
  readonly sum: number;
  /** Every observation, in order. */
  readonly values: readonly number[];
}

type MetricRef = string | MetricDef;

/**
 * An in-memory exporter for tests (like OpenTelemetry's InMemoryMetricExporter): records every
 * {@link MetricUpdate} and every raw {@link MonitorEvent}, and answers "what would a scrape show".
 *
 * Wiring:
 * - `recorder.attach(hub)`: subscribes to a MetricsHub's metric updates and raw events (the usual way:
 *   pass the hub to monitors as their event sink).
 * - as a `MetricsExporter`: `new RecordingExporter(context.metrics)` then `start()`; `shutdown()` unsubscribes.
 * - as a `MonitorEventSink`: pass the recorder itself as `events` to record raw events only (no metrics).
 *
 * Queries take the Prometheus name or the catalog entry, and an exact label set:
 * `value('rds_reconnect_total', { target: 'a', status: 'failure' })`.
 *
 * @public
 */
export class RecordingExporter implements MetricsExporter, MetricSink, MonitorEventSink {
  /** Every metric update, in order. */
  readonly updates: MetricUpdate[] = [];
  /** Every raw monitor event, in order. */
  readonly events: MonitorEvent[] = [];
  started = false;
  shutdownCalls = 0;
  flushCalls = 0;

  private readonly scalars = new Map<string, number>();
  private readonly histograms = new Map<string, number[]>();
  /** Histogram state a `restore` started a series with (its observations are not known). */
  private readonly restored = new Map<string, { count: number; sum: number }>();
  private readonly detachers: Array<() => void> = [];
  private readonly watchers = new Set<() => void>();

  /** @param stream subscribed on `start()` (an ExporterContext's `metrics`), optional. */
  constructor(
    private readonly stream?: MetricStream,
    private readonly name = 'recording',
  ) {}

  /** Subscribes to `hub`'s metric updates (current gauges are replayed) and its raw events. Returns a detach function. */
  attach(hub: MetricsHub): () => void {
    const offMetrics = hub.subscribe(this.name, this);
    const offEvents = hub.onEvent((event) => this.emit(event));
    const detach = (): void => {
      offMetrics();
      offEvents();
    };
    this.detachers.push(detach);
    return detach;
  }

  // --- MetricsExporter ---------------------------------------------------------------------------

  async start(_signal?: AbortSignal): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.stream) this.detachers.push(this.stream.subscribe(this.name, this));
  }

  async forceFlush(): Promise<void> {
    this.flushCalls += 1;
  }

  async shutdown(): Promise<void> {
    this.shutdownCalls += 1;
    for (const detach of this.detachers.splice(0)) detach();
  }

  // --- sinks ---------------------------------------------------------------------------------------

  record(update: MetricUpdate): void {
    this.updates.push(update);
    switch (update.op) {
      case 'set':
        this.scalars.set(key(update.metric.name, update.labels), update.value);
        break;
      case 'add': {
        const k = key(update.metric.name, update.labels);
        this.scalars.set(k, (this.scalars.get(k) ?? 0) + update.value);
        break;
      }
      case 'observe': {
        const k = key(update.metric.name, update.labels);
        const values = this.histograms.get(k) ?? [];
        values.push(update.value);
        this.histograms.set(k, values);
        break;
      }
      case 'restore':
        // A late subscriber's start: the series' state so far, not its observations.
        this.restored.set(key(update.metric.name, update.labels), { count: update.histogram.count, sum: update.histogram.sum });
        if (!this.histograms.has(key(update.metric.name, update.labels))) this.histograms.set(key(update.metric.name, update.labels), []);
        break;
      case 'delete':
        this.scalars.delete(key(update.metric.name, update.labels));
        this.histograms.delete(key(update.metric.name, update.labels));
        this.restored.delete(key(update.metric.name, update.labels));
        break;
      case 'forget':
        for (const map of [this.scalars, this.histograms, this.restored]) {
          for (const k of [...map.keys()]) if (labelOf(k, 'target') === update.target) map.delete(k);
        }
        break;
    }
    this.notify();
  }

  emit(event: MonitorEvent): void {
    this.events.push(event);
    this.notify();
  }

  // --- queries -----------------------------------------------------------------------------------

  /** Current gauge value or counter total of one series; undefined when the series does not exist. */
  value(metric: MetricRef, labels: Labels): number | undefined {
    return this.scalars.get(key(nameOf(metric), labels));
  }

  /** Count, sum and observations of one histogram series (zeros when it has none). */
  histogram(metric: MetricRef, labels: Labels): HistogramSnapshot {
    const k = key(nameOf(metric), labels);
    const values = this.histograms.get(k) ?? [];
    const base = this.restored.get(k) ?? { count: 0, sum: 0 };
    return { count: base.count + values.length, sum: base.sum + values.reduce((a, b) => a + b, 0), values: [...values] };
  }

  /** Every live series of a metric, as `{ labels, value }` (histograms: `value` is the count). */
  series(metric: MetricRef): Array<{ labels: Record<string, string>; value: number }> {
    const name = nameOf(metric);
    const out: Array<{ labels: Record<string, string>; value: number }> = [];
    for (const [k, v] of this.scalars) if (k.startsWith(`${name}{`)) out.push({ labels: parseLabels(k), value: v });
    for (const [k, v] of this.histograms) if (k.startsWith(`${name}{`)) out.push({ labels: parseLabels(k), value: v.length });
    return out;
  }

  /** Raw events of one type, typed. */
  eventsOf<T extends MonitorEvent['type']>(type: T): Array<Extract<MonitorEvent, { type: T }>> {
    return this.events.filter((e): e is Extract<MonitorEvent, { type: T }> => e.type === type);
  }

  /** Forgets everything recorded (not the subscriptions). */
  clear(): void {
    this.updates.length = 0;
    this.events.length = 0;
    this.scalars.clear();
    this.histograms.clear();
    this.restored.clear();
  }

  /**
   * For real-time (e2e) tests: resolves once `predicate(this)` holds, re-checked on every update or
   * event; rejects after `timeoutMs` (real time). Unit tests with a FakeClock assert directly instead.
   */
  waitFor(predicate: (recorder: this) => boolean, options: { timeoutMs?: number; description?: string } = {}): Promise<void> {
    return waitForCondition(() => predicate(this), {
      ...options,
      subscribe: (wake) => {
        this.watchers.add(wake);
        return () => this.watchers.delete(wake);
      },
    });
  }

  private notify(): void {
    for (const wake of [...this.watchers]) wake();
  }
}

function nameOf(metric: MetricRef): string {
  return typeof metric === 'string' ? metric : metric.name;
}

/** Same series identity as the hub: name plus sorted labels. */
function key(name: string, labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${name}{${parts.join(',')}}`;
}

function parseLabels(k: string): Record<string, string> {
  const inner = k.slice(k.indexOf('{') + 1, -1);
  const out: Record<string, string> = {};
  // Values are JSON strings, so split on `,name=` boundaries by scanning.
  const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*")/g;
  for (const m of inner.matchAll(re)) out[m[1]!] = JSON.parse(m[2]!) as string;
  return out;
}

function labelOf(k: string, label: string): string | undefined {
  return parseLabels(k)[label];
}
