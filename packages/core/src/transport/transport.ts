import type { TransportError } from '../errors/transport-error.js';
import type { Clock } from '../clock/clock.js';
import type { Random } from '../clock/random.js';
import type { Logger } from '../logging/logger.js';

/** What a successful {@link Transport.probe} reports. @public */
export interface ProbeResult {
  /** How long the liveness check took, as the transport measured it (ms). The monitor also measures. */
  readonly latencyMs?: number;
  /**
   * How the probe established liveness, e.g. `command` or `keepalive`; becomes the `mode` on the
   * target's status. Free text, SHOULD be a short constant.
   */
  readonly mode?: string;
}

/**
 * A connection to one target, driven by one ConnectionMonitor. The monitor owns the lifecycle:
 * it calls `connect`, then `probe` periodically, and `close` before every reconnect and at stop.
 *
 * Contract (checked by `transportContract()` in `@rds-agent/core/testing`):
 * - `connect(signal)` MUST resolve only when the connection is usable and MUST reject with a
 *   {@link TransportError} (auth and host-key failures with `retryable: false`). It MUST give up
 *   promptly when `signal` aborts (the monitor's connect deadline or stop) and leave nothing open.
 *   Calling `connect` on an open transport MUST first close the old session (close-before-reconnect).
 * - `probe(signal)` MUST be a bounded liveness check on the kept connection: resolve when the peer
 *   answered, reject with a TransportError when it did not or when `signal` aborts. It MUST NOT
 *   open a new connection.
 * - `close()` MUST be idempotent, safe before `connect`, safe during a pending `connect`, and MUST
 *   release every socket, timer and listener the transport made. It MUST NOT fire `onLost`.
 * - `onLost(listener)` registers a listener called once per connection, as soon as the transport
 *   learns the connection is gone (socket closed or errored), without waiting for a probe. It
 *   returns an unsubscribe function. A connection that was never established is never "lost".
 *
 * @public
 */
export interface Transport {
  connect(signal: AbortSignal): Promise<void>;
  probe(signal: AbortSignal): Promise<ProbeResult>;
  close(): Promise<void>;
  onLost(listener: (err: TransportError) => void): () => void;
}

/** Options for a command run through a {@link CommandRunner}. @public */
export interface RunOptions {
  /** Deadline in ms; the command is abandoned (and its channel closed) after it. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Optional add-on: a transport that can run device commands (the RouterOS CLI over SSH).
 * Errors that mean the connection is gone MUST be TransportErrors with a connection code so that
 * the monitor can treat them as loss; errors the device printed use `RDS_AGENT_ERR_COMMAND`.
 *
 * @public
 */
export interface CommandRunner {
  run(command: string, options?: RunOptions): Promise<string>;
}

/** Optional add-on: static facts about a target, shown in status and as labels on `rds_target_info`. @public */
export interface TransportDescriber {
  /** Bounded, non-secret label values, e.g. `{ host_key_verification: 'disabled', probe_mode: 'keepalive' }`. */
  describe(): Readonly<Record<string, string>>;
}

/** @public */
export function isCommandRunner(t: Transport): t is Transport & CommandRunner {
  return typeof (t as Partial<CommandRunner>).run === 'function';
}

/** @public */
export function isTransportDescriber(t: Transport): t is Transport & TransportDescriber {
  return typeof (t as Partial<TransportDescriber>).describe === 'function';
}

/** What a transport factory gets besides its validated config. @public */
export interface TransportContext {
  /** The target's name from config (unique in one agent). */
  readonly target: string;
  /** The target's logger, bound to `{ target }`: lines MUST NOT repeat it. */
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: Random;
}

/** Makes one transport for one target. Called once per target (and again after a config reload changes it). @public */
export type TransportFactory<C = Record<string, unknown>> = (config: Readonly<C>, context: TransportContext) => Transport;
