import type { Clock } from '../clock/clock.js';
import { AgentError } from '../errors/agent-error.js';
import { ErrorCode } from '../errors/codes.js';
import { TransportError } from '../errors/transport-error.js';
import type { Logger } from '../logging/logger.js';
import { withDeadline } from '../signals/deadline.js';
import type { ConnectionState, MonitorEventSink } from '../monitor/events.js';
import type { TelemetrySample, TelemetrySource } from '../transport/telemetry-source.js';

/** What a collector needs of the target's ConnectionMonitor. @internal */
export interface TelemetryConnection {
  /** True while the connection is up and no loss has been noticed. */
  isConnected(): boolean;
  /** Resolves when the monitor is in one of `states`; MUST reject when `signal` aborts or the monitor stops. */
  whenState(states: ConnectionState | readonly ConnectionState[], signal?: AbortSignal): Promise<ConnectionState>;
  /** Counts a connection-class error as a loss of the connection; ignores anything else. */
  reportCommandError(err: unknown): void;
}

/** Settings of a {@link TelemetryCollector}. @internal */
export interface TelemetryCollectorOptions {
  readonly target: string;
  /** The target's transport, seen through its telemetry add-on. */
  readonly source: TelemetrySource;
  readonly connection: TelemetryConnection;
  readonly clock: Clock;
  readonly events: MonitorEventSink;
  readonly logger: Logger;
  /** Time between the starts of two collections; MUST be > 0 (config `monitor.telemetryInterval`). */
  readonly intervalMs: number;
  /** Deadline of one collection; its signal is aborted at it. `<= 0`: no deadline (config `monitor.telemetryTimeout`). */
  readonly timeoutMs: number;
}

/**
 * Reads device telemetry from one target's transport over the monitor's kept connection and emits
 * each collection as a `telemetry` event (the MetricsHub turns it into metrics).
 *
 * - Collects only while the monitor is connected: the first collection right after the target
 *   connects, then one every `intervalMs` (measured start to start). While the target is down it
 *   waits for the monitor to be connected again and collects at once.
 * - Each collection runs under `timeoutMs`: at the deadline its signal is aborted and it counts as a
 *   failed collection (reason `timeout`), not as a loss: a hung peer is the probe's call.
 * - A collection that rejects emits `outcome: 'failed'` with the error's reason; connection-class
 *   errors are also reported to the monitor (`reportCommandError`), which then reconnects.
 * - All waits use the injected Clock. `stop()` ends the loop promptly in any phase; it is safe twice
 *   and before `start()`. A collector is single-use.
 *
 * @internal
 */
export class TelemetryCollector {
  private readonly stopController = new AbortController();
  private loop: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;

  constructor(private readonly options: TelemetryCollectorOptions) {
    if (!(options.intervalMs > 0) || !Number.isFinite(options.intervalMs)) {
      throw new AgentError(ErrorCode.CONFIG, `target ${options.target}: telemetry interval must be > 0: value was ${String(options.intervalMs)}`);
    }
  }

  /** Begins the collection loop and returns at once. A second call, or one after `stop()`, is a no-op. */
  start(): void {
    if (this.loop || this.stopController.signal.aborted) return;
    this.loop = this.run();
  }

  /** Aborts a wait or a collection in flight and resolves when the loop has ended. Safe twice and before `start()`. */
  stop(): Promise<void> {
    if (!this.stopPromise) {
      this.stopController.abort(new TransportError(ErrorCode.ABORTED, `telemetry collector for ${this.options.target} stopped`));
      this.stopPromise = this.loop ?? Promise.resolve();
    }
    return this.stopPromise;
  }

  private async run(): Promise<void> {
    const { clock, connection, intervalMs } = this.options;
    const signal = this.stopController.signal;
    try {
      while (!signal.aborted) {
        if (!connection.isConnected()) await connection.whenState('connected', signal);
        const startedAt = clock.now();
        await this.collectOnce(signal);
        await clock.sleep(Math.max(0, startedAt + intervalMs - clock.now()), signal);
      }
    } catch (err) {
      // A stop (ours, or the monitor's: whenState rejects) ends the loop; anything else is a bug worth a line.
      if (!signal.aborted) this.options.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'telemetry collection loop ended');
    }
  }

  private async collectOnce(signal: AbortSignal): Promise<void> {
    const { target, clock, events, source, timeoutMs, connection } = this.options;
    const at = clock.now();
    let samples: readonly TelemetrySample[];
    try {
      samples = await withDeadline(
        clock,
        timeoutMs,
        signal,
        (s) => source.collect(s),
        () => new TransportError(ErrorCode.TIMEOUT, `telemetry collection got no answer within ${timeoutMs} ms`),
      );
      if (!Array.isArray(samples)) throw new TransportError(ErrorCode.PROTOCOL, 'telemetry collection returned no list of samples');
    } catch (err) {
      if (signal.aborted) return; // stopped mid-collection: not the device's failure
      connection.reportCommandError(err);
      const error = TransportError.from(err);
      this.options.logger.debug({ code: error.code, err: error.message }, 'telemetry collection failed');
      events.emit({ type: 'telemetry', target, at, outcome: 'failed', durationMs: clock.now() - at, samples: [], reason: error.reason });
      return;
    }
    events.emit({ type: 'telemetry', target, at, outcome: 'ok', durationMs: clock.now() - at, samples });
  }
}
