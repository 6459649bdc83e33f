import { METRIC_CATALOG, flatString, yieldToEventLoop, type HistogramState, type Labels, type MetricDef, type MetricSink, type MetricUpdate } from '@rds-agent/core';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ByteWriter } from './byte-writer.js';
import { formatValue, labelText, openMetricsFamilyName, openMetricsHeader, textHeader } from './exposition-text.js';
import { ExpositionPiece, gzipOf } from './gzip-pieces.js';
import { writeOpenMetricsFamily, type MetricSnapshot } from './openmetrics.js';

/**
 * prom-client gauges whose names end in `_total`, which `promtool check metrics` rejects
 * ("non-counter metrics should not have _total suffix"). Each is the sum of a by-type gauge that
 * stays (`nodejs_active_handles{type}`, ...), so nothing is lost by dropping them.
 */
const LINT_FAILING_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** The two exposition formats served. */
export type ExpositionFormat = 'text' | 'openmetrics';

/**
 * Sample lines per cached block of a family. A block is re-rendered (and re-compressed) when one
 * of its series changed: small enough that a few changed series cost little, large enough (~16 KB)
 * that compression stays good and the page is a few hundred pieces, not tens of thousands.
 */
const LINES_PER_BLOCK = 256;
/** Lines rendered, or bytes compressed, between two yields to the event loop during a render. */
const LINES_PER_SLICE = 4096;
const BYTES_PER_SLICE = 256 * 1024;

const EOF = new ExpositionPiece(Buffer.from('# EOF\n', 'utf8'));

type PromMetric = Counter<string> | Gauge<string> | Histogram<string>;

/** One series: its label string (built once), its value, and where its rendered lines are. */
interface Series {
  readonly labels: Labels;
  readonly target: string | undefined;
  /**
   * Gauge or counter: `name{labels} `, until its line is first rendered: from then on the line's
   * first `headBytes` bytes in its block are the head, copied from there (not kept twice).
   * Histogram: `,labels} ` (after a bucket's `le`), kept. Built once, flat.
   */
  head: string | undefined;
  headBytes: number;
  /** Histogram: `{labels} ` (after `_sum`/`_count`). */
  readonly tail: string | undefined;
  /** Gauge or counter value. */
  value: number;
  /** Histogram: observations per bucket (not cumulative), sum, count. */
  readonly buckets: number[] | undefined;
  sum: number;
  count: number;
  /** New or changed since its block's bytes were built: its lines must be rendered again. */
  dirty: boolean;
  /** Its lines are `block.bytes[start, start + length)` while not dirty. */
  start: number;
  length: number;
  block: Block;
}

/** Consecutive series of a family, cached as one piece of the page. */
interface Block {
  readonly series: Series[];
  /** Undefined after a change to any of its series. */
  piece: ExpositionPiece | undefined;
  /** The bytes last built, where its clean series' lines are copied from. */
  bytes: Buffer | undefined;
}

interface Family {
  readonly def: MetricDef;
  readonly name: string;
  readonly metric: PromMetric;
  readonly linesPerSeries: number;
  readonly seriesPerBlock: number;
  /** Histograms: `rds_x_bucket{le="0.5"` per bucket and +Inf, `rds_x_sum`, `rds_x_count`, encoded. */
  readonly bucketPrefixes: readonly Buffer[];
  readonly sumName: Buffer;
  readonly countName: Buffer;
  /** OpenMetrics sample names differ from the text ones (a counter not named `*_total`). */
  readonly openMetricsDiffers: boolean;
  readonly headers: Readonly<Record<ExpositionFormat, ExpositionPiece>>;
  readonly series: Map<string, Series>;
  readonly blocks: Block[];
  /** target -> its series, so `forget` removes exactly that target's series. */
  readonly byTarget: Map<string, Set<Series>>;
}

export interface PromMetricStoreOptions {
  /** Prepended to every catalog metric name. @default '' */
  readonly prefix?: string;
  /** Also collect prom-client's process/Node.js metrics. @default false */
  readonly defaultMetrics?: boolean;
  /** The metrics to register up front (the agent's `ExporterContext.catalog`). @default METRIC_CATALOG */
  readonly catalog?: readonly MetricDef[];
}

/** What the renders did, for tests and the benchmark. */
export interface RenderStats {
  /** Renders run (concurrent requests for the same format share one). */
  renders: number;
  /** Series whose lines were rendered (again) because they were new or changed. */
  seriesRendered: number;
  /** Blocks assembled (again) from their series' lines. */
  blocksRendered: number;
  /** Pieces compressed for a gzip response. */
  piecesCompressed: number;
}

/**
 * The exporter's metric registry, fed by the MetricsHub as a {@link MetricSink}.
 *
 * Every update is applied to a prom-client metric (the registry of record: `registry` holds every
 * catalog metric, `processRegistry` the process/Node.js metrics) and to a series cache used to
 * render the page without asking prom-client to format everything again:
 *
 * - a series' label string is built once, when the series appears; its lines are rendered again
 *   only after its value changed, and otherwise copied as bytes;
 * - a family's series are grouped in blocks of ~256 lines; a block's bytes (and their deflate
 *   stream) are rebuilt only when one of its series changed, so a scrape costs what changed since
 *   the previous one plus copying the rest;
 * - a gzip response is assembled from the blocks' cached deflate streams (one gzip member);
 * - concurrent renders of one format share the render in flight;
 * - a render yields to the event loop every 4,096 lines rendered and every 256 KB compressed, so
 *   probes and timers never wait behind a large page.
 *
 * The classic text rendering equals prom-client's own `registry.metrics()` (a unit test checks it).
 */
export class PromMetricStore implements MetricSink {
  /** The registry with the catalog metrics (classic text mode). */
  readonly registry = new Registry();
  /** Process/Node.js metrics, kept apart because they are collected per scrape and never cached. */
  readonly processRegistry: Registry | undefined;
  readonly stats: RenderStats = { renders: 0, seriesRendered: 0, blocksRendered: 0, piecesCompressed: 0 };
  private readonly families = new Map<string, Family>();
  private readonly prefix: string;
  /** Bumped by every change to any series. */
  private version = 0;
  /** Where changed series are written while their block is rebuilt. */
  private readonly writer = new ByteWriter();
  private readonly inFlight: Partial<Record<ExpositionFormat, Promise<{ readonly version: number; readonly pieces: readonly ExpositionPiece[] }>>> = {};
  /**
   * The last body per format and encoding. An uncompressed one (the whole page, ~60 KB per target)
   * is held weakly: reused while a response or a caller still has it, left to the GC otherwise,
   * since Prometheus asks for gzip and a running agent's page changes between scrapes anyway.
   */
  private readonly bodies: Partial<Record<`${ExpositionFormat}:${'identity' | 'gzip'}`, { readonly version: number; readonly body: Buffer | WeakRef<Buffer> } | Promise<Buffer>>> = {};

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
    // prom-client first: it validates labels and values, and throws before the cache changes.
    switch (update.op) {
      case 'set': {
        if (!(metric instanceof Gauge)) throw mismatch(update.op, def);
        metric.set(update.labels, update.value);
        const series = this.seriesFor(family, update.labels);
        // Telemetry sets unchanged values every minute (total memory, info series): nothing to redo.
        if (Object.is(series.value, update.value) && !series.dirty) return;
        series.value = update.value;
        this.changed(series);
        return;
      }
      case 'add': {
        if (!(metric instanceof Counter)) throw mismatch(update.op, def);
        metric.inc(update.labels, update.value);
        const series = this.seriesFor(family, update.labels);
        if (update.value === 0) return; // creates the series (new ones are already dirty), changes nothing
        series.value += update.value;
        this.changed(series);
        return;
      }
      case 'observe': {
        if (!(metric instanceof Histogram)) throw mismatch(update.op, def);
        metric.observe(update.labels, update.value);
        const series = this.seriesFor(family, update.labels);
        const bounds = def.buckets ?? DEFAULT_BUCKETS;
        // The first bucket whose bound holds the value, as prom-client counts it (none: only +Inf).
        for (let i = 0; i < bounds.length; i++) {
          if (update.value <= bounds[i]!) {
            series.buckets![i]!++;
            break;
          }
        }
        series.sum += update.value;
        series.count += 1;
        this.changed(series);
        return;
      }
      case 'restore': {
        // An exporter re-created by a reload starts where the old one was (the hub kept the state).
        if (!(metric instanceof Histogram)) throw mismatch(update.op, def);
        restoreHistogram(metric, def, update.labels, update.histogram);
        const series = this.seriesFor(family, update.labels);
        const bounds = def.buckets ?? DEFAULT_BUCKETS;
        for (let i = 0; i < bounds.length; i++) series.buckets![i] = update.histogram.bucketCounts[i] ?? 0;
        series.sum = update.histogram.sum;
        series.count = update.histogram.count;
        this.changed(series);
        return;
      }
      case 'delete': {
        metric.remove(update.labels);
        const series = family.series.get(seriesKey(def, update.labels));
        if (series) this.remove(family, series);
        return;
      }
    }
  }

  /**
   * The exposition as UTF-8 bytes: classic text (`text/plain; version=0.0.4`) or OpenMetrics 1.0
   * (`# EOF` included). When nothing changed since the previous render (and no process metrics are
   * collected) the previous Buffer itself is returned.
   */
  render(format: ExpositionFormat): Promise<Buffer> {
    return this.body(format, 'identity', (pieces) => Buffer.concat(pieces.map((p) => p.bytes)));
  }

  /** The exposition gzip-compressed (one gzip member), assembled from the cached compressed blocks. */
  renderGzip(format: ExpositionFormat): Promise<Buffer> {
    return this.body(format, 'gzip', (pieces) => gzipOf(pieces));
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

  private body(format: ExpositionFormat, encoding: 'identity' | 'gzip', assemble: (pieces: readonly ExpositionPiece[]) => Buffer): Promise<Buffer> {
    const key = `${format}:${encoding}` as const;
    const cached = this.bodies[key];
    if (cached instanceof Promise) return cached;
    if (cached && !this.processRegistry && cached.version === this.version) {
      const body = cached.body instanceof WeakRef ? cached.body.deref() : cached.body;
      if (body) return Promise.resolve(body);
    }
    const building = (async () => {
      try {
        const { version, pieces } = await this.pieces(format);
        if (encoding === 'gzip') await this.compress(pieces);
        const body = assemble(pieces);
        this.bodies[key] = { version, body: encoding === 'identity' ? new WeakRef(body) : body };
        return body;
      } catch (err) {
        delete this.bodies[key];
        throw err;
      }
    })();
    this.bodies[key] = building;
    return building;
  }

  /** The page as pieces, from the render in flight for this format if there is one. */
  private pieces(format: ExpositionFormat): Promise<{ readonly version: number; readonly pieces: readonly ExpositionPiece[] }> {
    let pending = this.inFlight[format];
    if (!pending) {
      pending = this.collect(format).finally(() => {
        delete this.inFlight[format];
      });
      this.inFlight[format] = pending;
    }
    return pending;
  }

  private async collect(format: ExpositionFormat): Promise<{ readonly version: number; readonly pieces: readonly ExpositionPiece[] }> {
    this.stats.renders++;
    // Updates that land while this render yields may or may not be in it; the version it reports
    // is the one it started from, so the next render sees them either way.
    const version = this.version;
    const openMetrics = format === 'openmetrics';
    // Collected meanwhile: some of prom-client's process metrics wait for an event-loop turn.
    const processMetrics = this.processRegistry ? this.processMetrics(openMetrics) : undefined;
    const pieces: ExpositionPiece[] = [];
    let lines = 0;
    for (const family of [...this.families.values()]) {
      pieces.push(family.headers[format]);
      for (const block of [...family.blocks]) {
        if (openMetrics && family.openMetricsDiffers) {
          pieces.push(this.openMetricsBlock(family, block));
          lines += block.series.length * family.linesPerSeries;
        } else {
          if (!block.piece) {
            block.piece = this.renderBlock(family, block);
            lines += block.series.length * family.linesPerSeries;
          }
          pieces.push(block.piece);
        }
        if (lines >= LINES_PER_SLICE) {
          lines = 0;
          await yieldToEventLoop();
        }
      }
    }
    if (processMetrics) pieces.push(ExpositionPiece.of(await processMetrics));
    if (openMetrics) pieces.push(EOF);
    return { version, pieces };
  }

  /** Compresses the pieces not compressed yet, yielding between slices. */
  private async compress(pieces: readonly ExpositionPiece[]): Promise<void> {
    let bytes = 0;
    for (const piece of pieces) {
      if (piece.isCompressed) continue;
      piece.compressed();
      this.stats.piecesCompressed++;
      bytes += piece.bytes.length;
      if (bytes >= BYTES_PER_SLICE) {
        bytes = 0;
        await yieldToEventLoop();
      }
    }
  }

  /**
   * A block's bytes again: a changed series is written anew, a clean one's bytes are copied from
   * the block's previous bytes (no string is kept or built per sample line).
   */
  private renderBlock(family: Family, block: Block): ExpositionPiece {
    this.stats.blocksRendered++;
    const previous = block.bytes;
    const writer = this.writer;
    writer.reset();
    const writtenAt: number[] = [];
    let total = 0;
    for (const series of block.series) {
      if (series.dirty || !previous) {
        const from = writer.length;
        if (series.buckets) this.writeSeries(family, series, series.head!, writer);
        else {
          if (series.head === undefined && previous) writer.copyFrom(previous, series.start, series.start + series.headBytes);
          else {
            writer.text(series.head ?? headOf(family, series.labels));
            series.headBytes = writer.length - from;
            series.head = undefined;
          }
          writer.value(series.value);
          writer.newline();
        }
        this.stats.seriesRendered++;
        writtenAt.push(from);
        series.length = writer.length - from;
      }
      total += series.length;
    }
    const bytes = Buffer.allocUnsafe(total);
    let at = 0;
    let next = 0;
    for (const series of block.series) {
      if (series.dirty || !previous) {
        const from = writtenAt[next++]!;
        writer.copyOut(bytes, at, from, from + series.length);
        series.dirty = false;
      } else {
        previous.copy(bytes, at, series.start, series.start + series.length);
      }
      series.start = at;
      at += series.length;
    }
    block.bytes = bytes;
    return new ExpositionPiece(bytes);
  }

  /** A block in OpenMetrics for a counter whose name lacks `_total` (never cached: not in the catalog's style). */
  private openMetricsBlock(family: Family, block: Block): ExpositionPiece {
    const sample = `${openMetricsFamilyName(family.name, family.def)}_total`;
    const writer = new ByteWriter(4096);
    for (const series of block.series) {
      const text = labelText(series.labels);
      this.writeSeries(family, series, `${sample}${text === '' ? '' : `{${text}}`} `, writer);
    }
    const bytes = Buffer.allocUnsafe(writer.length);
    writer.copyOut(bytes, 0, 0, writer.length);
    return new ExpositionPiece(bytes);
  }

  /** Writes a series' sample lines; `head` is `name{labels} ` for a gauge or counter. */
  private writeSeries(family: Family, series: Series, head: string, w: ByteWriter): void {
    const buckets = series.buckets;
    if (!buckets) {
      w.text(head);
      w.value(series.value);
      w.newline();
      return;
    }
    let cumulative = 0;
    for (let i = 0; i < buckets.length; i++) {
      cumulative += buckets[i]!;
      w.bytes(family.bucketPrefixes[i]!);
      w.text(head);
      w.value(cumulative);
      w.newline();
    }
    w.bytes(family.bucketPrefixes[buckets.length]!);
    w.text(head);
    w.value(series.count);
    w.newline();
    w.bytes(family.sumName);
    w.text(series.tail!);
    w.value(series.sum);
    w.newline();
    w.bytes(family.countName);
    w.text(series.tail!);
    w.value(series.count);
    w.newline();
  }

  private async processMetrics(openMetrics: boolean): Promise<string> {
    const registry = this.processRegistry!;
    if (!openMetrics) return registry.metrics();
    let text = '';
    for (const metric of registry.getMetricsAsArray()) text += writeOpenMetricsFamily(snapshot(await (metric as unknown as PromMetric).get()));
    return text;
  }

  private changed(series: Series): void {
    this.version++;
    series.dirty = true;
    series.block.piece = undefined;
  }

  private seriesFor(family: Family, labels: Labels): Series {
    const key = seriesKey(family.def, labels);
    const existing = family.series.get(key);
    if (existing) return existing;
    return this.addSeries(family, key, labels);
  }

  private addSeries(family: Family, key: string, labels: Labels): Series {
    let block = family.blocks[family.blocks.length - 1];
    if (!block || block.series.length >= family.seriesPerBlock) {
      block = { series: [], piece: undefined, bytes: undefined };
      family.blocks.push(block);
    }
    const histogram = family.def.kind === 'histogram';
    const target = family.def.labels.includes('target') ? (labels['target'] ?? '') : undefined;
    const text = labelText(labels);
    const series: Series = {
      labels,
      target,
      head: flatString(histogram ? `${text === '' ? '' : ','}${text}} ` : headOf(family, labels, text)),
      headBytes: 0,
      tail: histogram ? flatString(text === '' ? ' ' : `{${text}} `) : undefined,
      value: 0,
      buckets: histogram ? new Array<number>((family.def.buckets ?? DEFAULT_BUCKETS).length).fill(0) : undefined,
      sum: 0,
      count: 0,
      dirty: true,
      start: 0,
      length: 0,
      block,
    };
    block.series.push(series);
    block.piece = undefined;
    family.series.set(flatString(key), series);
    if (target !== undefined) {
      let own = family.byTarget.get(target);
      if (!own) family.byTarget.set(target, (own = new Set()));
      own.add(series);
    }
    this.version++;
    return series;
  }

  private remove(family: Family, series: Series): void {
    family.series.delete(seriesKey(family.def, series.labels));
    const { block } = series;
    const i = block.series.indexOf(series);
    if (i >= 0) block.series.splice(i, 1);
    block.piece = undefined;
    if (block.series.length === 0) {
      const b = family.blocks.indexOf(block);
      if (b >= 0) family.blocks.splice(b, 1);
    }
    if (series.target !== undefined) {
      const own = family.byTarget.get(series.target);
      own?.delete(series);
      if (own?.size === 0) family.byTarget.delete(series.target);
    }
    this.version++;
  }

  private forget(target: string): void {
    for (const family of this.families.values()) {
      const own = family.byTarget.get(target);
      if (!own) continue;
      for (const series of [...own]) {
        family.metric.remove(series.labels);
        this.remove(family, series);
      }
    }
  }

  /** The family for a definition, created on first sight for metrics added to the catalog later. */
  private family(def: MetricDef): Family {
    let family = this.families.get(def.name);
    if (family) return family;
    const name = this.nameOf(def);
    const config = { name, help: def.help, labelNames: [...def.labels], registers: [this.registry] };
    const histogram = def.kind === 'histogram';
    const bounds = def.buckets ?? DEFAULT_BUCKETS;
    const metric: PromMetric = def.kind === 'counter' ? new Counter(config) : def.kind === 'gauge' ? new Gauge(config) : new Histogram({ ...config, buckets: [...bounds] });
    const linesPerSeries = histogram ? bounds.length + 3 : 1;
    family = {
      def,
      name,
      metric,
      linesPerSeries,
      seriesPerBlock: Math.max(1, Math.floor(LINES_PER_BLOCK / linesPerSeries)),
      bucketPrefixes: histogram ? [...bounds.map((b) => `${name}_bucket{le="${formatValue(b)}"`), `${name}_bucket{le="+Inf"`].map((p) => Buffer.from(p, 'utf8')) : [],
      sumName: Buffer.from(`${name}_sum`, 'utf8'),
      countName: Buffer.from(`${name}_count`, 'utf8'),
      openMetricsDiffers: def.kind === 'counter' && !name.endsWith('_total'),
      headers: { text: ExpositionPiece.of(textHeader(name, def)), openmetrics: ExpositionPiece.of(openMetricsHeader(name, def)) },
      series: new Map(),
      blocks: [],
      byTarget: new Map(),
    };
    this.families.set(def.name, family);
    // prom-client shows a metric without labels at 0 from the start; so does the cache.
    if (def.labels.length === 0) this.addSeries(family, seriesKey(def, {}), {});
    return family;
  }
}

/** A gauge or counter series' `name{labels} `. */
function headOf(family: Family, labels: Labels, text = labelText(labels)): string {
  return `${family.name}${text === '' ? '' : `{${text}}`} `;
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

/** prom-client's default buckets, for a histogram defined without its own. */
const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * A series' identity within its family: its values in the definition's label order, each followed
 * by NUL (a missing one is U+0001). Built by `join` so the key the map keeps is one flat string,
 * not a tree of cons strings.
 */
function seriesKey(def: MetricDef, labels: Labels): string {
  if (def.labels.length === 1) {
    const v = labels[def.labels[0]!];
    return v === undefined ? '\u0001' : v;
  }
  const values: string[] = [];
  for (const name of def.labels) values.push(labels[name] ?? '\u0001');
  values.push('');
  return values.join('\u0000');
}

/** prom-client's typings declare `type` as a numeric enum; at run time it is the string (`counter`, ...). */
function snapshot(metric: unknown): MetricSnapshot {
  return metric as MetricSnapshot;
}

function mismatch(op: string, def: MetricDef): Error {
  return new Error(`cannot apply "${op}" to ${def.kind} ${def.name}`);
}
