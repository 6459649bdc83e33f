import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HISTORY_MAX_ENTRIES, type StatusReader, type TargetStatus } from '@rds-agent/core';
import { StatusStore, type MonitorEvent } from '@rds-agent/core/testing';
import { T0, harness, request } from '../harness.test.support.js';
import { statusDocument } from './status-document.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const REFUSED = { code: 'RDS_AGENT_ERR_REFUSED', reason: 'refused', message: 'connect ECONNREFUSED 192.0.2.10:22', retryable: true };

/**
 * What a monitor emits for a target that connects at T0, is lost at T0+60 s and then fails attempt
 * after attempt (waits of 2 s, 4 s, ...), applied to `store` up to instant `until`.
 */
function outage(store: StatusStore, failedAttempts: number, until = Number.POSITIVE_INFINITY): void {
  const events: MonitorEvent[] = [];
  const e = (event: MonitorEvent): void => void events.push(event);
  const target = 'rds-1';
  e({ type: 'target-info', target, at: T0, transport: 'rds-ssh', labels: { host: '192.0.2.10', port: '22', host_key_verification: 'pinned' } });
  e({ type: 'state-changed', target, at: T0, from: 'idle', to: 'connecting', reason: 'started' });
  e({ type: 'attempt', target, at: T0 + 40, attempt: 1, outcome: 'success', durationMs: 40 });
  e({ type: 'state-changed', target, at: T0 + 40, from: 'connecting', to: 'connected', reason: 'connected' });
  e({ type: 'telemetry', input: 'system', target, at: T0 + 100, outcome: 'ok', durationMs: 9, samples: [{ metric: 'systemInfo', value: 1, labels: { version: '7.19.4 (stable)', board: 'RDS2216', architecture: 'arm64' } }] });
  e({ type: 'disconnected', target, at: T0 + 60_000, reason: 'timeout', code: 'RDS_AGENT_ERR_TIMEOUT', detectedBy: 'probe', message: 'probe timed out' });
  e({ type: 'state-changed', target, at: T0 + 60_000, from: 'connected', to: 'disconnected', reason: 'timeout' });
  e({ type: 'backoff', target, at: T0 + 60_000, delayMs: 1000, nextAttemptAt: T0 + 61_000 });
  let at = T0 + 61_000;
  for (let i = 1; i <= failedAttempts; i++) {
    e({ type: 'state-changed', target, at, from: 'disconnected', to: 'connecting', reason: 'retry' });
    e({ type: 'attempt', target, at: at + 30, attempt: i, outcome: 'failure', durationMs: 30, error: REFUSED });
    e({ type: 'state-changed', target, at: at + 30, from: 'connecting', to: 'disconnected', reason: 'refused' });
    e({ type: 'backoff', target, at: at + 30, delayMs: 2000 * i, nextAttemptAt: at + 30 + 2000 * i });
    at += 30 + 2000 * i;
  }
  for (const event of events) if (event.at <= until) store.apply(event);
}

function upTo(failedAttempts: number, until: number): StatusStore {
  const store = new StatusStore();
  outage(store, failedAttempts, until);
  return store;
}

describe('/status document', () => {
  it('tells when the outage began, apart from the last attempt, however many attempts fail', () => {
    const first = statusDocument(upTo(5, T0 + 62_000), 'any', '1.2.3', T0, T0 + 62_000).targets[0]!;
    const later = statusDocument(upTo(5, T0 + 100_000), 'any', '1.2.3', T0, T0 + 100_000).targets[0]!;
    for (const t of [first, later]) {
      assert.equal(t.state, 'disconnected');
      assert.equal(t.downSince, iso(T0 + 60_000), 'the instant the loss was noticed');
      assert.equal(t.connectedSince, null);
    }
    assert.equal(first.attempts, 1);
    assert.deepEqual(first.lastAttempt, { at: iso(T0 + 61_030), outcome: 'failure' });
    assert.equal(first.since, iso(T0 + 61_030), 'since: the last state change, as before');
    assert.equal(later.attempts, 5);
    assert.deepEqual(later.lastAttempt, { at: iso(T0 + 61_000 + 4 * 30 + 2000 * (1 + 2 + 3 + 4) + 30), outcome: 'failure' });
    assert.deepEqual(later.lastError, { code: REFUSED.code, reason: REFUSED.reason, message: REFUSED.message, at: later.lastAttempt!.at });
  });

  it('has no next attempt while one is in flight', () => {
    const store = new StatusStore();
    outage(store, 2);
    const waiting = statusDocument(store, 'any', '1.2.3', T0, T0 + 64_000).targets[0]!;
    assert.equal(waiting.nextAttemptAt, iso(T0 + 61_000 + 30 + 2000 + 30 + 4000));
    store.apply({ type: 'state-changed', target: 'rds-1', at: T0 + 67_060, from: 'disconnected', to: 'connecting', reason: 'retry' });
    const inFlight = statusDocument(store, 'any', '1.2.3', T0, T0 + 67_100).targets[0]!;
    assert.equal(inFlight.state, 'connecting');
    assert.equal(inFlight.nextAttemptAt, null, 'no stale time from the previous wait');
    assert.equal(inFlight.downSince, iso(T0 + 60_000));
  });

  it('shows up since, the address, the device and the hour of history once connected again', () => {
    const store = new StatusStore();
    outage(store, 2);
    store.apply({ type: 'state-changed', target: 'rds-1', at: T0 + 70_000, from: 'disconnected', to: 'connecting', reason: 'retry' });
    store.apply({ type: 'attempt', target: 'rds-1', at: T0 + 70_020, attempt: 3, outcome: 'success', durationMs: 20 });
    store.apply({ type: 'state-changed', target: 'rds-1', at: T0 + 70_020, from: 'connecting', to: 'connected', reason: 'connected' });
    const doc = statusDocument(store, 'all', '1.2.3', T0, T0 + 90_000);
    assert.equal(doc.generatedAt, iso(T0 + 90_000));
    const t = doc.targets[0]!;
    assert.equal(t.downSince, null);
    assert.equal(t.connectedSince, iso(T0 + 70_020));
    assert.equal(t.attempts, 0);
    assert.deepEqual(t.lastAttempt, { at: iso(T0 + 70_020), outcome: 'success' });
    assert.equal(t.nextAttemptAt, null);
    assert.deepEqual(t.address, { host: '192.0.2.10', port: 22 });
    assert.deepEqual(t.device, { version: '7.19.4 (stable)', board: 'RDS2216', architecture: 'arm64' });
    assert.equal(t.lastError?.code, 'RDS_AGENT_ERR_REFUSED', 'the last error stays readable after recovery');
    assert.deepEqual(
      t.history.map((h) => [h.at, h.state]),
      [
        [iso(T0), 'idle'],
        [iso(T0), 'connecting'],
        [iso(T0 + 40), 'connected'],
        [iso(T0 + 60_000), 'disconnected'],
        [iso(T0 + 61_000), 'connecting'],
        [iso(T0 + 61_030), 'disconnected'],
        [iso(T0 + 63_030), 'connecting'],
        [iso(T0 + 63_060), 'disconnected'],
        [iso(T0 + 70_000), 'connecting'],
        [iso(T0 + 70_020), 'connected'],
      ],
    );
  });

  it('shows each telemetry input: enabled, last run, last success and last error', () => {
    const store = new StatusStore();
    const target = 'rds-1';
    const run = (input: string, at: number, outcome: 'ok' | 'failed' | 'unsupported', reason?: string): void =>
      store.apply({ type: 'telemetry', target, input, at, outcome, durationMs: 3, samples: [], ...(reason ? { reason, message: `${input} ${reason}` } : {}) });
    run('raid', T0, 'ok');
    run('health', T0, 'ok');
    run('raid', T0 + 30_000, 'failed', 'command');
    run('health', T0 + 120_000, 'ok');
    run('drives', T0 + 1000, 'unsupported', 'unsupported');
    const t = statusDocument(store, 'any', '1.2.3', T0, T0 + 200_000).targets[0]!;
    assert.deepEqual(t.inputs, {
      raid: { enabled: true, lastRunAt: iso(T0 + 30_000), lastSuccessAt: iso(T0), lastError: { reason: 'command', message: 'raid command', at: iso(T0 + 30_000) } },
      health: { enabled: true, lastRunAt: iso(T0 + 120_000), lastSuccessAt: iso(T0 + 120_000), lastError: null },
      drives: { enabled: false, lastRunAt: iso(T0 + 1000), lastSuccessAt: null, lastError: { reason: 'unsupported', message: 'drives unsupported', at: iso(T0 + 1000) } },
    });
  });

  it('keeps every field, with null for what is not known', () => {
    const store = new StatusStore();
    store.apply({ type: 'state-changed', target: 'bare', at: T0, from: 'idle', to: 'connecting', reason: 'started' });
    const t = statusDocument(store, 'any', '1.2.3', T0, T0 + 1000).targets[0]!;
    assert.deepEqual(t, {
      target: 'bare',
      transport: null,
      state: 'connecting',
      reason: 'started',
      since: iso(T0),
      downSince: iso(T0),
      connectedSince: null,
      attempts: 0,
      lastAttempt: null,
      nextAttemptAt: null,
      lastProbeLatencyMs: null,
      lastProbeAt: null,
      probeMode: null,
      lastError: null,
      labels: {},
      address: null,
      device: null,
      inputs: {},
      history: [
        { at: iso(T0), state: 'idle' },
        { at: iso(T0), state: 'connecting' },
      ],
    });
  });

  it('serves the last hour of history, bounded, whatever the reader holds', () => {
    const hour = 3_600_000;
    const base: TargetStatus = { target: 'flappy', state: 'connected', reason: 'connected', since: T0, attempts: 0, labels: {}, history: [] };
    const history = Array.from({ length: 5000 }, (_, i) => ({ at: T0 + i * 1000, state: i % 2 ? ('connected' as const) : ('disconnected' as const) }));
    const reader: StatusReader = { list: () => [{ ...base, history }], get: () => undefined, isReady: () => true };
    const now = T0 + 5000 * 1000;
    const served = statusDocument(reader, 'any', '1.2.3', T0, now).targets[0]!.history;
    assert.ok(served.length <= HISTORY_MAX_ENTRIES, `${served.length} entries`);
    assert.equal(served.at(-1)!.at, iso(T0 + 4999 * 1000), 'the latest changes are kept');

    const steady = { ...base, history: [{ at: T0, state: 'disconnected' as const }, { at: T0 + 1000, state: 'connected' as const }] };
    const quiet: StatusReader = { list: () => [steady], get: () => undefined, isReady: () => true };
    assert.deepEqual(
      statusDocument(quiet, 'any', '1.2.3', T0, T0 + 5 * hour).targets[0]!.history,
      [{ at: iso(T0 + 1000), state: 'connected' }],
      'a day-old change stays only as the state the hour began in',
    );
  });

  it('is what GET /status serves', async () => {
    const h = harness();
    h.emit({ type: 'target-info', target: 'rds-1', at: T0, transport: 'rds-ssh', labels: { host: '2001:db8::7', port: '8022' } });
    h.connect('rds-1');
    h.clock.offset = 5000;
    await h.exporter.start(AbortSignal.timeout(5000));
    try {
      const res = await request(`${h.exporter.url}/status`);
      const doc = JSON.parse(res.text);
      assert.equal(doc.generatedAt, iso(T0 + 5000));
      assert.deepEqual(doc.targets[0].address, { host: '2001:db8::7', port: 8022 });
      assert.equal(doc.targets[0].connectedSince, iso(T0));
      assert.deepEqual(doc.targets, JSON.parse(JSON.stringify(statusDocument(h.status, 'any', '1.2.3', T0, T0 + 5000).targets)));
    } finally {
      await h.exporter.shutdown();
    }
  });
});
