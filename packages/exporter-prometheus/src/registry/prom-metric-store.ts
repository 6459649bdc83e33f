import { METRIC_CATALOG, type HistogramState, type Labels, type MetricDef, type MetricSink, type MetricUpdate } from '@rds-agent/core';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { writeOpenMetricsFamily, type MetricSnapshot } from './openmetrics.js';

/**
 * prom-client gauges whose names end in `_total`, which `promtool check metrics` rejects
 * ("non-counter metrics should not have _total suffix"). Each is the sum of a by-type gauge that
 * stays (`nodejs_active_handles{type}`, ...), so nothing is lost by dropping them.
 */
const LINT_FAILING_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** The two exposition formats served. */
export type ExpositionFormat = 'text' | 'openmetrics';

const EOF = Buffer.from('# EOF\n', 'utf8');

type PromMetric = Counter<string> | Gauge<string> | Histogram<string>;

interface Family {
  readonly def: MetricDef;
  readonly name: string;
  readonly metric: PromMetric;
  readonly hasTarget: boolean;
  /** Bumped by every update; a render only caches its text if nothing changed meanwhile. */
  version: number;
  text?: Buffer;
  openMetrics?: Buffer;
  /** target -> (series key -> labels), so `forget` can remove exactly that target's series. */
  readonly byTarget: Map<string, Map<string, Labels>>;
}

export interface PromMetricStoreOptions {
  /** Prepended to every catalog metric name. @default '' */
  readonly prefix?: string;
  /** Also collect prom-client's process/Node.js metrics. @default false */
  readonly defaultMetrics?: boolean;
  /** The metrics to register up front (the agent's `ExporterContext.catalog`). @default METRIC_CATALOG */
  readonly catalog?: readonly MetricDef[];
}

/**
 * A prom-client registry holding every catalog metric, fed by the MetricsHub as a {@link MetricSink}.
 *
 * Values only change when the hub sends an update, so each family's rendered text is cached until
 * its next update: a scrape re-renders only what changed since the last one (plus the process
 * metrics, which are sampled per scrape), and never touches the targets themselves.
 */
export class PromMetricStore implements MetricSink {
  /** The registry with the catalog metrics (classic text mode). */
  readonly registry = new Registry();
  /** Process/Node.js metrics, kept apart because they are collected per scrape and never cached. */
  readonly processRegistry: Registry | undefined;
  private readonly families = new Map<string, Family>();
  private readonly prefix: string;
  /** Bumped by every update to any family. */
  private version = 0;
  private readonly whole: Partial<Record<ExpositionFormat, { readonly version: number; readonly body: Buffer }>> = {};

  constructor(options: PromMetricStoreOptions = {}) {
    this.prefix = options.prefix ?? '';
    for (const def of options.catalog ?? METRIC_CATALOG) this.family(def);
    if (options.defaultMetrics) {
      this.processRegistry = new Registry();
      collectDefaultMetrics({ register: this.processRegistry });
      for (const name of LINT_FAILING_DEFAULT_METRICS) this.processRegistry.removeSingleMetric(name);
    }
  }

  /** The exported (prefixed) name of a catalog metric. */
  nameOf(def: MetricDef): string {
    return this.prefix + def.name;
  }

  record(update: MetricUpdate): void {
    if (update.op === 'forget') {
      this.forget(update.target);
      return;
    }
    const family = this.family(update.metric);
    const { metric, def } = family;
    switch (update.op) {
      case 'set':
        if (!(metric instanceof Gauge)) throw mismatch(update.op, def);
        metric.set(update.labels, update.value);
        break;
      case 'add':
        if (!(metric instanceof Counter)) throw mismatch(update.op, def);
        metric.inc(update.labels, update.value);
        break;
      case 'observe':
        if (!(metric instanceof Histogram)) throw mismatch(update.op, def);
        metric.observe(update.labels, update.value);
        break;
      case 'restore':
        if (!(metric instanceof Histogram)) throw mismatch(update.op, def);
        restoreHistogram(metric, def, update.labels, update.histogram);
        break;
      case 'delete':
        metric.remove(update.labels);
        this.untrack(family, update.labels);
        this.touch(family);
        return;
    }
    this.track(family, update.labels);
    this.touch(family);
  }

  /**
   * The exposition as UTF-8 bytes: classic text (`text/plain; version=0.0.4`) or OpenMetrics 1.0
   * (`# EOF` included). Families are cached as bytes, so an unchanged family costs one memcpy; when
   * nothing changed at all (and no process metrics are collected) the previous Buffer itself is
   * returned, which lets the caller reuse its compressed form too.
   */
  async render(format: ExpositionFormat): Promise<Buffer> {
    const openMetrics = format === 'openmetrics';
    const whole = this.whole[format];
    if (!this.processRegistry && whole && whole.version === this.version) return whole.body;
    const version = this.version;
    const parts: Buffer[] = [];
    for (const family of this.families.values()) {
      let bytes = openMetrics ? family.openMetrics : family.text;
      if (bytes === undefined) {
        const familyVersion = family.version;
        bytes = Buffer.from(
          openMetrics ? writeOpenMetricsFamily(snapshot(await family.metric.get())) : `${await this.registry.getSingleMetricAsString(family.name)}\n`,
          'utf8',
        );
        // An update that landed while this family was being rendered leaves it uncached.
        if (family.version === familyVersion) {
          if (openMetrics) family.openMetrics = bytes;
          else family.text = bytes;
        }
      }
      parts.push(bytes);
    }
    if (this.processRegistry) {
      let text = '';
      if (openMetrics) {
        for (const metric of this.processRegistry.getMetricsAsArray()) text += writeOpenMetricsFamily(snapshot(await (metric as unknown as PromMetric).get()));
      } else {
        text = await this.processRegistry.metrics();
      }
      parts.push(Buffer.from(text, 'utf8'));
    }
    if (openMetrics) parts.push(EOF);
    const body = Buffer.concat(parts);
    if (this.version === version) this.whole[format] = { version, body };
    return body;
  }

  /** The classic text exposition as a string (diagnostics and tests). */
  async renderText(): Promise<string> {
    return (await this.render('text')).toString('utf8');
  }

  /** The OpenMetrics exposition as a string (diagnostics and tests). */
  async renderOpenMetrics(): Promise<string> {
    return (await this.render('openmetrics')).toString('utf8');
  }

  /** Series currently held for `target`, per exported metric name (diagnostics and tests). */
  seriesOf(target: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const family of this.families.values()) {
      const n = family.byTarget.get(target)?.size ?? 0;
      if (n > 0) out[family.name] = n;
    }
    return out;
  }

  private forget(target: string): void {
    for (const family of this.families.values()) {
      const series = family.byTarget.get(target);
      if (!series) continue;
      for (const labels of series.values()) family.metric.remove(labels);
      family.byTarget.delete(target);
      this.touch(family);
    }
  }

  private touch(family: Family): void {
    this.version++;
    family.version++;
    family.text = undefined;
    family.openMetrics = undefined;
  }

  private track(family: Family, labels: Labels): void {
    if (!family.hasTarget) return;
    const target = labels['target'] ?? '';
    let series = family.byTarget.get(target);
    if (!series) {
      series = new Map();
      family.byTarget.set(target, series);
    }
    const key = seriesKey(family.def, labels);
    if (!series.has(key)) series.set(key, labels);
  }

  private untrack(family: Family, labels: Labels): void {
    if (!family.hasTarget) return;
    const target = labels['target'] ?? '';
    const series = family.byTarget.get(target);
    if (!series) return;
    series.delete(seriesKey(family.def, labels));
    if (series.size === 0) family.byTarget.delete(target);
  }

  /** The family for a definition, created on first sight for metrics added to the catalog later. */
  private family(def: MetricDef): Family {
    let family = this.families.get(def.name);
    if (family) return family;
    const name = this.nameOf(def);
    const config = { name, help: def.help, labelNames: [...def.labels], registers: [this.registry] };
    const metric: PromMetric =
      def.kind === 'counter'
        ? new Counter(config)
        : def.kind === 'gauge'
          ? new Gauge(config)
          : new Histogram({ ...config, ...(def.buckets ? { buckets: [...def.buckets] } : {}) });
    family = { def, name, metric, hasTarget: def.labels.includes('target'), version: 0, byTarget: new Map() };
    this.families.set(def.name, family);
    return family;
  }
}

/** What prom-client 15 keeps per histogram series (not part of its typings; the version is pinned). */
interface HistogramEntry {
  labels: Labels;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

/**
 * Starts a histogram series at a state the hub kept (an exporter re-created by a reload): the same
 * bucket counts, sum and count as the exporter it replaces, so no histogram restarts from zero.
 * prom-client has no public setter for this; `zero()` makes the series and its entry is then filled.
 */
function restoreHistogram(metric: Histogram<string>, def: MetricDef, labels: Labels, state: HistogramState): void {
  metric.zero(labels);
  const entries = Object.values((metric as unknown as { hashMap: Record<string, HistogramEntry> }).hashMap);
  const entry = entries.find((e) => Object.keys(labels).every((k) => e.labels[k] === labels[k]) && Object.keys(e.labels).length === Object.keys(labels).length);
  if (!entry) throw new Error(`cannot restore ${def.name}: series not found after zero()`);
  (def.buckets ?? []).forEach((bound, i) => {
    entry.bucketValues[String(bound)] = state.bucketCounts[i] ?? 0;
  });
  entry.sum = state.sum;
  entry.count = state.count;
}

function seriesKey(def: MetricDef, labels: Labels): string {
  if (def.labels.length === 1) return labels[def.labels[0]!] ?? '';
  let key = '';
  for (const name of def.labels) key += `${labels[name] ?? ''}\u0000`;
  return key;
}

/** prom-client's typings declare `type` as a numeric enum; at run time it is the string (`counter`, ...). */
function snapshot(metric: unknown): MetricSnapshot {
  return metric as MetricSnapshot;
}

function mismatch(op: string, def: MetricDef): Error {
  return new Error(`cannot apply "${op}" to ${def.kind} ${def.name}`);
}
