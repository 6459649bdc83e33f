import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from './fake-clock.js';
import { FixedRandom } from './fixed-random.js';
import { SequenceRandom } from './sequence-random.js';

describe('FakeClock', () => {
  it('moves only when ticked and fires sleeps at their instant', async () => {
    const clock = new FakeClock(1000);
    const fired: number[] = [];
    void clock.sleep(500).then(() => fired.push(clock.now()));
    await clock.tickAsync(499);
    assert.deepEqual(fired, []);
    await clock.tickAsync(1);
    assert.deepEqual(fired, [1500]);
  });

  it('fires timers due at the same instant in the order they were scheduled', async () => {
    const clock = new FakeClock();
    const order: string[] = [];
    void clock.sleep(100).then(() => order.push('a'));
    void clock.sleep(100).then(() => order.push('b'));
    void clock.sleep(50).then(() => order.push('c'));
    await clock.tickAsync(100);
    assert.deepEqual(order, ['c', 'a', 'b']);
  });

  it('settles promise chains between timers (a loop of sleeps advances like real time)', async () => {
    const clock = new FakeClock();
    const at: number[] = [];
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(1000);
        await Promise.resolve();
        at.push(clock.now());
      }
    })();
    await clock.tickAsync(3000);
    assert.deepEqual(at, [1000, 2000, 3000]);
  });

  it('sleep rejects with the abort reason and cancels its timer', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    assert.equal(clock.pendingTimers(), 1);
    controller.abort(new Error('stop'));
    await assert.rejects(sleeping, /stop/);
    assert.equal(clock.pendingTimers(), 0);
    const pre = new AbortController();
    pre.abort();
    await assert.rejects(clock.sleep(10, pre.signal), { name: 'AbortError' });
  });

  it('nextAsync, runToLastAsync, tickToAsync and setSystemTime', async () => {
    const clock = new FakeClock();
    void clock.sleep(300);
    void clock.sleep(700);
    assert.equal(await clock.nextAsync(), 300);
    assert.equal(await clock.runToLastAsync(), 700);
    assert.equal(await clock.tickToAsync(1000), 1000);
    assert.equal(await clock.tickToAsync(500), 1000, 'never goes back');
    clock.setSystemTime(5000);
    assert.equal(clock.now(), 5000);
  });
});

describe('SequenceRandom / FixedRandom', () => {
  it('returns the values in turn, then repeats the last, counting draws', () => {
    const r = new SequenceRandom([0.1, 0.2]);
    assert.deepEqual([r.next(), r.next(), r.next(), r.next()], [0.1, 0.2, 0.2, 0.2]);
    assert.equal(r.draws, 4);
    assert.equal(new FixedRandom(0.5).next(), 0.5);
  });

  it('refuses values outside [0, 1) and empty sequences', () => {
    assert.throws(() => new SequenceRandom([]), RangeError);
    assert.throws(() => new SequenceRandom([1]), RangeError);
    assert.throws(() => new FixedRandom(-0.1), RangeError);
  });
});
