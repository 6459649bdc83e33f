import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Semaphore } from './semaphore.js';

const settledYet = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
};

test('whenNoneWaiting resolves at once without a queue, and once the last waiter got its slot', async () => {
  const gate = new Semaphore(1);
  await gate.whenNoneWaiting();
  const first = await gate.acquire();
  await gate.whenNoneWaiting(); // a slot in use is no queue
  const second = gate.acquire();
  const third = gate.acquire();
  const idle = gate.whenNoneWaiting();
  assert.equal(await settledYet(idle), false, 'two wait');
  first();
  const releaseSecond = await second;
  assert.equal(await settledYet(idle), false, 'one still waits');
  releaseSecond();
  (await third)();
  assert.equal(await settledYet(idle), true);
});

test('whenNoneWaiting: a waiter that gives up or a drain empties the queue; its own signal rejects it', async () => {
  const gate = new Semaphore(1);
  const held = await gate.acquire();
  const ac = new AbortController();
  const waiting = gate.acquire(ac.signal).catch((err: unknown) => err);
  const idle = gate.whenNoneWaiting();
  ac.abort();
  await waiting;
  assert.equal(await settledYet(idle), true, 'the only waiter gave up');

  const again = gate.acquire().catch((err: unknown) => err);
  const stop = new AbortController();
  const watched = gate.whenNoneWaiting(stop.signal);
  const drained = gate.whenNoneWaiting();
  stop.abort();
  await assert.rejects(watched, /wait for an empty queue/);
  gate.drain(new Error('closed'));
  assert.match(String(await again), /closed/);
  assert.equal(await settledYet(drained), true);
  held();
});
