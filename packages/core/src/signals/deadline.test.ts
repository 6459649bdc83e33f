import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../testing/fake-clock.js';
import { ManualLoopLag } from '../testing/manual-loop-lag.js';
import { MAX_EXTENSION_FACTOR, untilAborted, withDeadline } from './deadline.js';

const timeoutError = (): Error => Object.assign(new Error('deadline'), { name: 'DeadlineError' });

describe('withDeadline', () => {
  it('resolves with the operation, cancels its timer, and never aborts the operation signal afterwards', async () => {
    const clock = new FakeClock();
    let seen: AbortSignal | undefined;
    const value = await withDeadline(clock, 1000, new AbortController().signal, async (signal) => {
      seen = signal;
      return 42;
    }, timeoutError);
    assert.equal(value, 42);
    assert.equal(clock.pendingTimers(), 0);
    await clock.tickAsync(5000);
    assert.equal(seen!.aborted, false, 'a transport that kept an abort listener is not torn down');
  });

  it('rejects exactly at the deadline and aborts the operation signal with the timeout error', async () => {
    const clock = new FakeClock();
    let seen: AbortSignal | undefined;
    const pending = withDeadline(clock, 1000, new AbortController().signal, (signal) => {
      seen = signal;
      return new Promise<never>(() => undefined);
    }, timeoutError);
    let settled = false;
    pending.catch(() => (settled = true));
    await clock.tickAsync(999);
    assert.equal(settled, false);
    await clock.tickAsync(1);
    await assert.rejects(pending, { name: 'DeadlineError' });
    assert.equal(seen!.aborted, true);
    assert.equal((seen!.reason as Error).name, 'DeadlineError');
  });

  it('rejects at once when the parent aborts (before or during), with the parent reason', async () => {
    const clock = new FakeClock();
    const parent = new AbortController();
    const pending = withDeadline(clock, 1000, parent.signal, () => new Promise<never>(() => undefined), timeoutError);
    parent.abort(new Error('stopped'));
    await assert.rejects(pending, /stopped/);
    assert.equal(clock.pendingTimers(), 0);
    let called = false;
    await assert.rejects(
      withDeadline(clock, 1000, parent.signal, async () => void (called = true), timeoutError),
      /stopped/,
    );
    assert.equal(called, false, 'the operation is not started under an aborted parent');
  });

  it('turns a synchronous throw into a rejection, and treats timeoutMs <= 0 as no deadline', async () => {
    const clock = new FakeClock();
    await assert.rejects(
      withDeadline(clock, 1000, new AbortController().signal, () => {
        throw new Error('sync');
      }, timeoutError),
      /sync/,
    );
    const pending = withDeadline(clock, 0, new AbortController().signal, () => clock.sleep(10_000).then(() => 'late'), timeoutError);
    await clock.tickAsync(10_000);
    assert.equal(await pending, 'late');
  });

  it('untilAborted resolves when the signal aborts', async () => {
    const controller = new AbortController();
    let done = false;
    const waiting = untilAborted(controller.signal).then(() => (done = true));
    await Promise.resolve();
    assert.equal(done, false);
    controller.abort();
    await waiting;
    assert.equal(done, true);
    await untilAborted(controller.signal);
  });
});

describe('withDeadline: only time the agent could run counts', () => {
  /** A deadline of `timeoutMs` from t = 0 on `lag`, over an operation that never settles on its own. */
  function hung(clock: FakeClock, lag: ManualLoopLag, extended: number[], timeoutMs = 3000) {
    let rejectedAt: number | undefined;
    const pending = withDeadline(clock, timeoutMs, new AbortController().signal, () => new Promise<never>(() => undefined), timeoutError, {
      lag,
      onExtended: (ms) => extended.push(ms),
    });
    pending.catch(() => (rejectedAt = clock.now()));
    return { rejectedAt: () => rejectedAt, pending };
  }

  it('extends again when the agent was starved during the extension too (continuous starvation is not a hung peer)', async () => {
    const clock = new FakeClock();
    const lag = new ManualLoopLag();
    lag.stall(1000, 1500); // 1.5 s of the first 3 s
    lag.stall(3200, 1000); // and 1 s of the 1.5 s extension
    const extended: number[] = [];
    const d = hung(clock, lag, extended);
    await clock.tickAsync(4500);
    assert.equal(d.rejectedAt(), undefined, 'the agent ran for only 2.5 s of the 4.5 s');
    await clock.tickAsync(999);
    assert.equal(d.rejectedAt(), undefined);
    await clock.tickAsync(1); // 3000 + 1500 + 1000: exactly 3 s of time the agent could run
    assert.equal(d.rejectedAt(), 5500);
    assert.deepEqual(extended, [1500, 1000]);
    await assert.rejects(d.pending, { name: 'DeadlineError' });
  });

  it('an operation that settles during a second extension resolves (a live peer read late is kept)', async () => {
    const clock = new FakeClock();
    const lag = new ManualLoopLag();
    lag.stall(500, 2000);
    lag.stall(3000, 2000); // starved through the whole first extension
    let answer!: (v: string) => void;
    const pending = withDeadline(clock, 3000, new AbortController().signal, () => new Promise<string>((r) => (answer = r)), timeoutError, { lag });
    await clock.tickAsync(5200);
    answer('ok');
    assert.equal(await pending, 'ok');
    assert.equal(clock.pendingTimers(), 0);
  });

  it('a hung peer is still found: timeout + every stall measured, and never later than the cap', async () => {
    const clock = new FakeClock();
    const lag = new ManualLoopLag();
    lag.stall(0, 1_000_000); // a lag source that reports the agent never ran
    const extended: number[] = [];
    const d = hung(clock, lag, extended);
    await clock.tickAsync(3000 * (1 + MAX_EXTENSION_FACTOR) - 1);
    assert.equal(d.rejectedAt(), undefined);
    await clock.tickAsync(1);
    assert.equal(d.rejectedAt(), 3000 * (1 + MAX_EXTENSION_FACTOR));
    assert.equal(extended.reduce((a, b) => a + b, 0), 3000 * MAX_EXTENSION_FACTOR);
    assert.equal(clock.pendingTimers(), 0);
  });

  it('a free-running agent keeps the exact deadline; a stall below the noise floor does not extend it', async () => {
    const clock = new FakeClock();
    const lag = new ManualLoopLag();
    lag.stall(100, 19);
    const extended: number[] = [];
    const d = hung(clock, lag, extended);
    await clock.tickAsync(3000);
    assert.equal(d.rejectedAt(), 3000);
    assert.deepEqual(extended, []);
  });
});
