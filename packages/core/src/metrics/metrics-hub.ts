import { SystemClock, type Clock } from '../clock/clock.js';
import type { Logger } from '../logging/logger.js';
import type { MonitorEvent, MonitorEventSink, TelemetryEvent } from '../monitor/events.js';
import type { TelemetrySample } from '../transport/telemetry-source.js';
import { isTelemetryMetric } from './telemetry-metrics.js';
import { Metrics, type MetricDef } from './catalog.js';
import { buildInfoLabels, completeBuildInfo, type BuildInfo, type BuildInfoInput } from './build-info.js';
import { effectiveCatalog } from './effective-catalog.js';
import { flatString } from './flat-string.js';
import type { Labels, MetricSink, MetricUpdate } from './metric-update.js';

/** Listener for raw monitor events (the StatusStore, plugins that want more than metrics). @internal */
export type MonitorEventListener = (event: MonitorEvent) => void;

interface Subscription {
  readonly name: string;
  readonly sink: MetricSink;
}

/** Errors from one sink are logged at most this often (ms), so a broken exporter cannot flood the log. */
const ERROR_LOG_INTERVAL_MS = 60_000;

/**
 * Fans monitor events out: to raw event listeners, and, translated once into {@link MetricUpdate}s,
 * to every subscribed exporter. A throwing listener or sink is isolated: logged (rate-limited),
 * counted in `rds_exporter_errors_total{exporter}`, and the others still get the update.
 *
 * @public
 */
export class MetricsHub implements MonitorEventSink {
  private readonly subscriptions: Subscription[] = [];
  private readonly listeners = new Set<MonitorEventListener>();
  /**
   * The current value of every series (gauges, counter totals, histogram states), replayed to an
   * exporter that subscribes late (a config reload re-created it), so it starts with every series
   * the old one had, at the same values: no counter restarts from 0 and no series is absent.
   */
  private readonly series = new Map<string, Map<string, SeriesState>>();
  private readonly knownTargets = new Set<string>();
  /** The current series of each info metric per target, keyed `<target>\0<metric name>`. */
  private readonly infoSeries = new Map<string, { readonly target: string; readonly metric: MetricDef; readonly labels: Labels }>();
  /**
   * The gauge series each input set in its last run, keyed `<target>\0<input>`: what its next run
   * replaces. The states themselves, so a series is held once however many maps name it.
   */
  private readonly inputSeries = new Map<string, Set<SeriesState>>();
  private readonly lastErrorLog = new Map<string, number>();
  /** The catalog exporters build their instruments from (`rds_target_info` with the declared labels). */
  readonly catalog: readonly MetricDef[];
  private readonly targetInfo: MetricDef;
  /** What `rds_agent_build_info` reports. */
  readonly buildInfo: BuildInfo;

  constructor(
    private readonly logger: Logger,
    private readonly version: string,
    /** Paces error logging of failing consumers. */
    private readonly clock: Clock = new SystemClock(),
    options: {
      /** Labels transports describe (their definitions' `infoLabels`), exported on `rds_target_info`. */
      readonly targetInfoLabels?: readonly string[];
      /** The rest of `rds_agent_build_info`: revision, Node.js, the plugins' `componentVersions`. */
      readonly build?: Omit<BuildInfoInput, 'version'>;
    } = {},
  ) {
    this.buildInfo = completeBuildInfo({ ...options.build, version });
    const catalog = effectiveCatalog(options.targetInfoLabels, Object.keys(this.buildInfo.components));
    this.catalog = catalog.metrics;
    this.targetInfo = catalog.targetInfo;
    this.publish({ op: 'set', metric: catalog.buildInfo, labels: buildInfoLabels(this.buildInfo), value: 1 });
  }

  /** The agent version this hub reports in `rds_agent_build_info`. */
  get buildVersion(): string {
    return this.version;
  }

  /**
   * Subscribes an exporter. Current gauge values are replayed to it at once so that an exporter
   * started after the monitors (or re-created by a reload) does not show stale or missing state.
   */
  subscribe(name: string, sink: MetricSink): () => void {
    const sub: Subscription = { name, sink };
    this.subscriptions.push(sub);
    for (const family of this.series.values()) for (const state of family.values()) this.deliver(sub, replayOf(state));
    return () => {
      const i = this.subscriptions.indexOf(sub);
      if (i >= 0) this.subscriptions.splice(i, 1);
    };
  }

  /** Subscribes to raw monitor events. */
  onEvent(listener: MonitorEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: MonitorEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logThrottled('listener', err);
      }
    }
    if (!this.knownTargets.has(event.target) && event.type !== 'target-removed') {
      this.knownTargets.add(event.target);
      // Counters exist at 0 from the start, so rate() and absent() behave from the first scrape.
      for (const status of ['success', 'failure']) {
        this.publish({ op: 'add', metric: Metrics.reconnects, labels: { target: event.target, status }, value: 0 });
      }
      this.publish({ op: 'add', metric: Metrics.hookErrors, labels: { target: event.target }, value: 0 });
      // The permanent failures an operator alerts on exist at 0 too, so increase() sees the first one.
      for (const reason of ['auth', 'host-key-mismatch']) {
        this.publish({ op: 'add', metric: Metrics.connectErrors, labels: { target: event.target, reason }, value: 0 });
      }
    }
    if (event.type === 'telemetry') {
      for (const { update, key } of this.telemetryUpdates(event)) this.publishKeyed(update, key);
      return;
    }
    for (const update of toMetricUpdates(event, this.targetInfo)) {
      if (update.op === 'set' && isInfoMetric(update.metric)) this.replaceInfo(event.target, update);
      this.publish(update);
    }
  }

  /** Sends an update to every sink, isolating failures. Exporters MAY publish their own self-metrics here. */
  publish(update: MetricUpdate): void {
    this.publishKeyed(update, undefined);
  }

  /** {@link publish} with the update's series key when the caller already built it. */
  private publishKeyed(update: MetricUpdate, key: string | undefined): void {
    this.track(update, key);
    if (update.op === 'forget') {
      this.knownTargets.delete(update.target);
      for (const key of this.inputSeries.keys()) if (key.startsWith(`${update.target}\0`)) this.inputSeries.delete(key);
      for (const [key, info] of this.infoSeries) if (info.target === update.target) this.infoSeries.delete(key);
    }
    for (const sub of [...this.subscriptions]) this.deliver(sub, update);
  }

  /** Keeps the series state a late subscriber is replayed. */
  private track(update: MetricUpdate, knownKey: string | undefined): void {
    switch (update.op) {
      case 'forget':
        for (const family of this.series.values()) for (const [key, state] of family) if (state.labels['target'] === update.target) family.delete(key);
        return;
      case 'delete':
        this.series.get(update.metric.name)?.delete(knownKey ?? seriesKey(update.metric, update.labels));
        return;
      case 'restore':
        return;
    }
    const state = this.stateOf(update.metric, update.labels, knownKey ?? seriesKey(update.metric, update.labels), update.op === 'observe');
    if (update.op === 'set') state.value = update.value;
    else if (update.op === 'add') state.value += update.value;
    else if (state.hist) {
      const buckets = update.metric.buckets!;
      let i = 0;
      while (i < buckets.length && update.value > buckets[i]!) i++;
      state.hist.bucketCounts[i]! += 1;
      state.hist.sum += update.value;
      state.hist.count += 1;
    }
  }

  /**
   * The state of a series, made (at 0) on first sight, with flat copies of its key and label
   * values: the labels object kept here is the one the telemetry path hands every exporter.
   */
  private stateOf(metric: MetricDef, labels: Labels, key: string, observed = false): SeriesState {
    let family = this.series.get(metric.name);
    if (!family) this.series.set(metric.name, (family = new Map()));
    let state = family.get(key);
    if (!state) {
      const buckets = metric.buckets;
      const flat: Record<string, string> = {};
      for (const name in labels) flat[name] = flatString(labels[name]!);
      key = flatString(key);
      state = { key, metric, labels: flat, value: 0, ...(observed && buckets ? { hist: { bucketCounts: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0 } } : {}) };
      family.set(key, state);
    }
    return state;
  }

  /**
   * An info series (value 1, facts in its labels) is replaced, not accumulated, when a target's facts
   * change (a probe mode learned, a RouterOS upgrade): the old series is deleted before the new one is set.
   */
  private replaceInfo(target: string, next: { readonly metric: MetricDef; readonly labels: Labels }): void {
    const key = `${target}\0${next.metric.name}`;
    const previous = this.infoSeries.get(key);
    // Same metric (the key names it): the label values tell the series apart.
    if (previous && seriesKey(previous.metric, previous.labels) !== seriesKey(next.metric, next.labels)) {
      this.publish({ op: 'delete', metric: previous.metric, labels: previous.labels });
    }
    this.infoSeries.set(key, { target, metric: next.metric, labels: next.labels });
  }

  /**
   * Maps one run of a telemetry input:
   * - gauges are `set`, and the gauge series the input set in its previous run but not in this one
   *   are deleted, as are all of them but its info series (facts, not readings) when a run fails: a
   *   value never freezes at its last reading while the device answers garbage, refuses, or lost
   *   the thing measured (a pulled drive);
   * - counters carry the device's cumulative total, so they become the increment since the last
   *   total seen for the series (the first total counts whole, and a total lower than the last, a
   *   device reboot, counts as the new total: the exported counter never goes down);
   * - samples naming no device metric, with the wrong labels or a value that is not a finite number
   *   (negative, for counters) are dropped, logged (rate-limited) and counted with the values the
   *   input refused itself in `rds_telemetry_errors_total{target, input, reason}`, as is a failed run;
   * - every run sets the input's duration, enabled flag and (when it read) bytes and last success.
   */
  private telemetryUpdates(event: TelemetryEvent): KeyedUpdate[] {
    const { target } = event;
    const input = typeof event.input === 'string' && event.input !== '' ? event.input : 'collect';
    const own = { target, input };
    const updates: KeyedUpdate[] = [
      { update: { op: 'set', metric: Metrics.telemetryDuration, labels: own, value: Math.max(0, event.durationMs) / 1000 } },
      { update: { op: 'set', metric: Metrics.telemetryInputEnabled, labels: own, value: event.outcome === 'unsupported' ? 0 : 1 } },
    ];
    if (typeof event.bytesRead === 'number' && Number.isFinite(event.bytesRead) && event.bytesRead >= 0) {
      updates.push({ update: { op: 'add', metric: Metrics.telemetryBytesRead, labels: own, value: event.bytesRead } });
    }
    const error = (reason: string, count: number): KeyedUpdate => ({ update: { op: 'add', metric: Metrics.telemetryErrors, labels: { target, input, reason }, value: count } });
    if (event.outcome !== 'ok') {
      updates.push(error(event.reason ?? 'unknown', 1));
      // Readings go absent; facts (an info series: RouterOS version, a drive's serial) stay until a run that reads replaces them.
      const facts = new Set([...(this.inputSeries.get(`${target}\0${input}`) ?? [])].filter((s) => isInfoMetric(s.metric)));
      updates.push(...this.replaceInputSeries(target, input, facts));
      return updates;
    }
    const gauges = new Set<SeriesState>();
    const dropped: string[] = [];
    // Samples come from third-party transports: checked, not trusted.
    for (const sample of event.samples as readonly (TelemetrySample | undefined)[]) {
      const id: unknown = sample?.metric;
      const metric = isTelemetryMetric(id) ? Metrics[id] : undefined;
      const labels = metric ? sampleLabels(metric, target, sample?.labels) : undefined;
      const value: unknown = sample?.value;
      if (!metric || !labels || typeof value !== 'number' || !Number.isFinite(value) || (metric.kind === 'counter' && value < 0)) {
        dropped.push(String(id));
        continue;
      }
      const key = seriesKey(metric, labels);
      const state = this.stateOf(metric, labels, key);
      if (metric.kind === 'counter') {
        const last = state.deviceTotal;
        state.deviceTotal = value;
        updates.push({ update: { op: 'add', metric, labels: state.labels, value: last === undefined || value < last ? value : value - last }, key });
      } else {
        gauges.add(state);
        updates.push({ update: { op: 'set', metric, labels: state.labels, value }, key });
      }
    }
    // Deletions of what this run no longer reports come before nothing else depends on them.
    updates.unshift(...this.replaceInputSeries(target, input, gauges));
    for (const r of event.rejected ?? []) {
      if (r && typeof r.reason === 'string' && Number.isFinite(r.count) && r.count > 0) updates.push(error(r.reason, r.count));
    }
    if (dropped.length > 0) {
      updates.push(error('invalid-sample', dropped.length));
      this.logThrottled(`telemetry:${target}`, new Error(`metrics: ${dropped.join(', ')}`), 'invalid telemetry samples dropped (not a device metric, wrong labels, or a bad value)');
    }
    updates.push({ update: { op: 'set', metric: Metrics.telemetryLastSuccess, labels: own, value: event.at / 1000 } });
    return updates;
  }

  /**
   * Deletes the gauge series an input set last time and not in `current`; remembers `current`. A
   * state no longer the hub's own for its series (deleted since, or made anew) is not deleted again.
   */
  private replaceInputSeries(target: string, input: string, current: Set<SeriesState>): KeyedUpdate[] {
    const key = `${target}\0${input}`;
    const previous = this.inputSeries.get(key);
    this.inputSeries.set(key, current);
    const deletes: KeyedUpdate[] = [];
    for (const state of previous ?? []) {
      if (current.has(state) || this.series.get(state.metric.name)?.get(state.key) !== state) continue;
      deletes.push({ update: { op: 'delete', metric: state.metric, labels: state.labels }, key: state.key });
    }
    return deletes;
  }

  private deliver(sub: Subscription, update: MetricUpdate): void {
    try {
      sub.sink.record(update);
    } catch (err) {
      this.logThrottled(sub.name, err);
      const counted: MetricUpdate = { op: 'add', metric: Metrics.exporterErrors, labels: { exporter: sub.name }, value: 1 };
      for (const other of this.subscriptions) {
        if (other === sub) continue;
        try {
          other.sink.record(counted);
        } catch {
          // A second failing sink is already being logged on its own account.
        }
      }
    }
  }

  private logThrottled(who: string, err: unknown, msg = 'metrics consumer failed; isolated'): void {
    const now = this.clock.now();
    const last = this.lastErrorLog.get(who);
    if (last !== undefined && now - last < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLog.set(who, now);
    this.logger.error({ consumer: who, err: err instanceof Error ? err.message : String(err) }, msg);
  }
}

interface SeriesState {
  /** Its key in its metric's series map. */
  readonly key: string;
  readonly metric: MetricDef;
  readonly labels: Labels;
  /** Gauge value or counter total. */
  value: number;
  hist?: { bucketCounts: number[]; sum: number; count: number };
  /** A telemetry counter: the device's last cumulative total (turns totals into increments). */
  deviceTotal?: number;
}

/** An update the hub maps itself, with its series key when it already built it. */
interface KeyedUpdate {
  readonly update: MetricUpdate;
  readonly key?: string;
}

/** What brings a fresh exporter to a series' current state. */
function replayOf(state: SeriesState): MetricUpdate {
  const { metric, labels } = state;
  if (metric.kind === 'histogram') {
    const hist = state.hist ?? { bucketCounts: new Array<number>((metric.buckets?.length ?? 0) + 1).fill(0), sum: 0, count: 0 };
    return { op: 'restore', metric, labels, histogram: { bucketCounts: [...hist.bucketCounts], sum: hist.sum, count: hist.count } };
  }
  return { op: metric.kind === 'counter' ? 'add' : 'set', metric, labels, value: state.value };
}

/** Info metrics (`rds_target_info`, `rds_system_info`): value 1, the facts are the labels. */
function isInfoMetric(metric: MetricDef): boolean {
  return metric.unit === '{info}' && metric.name !== Metrics.buildInfo.name;
}

/**
 * `{ target, ...sample.labels }` when the sample carries exactly the labels its catalog entry lists
 * besides `target`, as strings; undefined otherwise (an exporter would reject the series).
 */
function sampleLabels(metric: MetricDef, target: string, own: Readonly<Record<string, string>> | undefined): Labels | undefined {
  const expected = metric.labels.filter((l) => l !== 'target');
  const given = own ?? {};
  const keys = Object.keys(given);
  if (keys.length !== expected.length || !expected.every((l) => typeof given[l] === 'string')) return undefined;
  return { target, ...given };
}

/**
 * A series' identity within its metric: the label values in the definition's order, each followed
 * by NUL (short: the hub keeps one per series). Labels the definition does not list (exporters
 * refuse such a series) make the key spell every `name=value`, so no two label sets share one.
 */
function seriesKey(metric: MetricDef, labels: Labels): string {
  const values: string[] = [];
  let listed = 0;
  for (const name of metric.labels) {
    const value = labels[name];
    if (value !== undefined) listed++;
    values.push(value === undefined ? '\u0001' : value);
  }
  let given = 0;
  for (const name in labels) if (labels[name] !== undefined) given++;
  if (given !== listed) {
    const extra = Object.keys(labels).filter((k) => !metric.labels.includes(k));
    for (const k of extra.sort()) values.push(`${k}=${labels[k]}`);
  }
  values.push('');
  return values.join('\u0000');
}

/**
 * The one mapping from monitor events to metric updates. `targetInfo` is the agent's
 * `rds_target_info` definition: a described label it does not list is dropped, one it lists that the
 * transport does not describe is "".
 *
 * @internal
 */
export function toMetricUpdates(event: MonitorEvent, targetInfo: MetricDef = Metrics.targetInfo): MetricUpdate[] {
  const target = { target: event.target };
  switch (event.type) {
    case 'state-changed': {
      const updates: MetricUpdate[] = [
        { op: 'set', metric: Metrics.connectionState, labels: target, value: event.to === 'connected' ? 1 : 0 },
        { op: 'set', metric: Metrics.lastChange, labels: target, value: event.at / 1000 },
      ];
      // An attempt in flight has no wait ahead of it: the gauge describes the present, not the last wait.
      if (event.to === 'connecting') updates.push({ op: 'set', metric: Metrics.backoffDelay, labels: target, value: 0 });
      return updates;
    }
    case 'attempt': {
      const updates: MetricUpdate[] = [
        { op: 'add', metric: Metrics.reconnects, labels: { target: event.target, status: event.outcome }, value: 1 },
      ];
      if (event.outcome === 'failure') {
        const reason = event.error?.reason ?? 'unknown';
        updates.push({ op: 'add', metric: Metrics.connectErrors, labels: { target: event.target, reason }, value: 1 });
      }
      return updates;
    }
    case 'recovered':
      return [
        { op: 'observe', metric: Metrics.reconnectDuration, labels: target, value: event.outageMs / 1000 },
        { op: 'set', metric: Metrics.backoffDelay, labels: target, value: 0 },
      ];
    case 'disconnected':
      return [{ op: 'add', metric: Metrics.disconnects, labels: { target: event.target, reason: event.reason }, value: 1 }];
    case 'probe': {
      const result = event.outcome === 'ok' ? 'ok' : event.reason === 'timeout' ? 'timeout' : 'failed';
      return [
        { op: 'observe', metric: Metrics.probeDuration, labels: target, value: event.latencyMs / 1000 },
        { op: 'add', metric: Metrics.probes, labels: { target: event.target, result }, value: 1 },
      ];
    }
    case 'deadline-extended':
      return [{ op: 'add', metric: Metrics.deadlineExtensions, labels: { target: event.target, phase: event.phase }, value: 1 }];
    case 'backoff':
      return [{ op: 'set', metric: Metrics.backoffDelay, labels: target, value: event.delayMs / 1000 }];
    case 'hook-failed':
      return [{ op: 'add', metric: Metrics.hookErrors, labels: target, value: 1 }];
    case 'target-info': {
      const labels: Record<string, string> = { target: event.target, transport: event.transport };
      for (const name of targetInfo.labels) {
        if (name !== 'target' && name !== 'transport') labels[name] = event.labels[name] ?? '';
      }
      return [{ op: 'set', metric: targetInfo, labels, value: 1 }];
    }
    case 'telemetry':
      return []; // mapped by the hub itself (counter totals need state): see MetricsHub.emit
    case 'target-removed':
      return [{ op: 'forget', target: event.target }];
  }
}
