import { ErrorCode, TransportError } from '@rds-agent/core';

/** What one RDS does with a fleet's connection attempts; every agent's transport asks it. */
export class SharedRds {
  #downAt = Infinity;
  #upAt = Infinity;
  #acceptLimit;
  #windowMs;
  #window = -1;
  #acceptedInWindow = 0;
  /** Attempts refused because the accept limit of their window was used up. */
  refusedBusy = 0;
  /** Attempts refused because the RDS was down. */
  refusedDown = 0;

  /**
   * @param {{ acceptLimit: number, windowMs: number }} options at most `acceptLimit` new connections
   *   per `windowMs` once the RDS is back (windows aligned to the instant it returns)
   */
  constructor({ acceptLimit, windowMs }) {
    this.#acceptLimit = acceptLimit;
    this.#windowMs = windowMs;
  }

  /** The RDS goes away at `at` and is back at `upAt`. Before `at` it accepts everyone (the fleet's start-up). */
  outage(at, upAt) {
    this.#downAt = at;
    this.#upAt = upAt;
  }

  /** True while sessions opened before the outage are dead. */
  isDown(now) {
    return now >= this.#downAt && now < this.#upAt;
  }

  /**
   * Decides a connection attempt made at `now`: returns nothing when accepted, or the TransportError
   * the client sees, at once. Down: connection refused. Back but over the window's limit: the RDS
   * closes the connection before the SSH banner (as sshd's MaxStartups does), a retryable network error.
   */
  admit(now) {
    if (now < this.#downAt) return undefined;
    if (now < this.#upAt) {
      this.refusedDown += 1;
      return new TransportError(ErrorCode.REFUSED, 'rds: connection refused (down)');
    }
    const window = Math.floor((now - this.#upAt) / this.#windowMs);
    if (window !== this.#window) {
      this.#window = window;
      this.#acceptedInWindow = 0;
    }
    if (this.#acceptedInWindow >= this.#acceptLimit) {
      this.refusedBusy += 1;
      return new TransportError(ErrorCode.NETWORK, 'rds: connection closed before the SSH banner (too many new connections)');
    }
    this.#acceptedInWindow += 1;
    return undefined;
  }
}
