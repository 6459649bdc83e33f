import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../testing/fake-clock.js';
import { untilAborted, withDeadline } from './deadline.js';

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
