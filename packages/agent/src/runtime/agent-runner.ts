import { ConfigError, type Logger } from '@rds-agent/core';
import { Agent, type PreparedConfig, type ReloadSummary } from '@rds-agent/core/host';
import { isDeepStrictEqual } from 'node:util';
import type { CliIo } from '../cli/cli-io.js';
import { ExitCode } from '../cli/exit-code.js';
import { buildRevision, VERSION } from '../version.js';
import { setLogLevel } from './cli-logger.js';

export interface AgentRunnerOptions {
  readonly prepared: PreparedConfig;
  readonly logger: Logger;
  readonly io: CliIo;
  /** Re-reads and validates the config file (the same file, env and `--set` flags); used on SIGHUP. */
  readonly reloadConfig: () => Promise<PreparedConfig>;
}

/**
 * Runs an {@link Agent} as a long-lived process: holds the event loop open with one ref'd timer
 * (core's timers are all unref'd), reloads on SIGHUP, stops gracefully on SIGTERM/SIGINT.
 *
 * - SIGHUP: the config is re-read and validated; a valid one is applied with `agent.reload()`
 *   (unchanged targets keep their sessions); an invalid one is logged issue by issue and the
 *   running config is kept. Reloads are serialised.
 * - SIGTERM/SIGINT: `agent.stop()` (sessions closed, exports flushed) within `shutdownTimeout`;
 *   resolves {@link ExitCode.OK}, or {@link ExitCode.FAILURE} when the deadline passed. A second
 *   signal during the stop gives up waiting at once (exit 1).
 * - Plugin bugs are contained: an unhandled promise rejection is logged and the agent runs on; an
 *   uncaught exception is logged as fatal and the agent stops gracefully with exit 1 (a supervisor
 *   such as systemd's `Restart=on-failure` then restarts it).
 */
export class AgentRunner {
  readonly agent: Agent;
  private prepared: PreparedConfig;
  private readonly logger: Logger;
  private readonly io: CliIo;
  private readonly reloadConfig: () => Promise<PreparedConfig>;
  private reloading: Promise<unknown> = Promise.resolve();
  private keepAlive?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private stopRequested = false;
  /** Set by an uncaught exception: the stop that follows exits non-zero so a supervisor restarts us. */
  private crashed = false;
  private readonly onRejection = (reason: unknown): void => {
    // A plugin's stray promise must not take every other target down with it.
    this.logger.error({ err: describeError(reason) }, 'unhandled promise rejection (a plugin or agent bug); contained, the agent keeps running');
  };
  private readonly onException = (err: Error): void => {
    // State after an uncaught exception is unknown: stop gracefully and exit 1 so systemd restarts us.
    this.logger.fatal({ err: describeError(err) }, 'uncaught exception (a plugin or agent bug); stopping');
    this.crashed = true;
    void this.stop();
  };
  private started = false;
  private stopping?: Promise<void>;
  private finish?: (code: number) => void;
  private readonly finished: Promise<number>;

  constructor(options: AgentRunnerOptions) {
    this.prepared = options.prepared;
    this.logger = options.logger;
    this.io = options.io;
    this.reloadConfig = options.reloadConfig;
    this.agent = new Agent({ config: options.prepared.config, registry: options.prepared.registry, logger: options.logger, version: VERSION, build: { revision: buildRevision() } });
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }

  /**
   * Starts exporters then monitors and installs the signal handlers. Rejects (with nothing left
   * running) when an exporter cannot start.
   */
  async start(): Promise<void> {
    // Signals are handled from the start: a SIGTERM while exporters start must not kill us half-way.
    this.unsubscribe = this.io.onSignal((signal) => this.onSignal(signal));
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtException', this.onException);
    this.keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      await this.agent.start();
    } catch (err) {
      this.release();
      throw err;
    }
    this.started = true;
    if (this.stopRequested) void this.stop();
  }

  /** Resolves with the exit code once the agent has stopped. */
  untilStopped(): Promise<number> {
    return this.finished;
  }

  /** Requests a graceful stop (what SIGTERM does). */
  stop(): Promise<number> {
    this.stopRequested = true;
    // A stop requested while exporters start is carried out once start() has finished.
    if (this.started) this.stopping ??= this.doStop();
    return this.finished;
  }

  /** Re-reads the config and applies it (what SIGHUP does). Resolves with the summary, or undefined when rejected. */
  reload(): Promise<ReloadSummary | undefined> {
    const next = this.reloading.then(() => this.doReload());
    this.reloading = next.catch(() => undefined);
    return next;
  }

  private onSignal(signal: NodeJS.Signals): void {
    if (signal === 'SIGHUP') {
      this.logger.info({ signal }, 'reloading configuration');
      void this.reload();
      return;
    }
    if (this.stopRequested) {
      this.logger.warn({ signal }, 'second stop signal: exiting without waiting for the graceful stop');
      this.release();
      this.finish?.(ExitCode.FAILURE);
      return;
    }
    this.logger.info({ signal }, 'stopping');
    void this.stop();
  }

  private async doStop(): Promise<void> {
    let code: number = ExitCode.OK;
    try {
      const { timedOut } = await this.agent.stop();
      if (timedOut) code = ExitCode.FAILURE;
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, 'stop failed');
      code = ExitCode.FAILURE;
    }
    this.release();
    this.finish?.(this.crashed ? ExitCode.FAILURE : code);
  }

  private release(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
  }

  private async doReload(): Promise<ReloadSummary | undefined> {
    if (this.stopRequested) return undefined;
    let next: PreparedConfig;
    try {
      next = await this.reloadConfig();
    } catch (err) {
      if (err instanceof ConfigError) {
        for (const issue of err.issues) this.logger.error({ key: issue.key }, `invalid configuration: ${issue.key}: ${issue.message}`);
        this.logger.error({ file: this.prepared.file, issues: err.issues.length }, 'config reload rejected: keeping the running configuration');
      } else {
        this.logger.error({ file: this.prepared.file, err: (err as Error).message }, 'config reload failed: keeping the running configuration');
      }
      this.agent.recordReload(false);
      return undefined;
    }
    // The agent's component registry is fixed at start: a new plugin needs a restart, not a reload.
    if (!isDeepStrictEqual(next.config.plugins, this.prepared.config.plugins)) {
      this.logger.error({ file: next.file }, 'config reload rejected: the plugins list changed; restart the agent to load or unload plugins');
      this.agent.recordReload(false);
      return undefined;
    }
    try {
      setLogLevel(this.logger, next.config.logLevel);
      const summary = await this.agent.reload(next.config);
      this.prepared = next;
      return summary;
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, 'config reload failed while applying it');
      this.agent.recordReload(false);
      return undefined;
    }
  }
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
