import { SystemClock, type Clock } from '../clock/clock.js';
import type { Logger } from '../logging/logger.js';
import type { MonitorEvent, MonitorEventSink } from '../monitor/events.js';
import { Metrics, type MetricDef } from './catalog.js';
import type { Labels, MetricSink, MetricUpdate } from './metric-update.js';

/** Listener for raw monitor events (the StatusStore, plugins that want more than metrics). */
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
 */
export class MetricsHub implements MonitorEventSink {
  private readonly subscriptions: Subscription[] = [];
  private readonly listeners = new Set<MonitorEventListener>();
  /** Last value of every gauge series, replayed to exporters that subscribe late (config reload). */
  private readonly gauges = new Map<string, MetricUpdate>();
  private readonly knownTargets = new Set<string>();
  private readonly infoSeries = new Map<string, { readonly metric: MetricDef; readonly labels: Labels }>();
  private readonly lastErrorLog = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly version: string,
    /** Paces error logging of failing consumers. */
    private readonly clock: Clock = new SystemClock(),
  ) {
    this.publish({ op: 'set', metric: Metrics.buildInfo, labels: { version }, value: 1 });
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
    for (const update of this.gauges.values()) this.deliver(sub, update);
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
    if (event.type === 'target-info') {
      // An info series is replaced, not accumulated, when the target's facts change (e.g. probe mode).
      const previous = this.infoSeries.get(event.target);
      const next = toMetricUpdates(event)[0]!;
      if (previous && next.op === 'set' && seriesKey(previous.metric.name, previous.labels) !== seriesKey(next.metric.name, next.labels)) {
        this.publish({ op: 'delete', metric: previous.metric, labels: previous.labels });
      }
      if (next.op === 'set') this.infoSeries.set(event.target, next);
    }
    if (event.type === 'target-removed') this.infoSeries.delete(event.target);
    for (const update of toMetricUpdates(event)) this.publish(update);
  }

  /** Sends an update to every sink, isolating failures. Exporters MAY publish their own self-metrics here. */
  publish(update: MetricUpdate): void {
    if (update.op === 'set') this.gauges.set(seriesKey(update.metric.name, update.labels), update);
    if (update.op === 'delete') this.gauges.delete(seriesKey(update.metric.name, update.labels));
    if (update.op === 'forget') {
      for (const [key, gauge] of this.gauges) {
        if (gauge.op === 'set' && gauge.labels['target'] === update.target) this.gauges.delete(key);
      }
      this.knownTargets.delete(update.target);
    }
    for (const sub of [...this.subscriptions]) this.deliver(sub, update);
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

  private logThrottled(who: string, err: unknown): void {
    const now = this.clock.now();
    const last = this.lastErrorLog.get(who);
    if (last !== undefined && now - last < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLog.set(who, now);
    this.logger.error({ component: who, err: err instanceof Error ? err.message : String(err) }, 'metrics consumer failed; isolated');
  }
}

function seriesKey(name: string, labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`);
  return `${name}{${parts.join(',')}}`;
}

/** The one mapping from monitor events to metric updates. */
export function toMetricUpdates(event: MonitorEvent): MetricUpdate[] {
  const target = { target: event.target };
  switch (event.type) {
    case 'state-changed':
      return [
        { op: 'set', metric: Metrics.connectionState, labels: target, value: event.to === 'connected' ? 1 : 0 },
        { op: 'set', metric: Metrics.lastChange, labels: target, value: event.at / 1000 },
      ];
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
    case 'probe':
      return event.outcome === 'ok'
        ? [{ op: 'observe', metric: Metrics.probeDuration, labels: target, value: event.latencyMs / 1000 }]
        : [];
    case 'backoff':
      return [{ op: 'set', metric: Metrics.backoffDelay, labels: target, value: event.delayMs / 1000 }];
    case 'hook-failed':
      return [{ op: 'add', metric: Metrics.hookErrors, labels: target, value: 1 }];
    case 'target-info':
      return [
        {
          op: 'set',
          metric: Metrics.targetInfo,
          labels: {
            target: event.target,
            transport: event.transport,
            host_key_verification: event.labels['host_key_verification'] ?? '',
            probe_mode: event.labels['probe_mode'] ?? '',
          },
          value: 1,
        },
      ];
    case 'telemetry':
      return []; // mapped by the hub itself (counter totals need state): see MetricsHub.emit
    case 'target-removed':
      return [{ op: 'forget', target: event.target }];
  }
}
