import { abortReason } from '../clock/clock.js';
import type { Clock } from '../clock/clock.js';
import { ErrorCode } from '../errors/codes.js';
import { TransportError } from '../errors/transport-error.js';
import type { TelemetrySample, TelemetrySource } from '../transport/telemetry-source.js';
import type { CommandRunner, ProbeResult, RunOptions, Transport, TransportDescriber } from '../transport/transport.js';

/** Options of a {@link FakeTransport}. @public */
export interface FakeTransportOptions {
  /** What `describe()` returns. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Needed only for the latency options: waits are made on this clock. */
  readonly clock?: Clock;
  /** How long a successful `connect` takes on `clock`. @default 0 */
  readonly connectLatencyMs?: number;
  /** How long a successful `probe` takes on `clock`. @default 0 */
  readonly probeLatencyMs?: number;
  /** What a successful probe reports as its mode. @default 'fake' */
  readonly probeMode?: string;
}

/** A command result for {@link FakeTransport.setCommandResult}: output text, or an error to reject with. @public */
export type FakeCommandResult = string | Error | ((command: string) => string | Promise<string>);

/**
 * What {@link FakeTransport.collect} yields: samples, an Error to reject with, or a function of the
 * collection's signal (return a promise that honours the signal to script a slow or hung device).
 *
 * @public
 */
export type FakeTelemetryResult =
  | readonly TelemetrySample[]
  | Error
  | ((signal: AbortSignal) => readonly TelemetrySample[] | Promise<readonly TelemetrySample[]>);

/**
 * A scriptable in-memory {@link Transport} (plus {@link CommandRunner}, {@link TransportDescriber}
 * and {@link TelemetrySource})
 * for monitor, agent and exporter tests. It passes `transportContract()`.
 *
 * - Connect outcomes: {@link failNextConnects}, {@link failAllConnects}, {@link hangNextConnect},
 *   {@link hangConnects} (a hung connect settles only when its signal aborts or `close()` is called),
 *   {@link clearFailures}.
 * - Loss: {@link reportLoss} fires `onLost` (once per connection); {@link setConnected}`(false)` drops
 *   the connection silently, as a dead peer would, so only a probe or a command notices.
 * - Probes: {@link hangProbes}, {@link failProbes}; {@link answerHungCalls} lets hung calls complete late.
 * - Telemetry: {@link setTelemetry} (samples, an error, or a function); `collectCalls` counts collections.
 * - Observation: counters, `openSessions` / `maxOpenSessions` (close-before-connect keeps them <= 1),
 *   `calls` (the order of `connect`/`close`/`probe`/`run:<command>` calls), `lostListeners`.
 *
 * @public
 */
export class FakeTransport implements Transport, CommandRunner, TransportDescriber, TelemetrySource {
  connectCalls = 0;
  collectCalls = 0;
  closeCalls = 0;
  probeCalls = 0;
  runCalls = 0;
  /**
   * Sessions open on the peer's side now (0 or 1). A silent loss ({@link setConnected}`(false)`)
   * leaves the session open until `close()`, as a hung peer would keep it.
   */
  openSessions = 0;
  /** The most sessions ever open at once (the contract keeps it at 1). */
  maxOpenSessions = 0;
  /**
   * Connects made while the previous session was still open, which the fake then had to close
   * itself. A caller that closes before every connect (the monitor) keeps this at 0.
   */
  connectsWithoutClose = 0;
  /** Hung connects and probes that ended because their AbortSignal aborted (a deadline or a stop). */
  abortedCalls = 0;
  /** Every call in order: `connect`, `close`, `probe`, `run:<command>`, `collect`. */
  readonly calls: string[] = [];

  private connected = false;
  private connection = 0;
  private failuresLeft = 0;
  private failureError: Error | undefined;
  private failAll: Error | undefined;
  private hangOnce = false;
  private hangAll = false;
  private probesHang = false;
  private probeError: TransportError | undefined;
  private labels: Record<string, string>;
  private readonly commands = new Map<string, FakeCommandResult>();
  private defaultCommand: FakeCommandResult | undefined;
  private telemetry: FakeTelemetryResult = [];
  private readonly listeners = new Set<(err: TransportError) => void>();
  /** Connects and probes hanging now: settled by their signal or by `close()`. */
  private readonly pending = new Set<(err: Error | undefined) => void>();
  private lostFor = -1;

  constructor(private readonly options: FakeTransportOptions = {}) {
    this.labels = { ...(options.labels ?? {}) };
  }

  /** Whether a connection is up. */
  get isConnected(): boolean {
    return this.connected;
  }

  /** Hung connects and probes still waiting for their signal: 0 proves a caller aborted them. */
  get hangingCalls(): number {
    return this.pending.size;
  }

  /** How many `onLost` listeners are subscribed (proves callers unsubscribe). */
  get lostListeners(): number {
    return this.listeners.size;
  }

  // --- scripting -------------------------------------------------------------------------------

  /** Sets the connection state directly, firing nothing (`false` = a silent loss only a probe notices). */
  setConnected(connected: boolean): void {
    if (connected && !this.connected) {
      this.drop();
      this.open();
    }
    if (!connected) this.connected = false;
  }

  /**
   * The next `n` connects reject with `err` (default: a retryable NETWORK error). A plain Error is
   * thrown as is, to test that callers wrap what a sloppy transport throws.
   */
  failNextConnects(n: number, err?: Error): void {
    this.failuresLeft = n;
    this.failureError = err;
  }

  /** Every connect rejects with `err` (default: a retryable NETWORK error) until {@link clearFailures}. */
  failAllConnects(err?: Error): void {
    this.failAll = err ?? networkError('fake: connection refused');
  }

  /** Clears connect failures and hangs, and probe failures and hangs. */
  clearFailures(): void {
    this.failuresLeft = 0;
    this.failureError = undefined;
    this.failAll = undefined;
    this.hangOnce = false;
    this.hangAll = false;
    this.probesHang = false;
    this.probeError = undefined;
  }

  /** The next connect never resolves: it rejects only when its signal aborts (or on `close()`). */
  hangNextConnect(): void {
    this.hangOnce = true;
  }

  /** Every connect hangs (as above) while `on`. */
  hangConnects(on: boolean): void {
    this.hangAll = on;
  }

  /** Probes hang until their signal aborts while `on` (a hung peer: TCP up, nothing answers). */
  hangProbes(on: boolean): void {
    this.probesHang = on;
  }

  /** The peer answers at last: every hung connect and probe in flight completes as if it had answered now. */
  answerHungCalls(): void {
    for (const release of [...this.pending]) release(undefined);
  }

  /** Probes reject with `err` (default: UNHEALTHY) until {@link clearFailures}; `null` stops failing them. */
  failProbes(err?: TransportError | null): void {
    this.probeError = err === null ? undefined : (err ?? new TransportError(ErrorCode.UNHEALTHY, 'fake: probe failed'));
  }

  /**
   * The connection breaks and the transport notices (socket closed): `onLost` listeners are called,
   * once per connection. No-op when not connected.
   */
  reportLoss(err: TransportError = networkError('fake: connection reset by peer')): void {
    if (!this.connected || this.lostFor === this.connection) return;
    this.lostFor = this.connection;
    this.drop();
    for (const listener of [...this.listeners]) listener(err);
  }

  /** Changes what `describe()` returns (e.g. a probe mode learned after connecting). */
  setLabels(labels: Readonly<Record<string, string>>): void {
    this.labels = { ...labels };
  }

  /** What `run(command)` yields: output, an Error to reject with, or a function. */
  setCommandResult(command: string, result: FakeCommandResult): void {
    this.commands.set(command, result);
  }

  /** What `run()` yields for commands without their own result. @default '' */
  setDefaultCommandResult(result: FakeCommandResult): void {
    this.defaultCommand = result;
  }

  /** What `collect()` yields from now on. @default [] */
  setTelemetry(result: FakeTelemetryResult): void {
    this.telemetry = result;
  }

  // --- Transport ---------------------------------------------------------------------------------

  async connect(signal: AbortSignal): Promise<void> {
    this.connectCalls += 1;
    this.calls.push('connect');
    // Contract: connecting an open transport closes the old session first.
    if (this.openSessions > 0) {
      this.connectsWithoutClose += 1;
      this.drop();
    }
    if (signal.aborted) throw TransportError.from(abortReason(signal));
    if (this.hangOnce || this.hangAll) {
      this.hangOnce = false;
      await this.hang(signal);
    }
    if (this.failAll) throw this.failAll;
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw this.failureError ?? networkError('fake: connection refused');
    }
    if (this.options.connectLatencyMs && this.options.clock) {
      await this.options.clock.sleep(this.options.connectLatencyMs, signal).catch((err: unknown) => {
        throw TransportError.from(err);
      });
    }
    this.open();
  }

  async probe(signal: AbortSignal): Promise<ProbeResult> {
    this.probeCalls += 1;
    this.calls.push('probe');
    if (signal.aborted) throw TransportError.from(abortReason(signal));
    if (!this.connected) throw new TransportError(ErrorCode.NOT_CONNECTED, 'fake: not connected');
    if (this.probesHang) await this.hang(signal);
    if (this.probeError) throw this.probeError;
    const latencyMs = this.options.probeLatencyMs ?? 0;
    if (latencyMs > 0 && this.options.clock) {
      await this.options.clock.sleep(latencyMs, signal).catch((err: unknown) => {
        throw TransportError.from(err);
      });
    }
    if (!this.connected) throw new TransportError(ErrorCode.NOT_CONNECTED, 'fake: connection closed during probe');
    return { latencyMs, mode: this.options.probeMode ?? 'fake' };
  }

  async close(): Promise<void> {
    this.closeCalls += 1;
    this.calls.push('close');
    this.drop();
    // Contract: close is safe during a pending connect and releases it.
    for (const release of [...this.pending]) release(new TransportError(ErrorCode.ABORTED, 'fake: closed'));
  }

  onLost(listener: (err: TransportError) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async run(command: string, options: RunOptions = {}): Promise<string> {
    this.runCalls += 1;
    this.calls.push(`run:${command}`);
    if (options.signal?.aborted) throw TransportError.from(abortReason(options.signal));
    if (!this.connected) throw new TransportError(ErrorCode.NOT_CONNECTED, 'fake: not connected');
    const result = this.commands.get(command) ?? this.defaultCommand ?? '';
    if (result instanceof Error) throw result;
    if (typeof result === 'function') return result(command);
    return result;
  }

  /** Rejects with NOT_CONNECTED while no connection is up, as a real transport would (a connection-class error). */
  async collect(signal: AbortSignal): Promise<readonly TelemetrySample[]> {
    this.collectCalls += 1;
    this.calls.push('collect');
    if (signal.aborted) throw TransportError.from(abortReason(signal));
    if (!this.connected) throw new TransportError(ErrorCode.NOT_CONNECTED, 'fake: not connected');
    const result = this.telemetry;
    if (result instanceof Error) throw result;
    if (typeof result === 'function') return result(signal);
    return result;
  }

  describe(): Readonly<Record<string, string>> {
    return { ...this.labels };
  }

  // --- internals -----------------------------------------------------------------------------------

  private open(): void {
    this.connected = true;
    this.connection += 1;
    this.openSessions += 1;
    this.maxOpenSessions = Math.max(this.maxOpenSessions, this.openSessions);
  }

  private drop(): void {
    this.connected = false;
    this.openSessions = 0;
  }

  /** Never resolves; rejects when `signal` aborts or `close()` is called. */
  private hang(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const release = (err: Error | undefined): void => {
        this.pending.delete(release);
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const onAbort = (): void => {
        this.abortedCalls += 1;
        release(TransportError.from(abortReason(signal)));
      };
      this.pending.add(release);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function networkError(message: string): TransportError {
  return new TransportError(ErrorCode.NETWORK, message);
}
