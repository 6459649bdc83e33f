import type { LogLevel } from '../logging/logger.js';
import type { MonitorSettings } from '../monitor/monitor-settings.js';

export type { MonitorSettings } from '../monitor/monitor-settings.js';

/** A backoff strategy by name and its validated parameters (config: `backoff:`). @internal */
export interface BackoffSettings {
  readonly strategy: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** One watched target, with the top-level monitor and backoff settings merged in. @internal */
export interface TargetConfig {
  readonly name: string;
  readonly transport: string;
  /** The transport's own settings, validated by its schema fragment. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly monitor: MonitorSettings;
  readonly backoff: BackoffSettings;
}

/** One exporter type's settings (config: `exporters.<type>:`). @internal */
export interface ExporterConfig {
  readonly type: string;
  readonly enabled: boolean;
  readonly options: Readonly<Record<string, unknown>>;
}

/** A plugin to load: a package name or a file path (relative to the config file), and its settings. @internal */
export interface PluginSpec {
  readonly module: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** The validated, frozen agent configuration. @internal */
export interface AgentConfig {
  readonly logLevel: LogLevel;
  readonly logFormat: 'auto' | 'json' | 'pretty';
  /** How long a graceful stop may take before the agent gives up waiting (ms). */
  readonly shutdownTimeout: number;
  /** Most connection handshakes in flight at once across all targets. @default 16 */
  readonly connectConcurrency: number;
  readonly monitor: MonitorSettings;
  readonly backoff: BackoffSettings;
  readonly targets: readonly TargetConfig[];
  readonly exporters: readonly ExporterConfig[];
  readonly plugins: readonly PluginSpec[];
}
