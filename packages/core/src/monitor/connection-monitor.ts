import type { BackoffStrategy } from '../backoff/backoff.js';
import { STOP } from '../backoff/backoff.js';
import type { Clock } from '../clock/clock.js';
import type { Random } from '../clock/random.js';
import { AgentError } from '../errors/agent-error.js';
import { ErrorCode } from '../errors/codes.js';
import { TransportError, isConnectionError } from '../errors/transport-error.js';
import { LogEvent } from '../logging/log-event.js';
import type { Logger } from '../logging/logger.js';
import type { RunOptions, Transport } from '../transport/transport.js';
import { isCommandRunner, isTransportDescriber } from '../transport/transport.js';
import type { LoopLag } from '../clock/loop-lag.js';
import { formatDuration } from '../config/duration.js';
import { MIN_STALL_MS, untilAborted, withDeadline, type DeadlineOptions } from '../signals/deadline.js';
import type { Semaphore } from '../signals/semaphore.js';
import type { ConnectionState, DetectedBy, MonitorEvent, MonitorEventSink } from './events.js';
import { pickFirstAttemptDelay } from './first-attempt-delay.js';
import type { MonitorSettings } from './monitor-settings.js';
import type { NamedReconnectHook, ReconnectInfo } from './reconnect-hook.js';

/**
 * Shortest wait between a failed attempt and the next one, whatever the strategy says: a strategy
 * returning 0 (full jitter drawing 0, a constant of 0) must not spin the loop or hammer the target.
 *
 * @internal
 */
export const MIN_RETRY_DELAY_MS = 100;

/** A loss noticed while connected, not yet handled by the loop. */
interface PendingLoss {
  readonly reason: string;
  /** The error's stable code (absent for a manual reconnect). */
  readonly code?: string;
  readonly message: string;
  readonly detectedBy: DetectedBy;
  readonly at: number;
  announced: boolean;
}

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}

/** What one monitor is made of; the target assembly resolves each part from the target's container. @internal */
export interface ConnectionMonitorDeps {
  readonly target: string;
  /** The transport's type name (`rds-ssh`), reported on `rds_target_info`. */
  readonly transportType: string;
  readonly transport: Transport;
  readonly backoff: BackoffStrategy;
  /** The target's `monitor:` settings, named as in config (durations in ms). */
  readonly settings: MonitorSettings;
  readonly clock: Clock;
  readonly random: Random;
  readonly events: MonitorEventSink;
  /** Bound to the target. */
  readonly logger: Logger;
  readonly hooks: readonly NamedReconnectHook[];
  /**
   * The agent's own event-loop delay: probe and connect deadlines that pass while the agent could
   * not run are extended by the delay measured (only time the agent could run counts), and a probe
   * that timed out under starvation is confirmed by one more probe before the session is torn down. @default none (deadlines are exact)
   */
  readonly lag?: LoopLag;
  /**
   * Bounds the agent's concurrent connection handshakes: an attempt waits here (in state
   * `connecting`) before it connects, and its connect deadline starts once it holds a slot.
   * @default none (unbounded)
   */
  readonly connectGate?: Semaphore;
}

/** The outage (or start-up) the loop is currently recovering from. */
interface Outage {
  readonly startedAt: number;
  attempts: number;
  readonly initial: boolean;
}

/**
 * Watches one connection to one target: connects, probes, notices loss, reconnects with backoff,
 * and reports every step as a {@link MonitorEvent}. One per target, made by the target assembly in
 * the target's child container (`createConnectionMonitor` uses the same assembly).
 *
 * Behaviour:
 * - `start()` runs the connect loop; start-up uses the same loop as recovery, so a target that is
 *   down at start is retried. The first attempt at start-up is made at once (no first-attempt
 *   jitter: readiness should not wait, and agents restarted by an orchestrator are already spread).
 * - Loss is noticed three ways, handled once whichever reports first: the transport's `onLost`
 *   (at once), a probe every `monitor.probeInterval` that fails or exceeds `monitor.probeTimeout` (its signal is
 *   aborted at the deadline, reason `timeout`), and {@link reportCommandError}. State and metrics
 *   change at detection (`disconnected` event + `state-changed`), before any wait.
 * - With a `lag` source, probe and connect deadlines count only time the agent could run
 *   (`withDeadline`), and a probe that timed out while the agent was starved is confirmed by one
 *   more probe at once before the session is torn down. A hung device is found within
 *   `probeInterval + probeTimeout` + the delay measured, + one more `probeTimeout` when that delay
 *   was at least `MIN_STALL_MS` (never on a free-running agent).
 * - After a loss the dead session is closed and the first attempt waits a uniform draw in
 *   `[monitor.firstAttemptJitter / 8, monitor.firstAttemptJitter]` ({@link pickFirstAttemptDelay}; 0: no wait
 *   and no draw), so a fleet that noticed the same outage in the same millisecond does not reconnect in lockstep.
 * - Every attempt closes the transport first, then connects under `monitor.connectTimeout`. A failure
 *   waits `backoff.next()` (permanent errors, `retryable: false`: at least `backoff.maxDelayMs`;
 *   never less than {@link MIN_RETRY_DELAY_MS});
 *   `STOP` means give up (state `failed`, reason `gave-up`) until {@link reconnect}. Success emits
 *   `recovered` and runs the on-reconnect hooks without awaiting them; the strategy resets once the
 *   new connection proves itself (a probe passed, or it lived a whole probe interval). A connection
 *   lost before that (a peer that accepts and drops) waits the strategy's next delay too, so a
 *   flapping target backs off (1 s, 2 s, 4 s ...) instead of being reconnected every
 *   first-attempt-jitter.
 * - All time comes from the injected Clock and all randomness from the injected Random; draws are
 *   made only for the first-attempt jitter (when > 0) and by the strategy.
 *
 * A monitor is single-use: after `stop()` it cannot be started again.
 *
 * @internal
 */
export class ConnectionMonitor {
  private currentState: ConnectionState = 'idle';
  /** Whether the current connection proved itself (passed a probe); only then does the strategy reset. */
  private proven = false;
  private connectedAt = 0;
  private loop: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;
  private stopRequested = false;
  private readonly stopController = new AbortController();
  /** The interruptible phase in progress (a wait or a probe); aborted to wake the loop early. */
  private wake: AbortController | undefined;
  /** A `reconnect()` caller waiting for the outcome of the next (or current) attempt. */
  private manual: Deferred | undefined;
  private loss: PendingLoss | undefined;
  /** Incremented whenever a connection's life ends, so late reports about an old one are ignored. */
  private cycle = 0;
  private unsubscribeLost: (() => void) | undefined;
  private lastLabelsKey: string | undefined;
  private readonly stateWaiters = new Set<() => void>();

  readonly target: string;
  readonly transport: Transport;
  private readonly transportType: string;
  private readonly backoff: BackoffStrategy;
  private readonly settings: MonitorSettings;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly events: MonitorEventSink;
  private readonly logger: Logger;
  private readonly hooks: readonly NamedReconnectHook[];
  private readonly lag: LoopLag | undefined;
  private readonly connectGate: Semaphore | undefined;

  /** Built by the target assembly from the target's container (see `target/target-assembly.ts`). */
  constructor(deps: ConnectionMonitorDeps) {
    const { target, transport, backoff, settings } = deps;
    if (!transport) throw new AgentError(ErrorCode.CONFIG, `target ${target}: a transport is required`);
    if (!backoff) throw new AgentError(ErrorCode.CONFIG, `target ${target}: a backoff strategy is required`);
    for (const key of ['probeInterval', 'probeTimeout', 'connectTimeout'] as const) {
      const value = settings?.[key];
      if (typeof value !== 'number' || !(value > 0)) {
        throw new AgentError(ErrorCode.CONFIG, `target ${target}: monitor.${key} must be > 0: value was ${String(value)}`);
      }
    }
    if (typeof settings.firstAttemptJitter !== 'number' || !(settings.firstAttemptJitter >= 0)) {
      throw new AgentError(ErrorCode.CONFIG, `target ${target}: monitor.firstAttemptJitter must be >= 0: value was ${String(settings.firstAttemptJitter)}`);
    }
    this.target = target;
    this.transport = transport;
    this.transportType = deps.transportType;
    this.backoff = backoff;
    this.settings = settings;
    this.clock = deps.clock;
    this.random = deps.random;
    this.events = deps.events;
    this.logger = deps.logger;
    this.hooks = deps.hooks;
    this.lag = deps.lag;
    this.connectGate = deps.connectGate;
  }

  /** The current state (see {@link ConnectionState}). */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** True while the connection is up and no loss has been noticed. */
  isConnected(): boolean {
    return this.currentState === 'connected';
  }

  /** Begins the connect loop and returns at once. A second call, or a call after `stop()`, is a no-op. */
  start(): void {
    if (this.loop || this.stopRequested) return;
    this.emitTargetInfo(true);
    this.loop = this.runLoop();
  }

  /**
   * Ends everything promptly in any state (mid-connect, mid-wait, mid-probe): aborts what is in
   * flight, unsubscribes from the transport, closes it, and emits `state-changed -> stopped`.
   * Resolves when the loop has ended. Safe twice and before `start()`. On-reconnect hooks already
   * running are not awaited.
   */
  stop(): Promise<void> {
    if (!this.stopPromise) {
      this.stopRequested = true;
      this.stopController.abort(new TransportError(ErrorCode.ABORTED, `monitor for ${this.target} stopped`));
      this.wake?.abort();
      this.stopPromise = this.loop ?? this.shutdown();
    }
    return this.stopPromise;
  }

  /**
   * Forces close + connect now, skipping any pending wait (also from `failed`, where it restarts the
   * backoff strategy). Resolves when that attempt connected; rejects with its TransportError when it
   * failed (the loop then carries on with backoff). While an attempt is in flight, joins it rather
   * than starting another. Before `start()` it starts the monitor. Rejects once stopped.
   */
  reconnect(): Promise<void> {
    if (this.stopRequested) {
      return Promise.reject(new TransportError(ErrorCode.ABORTED, `monitor for ${this.target} is stopped`));
    }
    this.manual ??= deferred();
    const { promise } = this.manual;
    switch (this.currentState) {
      case 'idle':
        this.start();
        break;
      case 'connected':
        this.noteLoss('manual', undefined, 'reconnect requested', 'manual', this.cycle);
        break;
      case 'disconnected':
      case 'failed':
        this.wake?.abort();
        break;
      default:
        break; // connecting: the attempt in flight settles it
    }
    return promise;
  }

  /**
   * Tells the monitor a command run by a caller failed (callers using {@link run} need not). A connection-class TransportError
   * (`isConnectionError`) while connected counts as a loss (`detectedBy: 'command'`); anything else
   * (a device error, an abort, a plain Error) is ignored.
   */
  reportCommandError(err: unknown): void {
    if (!isConnectionError(err)) return;
    this.noteLoss(err.reason, err.code, err.message, 'command', this.cycle);
  }

  /**
   * Runs a device command through the transport (when it is a {@link CommandRunner}) the way the
   * reference's callers did: fails fast with `RDS_AGENT_ERR_NOT_CONNECTED` while the target is not
   * connected instead of waiting, and reports a connection-class failure as a loss
   * (`detectedBy: 'command'`) before rethrowing it.
   */
  async run(command: string, options?: RunOptions): Promise<string> {
    if (!isCommandRunner(this.transport)) {
      throw new TransportError(ErrorCode.NOT_CONNECTED, `transport of ${this.target} cannot run commands`, { retryable: false });
    }
    if (this.currentState !== 'connected') {
      throw new TransportError(ErrorCode.NOT_CONNECTED, `${this.target} is unavailable (${this.currentState})`);
    }
    try {
      return await this.transport.run(command, options);
    } catch (err) {
      this.reportCommandError(err);
      throw err;
    }
  }

  /**
   * Resolves when the monitor is in one of `states` (at once if it already is). Rejects with the
   * signal's reason when `signal` aborts, and when the monitor stops without reaching them.
   */
  whenState(states: ConnectionState | readonly ConnectionState[], signal?: AbortSignal): Promise<ConnectionState> {
    const wanted: readonly ConnectionState[] = typeof states === 'string' ? [states] : states;
    if (wanted.includes(this.currentState)) return Promise.resolve(this.currentState);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (wanted.includes(this.currentState)) {
          done();
          resolve(this.currentState);
        } else if (this.currentState === 'stopped') {
          done();
          reject(new TransportError(ErrorCode.ABORTED, `monitor for ${this.target} stopped before reaching ${wanted.join('|')}`));
        }
      };
      const onAbort = (): void => {
        done();
        reject(signal!.reason instanceof Error ? signal!.reason : new TransportError(ErrorCode.ABORTED, 'wait aborted'));
      };
      const done = (): void => {
        this.stateWaiters.delete(check);
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.stateWaiters.add(check);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // The loop

  private async runLoop(): Promise<void> {
    let outage: Outage = { startedAt: this.clock.now(), attempts: 0, initial: true };
    let wait = 0; // before the next attempt; Infinity = only on reconnect()
    let reason = 'started';
    try {
      while (!this.stopRequested) {
        if (wait > 0) await this.pause(wait);
        if (this.stopRequested) break;
        const manual = this.manual !== undefined;
        if (manual && this.currentState === 'failed') {
          // Gave up earlier: a manual reconnect starts a fresh outage budget.
          this.backoff.reset();
          outage = { startedAt: this.clock.now(), attempts: 0, initial: outage.initial };
        }
        this.setState('connecting', manual ? 'manual' : reason);
        outage.attempts += 1;
        const error = await this.attempt(outage.attempts);
        if (this.stopRequested) break;
        if (error) {
          this.endCycle(); // a connection that never came up cannot be lost: drop any report about it
          this.settleManual(error);
          wait = this.scheduleRetry(error, outage.attempts);
          reason = 'retry';
          continue;
        }

        // The strategy resets once this connection passes its first probe (see markProven): a peer that
        // accepts and drops at once keeps backing off instead of being hammered twice a second.
        this.proven = false;
        this.connectedAt = this.clock.now();
        this.emitTargetInfo(false);
        const outageMs = this.clock.now() - outage.startedAt;
        this.emit({ type: 'recovered', target: this.target, at: this.clock.now(), outageMs, attempts: outage.attempts });
        this.setState('connected', 'connected');
        this.logger.info({ outageMs, attempts: outage.attempts, initial: outage.initial }, outage.initial ? 'connected' : 'reconnected');
        this.runHooks({ target: this.target, outageMs, attempts: outage.attempts, initial: outage.initial });
        this.settleManual();

        const loss = await this.watch();
        if (!loss) break; // stopped
        this.endCycle();
        await this.closeTransport(); // release a dead (or hung) session now, not at the next attempt
        if (this.stopRequested) break;
        outage = { startedAt: loss.at, attempts: 0, initial: false };
        wait = this.delayAfterLoss(loss);
        if (wait !== Infinity) {
          this.emit({ type: 'backoff', target: this.target, at: this.clock.now(), delayMs: wait, nextAttemptAt: this.clock.now() + wait });
          this.logger.info({ reason: loss.reason, delayMs: wait }, `next attempt in ${formatDuration(wait)} (after a loss: ${loss.reason})`);
        }
        reason = 'retry';
      }
    } catch (err) {
      // Only a bug can get here (every transport call is guarded); keep the process alive and say so.
      this.logger.error({ err: errorMessage(err) }, 'connection monitor loop failed');
      if (!this.stopRequested) this.setState('failed', 'internal-error');
    } finally {
      await this.shutdown();
    }
  }

  /** One close + connect under the deadline. Resolves with the error, or undefined on success. */
  private async attempt(attempt: number): Promise<TransportError | undefined> {
    this.endCycle();
    await this.closeTransport();
    if (this.stopRequested) return new TransportError(ErrorCode.ABORTED, 'stopped');
    // Wait for a handshake slot (start-up and mass recovery): the deadline below starts once we hold one.
    let release: (() => void) | undefined;
    if (this.connectGate) {
      try {
        release = await this.connectGate.acquire(this.stopController.signal);
      } catch (err) {
        return TransportError.from(err);
      }
    }
    const cycle = this.cycle;
    try {
      this.unsubscribeLost = this.transport.onLost((err) => {
        const e = TransportError.from(err);
        this.noteLoss(e.reason, e.code, errorMessage(err), 'transport', cycle);
      });
    } catch (err) {
      this.logger.warn({ err: errorMessage(err) }, 'transport onLost subscription failed; relying on probes');
    }
    const startedAt = this.clock.now();
    const timeoutMs = this.settings.connectTimeout;
    try {
      await withDeadline(
        this.clock,
        timeoutMs,
        this.stopController.signal,
        (signal) => this.transport.connect(signal),
        () => new TransportError(ErrorCode.TIMEOUT, `connect did not complete within ${timeoutMs} ms`),
        this.deadlineOptions('connect'),
      );
      this.emit({ type: 'attempt', target: this.target, at: this.clock.now(), attempt, outcome: 'success', durationMs: this.clock.now() - startedAt });
      return undefined;
    } catch (err) {
      const error = TransportError.from(err);
      if (this.stopRequested) return error; // a stop is not a failed attempt
      const { code, reason, message, retryable } = error;
      this.emit({
        type: 'attempt',
        target: this.target,
        at: this.clock.now(),
        attempt,
        outcome: 'failure',
        durationMs: this.clock.now() - startedAt,
        error: { code, reason, message, retryable },
      });
      return error;
    } finally {
      release?.();
    }
  }

  /**
   * Asks the strategy for the wait after failed attempt number `attempt`; moves to `disconnected`
   * or `failed`; logs the failure with why and how long until the next attempt.
   */
  private scheduleRetry(error: TransportError, attempt: number): number {
    const { code, reason, message, retryable } = error;
    // A security event whatever the transport: the device refused the credentials, or they are unusable.
    const event = code === ErrorCode.AUTH ? { event: LogEvent.authFailed } : {};
    let delay = this.backoff.next();
    if (isGiveUp(delay)) {
      this.logger.warn({ ...event, attempt, code, reason, retryable, err: message }, `connection attempt ${attempt} failed (${reason}): ${message}`);
      return this.giveUp(reason);
    }
    // Permanent errors (auth, host key) need an operator: never hammer the target with them.
    if (!retryable) delay = Math.max(delay, this.backoff.maxDelayMs);
    delay = Math.max(delay, MIN_RETRY_DELAY_MS);
    this.setState('disconnected', reason);
    const at = this.clock.now();
    this.emit({ type: 'backoff', target: this.target, at, delayMs: delay, nextAttemptAt: at + delay });
    const log = { ...event, attempt, code, reason, retryable, err: message, delayMs: delay, nextAttemptAt: new Date(at + delay).toISOString() };
    const text = `connection attempt ${attempt} failed (${reason}): ${message}; next attempt in ${formatDuration(delay)}`;
    if (retryable) this.logger.warn(log, text);
    else this.logger.error(log, `${text} (a permanent error: retried at the slowest rate until fixed)`);
    return delay;
  }

  /** Deadlines that stretch once past a stretch of time the agent itself could not run. */
  private deadlineOptions(phase: 'probe' | 'connect'): DeadlineOptions {
    if (!this.lag) return {};
    return {
      lag: this.lag,
      onExtended: (stalledMs) => {
        this.logger.info({ phase, stalledMs }, `${phase} deadline extended by ${formatDuration(stalledMs)}: the agent itself could not run for that long`);
        this.emit({ type: 'deadline-extended', target: this.target, at: this.clock.now(), phase, stalledMs });
      },
    };
  }

  /**
   * The wait before the first attempt after a loss: a first-attempt jitter draw. A connection lost
   * before it proved itself (no probe passed, and it lived less than one probe interval: a peer that
   * accepts and then drops) also waits the strategy's next delay, as after a failed attempt, so a
   * flapping target backs off.
   */
  private delayAfterLoss(loss: PendingLoss): number {
    if (loss.detectedBy === 'manual') return 0;
    const jitter = this.firstAttemptDelay();
    // Lived a whole probe interval: it was a working connection, whatever its first probe said.
    if (loss.at - this.connectedAt >= this.settings.probeInterval) this.markProven();
    if (this.proven) return jitter;
    const delay = this.backoff.next();
    if (isGiveUp(delay)) return this.giveUp(loss.reason);
    return Math.max(jitter, delay, MIN_RETRY_DELAY_MS);
  }

  /** The connection answered a probe: it is healthy, so the next outage starts the strategy afresh. */
  private markProven(): void {
    if (this.proven) return;
    this.proven = true;
    this.backoff.reset();
  }

  private giveUp(reason: string): number {
    this.setState('failed', 'gave-up');
    this.logger.error({ reason }, 'backoff strategy gave up; waiting for a manual reconnect');
    return Infinity;
  }

  /** Connected phase: probe every interval until a loss or a stop. Returns the loss, or undefined when stopped. */
  private async watch(): Promise<PendingLoss | undefined> {
    const cycle = this.cycle;
    for (;;) {
      await this.pause(this.settings.probeInterval);
      if (this.stopRequested) return undefined;
      if (!this.loss) {
        let failure = await this.probe();
        if (this.stopRequested) return undefined;
        if (failure?.starved && !this.loss) {
          // Timed out while the agent itself was starved: confirm once before tearing the session down
          // (a reconnect costs a handshake, which adds to the load that caused the doubt).
          this.logger.info({ stalledMs: failure.starved, err: failure.error.message }, 'probe timed out while the agent was starved; confirming with one more probe');
          failure = await this.probe();
          if (this.stopRequested) return undefined;
        }
        if (failure && !this.loss) this.noteLoss(failure.error.reason, failure.error.code, failure.error.message, 'probe', cycle);
      }
      if (this.loss) {
        this.announceLoss();
        return this.loss;
      }
    }
  }

  /**
   * One bounded probe. Resolves with the failure, or undefined when it passed or was interrupted.
   * `starved` is how long the agent itself could not run during a probe that timed out (0: it ran freely).
   */
  private async probe(): Promise<{ error: TransportError; starved: number } | undefined> {
    const startedAt = this.clock.now();
    const timeoutMs = this.settings.probeTimeout;
    return this.phase(async (signal) => {
      try {
        const result = await withDeadline(
          this.clock,
          timeoutMs,
          signal,
          (s) => this.transport.probe(s),
          () => new TransportError(ErrorCode.TIMEOUT, `probe got no answer within ${timeoutMs} ms`),
          this.deadlineOptions('probe'),
        );
        const latencyMs = result?.latencyMs ?? this.clock.now() - startedAt;
        this.markProven();
        this.emit({
          type: 'probe',
          target: this.target,
          at: this.clock.now(),
          outcome: 'ok',
          latencyMs,
          ...(result?.mode !== undefined ? { mode: result.mode } : {}),
        });
        return undefined;
      } catch (err) {
        if (signal.aborted) return undefined; // interrupted by a loss, a reconnect or a stop: not the probe's verdict
        const error = TransportError.from(err);
        this.emit({
          type: 'probe',
          target: this.target,
          at: this.clock.now(),
          outcome: 'failed',
          latencyMs: this.clock.now() - startedAt,
          reason: error.reason,
        });
        const stalled = error.code === ErrorCode.TIMEOUT && this.lag ? Math.round(this.lag.lagBetween(startedAt, this.clock.now())) : 0;
        return { error, starved: stalled >= MIN_STALL_MS ? stalled : 0 };
      }
    });
  }

  /** Waits `ms` (Infinity: until woken), returning early on stop, loss or `reconnect()`. */
  private async pause(ms: number): Promise<void> {
    if (this.stopRequested || this.manual || this.loss) return;
    await this.phase((signal) => (ms === Infinity ? untilAborted(signal) : this.clock.sleep(ms, signal).catch(() => undefined)));
  }

  /** Runs an interruptible step: its signal aborts on stop and when {@link wake} is aborted. */
  private async phase<T>(step: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const stopSignal = this.stopController.signal;
    const onStop = (): void => controller.abort(stopSignal.reason);
    if (stopSignal.aborted) controller.abort(stopSignal.reason);
    else stopSignal.addEventListener('abort', onStop, { once: true });
    this.wake = controller;
    try {
      return await step(controller.signal);
    } finally {
      stopSignal.removeEventListener('abort', onStop);
      if (this.wake === controller) this.wake = undefined;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Loss, state, events

  /** Records a loss of connection `cycle` once; announces it at once when connected. */
  private noteLoss(reason: string, code: string | undefined, message: string, detectedBy: DetectedBy, cycle: number): void {
    if (this.stopRequested || cycle !== this.cycle || this.loss) return;
    // A transport may report a loss in the instant between connect resolving and the loop marking
    // the target connected; other paths only count while connected.
    if (detectedBy !== 'transport' && this.currentState !== 'connected') return;
    if (detectedBy === 'transport' && this.currentState !== 'connected' && this.currentState !== 'connecting') return;
    this.loss = { reason, ...(code !== undefined ? { code } : {}), message, detectedBy, at: this.clock.now(), announced: false };
    if (this.currentState === 'connected') this.announceLoss();
    this.wake?.abort();
  }

  private announceLoss(): void {
    const loss = this.loss;
    if (!loss || loss.announced) return;
    loss.announced = true;
    const { reason, detectedBy, message, code } = loss;
    this.emit({ type: 'disconnected', target: this.target, at: this.clock.now(), reason, detectedBy, message, ...(code !== undefined ? { code } : {}) });
    this.setState('disconnected', reason);
    if (detectedBy === 'manual') this.logger.info({ detectedBy }, 'reconnecting on request');
    else this.logger.warn({ reason, detectedBy, err: message }, 'connection lost');
  }

  /** Ends the current connection's cycle: stale reports about it are ignored from now on. */
  private endCycle(): void {
    this.cycle += 1;
    this.loss = undefined;
    const unsubscribe = this.unsubscribeLost;
    this.unsubscribeLost = undefined;
    try {
      unsubscribe?.();
    } catch (err) {
      this.logger.warn({ err: errorMessage(err) }, 'transport onLost unsubscribe failed');
    }
  }

  private firstAttemptDelay(): number {
    const window = this.settings.firstAttemptJitter;
    return window > 0 ? pickFirstAttemptDelay(window, this.random.next()) : 0;
  }

  /** Closes the transport, bounded by the connect timeout so a broken close cannot hang a stop. */
  private async closeTransport(): Promise<void> {
    const timeoutMs = this.settings.connectTimeout;
    try {
      await withDeadline(
        this.clock,
        timeoutMs,
        new AbortController().signal,
        () => this.transport.close(),
        () => new TransportError(ErrorCode.TIMEOUT, `close did not complete within ${timeoutMs} ms`),
      );
    } catch (err) {
      this.logger.warn({ err: errorMessage(err) }, 'transport close failed');
    }
  }

  private async shutdown(): Promise<void> {
    this.wake?.abort();
    this.endCycle();
    await this.closeTransport();
    if (this.stopRequested) this.setState('stopped', 'stopped');
    this.settleManual(new TransportError(ErrorCode.ABORTED, `monitor for ${this.target} stopped`));
    for (const check of [...this.stateWaiters]) check();
  }

  private settleManual(error?: Error): void {
    const manual = this.manual;
    this.manual = undefined;
    if (!manual) return;
    if (error) manual.reject(error);
    else manual.resolve();
  }

  private runHooks(info: ReconnectInfo): void {
    for (const { name, hook } of this.hooks) {
      // Deferred to a microtask: hooks never delay probing and a synchronous throw is caught too.
      Promise.resolve()
        .then(() => hook(info))
        .catch((err: unknown) => {
          this.logger.error({ hook: name, err: errorMessage(err) }, 'on-reconnect hook failed');
          this.emit({ type: 'hook-failed', target: this.target, at: this.clock.now(), hook: name, message: errorMessage(err) });
        });
    }
  }

  private setState(to: ConnectionState, reason: string): void {
    const from = this.currentState;
    if (from === to) return;
    this.currentState = to;
    this.emit({ type: 'state-changed', target: this.target, at: this.clock.now(), from, to, reason });
    for (const check of [...this.stateWaiters]) check();
  }

  private emitTargetInfo(force: boolean): void {
    let labels: Readonly<Record<string, string>> = {};
    if (isTransportDescriber(this.transport)) {
      try {
        labels = { ...this.transport.describe() };
      } catch (err) {
        this.logger.warn({ err: errorMessage(err) }, 'transport describe() failed');
      }
    }
    const key = JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
    if (!force && key === this.lastLabelsKey) return;
    this.lastLabelsKey = key;
    this.emit({ type: 'target-info', target: this.target, at: this.clock.now(), transport: this.transportType, labels });
  }

  private emit(event: MonitorEvent): void {
    try {
      this.events.emit(event);
    } catch (err) {
      // The sink is the hub, which isolates its consumers; this guards a custom sink.
      this.logger.error({ monitorEvent: event.type, err: errorMessage(err) }, 'event sink failed');
    }
  }
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A reconnect() caller may not await; its rejection must not become an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `STOP`, or anything a strategy returns that cannot be waited. */
function isGiveUp(delay: number): boolean {
  return delay === STOP || delay < 0 || !Number.isFinite(delay);
}
