/**
 * `@rds-agent/core/host`: the host that runs plugins: the Agent, target assembly, plugin loader and
 * component registry, the metrics hub and status store, and the config pipeline. Distributions
 * (the `rds-agent` command) and embedders use it; plugins never need it.
 *
 * @packageDocumentation
 */
import 'reflect-metadata';

export { Agent, type AgentOptions, type ReloadSummary } from './agent/agent.js';
export { prepareConfig, type PrepareOptions, type PreparedConfig } from './agent/bootstrap.js';
export { corePlugin } from './agent/core-plugin.js';
export { assembleTarget, type TargetDefinitions } from './target/target-assembly.js';
export { TargetRuntime } from './target/target-runtime.js';
export { AgentScope, TargetScope } from './tokens.js';

export { ComponentRegistry } from './plugin/component-registry.js';
export { loadPlugins, type LoadPluginsOptions, type LoadedPlugin } from './plugin/plugin-loader.js';
export { isPlugin } from './plugin/plugin.js';

export { MetricsHub, toMetricUpdates, type MonitorEventListener } from './metrics/metrics-hub.js';
export { completeBuildInfo, type BuildInfo, type BuildInfoInput } from './metrics/build-info.js';
export { StatusStore } from './metrics/status-store.js';
export { effectiveCatalog } from './metrics/effective-catalog.js';

export { ConnectionMonitor, MIN_RETRY_DELAY_MS, type ConnectionMonitorDeps } from './monitor/connection-monitor.js';
export { createConnectionMonitor, type CreateConnectionMonitorOptions } from './monitor/create-connection-monitor.js';
export { DEFAULT_MONITOR_SETTINGS, MONITOR_SCHEMA, validateMonitorSettings, type MonitorSettings } from './monitor/monitor-settings.js';
export type {
  MonitorEvent,
  MonitorEventSink,
  DetectedBy,
  StateChangedEvent,
  AttemptEvent,
  RecoveredEvent,
  DisconnectedEvent,
  ProbeEvent,
  BackoffEvent,
  HookFailedEvent,
  TargetInfoEvent,
  TelemetryEvent,
  TargetRemovedEvent,
} from './monitor/events.js';
export type { NamedReconnectHook } from './monitor/reconnect-hook.js';
export { TelemetryCollector, type TelemetryCollectorOptions, type TelemetryConnection } from './telemetry/telemetry-collector.js';

export { BUILTIN_BACKOFFS, DEFAULT_BACKOFF_STRATEGY } from './backoff/builtin.js';
export { ExponentialBackoff, exponentialBackoff, DEFAULT_EXPONENTIAL_PARAMS, type ExponentialBackoffParams } from './backoff/exponential.js';
export { ConstantBackoff, constantBackoff, DEFAULT_CONSTANT_PARAMS, type ConstantBackoffParams } from './backoff/constant.js';
export { FullJitterBackoff, fullJitterBackoff, DEFAULT_FULL_JITTER_PARAMS, type FullJitterBackoffParams } from './backoff/full-jitter.js';
export {
  DecorrelatedJitterBackoff,
  decorrelatedJitterBackoff,
  DEFAULT_DECORRELATED_JITTER_PARAMS,
  type DecorrelatedJitterBackoffParams,
} from './backoff/decorrelated-jitter.js';

export { SystemClock } from './clock/clock.js';
export { SystemRandom } from './clock/random.js';
export { createLogger, silentLogger, REDACTED_LOG_PATHS } from './logging/logger.js';

export type { AgentConfig, TargetConfig, ExporterConfig, BackoffSettings, PluginSpec } from './config/agent-config.js';
export { validateAgentConfig, type ComponentLookup } from './config/compose-config.js';
export { validateFragment, envNameFor, sensitivePaths, ENV_PREFIX, type ConfigOverrides } from './config/convict-adapter.js';
export { readPluginSpecs } from './config/plugin-specs.js';
export { CORE_SCHEMA } from './config/core-schema.js';
export { loadRawConfig, type RawConfig } from './config/load-config.js';
export { readConfigFile } from './config/read-config-file.js';
export { interpolate } from './config/interpolate.js';
export { redactConfig, REDACTED } from './config/redact.js';
export { configReference } from './config/schema-docs.js';
export { registerConfigFormats } from './config/formats.js';
