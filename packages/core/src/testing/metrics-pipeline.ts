import { SystemClock, type Clock } from '../clock/clock.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { ExporterContext } from '../metrics/exporter.js';
import type { BuildInfoInput } from '../metrics/build-info.js';
import { MetricsHub } from '../metrics/metrics-hub.js';
import { StatusStore } from '../metrics/status-store.js';

/** Options of {@link createMetricsPipeline}. @public */
export interface MetricsPipelineOptions {
  /** @default a silent logger */
  readonly logger?: Logger;
  /** @default real time */
  readonly clock?: Clock;
  /** The agent version reported in build info. @default '0.0.0-test' */
  readonly version?: string;
  /** Labels transports describe, exported on `rds_target_info` (a transport definition's `infoLabels`). @default [] */
  readonly targetInfoLabels?: readonly string[];
  /** The rest of `rds_agent_build_info` (revision, `componentVersions`). @default all unknown */
  readonly build?: Omit<BuildInfoInput, 'version'>;
  /** `ExporterContext.shutdownTimeoutMs`. @default 5000 */
  readonly shutdownTimeoutMs?: number;
}

/** A real hub and status store wired as in an agent, and the context an exporter would get. @public */
export interface MetricsPipeline {
  /** The agent's MetricsHub: `emit(event)` what a monitor would, read what exporters get. */
  readonly hub: MetricsHub;
  /** Fed by the hub's events, as in an agent. */
  readonly status: StatusStore;
  /** The ExporterContext an exporter named `name` gets from the agent. */
  context(name: string): ExporterContext;
}

/**
 * The agent's metric path without an agent, for exporter plugin tests: monitor events go in through
 * `hub.emit(...)`, metric updates come out to every exporter created with `context(name)`.
 *
 * @public
 */
export function createMetricsPipeline(options: MetricsPipelineOptions = {}): MetricsPipeline {
  const logger = options.logger ?? silentLogger();
  const clock = options.clock ?? new SystemClock();
  const version = options.version ?? '0.0.0-test';
  const hub = new MetricsHub(logger, version, clock, { targetInfoLabels: options.targetInfoLabels ?? [], ...(options.build ? { build: options.build } : {}) });
  const status = new StatusStore();
  hub.onEvent((event) => status.apply(event));
  return {
    hub,
    status,
    context: (name) => ({
      name,
      logger,
      clock,
      metrics: hub,
      status,
      version,
      catalog: hub.catalog,
      shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5000,
    }),
  };
}
