import type { Clock } from './clock.js';

/**
 * How much the agent itself could not run: time its event loop was blocked or its process starved
 * of CPU. A probe deadline that passes while the agent could not run is not evidence of a hung
 * device (the answer may be sitting unread in the socket), so deadlines consult this before they
 * declare a timeout.
 *
 * @public
 */
export interface LoopLag {
  /**
   * Milliseconds of delay the agent suffered between `from` and `to` (Clock times): the sum of how
   * late its own timers fired in that window. 0 when it ran freely.
   */
  lagBetween(from: number, to: number): number;
}

/** A LoopLag that never reports delay: deadlines behave exactly as their timers say. @public */
export const NO_LOOP_LAG: LoopLag = Object.freeze({ lagBetween: () => 0 });

/** Options of {@link ClockLoopLag}. @internal */
export interface ClockLoopLagOptions {
  /** Time between samples (ms). @default 100 */
  readonly sampleMs?: number;
  /** How far back delays are remembered (ms): at least the longest deadline asked about. @default 120000 */
  readonly windowMs?: number;
}

/**
 * Measures event-loop delay on the injected Clock: a timer every `sampleMs`; how late each one
 * fires is the delay the agent suffered in that slice (a blocked loop, a starved process). Keeps a
 * fixed ring of samples (no allocation per sample) and reports the recent maximum for the
 * `rds_agent_event_loop_lag_seconds` gauge. The timers are the Clock's, so they never keep the
 * process alive, and on a FakeClock the lag is exactly 0 (tests inject delay with a
 * `ManualLoopLag` from `@rds-agent/core/testing`).
 *
 * @internal
 */
export class ClockLoopLag implements LoopLag {
  private readonly sampleMs: number;
  private readonly firedAt: Float64Array;
  private readonly lag: Float64Array;
  private next = 0;
  private count = 0;
  private readonly stop = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly clock: Clock,
    options: ClockLoopLagOptions = {},
  ) {
    this.sampleMs = Math.max(1, options.sampleMs ?? 100);
    const size = Math.max(1, Math.ceil((options.windowMs ?? 120_000) / this.sampleMs));
    this.firedAt = new Float64Array(size);
    this.lag = new Float64Array(size);
  }

  /** Starts sampling (idempotent). */
  start(): void {
    this.running ??= this.loop();
  }

  /** Stops sampling; resolves when the sampler has ended. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.running;
  }

  lagBetween(from: number, to: number): number {
    let total = 0;
    for (let i = 0; i < this.count; i++) {
      // A sample that fired `lag` ms late at `end` means the agent could not run from `end - lag` to `end`.
      const end = this.firedAt[i]!;
      const overlap = Math.min(end, to) - Math.max(end - this.lag[i]!, from);
      if (overlap > 0) total += overlap;
    }
    return total;
  }

  /** The longest single delay among the samples taken in the last `ms` (ms). */
  maxLagWithin(ms: number): number {
    const since = this.clock.now() - ms;
    let max = 0;
    for (let i = 0; i < this.count; i++) if (this.firedAt[i]! > since && this.lag[i]! > max) max = this.lag[i]!;
    return max;
  }

  private async loop(): Promise<void> {
    const signal = this.stop.signal;
    while (!signal.aborted) {
      const expected = this.clock.now() + this.sampleMs;
      try {
        await this.clock.sleep(this.sampleMs, signal);
      } catch {
        return;
      }
      const now = this.clock.now();
      this.firedAt[this.next] = now;
      this.lag[this.next] = Math.max(0, now - expected);
      this.next = (this.next + 1) % this.firedAt.length;
      this.count = Math.min(this.count + 1, this.firedAt.length);
    }
  }
}
