import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { AgentError, ErrorCode, Metrics, type ExporterContext, type MetricsExporter } from '@rds-agent/core';
import { flattenResourceAttributes, type OtelExporterConfig } from './config.js';
import { DeviceMeters } from './devices/device-meters.js';
import { AccountingExporter } from './export/accounting-exporter.js';
import type { BatchExporterFactory } from './export/batch-metric-exporter.js';
import { createOtlpExporterFactory, resolveEndpoint } from './export/create-otlp-exporter.js';
import { ResourceBatchingExporter } from './export/resource-batching-exporter.js';
import { CatalogInstruments } from './instruments/catalog-instruments.js';
import { agentResourceAttributes, sharedResourceAttributes } from './resource/build-resource.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Seams for tests and embedders; the agent passes none. */
export interface OtelExporterOptions {
  /** Environment for `OTEL_*` look-ups this package does itself. @default process.env */
  readonly env?: Env;
  /**
   * Prepares the sender (tests pass one returning an `InMemoryBatchExporter`); it is called once at
   * start, its result once for the exports.
   * @default the OTLP exporter for `config.protocol`
   */
  readonly createExporter?: (config: Readonly<OtelExporterConfig>, env: Env) => Promise<BatchExporterFactory>;
}

/** The instrumentation scope every metric is reported under. */
export const METER_NAME = '@rds-agent/exporter-otel';

/**
 * Pushes the hub's metrics over OTLP with its own MeterProviders (never the global one, so two
 * instances, or this and another OTel user in the process, coexist): one for the agent's own
 * metrics and one per target (see `devices/device-meters.ts`), all sent as one request per interval.
 *
 * Lifecycle: `start` builds the SDK pipeline and subscribes to the hub; `forceFlush` exports now;
 * `shutdown` unsubscribes, flushes once within `exportTimeout`, then shuts the SDK down. Shutdown is
 * idempotent and safe before (or during) `start`. Export failures never reject anything: they are
 * counted in `rds_exporter_errors_total{exporter="otel"}` and logged rate-limited.
 */
export class OtelExporter implements MetricsExporter {
  private state: 'idle' | 'starting' | 'running' | 'stopped' = 'idle';
  private provider?: MeterProvider;
  private accounting?: AccountingExporter;
  private batching?: ResourceBatchingExporter;
  private agentInstruments?: CatalogInstruments;
  private devices?: DeviceMeters;
  private unsubscribe?: () => void;
  private stopping?: Promise<void>;

  constructor(
    private readonly config: Readonly<OtelExporterConfig>,
    private readonly context: ExporterContext,
    private readonly options: OtelExporterOptions = {},
  ) {}

  /** Failed exports so far (also counted in `rds_exporter_errors_total`). */
  get failedExports(): number {
    return this.accounting?.failures ?? 0;
  }

  /** Gauge series held for export: bounded by targets x catalog, whatever the collector does. */
  get gaugeSeries(): number {
    return (this.agentInstruments?.gaugeSeriesCount() ?? 0) + (this.devices?.gaugeSeriesCount() ?? 0);
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.state !== 'idle') return;
    signal.throwIfAborted();
    this.state = 'starting';
    const env = this.options.env ?? process.env;
    let senders: BatchExporterFactory;
    try {
      senders = await (this.options.createExporter ?? createOtlpExporterFactory)(this.config, env);
    } catch (err) {
      if (this.state === 'starting') this.state = 'idle';
      if (err instanceof AgentError) throw err;
      throw new AgentError(ErrorCode.EXPORTER_START, `exporters.otel: cannot create the ${this.config.protocol} exporter: ${(err as Error).message}`, { cause: err });
    }
    // shutdown() ran while we were preparing: nothing was built, stay stopped.
    if (this.state !== 'starting') return;
    const { context } = this;
    const errorSeries = { op: 'add', metric: Metrics.exporterErrors, labels: { exporter: context.name } } as const;
    const agentAttributes = agentResourceAttributes(context.version, flattenResourceAttributes(this.config.resourceAttributes), env);
    // The targets' meters are built below; they are collected only once exports run.
    this.batching = new ResourceBatchingExporter(senders(this.config.exportTimeout), { collect: () => this.devices!.collect() });
    this.accounting = new AccountingExporter(this.batching, context.logger, context.clock, {
      onFailure: () => context.metrics.publish({ ...errorSeries, value: 1 }),
    });
    const accounting = this.accounting;
    const reader = new PeriodicExportingMetricReader({
      exporter: accounting,
      exportIntervalMillis: this.config.exportInterval,
      exportTimeoutMillis: this.config.exportTimeout,
    });
    this.provider = new MeterProvider({ resource: resourceFromAttributes(agentAttributes), readers: [reader] });
    const catalog = context.catalog;
    this.agentInstruments = new CatalogInstruments(
      this.provider.getMeter(METER_NAME, context.version),
      catalog.filter((def) => !def.labels.includes('target')),
    );
    const devices = (this.devices = new DeviceMeters({
      catalog,
      meterName: METER_NAME,
      meterVersion: context.version,
      shared: sharedResourceAttributes(agentAttributes),
      reader: {
        aggregationTemporalitySelector: (type) => accounting.selectAggregationTemporality(type),
        aggregationSelector: (type) => accounting.selectAggregation(type),
      },
      agent: this.agentInstruments,
      logger: context.logger,
    }));
    this.unsubscribe = context.metrics.subscribe(context.name, devices);
    // The error counter exists at 0 from the first export, for rate() and alerting on absence.
    context.metrics.publish({ ...errorSeries, value: 0 });
    this.state = 'running';
    const url = resolveEndpoint(this.config, env);
    context.logger.info(
      {
        protocol: this.config.protocol,
        // Origin and path only: a query string could carry a token.
        endpoint: url === undefined ? '(from OTEL_EXPORTER_OTLP_* environment)' : redactUrl(url),
        exportIntervalMs: this.config.exportInterval,
      },
      'OTLP exporter started',
    );
  }

  async forceFlush(): Promise<void> {
    if (this.state !== 'running' || !this.provider) return;
    await this.flushQuietly();
  }

  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (!wasRunning || !this.provider) return;
    await this.flushQuietly();
    // The final flush has run; the SDK's shutdown would export again, possibly into a dead collector.
    this.accounting?.close();
    try {
      await this.provider.shutdown({ timeoutMillis: this.config.exportTimeout });
    } catch (err) {
      this.context.logger.debug({ err: (err as Error).message }, 'OTLP exporter shutdown did not complete in time');
    }
    await this.devices?.shutdown();
  }

  /** Failures are already counted and logged by the AccountingExporter; a flush never rejects. */
  private async flushQuietly(): Promise<void> {
    try {
      await this.provider!.forceFlush({ timeoutMillis: this.config.exportTimeout });
    } catch (err) {
      this.context.logger.debug({ err: (err as Error).message }, 'OTLP flush did not complete in time');
    }
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
