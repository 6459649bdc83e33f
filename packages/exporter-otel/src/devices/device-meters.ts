import { emptyResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { MeterProvider, type MetricReaderOptions, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { Metrics, type Labels, type Logger, type MetricDef, type MetricSink, type MetricUpdate } from '@rds-agent/core';
import type { ResourceSource } from '../export/resource-batching-exporter.js';
import { CatalogInstruments } from '../instruments/catalog-instruments.js';
import { deviceAttributes } from '../resource/device-attributes.js';
import { PullMetricReader } from './pull-metric-reader.js';

export interface DeviceMetersOptions {
  /** The agent's catalog: each target's instruments are built from its entries that carry `target`. */
  readonly catalog: readonly MetricDef[];
  /** Instrumentation scope of every target's metrics. */
  readonly meterName: string;
  readonly meterVersion: string;
  /** The agent's attributes every target's resource carries (`service.*`, deployment, user attributes). */
  readonly shared: Readonly<Record<string, string>>;
  /** Temporality and aggregation selectors: the same as the agent's own reader. */
  readonly reader: MetricReaderOptions;
  /** Receives every update that names no target (build info, exporter errors, a plugin's own). */
  readonly agent: MetricSink;
  readonly logger: Logger;
}

/** One target: its own MeterProvider (its series, cardinality and lifetime), read by a pull reader. */
class DeviceMeter {
  readonly reader: PullMetricReader;
  readonly provider: MeterProvider;
  readonly instruments: CatalogInstruments;
  private targetInfo?: Labels;
  private systemInfo?: Labels;
  private resource?: Resource;

  constructor(
    private readonly target: string,
    options: DeviceMetersOptions,
    catalog: readonly MetricDef[],
  ) {
    this.reader = new PullMetricReader(options.reader);
    // The provider's own resource is never exported: collect() stamps the device's current one.
    this.provider = new MeterProvider({ resource: emptyResource(), readers: [this.reader] });
    this.instruments = new CatalogInstruments(this.provider.getMeter(options.meterName, options.meterVersion), catalog);
  }

  /** Tracks the info series the resource is built from (a change is a `delete` then a `set`). */
  learn(update: MetricUpdate): void {
    if (update.op !== 'set' && update.op !== 'delete') return;
    const name = update.metric.name;
    if (name !== Metrics.targetInfo.name && name !== Metrics.systemInfo.name) return;
    const next = update.op === 'set' ? update.labels : undefined;
    if (name === Metrics.targetInfo.name) {
      if (update.op === 'delete' && !sameLabels(this.targetInfo, update.labels)) return;
      this.targetInfo = next;
    } else {
      if (update.op === 'delete' && !sameLabels(this.systemInfo, update.labels)) return;
      this.systemInfo = next;
    }
    this.resource = undefined;
  }

  resourceWith(shared: Readonly<Record<string, string>>): Resource {
    this.resource ??= resourceFromAttributes({
      ...shared,
      ...deviceAttributes({ target: this.target, ...(this.targetInfo ? { targetInfo: this.targetInfo } : {}), ...(this.systemInfo ? { systemInfo: this.systemInfo } : {}) }),
    });
    return this.resource;
  }
}

/**
 * Routes the hub's updates by their `target` label to one MeterProvider per target, and collects
 * them as one ResourceMetrics per target whose resource describes the device (see
 * `device-attributes.ts`), not the agent's host. Updates without a `target` go to the agent's own
 * instruments. `forget` drops the target's provider: every series of a removed target (counters and
 * histograms too) stops being exported.
 *
 * Why a provider per target: an SDK MeterProvider has exactly one Resource. The resource itself is
 * stamped at collection from the target's current info series, so facts learned later (the RouterOS
 * version after the first telemetry read) or changed (an upgrade) relabel the device without
 * resetting its counters.
 */
export class DeviceMeters implements MetricSink, ResourceSource {
  private readonly devices = new Map<string, DeviceMeter>();
  private readonly deviceCatalog: readonly MetricDef[];

  constructor(private readonly options: DeviceMetersOptions) {
    this.deviceCatalog = options.catalog.filter((def) => def.labels.includes('target'));
  }

  /** Targets with a MeterProvider. */
  get size(): number {
    return this.devices.size;
  }

  record(update: MetricUpdate): void {
    if (update.op === 'forget') {
      this.drop(update.target);
      return;
    }
    const target = update.labels['target'];
    if (target === undefined) {
      this.options.agent.record(update);
      return;
    }
    let device = this.devices.get(target);
    if (!device) {
      if (update.op === 'delete') return;
      device = new DeviceMeter(target, this.options, this.deviceCatalog);
      this.devices.set(target, device);
    }
    device.instruments.record(update);
    device.learn(update);
  }

  /** One ResourceMetrics per target with data, in target-name order. A target that fails to collect is left out (logged). */
  async collect(): Promise<ResourceMetrics[]> {
    const devices = [...this.devices.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const results = await Promise.allSettled(devices.map(([, d]) => d.reader.collect()));
    const out: ResourceMetrics[] = [];
    results.forEach((result, i) => {
      const [target, device] = devices[i]!;
      if (result.status === 'rejected') {
        // A target removed while being collected: its provider is shut down.
        if (this.devices.get(target) === device) this.options.logger.debug({ target, err: String(result.reason) }, 'OTLP: collecting a target failed');
        return;
      }
      const { resourceMetrics, errors } = result.value;
      if (errors.length > 0) this.options.logger.debug({ target, errors: errors.map(String) }, 'OTLP: errors while collecting a target');
      if (resourceMetrics.scopeMetrics.length === 0) return;
      out.push({ resource: device.resourceWith(this.options.shared), scopeMetrics: resourceMetrics.scopeMetrics });
    });
    return out;
  }

  /** Gauge series held for export across all targets. */
  gaugeSeriesCount(): number {
    let n = 0;
    for (const device of this.devices.values()) n += device.instruments.gaugeSeriesCount();
    return n;
  }

  async shutdown(): Promise<void> {
    const devices = [...this.devices.values()];
    this.devices.clear();
    await Promise.allSettled(devices.map((d) => d.provider.shutdown()));
  }

  private drop(target: string): void {
    const device = this.devices.get(target);
    if (!device) return;
    this.devices.delete(target);
    void device.provider.shutdown().catch(() => undefined);
  }
}

function sameLabels(a: Labels | undefined, b: Labels): boolean {
  if (!a) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
