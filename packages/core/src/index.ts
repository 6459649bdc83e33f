/**
 * `@rds-agent/core`: the plugin SDK. Everything a transport, exporter or backoff plugin is written
 * against, and nothing of the host that runs them (that is `@rds-agent/core/host`). Test doubles
 * and contract suites live in `@rds-agent/core/testing`.
 *
 * @packageDocumentation
 */

// Contracts a plugin implements, and the add-on guards the host uses to discover extra powers.
export type { Clock } from './clock/clock.js';
export type { Random } from './clock/random.js';
export type { Logger, LogLevel } from './logging/logger.js';
export { LogEvent, type LogEventName } from './logging/log-event.js';
export type { Transport, ProbeResult, RunOptions, CommandRunner, TransportDescriber, TransportContext, TransportFactory } from './transport/transport.js';
export { isCommandRunner, isTransportDescriber } from './transport/transport.js';
export type { TransportDefinition } from './transport/transport-definition.js';
export type { TelemetrySample, TelemetrySource, TelemetryInput, TelemetryReading } from './transport/telemetry-source.js';
export { isTelemetrySource } from './transport/telemetry-source.js';
export type { BackoffStrategy, BackoffDefinition, BackoffDeps } from './backoff/backoff.js';
export { STOP } from './backoff/backoff.js';
export { applyJitter } from './backoff/jitter.js';
export type { MetricsExporter, MetricStream, ExporterContext, ExporterDefinition } from './metrics/exporter.js';
export type { MetricUpdate, MetricSink, Labels, HistogramState } from './metrics/metric-update.js';
export { flatString } from './metrics/flat-string.js';
export { installedPackageVersion, componentVersionLabel, UNKNOWN_BUILD_VALUE } from './metrics/build-info.js';
export type { StatusReader, TargetStatus, ReadinessRule, InputStatus } from './metrics/status-store.js';
export { HISTORY_WINDOW_MS, HISTORY_MAX_ENTRIES } from './metrics/status-store.js';
export type { ConnectionState } from './monitor/events.js';
export type { ReconnectHook, ReconnectInfo } from './monitor/reconnect-hook.js';

// Plugins.
export type { Plugin, PluginHost } from './plugin/plugin.js';
export { definePlugin, CORE_VERSION, PLUGIN_API_VERSION, PLUGIN_REGISTER_TIMEOUT_MS } from './plugin/plugin.js';

// Errors and their stable codes.
export { ErrorCode } from './errors/codes.js';
export { AgentError, ConfigError, type ConfigIssue } from './errors/agent-error.js';
export { TransportError, isConnectionError } from './errors/transport-error.js';

// The metric catalog: ids and definitions plugins name in samples and build instruments from.
export { Metrics, METRIC_CATALOG, RECONNECT_DURATION_BUCKETS, PROBE_DURATION_BUCKETS, type MetricId } from './metrics/catalog.js';
export type { MetricDef, MetricKind } from './metrics/metric-def.js';

// Config schema fragments and the duration grammar.
export { schemaDefaults, type ConfigSchema, type SchemaLeaf, type UntypedSchema } from './config/schema-types.js';
export { parseDuration, formatDuration, MAX_TIMER_MS } from './config/duration.js';

// Signals: deadlines, linked signals, the TransportError of an aborted operation.
export { withDeadline, MIN_STALL_MS, type DeadlineOptions } from './signals/deadline.js';
export { NO_LOOP_LAG, type LoopLag } from './clock/loop-lag.js';
export { linkSignals, abortedError, type LinkedSignal } from './signals/link-signals.js';
export { Semaphore } from './signals/semaphore.js';
export { abortReason, isAbortError } from './clock/clock.js';
export { yieldToEventLoop } from './clock/yield.js';
