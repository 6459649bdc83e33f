import { createClock, type Clock as SinonClock } from '@sinonjs/fake-timers';
import type { Clock } from '../clock/clock.js';
import { sleepOn } from '../clock/clock.js';

/**
 * A {@link Clock} whose time moves only when a test says so, built on `@sinonjs/fake-timers`
 * `createClock()` (no globals are patched, so the test runner's own timers keep working).
 *
 * Drive it with `await clock.tickAsync(ms)`: timers due in that window fire in time order (timers due
 * at the same instant fire in the order they were scheduled), and promise callbacks run between
 * them, so code that awaits `clock.sleep()` advances exactly as it would in real time.
 *
 * ```ts
 * const clock = new FakeClock();            // starts at t = 0
 * monitor.start();
 * await clock.tickAsync(999);  assert.equal(transport.connectCalls, 1);
 * await clock.tickAsync(1);    assert.equal(transport.connectCalls, 2);
 * ```
 *
 * @public
 */
export class FakeClock implements Clock {
  private readonly timers: SinonClock;

  /** @param startAt the initial `now()` in ms since the epoch. @default 0 */
  constructor(startAt = 0) {
    this.timers = createClock(startAt);
  }

  now(): number {
    return this.timers.now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn((fire, delay) => this.timers.setTimeout(fire, delay), (id) => this.timers.clearTimeout(id), ms, signal);
  }

  /** Advances time by `ms`, firing due timers and settling promises between them. Resolves with the new `now()`. */
  tickAsync(ms: number): Promise<number> {
    return this.timers.tickAsync(ms);
  }

  /** Advances to the given absolute time (no-op when already past it). */
  async tickToAsync(at: number): Promise<number> {
    return this.timers.tickAsync(Math.max(0, at - this.timers.now));
  }

  /** Fires the next pending timer (advancing time to it) and settles promises. Resolves with the new `now()`. */
  nextAsync(): Promise<number> {
    return this.timers.nextAsync();
  }

  /** Runs every timer pending now, and those they schedule up to the last one's time. */
  runToLastAsync(): Promise<number> {
    return this.timers.runToLastAsync();
  }

  /** Settles pending promise chains without moving time (a `tickAsync(0)`). */
  flush(): Promise<number> {
    return this.timers.tickAsync(0);
  }

  /** Jumps `now()` to `at` without firing timers (a wall-clock step, as NTP might make). */
  setSystemTime(at: number): void {
    this.timers.setSystemTime(at);
  }

  /** How many timers are pending: lets a test prove nothing survives a stop. */
  pendingTimers(): number {
    return this.timers.countTimers();
  }
}
