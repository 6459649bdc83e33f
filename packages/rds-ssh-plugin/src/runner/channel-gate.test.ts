import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, TransportError } from '@rds-agent/core';
import { FakeClock } from '@rds-agent/core/testing';
import { CLOSE_SETTLE_MS, ChannelGate, PROBE_PREEMPT_AFTER_MS, type ChannelLease } from './channel-gate.js';

/** Resolves to the lease, or to 'waiting' when acquire has not resolved after the promise queue drained. */
async function state(p: Promise<ChannelLease>, clock: FakeClock): Promise<ChannelLease | 'waiting'> {
  let got: ChannelLease | 'waiting' = 'waiting';
  void p.then((l) => (got = l), () => undefined);
  await clock.flush();
  return got;
}

test('commands: at most maxCommands at once, opened one at a time, FIFO', async () => {
  const clock = new FakeClock();
  const gate = new ChannelGate(2, clock);
  const a = await gate.acquire('command');
  const b = gate.acquire('command');
  assert.equal(await state(b, clock), 'waiting', 'a is still opening');
  a.opened();
  const bl = await state(b, clock);
  assert.notEqual(bl, 'waiting');
  (bl as ChannelLease).opened();
  const c = gate.acquire('telemetry');
  assert.equal(await state(c, clock), 'waiting', 'two commands open');
  a.release();
  assert.notEqual(await state(c, clock), 'waiting');
  assert.equal(gate.open, 2);
});

test('a probe skips the maxCommands cap and goes before waiting commands', async () => {
  const clock = new FakeClock();
  const gate = new ChannelGate(1, clock);
  const a = await gate.acquire('command');
  a.opened();
  const queued = gate.acquire('command');
  const probe = await state(gate.acquire('probe'), clock);
  assert.notEqual(probe, 'waiting', 'probe may use one channel beyond maxChannels');
  assert.equal(await state(queued, clock), 'waiting');
  (probe as ChannelLease).opened();
  (probe as ChannelLease).release();
  assert.equal(await state(queued, clock), 'waiting', 'the command cap still holds');
  a.release();
  assert.notEqual(await state(queued, clock), 'waiting');
});

test('a refusal while other channels are open teaches the device limit; telemetry waits for a pending probe', async () => {
  const clock = new FakeClock();
  const gate = new ChannelGate(4, clock);
  const t1 = await gate.acquire('telemetry');
  t1.opened();
  const p = await gate.acquire('probe');
  p.opened();
  assert.equal(p.refusedByDevice(), 'limit', 'one other channel open: the device allows only that one');
  assert.equal(gate.limit, 1);
  p.release();
  const retry = gate.acquire('probe');
  const t2 = gate.acquire('telemetry');
  assert.equal(await state(retry, clock), 'waiting');
  t1.release();
  const r = await state(retry, clock);
  assert.notEqual(r, 'waiting', 'the probe gets the freed channel');
  assert.equal(await state(t2, clock), 'waiting', 'telemetry did not take it first');
  (r as ChannelLease).opened();
  (r as ChannelLease).release();
  assert.notEqual(await state(t2, clock), 'waiting');
});

test('a refusal with nothing else open is no limit: the session cannot run commands', async () => {
  const clock = new FakeClock();
  const gate = new ChannelGate(2, clock);
  const p = await gate.acquire('probe');
  p.opened();
  assert.equal(p.refusedByDevice(), 'dead');
  assert.equal(gate.limit, Number.POSITIVE_INFINITY);
});

test(`a probe held back by the limit preempts telemetry after ${PROBE_PREEMPT_AFTER_MS} ms, never a caller's command`, async () => {
  const clock = new FakeClock();
  const gate = new ChannelGate(4, clock);
  const telemetry = await gate.acquire('telemetry');
  telemetry.opened();
  const command = await gate.acquire('command');
  command.opened();
  const p = await gate.acquire('probe');
  p.opened();
  assert.equal(p.refusedByDevice(), 'limit');
  p.release();
  const retry = gate.acquire('probe');
  await clock.tickAsync(PROBE_PREEMPT_AFTER_MS - 1);
  assert.equal(telemetry.signal.aborted, false, 'telemetry gets a chance to finish first');
  await clock.tickAsync(1);
  assert.equal(telemetry.signal.aborted, true);
  assert.ok(telemetry.signal.reason instanceof TransportError && telemetry.signal.reason.code === ErrorCode.ABORTED);
  assert.match((telemetry.signal.reason as Error).message, /preempted/);
  assert.equal(command.signal.aborted, false, 'run() commands are never preempted');
  telemetry.release();
  assert.notEqual(await state(retry, clock), 'waiting');
});

test('no preemption when the telemetry finishes within the grace', async () => {
  const clock = new FakeClock();
  const gate = new ChannelGate(4, clock);
  const telemetry = await gate.acquire('telemetry');
  telemetry.opened();
  const p = await gate.acquire('probe');
  p.opened();
  p.refusedByDevice();
  p.release();
  const retry = gate.acquire('probe');
  await clock.tickAsync(100);
  telemetry.release();
  assert.notEqual(await state(retry, clock), 'waiting');
  await clock.tickAsync(PROBE_PREEMPT_AFTER_MS);
  assert.equal(telemetry.signal.aborted, false);
});

test('abort while waiting rejects with the reason; drain rejects every waiter', async () => {
  const clock = new FakeClock();
  const gate = new ChannelGate(1, clock);
  const a = await gate.acquire('command');
  a.opened();
  const ctrl = new AbortController();
  const waiting = gate.acquire('command', ctrl.signal);
  ctrl.abort(new TransportError(ErrorCode.TIMEOUT, 'deadline'));
  await assert.rejects(waiting, { code: ErrorCode.TIMEOUT });
  assert.equal(gate.pending, 0);
  const w2 = gate.acquire('command');
  gate.drain(new TransportError(ErrorCode.NETWORK, 'gone'));
  await assert.rejects(w2, { code: ErrorCode.NETWORK });
  a.release();
  a.release();
  assert.equal(gate.open, 0);
});

test(`a refusal within ${CLOSE_SETTLE_MS} ms of one of our channels closing is the device still closing it, not a dead session`, async () => {
  const clock = new FakeClock();
  const gate = new ChannelGate(2, clock);
  const a = await gate.acquire('command');
  a.opened();
  a.release();
  await clock.tickAsync(CLOSE_SETTLE_MS);
  const b = await gate.acquire('command');
  b.opened();
  assert.equal(b.refusedByDevice(), 'closing');
  b.release();
  assert.equal(gate.limit, Number.POSITIVE_INFINITY, 'no limit learned from a close in progress');
  // A refused open is no close: it does not extend the window.
  await clock.tickAsync(1);
  const c = await gate.acquire('command');
  c.opened();
  assert.equal(c.refusedByDevice(), 'dead');
});
