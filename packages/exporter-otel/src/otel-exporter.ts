import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { AgentError, ErrorCode, Metrics, type ExporterContext, type MetricsExporter } from '@rds-agent/core';
import { flattenResourceAttributes, type OtelExporterConfig } from './config.js';
import { AccountingExporter } from './export/accounting-exporter.js';
import { createOtlpExporter, resolveEndpoint } from './export/create-otlp-exporter.js';
import { CatalogInstruments } from './instruments/catalog-instruments.js';
import { buildResource } from './resource/build-resource.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Seams for tests and embedders; the agent passes none. */
export interface OtelExporterOptions {
  /** Environment for `OTEL_*` look-ups this package does itself. @default process.env */
  readonly env?: Env;
  /** Builds the SDK exporter (tests pass an `InMemoryMetricExporter`). @default the OTLP exporter for `config.protocol` */
  readonly createExporter?: (config: Readonly<OtelExporterConfig>, env: Env) => Promise<PushMetricExporter>;
}

/** The instrumentation scope every metric is reported under. */
export const METER_NAME = '@rds-agent/exporter-otel';

/**
 * Pushes the hub's metrics over OTLP with its own `MeterProvider` (never the global one, so two
 * instances, or this and another OTel user in the process, coexist).
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
  private instruments?: CatalogInstruments;
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
    return this.instruments?.gaugeSeriesCount() ?? 0;
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.state !== 'idle') return;
    signal.throwIfAborted();
    this.state = 'starting';
    const env = this.options.env ?? process.env;
    let inner: PushMetricExporter;
    try {
      inner = await (this.options.createExporter ?? createOtlpExporter)(this.config, env);
    } catch (err) {
      if (this.state === 'starting') this.state = 'idle';
      if (err instanceof AgentError) throw err;
      throw new AgentError(ErrorCode.EXPORTER_START, `exporters.otel: cannot create the ${this.config.protocol} exporter: ${(err as Error).message}`, { cause: err });
    }
    if (this.state !== 'starting') {
      // shutdown() ran while we were building: release what we built and stay stopped.
      await inner.shutdown().catch(() => undefined);
      return;
    }
    const { context } = this;
    const errorSeries = { op: 'add', metric: Metrics.exporterErrors, labels: { exporter: context.name } } as const;
    this.accounting = new AccountingExporter(inner, context.logger, context.clock, {
      onFailure: () => context.metrics.publish({ ...errorSeries, value: 1 }),
    });
    const reader = new PeriodicExportingMetricReader({
      exporter: this.accounting,
      exportIntervalMillis: this.config.exportInterval,
      exportTimeoutMillis: this.config.exportTimeout,
    });
    this.provider = new MeterProvider({
      resource: buildResource(context.version, flattenResourceAttributes(this.config.resourceAttributes), env),
      readers: [reader],
    });
    this.instruments = new CatalogInstruments(this.provider.getMeter(METER_NAME, context.version), context.catalog);
    this.unsubscribe = context.metrics.subscribe(context.name, this.instruments);
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
