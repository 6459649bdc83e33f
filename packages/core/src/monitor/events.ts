import type { TelemetrySample } from '../transport/telemetry-source.js';

/**
 * Typed events a ConnectionMonitor emits. They are facts ("this happened at this instant"); the
 * MetricsHub turns them into metric updates and the StatusStore into the latest state per target.
 */

/**
 * - `idle`: created, not started.
 * - `connecting`: an attempt is in flight.
 * - `connected`: the connection is up and probes pass.
 * - `disconnected`: down, waiting for the next attempt (backoff).
 * - `failed`: the backoff strategy said STOP; no more attempts until `reconnect()`.
 * - `stopped`: `stop()` was called.
 *
 * @public
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'stopped';

/** How a loss was noticed. @internal */
export type DetectedBy = 'transport' | 'probe' | 'command' | 'manual';

interface EventBase {
  /** Target name. */
  readonly target: string;
  /** Clock time of the event (ms since epoch). */
  readonly at: number;
}

/** @internal */
export interface StateChangedEvent extends EventBase {
  readonly type: 'state-changed';
  readonly from: ConnectionState;
  readonly to: ConnectionState;
  /** Why: `started`, `connected`, an error reason (`network`, `auth`, ...), `stopped`, `gave-up`, `manual`. */
  readonly reason: string;
}

/** @internal */
export interface AttemptEvent extends EventBase {
  readonly type: 'attempt';
  /** 1-based number of this attempt within the current outage. */
  readonly attempt: number;
  readonly outcome: 'success' | 'failure';
  readonly durationMs: number;
  readonly error?: { readonly code: string; readonly reason: string; readonly message: string; readonly retryable: boolean };
}

/** @internal */
export interface RecoveredEvent extends EventBase {
  readonly type: 'recovered';
  /** Time from detection (or start-up) to connected. */
  readonly outageMs: number;
  readonly attempts: number;
}

/** @internal */
export interface DisconnectedEvent extends EventBase {
  readonly type: 'disconnected';
  readonly reason: string;
  /** The stable code of the error that revealed the loss (absent for a manual reconnect). */
  readonly code?: string;
  readonly detectedBy: DetectedBy;
  readonly message?: string;
}

/** @internal */
export interface ProbeEvent extends EventBase {
  readonly type: 'probe';
  readonly outcome: 'ok' | 'failed';
  readonly latencyMs: number;
  readonly mode?: string;
  readonly reason?: string;
}

/** @internal */
export interface BackoffEvent extends EventBase {
  readonly type: 'backoff';
  /** The wait before the next attempt (0 when connected again). */
  readonly delayMs: number;
  /** When the next attempt is due (ms since epoch), absent when none is scheduled. */
  readonly nextAttemptAt?: number;
}

/** @internal */
export interface HookFailedEvent extends EventBase {
  readonly type: 'hook-failed';
  readonly hook: string;
  readonly message: string;
}

/** @internal */
export interface TargetInfoEvent extends EventBase {
  readonly type: 'target-info';
  readonly transport: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** One telemetry collection: what the device reported, or why nothing could be read. @internal */
export interface TelemetryEvent extends EventBase {
  readonly type: 'telemetry';
  /** The input that ran (`system`, `raid`, ...); `collect` for a transport without inputs. */
  readonly input: string;
  /**
   * `ok`: it read (some) samples; `failed`: it could not (the device refused, answered nonsense,
   * or ran past the deadline); `unsupported`: the device does not know the input's commands, which
   * is disabled until the next connection.
   */
  readonly outcome: 'ok' | 'failed' | 'unsupported';
  readonly durationMs: number;
  readonly samples: readonly TelemetrySample[];
  /** Bytes of device output the run read, when the input reports it. */
  readonly bytesRead?: number;
  /** Values the input refused, by reason (`implausible`, `unparsable`, `cap`, ...). */
  readonly rejected?: readonly { readonly reason: string; readonly count: number }[];
  /** Error reason (`timeout`, `command`, `unsupported`, ...) when not `ok`. */
  readonly reason?: string;
  /** What went wrong, for `/status` (never device output verbatim). */
  readonly message?: string;
}

/**
 * A probe or connect deadline passed while the agent itself could not run (blocked event loop,
 * starved host) and was extended by the delay measured (again for each further stall), instead of blaming the device.
 *
 * @internal
 */
export interface DeadlineExtendedEvent extends EventBase {
  readonly type: 'deadline-extended';
  readonly phase: 'probe' | 'connect';
  readonly stalledMs: number;
}

/** The target was removed from the agent (config reload); its series should disappear. @internal */
export interface TargetRemovedEvent extends EventBase {
  readonly type: 'target-removed';
}

/** @public */
export type MonitorEvent =
  | StateChangedEvent
  | AttemptEvent
  | RecoveredEvent
  | DisconnectedEvent
  | ProbeEvent
  | BackoffEvent
  | HookFailedEvent
  | TargetInfoEvent
  | TelemetryEvent
  | DeadlineExtendedEvent
  | TargetRemovedEvent;

/** Where monitors send their events (the MetricsHub in an agent; a RecordingExporter's hub in tests). @internal */
export interface MonitorEventSink {
  emit(event: MonitorEvent): void;
}
