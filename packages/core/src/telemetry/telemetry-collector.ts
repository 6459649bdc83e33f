import type { Clock } from '../clock/clock.js';
import { SystemRandom, type Random } from '../clock/random.js';
import { AgentError } from '../errors/agent-error.js';
import { ErrorCode } from '../errors/codes.js';
import { TransportError } from '../errors/transport-error.js';
import type { Logger } from '../logging/logger.js';
import type { ConnectionState, MonitorEventSink } from '../monitor/events.js';
import { withDeadline } from '../signals/deadline.js';
import type { Semaphore } from '../signals/semaphore.js';
import type { TelemetryInput, TelemetryReading, TelemetrySample, TelemetrySource } from '../transport/telemetry-source.js';

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
  /**
   * The agent's handshake bound (`connectConcurrency`). While handshakes queue at it (start-up,
   * mass recovery), a run waits until the queue is empty, then a random part of its input's
   * interval (at most {@link HERD_SPREAD_MS}), so the fleet's runs do not all start in the same
   * second: connections first. Reading 1,000 devices at once held their handshakes back (all
   * connected after 33-40 s, against 6.7 s without telemetry).
   */
  readonly connectGate?: Semaphore;
  /** Draws the spread above. @default SystemRandom */
  readonly random?: Random;
  /**
   * For a transport without inputs (`collect()` only): time between the starts of two collections;
   * MUST be > 0 (config `monitor.telemetryInterval`). Inputs keep their own intervals.
   */
  readonly intervalMs: number;
  /** For a transport without inputs: the deadline of one collection; `<= 0`: none (config `monitor.telemetryTimeout`). */
  readonly timeoutMs: number;
}

/**
 * The longest a run waits, after a handshake queue cleared, to spread a fleet's runs out: a whole
 * interval for the inputs that run every minute or faster, so their load is even over it; inputs
 * with longer intervals still read within a minute of start-up.
 */
export const HERD_SPREAD_MS = 60_000;
const SYSTEM_RANDOM = new SystemRandom();

/** The name a `collect()`-only transport's collections are reported under. */
const COLLECT = 'collect';

/**
 * Reads device telemetry from one target's transport over the monitor's kept connection and emits
 * each run as a `telemetry` event (the MetricsHub turns it into metrics).
 *
 * - A transport with inputs (`telemetryInputs()`) has each input scheduled on its own: its first
 *   run right after the target connects, then one every `input.intervalMs` (start to start), each
 *   under `input.timeoutMs`. A transport with only `collect()` is one pseudo-input, `collect`,
 *   every `intervalMs` under `timeoutMs`.
 * - Runs happen only while the monitor is connected; while the target is down each input waits
 *   for the next connection and runs at once.
 * - A run past its deadline is a failed run (reason `timeout`), not a loss: a hung peer is the
 *   probe's call. A run that rejects emits `outcome: 'failed'` with the error's reason;
 *   connection-class errors are also reported to the monitor, which then reconnects.
 * - An input whose run rejects `UNSUPPORTED` (the device does not know its commands) is disabled
 *   for the rest of that connection: one log line, one `unsupported` event, and it tries again
 *   after the next connect (the device may have been upgraded).
 * - All waits use the injected Clock. `stop()` ends every loop promptly; it is safe twice and
 *   before `start()`. A collector is single-use.
 *
 * @internal
 */
export class TelemetryCollector {
  private readonly stopController = new AbortController();
  private loops: Promise<void>[] | undefined;
  private stopPromise: Promise<void> | undefined;

  constructor(private readonly options: TelemetryCollectorOptions) {
    if (!hasInputs(options.source) && !(options.intervalMs > 0 && Number.isFinite(options.intervalMs))) {
      throw new AgentError(ErrorCode.CONFIG, `target ${options.target}: telemetry interval must be > 0: value was ${String(options.intervalMs)}`);
    }
  }

  /** Begins the collection loops and returns at once. A second call, or one after `stop()`, is a no-op. */
  start(): void {
    if (this.loops || this.stopController.signal.aborted) return;
    const { source, intervalMs, timeoutMs } = this.options;
    const inputs: readonly TelemetryInput[] = hasInputs(source)
      ? source.telemetryInputs()
      : [{ name: COLLECT, intervalMs, timeoutMs, collect: async (signal) => readingOf(await source.collect!(signal)) }];
    this.loops = inputs.map((input) => this.run(input));
  }

  /** Aborts every wait or run in flight and resolves when the loops have ended. Safe twice and before `start()`. */
  stop(): Promise<void> {
    if (!this.stopPromise) {
      this.stopController.abort(new TransportError(ErrorCode.ABORTED, `telemetry collector for ${this.options.target} stopped`));
      this.stopPromise = Promise.all(this.loops ?? []).then(() => undefined);
    }
    return this.stopPromise;
  }

  private async run(input: TelemetryInput): Promise<void> {
    const { clock, connection, logger } = this.options;
    const signal = this.stopController.signal;
    const interval = input.intervalMs > 0 && Number.isFinite(input.intervalMs) ? input.intervalMs : this.options.intervalMs;
    try {
      while (!signal.aborted) {
        if (!connection.isConnected()) await connection.whenState('connected', signal);
        await this.giveWayToHandshakes(interval, signal);
        if (!connection.isConnected()) continue;
        const startedAt = clock.now();
        const supported = await this.collectOnce(input, signal);
        if (!supported) {
          // Disabled for this connection: try again on the next one.
          await connection.whenState(['disconnected', 'connecting', 'failed'], signal);
          continue;
        }
        await clock.sleep(Math.max(0, startedAt + interval - clock.now()), signal);
      }
    } catch (err) {
      // A stop (ours, or the monitor's: whenState rejects) ends the loop; anything else is a bug worth a line.
      if (!signal.aborted) logger.warn({ input: input.name, err: err instanceof Error ? err.message : String(err) }, 'telemetry collection loop ended');
    }
  }

  /**
   * While handshakes queue at the connect gate: waits until the queue is empty (at most
   * `intervalMs`), then a uniform draw in [0, min(intervalMs, HERD_SPREAD_MS)). Returns at once
   * when no one queues, and early when stopped.
   */
  private async giveWayToHandshakes(intervalMs: number, signal: AbortSignal): Promise<void> {
    const { connectGate: gate, clock } = this.options;
    if (!gate || gate.pending === 0 || signal.aborted) return;
    const local = new AbortController();
    const stop = (): void => local.abort(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    const settled = (): void => undefined;
    try {
      await Promise.race([gate.whenNoneWaiting(local.signal).then(settled, settled), clock.sleep(intervalMs, local.signal).then(settled, settled)]);
      if (signal.aborted) return;
      const draw = (this.options.random ?? SYSTEM_RANDOM).next();
      await clock.sleep(Math.floor(draw * Math.min(intervalMs, HERD_SPREAD_MS)), signal).then(settled, settled);
    } finally {
      signal.removeEventListener('abort', stop);
      local.abort(); // ends the wait that lost the race
    }
  }

  /** One run of `input`. Resolves false when the device does not support it (disable for this connection). */
  private async collectOnce(input: TelemetryInput, signal: AbortSignal): Promise<boolean> {
    const { target, clock, events, timeoutMs, connection, logger } = this.options;
    const deadline = input.timeoutMs > 0 ? input.timeoutMs : timeoutMs;
    const at = clock.now();
    let reading: TelemetryReading;
    try {
      reading = await withDeadline(
        clock,
        deadline,
        signal,
        (s) => input.collect(s),
        () => new TransportError(ErrorCode.TIMEOUT, `telemetry input ${input.name} got no answer within ${deadline} ms`),
      );
      if (!reading || !Array.isArray(reading.samples)) throw new TransportError(ErrorCode.PROTOCOL, `telemetry input ${input.name} returned no list of samples`);
    } catch (err) {
      if (signal.aborted) return true; // stopped mid-run: not the device's failure
      connection.reportCommandError(err);
      const error = TransportError.from(err);
      const durationMs = clock.now() - at;
      if (error.code === ErrorCode.UNSUPPORTED) {
        logger.info({ input: input.name, err: error.message }, `telemetry input ${input.name} disabled for this connection: the device does not support it`);
        events.emit({ type: 'telemetry', target, at, input: input.name, outcome: 'unsupported', durationMs, samples: [], reason: error.reason, message: error.message });
        return false;
      }
      logger.debug({ input: input.name, code: error.code, err: error.message }, `telemetry input ${input.name} failed`);
      events.emit({ type: 'telemetry', target, at, input: input.name, outcome: 'failed', durationMs, samples: [], reason: error.reason, message: error.message });
      return true;
    }
    events.emit({
      type: 'telemetry',
      target,
      at,
      input: input.name,
      outcome: 'ok',
      durationMs: clock.now() - at,
      samples: reading.samples,
      ...(Number.isFinite(reading.bytesRead) ? { bytesRead: reading.bytesRead } : {}),
      ...(reading.rejected && reading.rejected.length > 0 ? { rejected: reading.rejected } : {}),
    });
    return true;
  }
}

function hasInputs(source: TelemetrySource): source is TelemetrySource & { telemetryInputs(): readonly TelemetryInput[] } {
  return typeof (source as { telemetryInputs?: unknown }).telemetryInputs === 'function';
}

function readingOf(samples: readonly TelemetrySample[]): TelemetryReading {
  return { samples, bytesRead: Number.NaN };
}
