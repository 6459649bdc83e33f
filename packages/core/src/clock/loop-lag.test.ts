import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from './clock.js';
import { ClockLoopLag } from './loop-lag.js';

/** A clock whose sleeps fire when the test says, at the time the test says (a late timer = a stalled loop). */
class SteppedClock implements Clock {
  t = 0;
  private wakers: (() => void)[] = [];
  now(): number {
    return this.t;
  }
  sleep(_ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      this.wakers.push(resolve);
      signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
  }
  /** Fires the pending sleep at time `t`. */
  async fireAt(t: number): Promise<void> {
    this.t = t;
    this.wakers.shift()?.();
    await new Promise((r) => setImmediate(r));
  }
}

describe('ClockLoopLag', () => {
  it('measures how late its own timer fired and reports it for the window it covers', async () => {
    const clock = new SteppedClock();
    const lag = new ClockLoopLag(clock, { sampleMs: 100 });
    lag.start();
    await clock.fireAt(100); // on time
    await clock.fireAt(1200); // due at 200: the agent could not run from 200 to 1200
    await clock.fireAt(1300);
    assert.equal(lag.lagBetween(0, 200), 0);
    assert.equal(lag.lagBetween(0, 5000), 1000);
    assert.equal(lag.lagBetween(700, 5000), 500, 'only the part of the stall inside the window');
    assert.equal(lag.maxLagWithin(10_000), 1000);
    await lag.close();
  });
});
