import type { Clock } from '../clock/clock.js';
import type { ConfigIssue } from '../errors/agent-error.js';
import type { Logger } from '../logging/logger.js';
import type { ConfigSchema } from '../config/schema-types.js';
import type { MetricDef } from './metric-def.js';
import type { MetricSink, MetricUpdate } from './metric-update.js';
import type { StatusReader } from './status-store.js';

/**
 * An exporter turns catalog metric updates into something a monitoring system reads
 * (a Prometheus endpoint, OTLP pushes, ...).
 *
 * - `start(signal)` MUST subscribe to `context.metrics`, bind what it serves, and reject with an
 *   `AgentError` (code `RDS_AGENT_ERR_EXPORTER_START`) naming the config key when it cannot
 *   (port in use, unreadable TLS file). The signal aborts when the agent gives up on starting.
 * - `forceFlush()` pushes pending data now (no-op for pull exporters).
 * - `shutdown()` MUST flush what it can, release sockets and timers, and be idempotent and safe
 *   before `start`.
 *
 * @public
 */
export interface MetricsExporter {
  start(signal: AbortSignal): Promise<void>;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The metric stream exporters subscribe to (the agent's MetricsHub). @public */
export interface MetricStream {
  /** Subscribes a sink under the exporter's name; current gauge values are replayed at once. */
  subscribe(name: string, sink: MetricSink): () => void;
  /** Publishes an update to every exporter (for self-metrics such as `rds_exporter_errors_total`). */
  publish(update: MetricUpdate): void;
}

/** What an exporter factory gets besides its validated config. @public */
export interface ExporterContext {
  /** The exporter's type name (`prometheus`, `otel`, ...), also its name in self-metrics. */
  readonly name: string;
  /** Bound to `{ exporter: name }`: lines MUST NOT repeat it. */
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics: MetricStream;
  readonly status: StatusReader;
  /** The agent's version, for build info and resource attributes. */
  readonly version: string;
  /**
   * Every metric this agent can publish: build instruments from it, not from the static
   * `METRIC_CATALOG` (`rds_target_info` carries the labels the registered transports describe).
   */
  readonly catalog: readonly MetricDef[];
  /**
   * How long `shutdown()` (its final flush included) may take: the exporter's share of the agent's
   * `shutdownTimeout`. `shutdown()` MUST resolve within it even when its backend hangs (a failed
   * final flush is logged and counted, never awaited past this).
   */
  readonly shutdownTimeoutMs: number;
}

/**
 * A named exporter type: its config schema fragment (under `exporters.<type>`; the agent adds the
 * `enabled` key) and a factory. `validate` MAY return cross-field issues convict cannot express,
 * with keys relative to the fragment.
 *
 * @public
 */
export interface ExporterDefinition<C = Record<string, unknown>> {
  readonly schema: ConfigSchema;
  /** Whether `exporters.<type>.enabled` defaults to true. @default false */
  readonly enabledByDefault?: boolean;
  /**
   * The libraries this exporter is built on, by npm package name, with the version installed
   * (`installedPackageVersion(name, import.meta.url)`; undefined when not found). Each becomes a
   * `<package>_version` label of `rds_agent_build_info` (`ssh2` -> `ssh2_version`), so an operator
   * sees which copy an agent loaded. List only what decides the exporter's behaviour. @default {}
   */
  readonly componentVersions?: Readonly<Record<string, string | undefined>>;
  validate?(config: Readonly<C>): readonly ConfigIssue[];
  /** Checks what the files the config names hold (a certificate that matches its key); as {@link TransportDefinition.checkFiles}. */
  checkFiles?(config: Readonly<C>): readonly ConfigIssue[];
  create(config: Readonly<C>, context: ExporterContext): MetricsExporter;
}
