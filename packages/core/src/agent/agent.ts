import { isDeepStrictEqual } from 'node:util';
import { container as globalContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import { SystemClock, type Clock } from '../clock/clock.js';
import { SystemRandom, type Random } from '../clock/random.js';
import type { AgentConfig, ExporterConfig, TargetConfig } from '../config/agent-config.js';
import { AgentError } from '../errors/agent-error.js';
import { ErrorCode } from '../errors/codes.js';
import type { Logger } from '../logging/logger.js';
import type { MetricsExporter } from '../metrics/exporter.js';
import type { BuildInfoInput } from '../metrics/build-info.js';
import { MetricsHub } from '../metrics/metrics-hub.js';
import { StatusStore, type StatusReader } from '../metrics/status-store.js';
import type { ConnectionMonitor } from '../monitor/connection-monitor.js';
import type { NamedReconnectHook } from '../monitor/reconnect-hook.js';
import type { ComponentRegistry } from '../plugin/component-registry.js';
import { assembleTarget } from '../target/target-assembly.js';
import type { TargetRuntime } from '../target/target-runtime.js';
import { AgentScope } from '../tokens.js';
import { ClockLoopLag } from '../clock/loop-lag.js';
import { Metrics } from '../metrics/catalog.js';
import { Semaphore } from '../signals/semaphore.js';

/** The event-loop lag gauge shows the longest delay seen over this window. */
const LAG_REPORT_WINDOW_MS = 10_000;

/** @internal */
export interface AgentOptions {
  readonly config: AgentConfig;
  readonly registry: ComponentRegistry;
  readonly logger: Logger;
  /** The distribution's version, reported in `rds_agent_build_info` and to exporters. */
  readonly version: string;
  /**
   * The rest of `rds_agent_build_info` as the distribution knows it (its source revision); the
   * registered transports and exporters add their `componentVersions`. @default revision unknown
   */
  readonly build?: Omit<BuildInfoInput, 'version'>;
  readonly clock?: Clock;
  readonly random?: Random;
  /** Hooks run after every (re)connection, in addition to those plugins registered. */
  readonly reconnectHooks?: readonly NamedReconnectHook[];
}

/** What a config reload changed. @internal */
export interface ReloadSummary {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
  readonly unchanged: string[];
  readonly exportersRestarted: string[];
  readonly exporterErrors: string[];
}

interface RunningExporter {
  readonly config: ExporterConfig;
  readonly exporter: MetricsExporter;
}

/**
 * The agent: a root DI container with the agent-wide services ({@link AgentScope}: Clock, Random,
 * Logger, Registry, MetricsHub, StatusStore), one target assembled per target in its own child
 * container (see `assembleTarget`), and the exporters. Starts exporters then targets; stops in
 * reverse order within `shutdownTimeout`.
 *
 * @internal
 */
export class Agent {
  readonly hub: MetricsHub;
  private readonly store: StatusStore;
  private readonly root: DependencyContainer;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly registry: ComponentRegistry;
  private readonly version: string;
  private config: AgentConfig;
  /** Every configured target; `runtime` is absent when its parts could not be built (reported as failed). */
  private readonly targets = new Map<string, { readonly config: TargetConfig; readonly runtime?: TargetRuntime }>();
  private readonly exporters = new Map<string, RunningExporter>();
  private phase: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  private readonly lag: ClockLoopLag;
  private readonly lagReport = new AbortController();
  private stopping?: Promise<{ timedOut: boolean }>;

  constructor(options: AgentOptions) {
    this.config = options.config;
    this.registry = options.registry;
    this.logger = options.logger;
    this.version = options.version;
    this.clock = options.clock ?? new SystemClock();
    this.random = options.random ?? new SystemRandom();
    this.root = globalContainer.createChildContainer();
    this.root.register(AgentScope.Clock, { useValue: this.clock });
    this.root.register(AgentScope.Random, { useValue: this.random });
    this.root.register(AgentScope.Logger, { useValue: this.logger });
    this.root.register(AgentScope.Registry, { useValue: this.registry });
    this.root.register(AgentScope.ReconnectHooks, { useValue: options.reconnectHooks ?? [] });
    this.lag = new ClockLoopLag(this.clock);
    this.root.register(AgentScope.LoopLag, { useValue: this.lag });
    this.root.register(AgentScope.ConnectGate, { useValue: new Semaphore(this.config.connectConcurrency) });
    this.root.register(AgentScope.Hub, {
      useFactory: instanceCachingFactory((c) => {
        const registry = c.resolve(AgentScope.Registry);
        const infoLabels = registry.transportTypes().flatMap((t) => registry.transport(t)?.infoLabels ?? []);
        // Every registered transport's and exporter's, enabled or not: what this install loaded.
        const components = Object.assign(
          {},
          options.build?.components,
          ...registry.transportTypes().map((t) => registry.transport(t)?.componentVersions),
          ...registry.exporterTypes().map((t) => registry.exporter(t)?.componentVersions),
        ) as Record<string, string | undefined>;
        return new MetricsHub(c.resolve(AgentScope.Logger).child({ component: 'metrics-hub' }), this.version, c.resolve(AgentScope.Clock), {
          targetInfoLabels: infoLabels,
          build: { ...options.build, components },
        });
      }),
    });
    this.root.register(AgentScope.EventSink, { useToken: AgentScope.Hub });
    this.root.register(AgentScope.Status, {
      useFactory: instanceCachingFactory((c) => {
        const store = new StatusStore();
        c.resolve(AgentScope.Hub).onEvent((event) => store.apply(event));
        return store;
      }),
    });
    this.hub = this.root.resolve(AgentScope.Hub);
    this.store = this.root.resolve(AgentScope.Status);
  }

  /** Latest state per target (what `/status` serves). */
  get status(): StatusReader {
    return this.store;
  }

  /** The running config. */
  get currentConfig(): AgentConfig {
    return this.config;
  }

  /** The monitor of a target, if it is running. */
  monitor(target: string): ConnectionMonitor | undefined {
    return this.targets.get(target)?.runtime?.monitor;
  }

  targetNames(): string[] {
    return [...this.targets.keys()];
  }

  /**
   * Starts exporters, then monitors. An exporter that cannot start (port in use, unreadable TLS
   * file) fails the start with its error after the exporters already started are shut down: nothing
   * is left running. A target whose transport cannot be built is reported and skipped, not fatal.
   */
  async start(signal: AbortSignal = new AbortController().signal): Promise<void> {
    if (this.phase !== 'new') throw new AgentError(ErrorCode.UNKNOWN, `agent cannot start: it is ${this.phase}`);
    this.phase = 'starting';
    // Before the exporters start, so their first scrape or export has it.
    this.hub.publish({ op: 'set', metric: Metrics.startTime, labels: {}, value: this.clock.now() / 1000 });
    try {
      for (const ec of this.config.exporters) {
        if (ec.enabled) this.exporters.set(ec.type, await this.startExporter(ec, signal));
      }
    } catch (err) {
      await this.shutdownExporters();
      this.phase = 'stopped';
      throw err;
    }
    if (this.config.exporters.every((e) => !e.enabled)) this.logger.warn('no exporter is enabled: metrics are collected but not exported');
    this.lag.start();
    void this.reportLag();
    for (const tc of this.config.targets) this.startTarget(tc);
    this.phase = 'running';
    this.recordReload(true); // the config the agent started with is its first successful load
    this.logger.info({ targets: this.config.targets.length, exporters: this.enabledExporterTypes() }, 'agent started');
  }

  /**
   * Stops monitors (closing their sessions), then flushes and shuts down exporters, then runs plugin
   * close hooks; gives up waiting after `shutdownTimeout`. Safe twice and before start.
   */
  stop(): Promise<{ timedOut: boolean }> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  /**
   * Applies a new validated config per target: unchanged targets keep their connections, added ones
   * start, removed ones stop (their series disappear), changed ones restart. Exporters whose settings
   * changed are restarted; one that fails to start is reported and the others keep running.
   */
  async reload(next: AgentConfig): Promise<ReloadSummary> {
    if (this.phase !== 'running') throw new AgentError(ErrorCode.UNKNOWN, `agent cannot reload: it is ${this.phase}`);
    const summary: ReloadSummary = { added: [], removed: [], changed: [], unchanged: [], exportersRestarted: [], exporterErrors: [] };
    const nextNames = new Set(next.targets.map((t) => t.name));
    for (const [name] of this.targets) {
      if (!nextNames.has(name)) {
        await this.stopTarget(name, true);
        summary.removed.push(name);
      }
    }
    for (const tc of next.targets) {
      const running = this.targets.get(tc.name);
      if (!running) {
        this.startTarget(tc);
        summary.added.push(tc.name);
      } else if (!isDeepStrictEqual(running.config, tc)) {
        await this.stopTarget(tc.name, false);
        this.startTarget(tc);
        summary.changed.push(tc.name);
      } else summary.unchanged.push(tc.name);
    }
    for (const ec of next.exporters) {
      const running = this.exporters.get(ec.type);
      const same = running ? isDeepStrictEqual(running.config, ec) : !ec.enabled;
      if (same) continue;
      if (!ec.enabled) {
        await this.shutdownExporter(ec.type);
        summary.exportersRestarted.push(ec.type);
        continue;
      }
      const error = await this.replaceExporter(ec, running);
      if (error) summary.exporterErrors.push(`${ec.type}: ${error.message}`);
      else summary.exportersRestarted.push(ec.type);
    }
    this.config = next;
    const ok = summary.exporterErrors.length === 0;
    this.recordReload(ok);
    if (ok) this.logger.info(summary, 'config reloaded');
    else this.logger.error(summary, 'config reloaded with errors: an exporter kept its previous settings or stopped (see exporterErrors)');
    return summary;
  }

  /**
   * Records the outcome of a reload in `rds_agent_config_last_reload_successful` (and, on success,
   * the time in `rds_agent_config_last_reload_success_timestamp_seconds`), as Prometheus does for its
   * own reloads. The runner reports a reload it refused (an invalid config) here too.
   */
  recordReload(ok: boolean): void {
    this.hub.publish({ op: 'set', metric: Metrics.configReloadSuccessful, labels: {}, value: ok ? 1 : 0 });
    if (ok) this.hub.publish({ op: 'set', metric: Metrics.configReloadSuccessTimestamp, labels: {}, value: this.clock.now() / 1000 });
  }

  /**
   * Starts an exporter with new settings before the running one stops, so there is never a moment
   * without an endpoint; the new one starts with every series at its current value (the hub replays
   * them). When the new one cannot start while the old runs (it needs what the old holds, such as the
   * same port), the old one hands over: it stops, the new one starts, and if that fails too the old
   * settings are started again. Returns the error of a failed switch; the exporter then runs with its
   * old settings (or, when even those cannot start again, not at all).
   */
  private async replaceExporter(ec: ExporterConfig, running: RunningExporter | undefined): Promise<Error | undefined> {
    const signal = new AbortController().signal;
    let firstError: Error | undefined;
    try {
      const started = await this.startExporter(ec, signal);
      this.exporters.delete(ec.type);
      if (running) await this.stopExporter(ec.type, running);
      this.exporters.set(ec.type, started);
      return undefined;
    } catch (err) {
      firstError = err as Error;
    }
    if (!running) {
      this.logger.error({ exporter: ec.type, err: firstError.message }, 'exporter failed to start after reload');
      return firstError;
    }
    this.exporters.delete(ec.type);
    await this.stopExporter(ec.type, running);
    try {
      this.exporters.set(ec.type, await this.startExporter(ec, signal));
      return undefined;
    } catch (err) {
      const error = err as Error;
      try {
        this.exporters.set(ec.type, await this.startExporter(running.config, signal));
        this.logger.error({ exporter: ec.type, err: error.message }, 'exporter failed to start with the new settings; kept its previous settings');
      } catch (again) {
        this.logger.error({ exporter: ec.type, err: error.message, previous: (again as Error).message }, 'exporter failed to start with the new settings and with the previous ones: it is not running');
      }
      return error;
    }
  }

  /** Publishes the agent's recent event-loop delay every second (`rds_agent_event_loop_lag_seconds`). */
  private async reportLag(): Promise<void> {
    const signal = this.lagReport.signal;
    while (!signal.aborted) {
      this.hub.publish({ op: 'set', metric: Metrics.eventLoopLag, labels: {}, value: this.lag.maxLagWithin(LAG_REPORT_WINDOW_MS) / 1000 });
      try {
        await this.clock.sleep(1000, signal);
      } catch {
        return;
      }
    }
  }

  private enabledExporterTypes(): string[] {
    return [...this.exporters.keys()];
  }

  private async startExporter(ec: ExporterConfig, signal: AbortSignal): Promise<RunningExporter> {
    const definition = this.registry.exporter(ec.type);
    if (!definition) throw new AgentError(ErrorCode.CONFIG, `exporters.${ec.type}: no plugin provides this exporter`);
    const exporter = definition.create(ec.options, {
      name: ec.type,
      logger: this.logger.child({ exporter: ec.type }),
      clock: this.clock,
      metrics: this.hub,
      status: this.store,
      version: this.version,
      catalog: this.hub.catalog,
      // Targets close first (bounded by their connect timeouts); exporters share half the budget.
      shutdownTimeoutMs: Math.max(1, Math.floor(this.config.shutdownTimeout / 2)),
    });
    try {
      await exporter.start(signal);
    } catch (err) {
      await exporter.shutdown().catch(() => undefined);
      if (err instanceof AgentError) throw err;
      throw new AgentError(ErrorCode.EXPORTER_START, `exporters.${ec.type}: failed to start: ${(err as Error).message}`, { cause: err });
    }
    return { config: ec, exporter };
  }

  private async shutdownExporter(type: string): Promise<void> {
    const running = this.exporters.get(type);
    if (!running) return;
    this.exporters.delete(type);
    await this.stopExporter(type, running);
  }

  private async stopExporter(type: string, running: RunningExporter): Promise<void> {
    // shutdown() flushes what it can within the exporter's share of shutdownTimeout (the contract);
    // a separate forceFlush first would not be bounded by that share and could use up the whole stop.
    try {
      await running.exporter.shutdown();
    } catch (err) {
      this.logger.error({ exporter: type, err: (err as Error).message }, 'exporter shutdown failed');
    }
  }


  private async shutdownExporters(): Promise<void> {
    await Promise.all([...this.exporters.keys()].reverse().map((t) => this.shutdownExporter(t)));
  }

  private startTarget(tc: TargetConfig): void {
    const logger = this.logger.child({ target: tc.name });
    const transport = this.registry.transport(tc.transport);
    const backoff = this.registry.backoff(tc.backoff.strategy);
    let runtime: TargetRuntime | undefined;
    try {
      if (!transport || !backoff) throw new Error(`transport ${tc.transport} or backoff ${tc.backoff.strategy} is not registered`);
      runtime = assembleTarget(this.root, tc, { transport, backoff });
      runtime.start();
    } catch (err) {
      // A faulty transport plugin or target is contained: reported, the other targets run on.
      logger.error({ err: (err as Error).message }, 'target could not be started');
      const at = this.clock.now();
      this.hub.emit({ type: 'target-info', target: tc.name, at, transport: tc.transport, labels: {} });
      this.hub.emit({ type: 'state-changed', target: tc.name, at, from: 'idle', to: 'failed', reason: 'transport-error' });
      void runtime?.dispose(logger);
      this.targets.set(tc.name, { config: tc });
      return;
    }
    this.targets.set(tc.name, { config: tc, runtime });
  }

  private async stopTarget(name: string, removed: boolean): Promise<void> {
    const running = this.targets.get(name);
    this.targets.delete(name);
    await running?.runtime?.dispose(this.logger.child({ target: name }));
    if (removed) this.hub.emit({ type: 'target-removed', target: name, at: this.clock.now() });
  }

  private async doStop(): Promise<{ timedOut: boolean }> {
    if (this.phase === 'new') {
      this.phase = 'stopped';
      await this.registry.runCloseHooks(this.logger);
      return { timedOut: false };
    }
    this.phase = 'stopping';
    const deadline = new AbortController();
    const work = (async () => {
      await Promise.all([...this.targets.keys()].map((name) => this.stopTarget(name, false)));
      await this.shutdownExporters();
      await this.registry.runCloseHooks(this.logger);
    })();
    const timedOut = await Promise.race([
      work.then(() => false),
      this.clock.sleep(this.config.shutdownTimeout, deadline.signal).then(
        () => true,
        () => false,
      ),
    ]);
    deadline.abort();
    this.lagReport.abort();
    await this.lag.close();
    if (timedOut) this.logger.warn({ timeoutMs: this.config.shutdownTimeout }, 'shutdown deadline passed; exiting without waiting for the rest');
    await this.root.dispose();
    this.phase = 'stopped';
    this.logger.info('agent stopped');
    return { timedOut };
  }
}
