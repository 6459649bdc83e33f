import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExponentialBackoff } from '../backoff/exponential.js';
import { ErrorCode } from '../errors/codes.js';
import { TransportError } from '../errors/transport-error.js';
import { silentLogger } from '../logging/logger.js';
import { createConnectionMonitor } from '../monitor/create-connection-monitor.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeTransport } from '../testing/fake-transport.js';
import { FixedRandom } from '../testing/fixed-random.js';
import { MetricsHub } from './metrics-hub.js';
import { HISTORY_MAX_ENTRIES, HISTORY_WINDOW_MS, StatusStore } from './status-store.js';

describe('StatusStore', () => {
  it('follows a target through events', () => {
    const store = new StatusStore();
    store.apply({ target: 'b', at: 0, type: 'target-info', transport: 'rds-ssh', labels: { probe_mode: 'command' } });
    store.apply({ target: 'b', at: 10, type: 'state-changed', from: 'idle', to: 'connecting', reason: 'started' });
    assert.deepEqual(store.get('b'), {
      target: 'b',
      transport: 'rds-ssh',
      state: 'connecting',
      reason: 'started',
      since: 10,
      downSince: 10,
      attempts: 0,
      labels: { probe_mode: 'command' },
      history: [
        { at: 0, state: 'idle' },
        { at: 10, state: 'connecting' },
      ],
    });
    store.apply({
      target: 'b',
      at: 20,
      type: 'attempt',
      attempt: 1,
      outcome: 'failure',
      durationMs: 10,
      error: { code: ErrorCode.AUTH, reason: 'auth', message: 'denied', retryable: false },
    });
    store.apply({ target: 'b', at: 20, type: 'state-changed', from: 'connecting', to: 'disconnected', reason: 'auth' });
    store.apply({ target: 'b', at: 20, type: 'backoff', delayMs: 16_000, nextAttemptAt: 16_020 });
    let s = store.get('b')!;
    assert.deepEqual([s.state, s.reason, s.attempts, s.nextAttemptAt], ['disconnected', 'auth', 1, 16_020]);
    assert.deepEqual(s.lastError, { code: ErrorCode.AUTH, reason: 'auth', message: 'denied', retryable: false, at: 20 });
    store.apply({ target: 'b', at: 16_030, type: 'state-changed', from: 'disconnected', to: 'connected', reason: 'connected' });
    store.apply({ target: 'b', at: 21_030, type: 'probe', outcome: 'ok', latencyMs: 4, mode: 'keepalive' });
    s = store.get('b')!;
    assert.deepEqual([s.state, s.attempts, s.nextAttemptAt, s.lastProbeAt, s.lastProbeLatencyMs, s.probeMode], ['connected', 0, undefined, 21_030, 4, 'keepalive']);
    store.apply({ target: 'b', at: 22_000, type: 'disconnected', reason: 'network', detectedBy: 'transport', message: 'reset' });
    assert.deepEqual(store.get('b')!.lastError, { code: '', reason: 'network', message: 'reset', at: 22_000 });
    store.apply({ target: 'b', at: 23_000, type: 'state-changed', from: 'disconnected', to: 'failed', reason: 'gave-up' });
    assert.equal(store.get('b')!.nextAttemptAt, undefined);
    store.apply({ target: 'b', at: 24_000, type: 'target-removed' });
    assert.equal(store.get('b'), undefined);
  });

  it('lists targets sorted and answers readiness for all / any', () => {
    const store = new StatusStore();
    assert.equal(store.isReady('all'), true, 'all of none');
    assert.equal(store.isReady('any'), false);
    store.apply({ target: 'z', at: 0, type: 'state-changed', from: 'idle', to: 'connected', reason: 'connected' });
    store.apply({ target: 'a', at: 0, type: 'state-changed', from: 'idle', to: 'disconnected', reason: 'network' });
    assert.deepEqual(
      store.list().map((s) => s.target),
      ['a', 'z'],
    );
    assert.equal(store.isReady('all'), false);
    assert.equal(store.isReady('any'), true);
  });

  it('reflects a monitor driven through the hub', async () => {
    const clock = new FakeClock(1_000_000);
    const random = new FixedRandom(0.5);
    const hub = new MetricsHub(silentLogger(), 'v');
    const store = new StatusStore();
    hub.onEvent((e) => store.apply(e));
    const transport = new FakeTransport({ labels: { host_key_verification: 'pinned' } });
    const monitor = createConnectionMonitor({
      target: 'rds1',
      transport,
      backoff: new ExponentialBackoff({ randomizationFactor: 0 }, { clock, random }),
      clock,
      random,
      events: hub,
      transportType: 'fake', settings: { firstAttemptJitter: 0 },
    });
    transport.failNextConnects(2, new TransportError(ErrorCode.REFUSED, 'refused'));
    monitor.start();
    await clock.flush();
    let s = store.get('rds1')!;
    assert.deepEqual([s.state, s.reason, s.attempts, s.nextAttemptAt, s.transport], ['disconnected', 'refused', 1, 1_001_000, 'fake']);
    await clock.tickAsync(3000);
    s = store.get('rds1')!;
    assert.deepEqual([s.state, s.attempts, s.nextAttemptAt, s.since], ['connected', 0, undefined, 1_003_000]);
    assert.equal(store.isReady('all'), true);
    await monitor.stop();
    assert.equal(store.get('rds1')!.state, 'stopped');
  });
});

describe('StatusStore: an outage told the way a person reads it', () => {
  const T = 'rds-1';
  const at = (ms: number) => ms;

  it('keeps the outage start across failed attempts, counts attempts, and records the last attempt apart', () => {
    const store = new StatusStore();
    store.apply({ target: T, at: at(0), type: 'state-changed', from: 'idle', to: 'connecting', reason: 'started' });
    store.apply({ target: T, at: at(5), type: 'attempt', attempt: 1, outcome: 'success', durationMs: 5 });
    store.apply({ target: T, at: at(5), type: 'state-changed', from: 'connecting', to: 'connected', reason: 'connected' });
    assert.equal(store.get(T)!.downSince, undefined);
    assert.equal(store.get(T)!.connectedSince, 5);
    store.apply({ target: T, at: at(60_000), type: 'disconnected', reason: 'timeout', detectedBy: 'probe', code: 'RDS_AGENT_ERR_TIMEOUT' });
    store.apply({ target: T, at: at(60_000), type: 'state-changed', from: 'connected', to: 'disconnected', reason: 'timeout' });
    for (let i = 1; i <= 4; i++) {
      const t = 60_000 + i * 10_000;
      store.apply({ target: T, at: at(t), type: 'state-changed', from: 'disconnected', to: 'connecting', reason: 'retry' });
      store.apply({ target: T, at: at(t + 3), type: 'attempt', attempt: i, outcome: 'failure', durationMs: 3, error: { code: 'RDS_AGENT_ERR_REFUSED', reason: 'refused', message: 'refused', retryable: true } });
      store.apply({ target: T, at: at(t + 3), type: 'state-changed', from: 'connecting', to: 'disconnected', reason: 'refused' });
    }
    const s = store.get(T)!;
    assert.equal(s.downSince, 60_000, 'the outage began at detection, not at the last attempt');
    assert.equal(s.since, 100_003, 'since is the last state change');
    assert.equal(s.attempts, 4);
    assert.deepEqual(s.lastAttempt, { at: 100_003, outcome: 'failure' });
    assert.equal(s.connectedSince, undefined);
  });

  it('a loss found by a probe keeps its error code in lastError', () => {
    const store = new StatusStore();
    store.apply({ target: T, at: 1, type: 'disconnected', reason: 'timeout', detectedBy: 'probe', code: ErrorCode.TIMEOUT, message: 'probe got no answer within 3000 ms' });
    assert.deepEqual(store.get(T)!.lastError, { code: ErrorCode.TIMEOUT, reason: 'timeout', message: 'probe got no answer within 3000 ms', at: 1 });
  });

  it('an attempt in flight has no next attempt scheduled', () => {
    const store = new StatusStore();
    store.apply({ target: T, at: 0, type: 'backoff', delayMs: 1000, nextAttemptAt: 1000 });
    assert.equal(store.get(T)!.nextAttemptAt, 1000);
    store.apply({ target: T, at: 1000, type: 'state-changed', from: 'disconnected', to: 'connecting', reason: 'retry' });
    assert.equal(store.get(T)!.nextAttemptAt, undefined);
  });

  it('shows the address the transport describes and what the device reports about itself', () => {
    const store = new StatusStore();
    store.apply({ target: T, at: 0, type: 'target-info', transport: 'rds-ssh', labels: { host: '192.0.2.10', port: '22', probe_mode: 'command' } });
    store.apply({
      target: T,
      at: 5,
      type: 'telemetry',
      input: 'system',
      outcome: 'ok',
      durationMs: 3,
      samples: [{ metric: 'systemInfo', labels: { version: '7.19.4 (stable)', board: 'RDS2216-2XG-4S+4XS-2XQ', architecture: 'arm64' }, value: 1 }],
    });
    assert.deepEqual(store.get(T)!.address, { host: '192.0.2.10', port: 22 });
    assert.deepEqual(store.get(T)!.device, { version: '7.19.4 (stable)', board: 'RDS2216-2XG-4S+4XS-2XQ', architecture: 'arm64' });
  });

  it('keeps an hour of state history, bounded, starting with the state the hour began in', () => {
    const store = new StatusStore();
    store.apply({ target: T, at: 0, type: 'state-changed', from: 'idle', to: 'connected', reason: 'connected' });
    store.apply({ target: T, at: 1000, type: 'state-changed', from: 'connected', to: 'disconnected', reason: 'network' });
    store.apply({ target: T, at: HISTORY_WINDOW_MS + 5000, type: 'state-changed', from: 'disconnected', to: 'connected', reason: 'connected' });
    assert.deepEqual(store.get(T)!.history.map((h) => h.state), ['disconnected', 'connected'], 'older entries dropped, the state at the window start kept');
    for (let i = 0; i < 2 * HISTORY_MAX_ENTRIES; i++) {
      store.apply({ target: T, at: HISTORY_WINDOW_MS + 6000 + i, type: 'state-changed', from: 'connected', to: i % 2 ? 'connected' : 'disconnected', reason: 'x' });
    }
    assert.equal(store.get(T)!.history.length, HISTORY_MAX_ENTRIES);
  });
});
