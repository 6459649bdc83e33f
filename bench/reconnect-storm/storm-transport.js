import { ErrorCode, TransportError } from '@rds-agent/core';

const PROBE_OK = Object.freeze({ mode: 'storm' });

/**
 * One agent's connection to the {@link SharedRds}: connects and probes settle at once (no timers,
 * no bookkeeping beyond a flag and a listener), so 10,000 of them on one FakeClock stay cheap.
 * Implements the core Transport contract.
 */
export class StormTransport {
  #rds;
  #clock;
  #connected = false;
  #listener;

  constructor(rds, clock) {
    this.#rds = rds;
    this.#clock = clock;
  }

  async connect(signal) {
    this.#connected = false; // close-before-connect: an old session never survives a new attempt
    if (signal.aborted) throw TransportError.from(signal.reason, ErrorCode.ABORTED);
    const refused = this.#rds.admit(this.#clock.now());
    if (refused) throw refused;
    this.#connected = true;
  }

  async probe() {
    if (!this.#connected) throw new TransportError(ErrorCode.NETWORK, 'storm: session is gone');
    return PROBE_OK;
  }

  async close() {
    this.#connected = false;
  }

  onLost(listener) {
    this.#listener = listener;
    return () => {
      if (this.#listener === listener) this.#listener = undefined;
    };
  }

  /**
   * The RDS went away under this session. `noticed`: the socket closed and the transport tells the
   * monitor at once (rds-agent's event-driven detection); otherwise the session dies silently and only
   * a probe finds out (the reference's 5 s poll).
   */
  lose(noticed) {
    if (!this.#connected) return;
    this.#connected = false;
    if (noticed) this.#listener?.(new TransportError(ErrorCode.NETWORK, 'storm: connection reset by peer'));
  }
}
