import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../logging/logger.js';
import { Metrics } from '../metrics/catalog.js';
import { MetricsHub } from '../metrics/metrics-hub.js';
import { RecordingExporter } from './recording-exporter.js';
import { WaitTimeoutError } from './wait-for.js';

describe('RecordingExporter', () => {
  it('answers gauge, counter and histogram queries for exact label sets', () => {
    const rec = new RecordingExporter();
    rec.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'a' }, value: 1 });
    rec.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'a' }, value: 0 });
    rec.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 'a', status: 'failure' }, value: 1 });
    rec.record({ op: 'add', metric: Metrics.reconnects, labels: { status: 'failure', target: 'a' }, value: 2 });
    rec.record({ op: 'observe', metric: Metrics.reconnectDuration, labels: { target: 'a' }, value: 1.5 });
    rec.record({ op: 'observe', metric: Metrics.reconnectDuration, labels: { target: 'a' }, value: 0.5 });
    assert.equal(rec.value('rds_connection_state', { target: 'a' }), 0);
    assert.equal(rec.value(Metrics.reconnects, { target: 'a', status: 'failure' }), 3, 'label order does not matter');
    assert.equal(rec.value(Metrics.reconnects, { target: 'a' }), undefined, 'exact label sets only');
    assert.deepEqual(rec.histogram(Metrics.reconnectDuration, { target: 'a' }), { count: 2, sum: 2, values: [1.5, 0.5] });
    assert.deepEqual(rec.histogram(Metrics.reconnectDuration, { target: 'b' }), { count: 0, sum: 0, values: [] });
    assert.deepEqual(rec.series(Metrics.reconnects), [{ labels: { status: 'failure', target: 'a' }, value: 3 }]);
    rec.record({ op: 'forget', target: 'a' });
    assert.equal(rec.value('rds_connection_state', { target: 'a' }), undefined);
    assert.equal(rec.histogram(Metrics.reconnectDuration, { target: 'a' }).count, 0);
    assert.equal(rec.updates.length, 7);
  });

  it('attach(hub) records metric updates (with the replayed gauges) and raw events', () => {
    const hub = new MetricsHub(silentLogger(), '1.2.3');
    const rec = new RecordingExporter();
    const detach = rec.attach(hub);
    assert.equal(rec.series(Metrics.buildInfo)[0]?.labels['version'], '1.2.3', 'gauges replayed on subscribe');
    hub.emit({ type: 'state-changed', target: 'a', at: 2000, from: 'idle', to: 'connecting', reason: 'started' });
    assert.equal(rec.eventsOf('state-changed').length, 1);
    assert.equal(rec.value(Metrics.lastChange, { target: 'a' }), 2);
    detach();
    hub.emit({ type: 'state-changed', target: 'a', at: 3000, from: 'connecting', to: 'connected', reason: 'connected' });
    assert.equal(rec.events.length, 1);
  });

  it('is a MetricsExporter over a MetricStream: start subscribes, shutdown unsubscribes (idempotent)', async () => {
    const hub = new MetricsHub(silentLogger(), 'x');
    const rec = new RecordingExporter(hub, 'rec');
    await rec.shutdown(); // safe before start
    await rec.start(new AbortController().signal);
    await rec.forceFlush();
    hub.emit({ type: 'hook-failed', target: 't', at: 0, hook: 'h', message: 'm' });
    assert.equal(rec.value(Metrics.hookErrors, { target: 't' }), 1);
    await rec.shutdown();
    await rec.shutdown();
    hub.emit({ type: 'hook-failed', target: 't', at: 0, hook: 'h', message: 'm' });
    assert.equal(rec.value(Metrics.hookErrors, { target: 't' }), 1);
    assert.equal(rec.flushCalls, 1);
  });

  it('waitFor resolves on the update that satisfies it and rejects when time runs out', async () => {
    const rec = new RecordingExporter();
    const waiting = rec.waitFor((r) => r.value(Metrics.connectionState, { target: 'a' }) === 1, { timeoutMs: 2000 });
    queueMicrotask(() => rec.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'a' }, value: 1 }));
    await waiting;
    await assert.rejects(
      rec.waitFor(() => false, { timeoutMs: 30, description: 'never' }),
      (err: unknown) => err instanceof WaitTimeoutError && /never/.test(err.message),
    );
  });
});
