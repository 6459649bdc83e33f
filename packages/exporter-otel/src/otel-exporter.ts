import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { AgentError, ErrorCode, Metrics, type ExporterContext, type MetricsExporter } from '@rds-agent/core';
import { flattenResourceAttributes, type OtelExporterConfig } from './config.js';
import { DeviceMeters } from './devices/device-meters.js';
import { AccountingExporter } from './export/accounting-exporter.js';
import { FAILED, SUCCESS, type BatchExporterFactory, type ExportResult } from './export/batch-metric-exporter.js';
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
   * start, its result once for the periodic exports and once for the final flush.
   * @default the OTLP exporter for `config.protocol`
   */
  readonly createExporter?: (config: Readonly<OtelExporterConfig>, env: Env) => Promise<BatchExporterFactory>;
}

/** The instrumentation scope every metric is reported under. */
export const METER_NAME = '@rds-agent/exporter-otel';

/**
 * The share of the shutdown budget (`ExporterContext.shutdownTimeoutMs`) the final flush's request
 * may use, retries included; the rest is for collecting and releasing the SDK. With the agent's
 * default `shutdownTimeout: 10s` the exporter gets 5 s and its final request at most 4 s
 * (or `exportTimeout`, if shorter).
 */
export const FINAL_FLUSH_SHARE = 0.8;

/**
 * Pushes the hub's metrics over OTLP with its own MeterProviders (never the global one, so two
 * instances, or this and another OTel user in the process, coexist): one for the agent's own
 * metrics and one per target (see `devices/device-meters.ts`), all sent as one request per interval.
 *
 * Lifecycle: `start` builds the SDK pipeline and subscribes to the hub; `forceFlush` exports now
 * (within `exportTimeout`); `shutdown` unsubscribes, sends one final export and releases the SDK,
 * all within `context.shutdownTimeoutMs` whatever the collector does. Shutdown is idempotent and
 * safe before (or during) `start`; `start` after `shutdown` rejects. Export failures never reject
 * anything: they are counted in `rds_exporter_errors_total{exporter="otel"}` and logged.
 */
export class OtelExporter implements MetricsExporter {
  private state: 'idle' | 'starting' | 'running' | 'stopped' = 'idle';
  private provider?: MeterProvider;
  private reader?: PeriodicExportingMetricReader;
  private accounting?: AccountingExporter;
  private batching?: ResourceBatchingExporter;
  private senders?: BatchExporterFactory;
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
    if (this.state === 'stopped') throw new AgentError(ErrorCode.EXPORTER_START, `exporters.${this.context.name}: the exporter was shut down; create a new one`);
    if (this.state !== 'idle') throw new AgentError(ErrorCode.EXPORTER_START, `exporters.${this.context.name}: the exporter is already started`);
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
    this.senders = senders;
    // The targets' meters are built below; they are collected only once exports run.
    this.batching = new ResourceBatchingExporter(senders(this.config.exportTimeout), { collect: () => this.devices!.collect() });
    this.accounting = new AccountingExporter(this.batching, context.logger, context.clock, {
      onFailure: () => context.metrics.publish({ ...errorSeries, value: 1 }),
    });
    const accounting = this.accounting;
    this.reader = new PeriodicExportingMetricReader({
      exporter: accounting,
      exportIntervalMillis: this.config.exportInterval,
      exportTimeoutMillis: this.config.exportTimeout,
    });
    this.provider = new MeterProvider({ resource: resourceFromAttributes(agentAttributes), readers: [this.reader] });
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
    try {
      await this.provider.forceFlush({ timeoutMillis: this.config.exportTimeout });
    } catch (err) {
      // Failures are already counted and logged by the AccountingExporter; a flush never rejects.
      this.context.logger.debug({ err: (err as Error).message }, 'OTLP flush did not complete in time');
    }
  }

  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  /**
   * Unsubscribes, then within `context.shutdownTimeoutMs` (Clock time): one final export through a
   * sender whose deadline is {@link FINAL_FLUSH_SHARE} of the budget (or `exportTimeout`, if
   * shorter), then the SDK's release. When the budget runs out first, exports still in flight are
   * abandoned (counted as failed) and shutdown resolves anyway; a failed final flush is logged.
   */
  private async stop(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (!wasRunning) return;
    const { logger, clock, shutdownTimeoutMs } = this.context;
    const accounting = this.accounting!;
    accounting.stopLogging(); // the final flush's outcome is logged here, once
    const flushTimeoutMs = Math.max(1, Math.min(this.config.exportTimeout, Math.floor(shutdownTimeoutMs * FINAL_FLUSH_SHARE)));
    const deadline = new AbortController();
    const budgetOver = clock.sleep(shutdownTimeoutMs, deadline.signal).then(
      () => true,
      () => false,
    );
    try {
      const flush = this.finalFlush(flushTimeoutMs);
      const result = await Promise.race([flush.result, budgetOver.then(() => undefined)]);
      if (result === undefined) {
        const error = new Error(`the final flush did not complete within the shutdown budget of ${shutdownTimeoutMs} ms`);
        accounting.abandon(error); // ends the final export if it is on the wire (counted once)
        flush.fail(error); // or counts it here if it never got that far
        logger.warn({ timeoutMs: shutdownTimeoutMs }, 'final OTLP flush did not complete within the shutdown budget; the last values were not delivered');
        void this.release().catch(() => undefined);
        return;
      }
      if (result.code !== SUCCESS) {
        logger.warn({ err: result.error?.message ?? 'export failed', timeoutMs: flushTimeoutMs }, 'final OTLP flush failed; the last values were not delivered');
      }
      // Nothing is exported after the final flush (the SDK's shutdown would export again).
      accounting.close();
      const released = await Promise.race([this.release().then(() => true), budgetOver.then(() => false)]);
      if (!released) {
        // An earlier export still on the wire: its request ends by its own exportTimeout.
        accounting.abandon(new Error('abandoned at shutdown'));
        logger.debug({ timeoutMs: shutdownTimeoutMs }, 'OTLP exporter release did not complete within the shutdown budget');
      }
    } finally {
      deadline.abort();
    }
  }

  /**
   * Collects the agent's resource and every target's and sends them through a fresh sender with the
   * final flush's deadline (not waiting for a periodic export that may be hung on the old one).
   */
  private finalFlush(timeoutMs: number): { result: Promise<ExportResult>; fail(error: Error): void } {
    const accounting = this.accounting!;
    let settle!: (result: ExportResult) => void;
    let done = false;
    const result = new Promise<ExportResult>((resolve) => {
      settle = (r) => {
        if (done) return;
        done = true;
        resolve(r);
      };
    });
    const fail = (error: Error): void => {
      if (done) return;
      accounting.recordFailure(error);
      settle({ code: FAILED, error });
    };
    void (async () => {
      this.batching!.useSender(this.senders!(timeoutMs));
      const { resourceMetrics } = await this.reader!.collect({ timeoutMillis: timeoutMs });
      accounting.export(resourceMetrics, settle);
    })().catch((err: unknown) => fail(err instanceof Error ? err : new Error(String(err))));
    return { result, fail };
  }

  private async release(): Promise<void> {
    await Promise.allSettled([this.provider!.shutdown(), this.devices!.shutdown()]);
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
