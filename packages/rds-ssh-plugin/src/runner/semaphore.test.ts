import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '@rds-agent/core';
import { Semaphore } from './semaphore.js';

test('Semaphore caps holders and hands slots over in FIFO order', async () => {
  const s = new Semaphore(2);
  const r1 = await s.acquire();
  const r2 = await s.acquire();
  const order: number[] = [];
  const w3 = s.acquire().then((r) => (order.push(3), r));
  const w4 = s.acquire().then((r) => (order.push(4), r));
  assert.equal(s.pending, 2);
  r1();
  r1(); // double release is a no-op
  const r3 = await w3;
  assert.deepEqual(order, [3]);
  r2();
  const r4 = await w4;
  assert.deepEqual(order, [3, 4]);
  r3();
  r4();
  // Both slots free again.
  (await s.acquire())();
  assert.equal(s.pending, 0);
});

test('Semaphore: an aborted waiter leaves the queue; drain rejects the rest', async () => {
  const s = new Semaphore(1);
  const held = await s.acquire();
  const ctrl = new AbortController();
  const aborted = s.acquire(ctrl.signal);
  const drained = s.acquire();
  ctrl.abort();
  await assert.rejects(aborted, (e: { code?: string }) => e.code === ErrorCode.ABORTED);
  assert.equal(s.pending, 1);
  s.drain(new Error('gone'));
  await assert.rejects(drained, /gone/);
  held();
  await assert.rejects(s.acquire(AbortSignal.abort()), (e: { code?: string }) => e.code === ErrorCode.ABORTED);
});
