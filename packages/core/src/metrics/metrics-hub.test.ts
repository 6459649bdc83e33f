import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import type { MonitorEvent } from '../monitor/events.js';
import { RecordingExporter } from '../testing/recording-exporter.js';
import { FakeClock } from '../testing/fake-clock.js';
import { Metrics } from './catalog.js';
import type { MetricUpdate } from './metric-update.js';
import { MetricsHub, toMetricUpdates } from './metrics-hub.js';

/** A Logger that records error lines. */
function capturingLogger(): Logger & { errors: Array<{ obj: unknown; msg?: string }> } {
  const errors: Array<{ obj: unknown; msg?: string }> = [];
  const noop = (): void => undefined;
  const logger = {
    errors,
    trace: noop,
    debug: noop,
    info: noop,
    warn: noop,
    fatal: noop,
    error: (obj: object | string, msg?: string) => void errors.push({ obj, ...(msg !== undefined ? { msg } : {}) }),
    child: () => logger,
  };
  return logger;
}

const base = { target: 'a', at: 4000 } as const;

describe('toMetricUpdates (the one event -> metric mapping)', () => {
  const cases: Array<[MonitorEvent, Array<[string, string, Record<string, string>, number?]>]> = [
    [
      { ...base, type: 'state-changed', from: 'connecting', to: 'connected', reason: 'connected' },
      [
        ['set', 'rds_connection_state', { target: 'a' }, 1],
        ['set', 'rds_connection_last_change_timestamp_seconds', { target: 'a' }, 4],
      ],
    ],
    [
      { ...base, type: 'state-changed', from: 'connected', to: 'disconnected', reason: 'network' },
      [
        ['set', 'rds_connection_state', { target: 'a' }, 0],
        ['set', 'rds_connection_last_change_timestamp_seconds', { target: 'a' }, 4],
      ],
    ],
    [{ ...base, type: 'attempt', attempt: 1, outcome: 'success', durationMs: 5 }, [['add', 'rds_reconnect_total', { target: 'a', status: 'success' }, 1]]],
    [
      {
        ...base,
        type: 'attempt',
        attempt: 2,
        outcome: 'failure',
        durationMs: 5,
        error: { code: 'RDS_AGENT_ERR_AUTH', reason: 'auth', message: 'denied', retryable: false },
      },
      [
        ['add', 'rds_reconnect_total', { target: 'a', status: 'failure' }, 1],
        ['add', 'rds_connect_errors_total', { target: 'a', reason: 'auth' }, 1],
      ],
    ],
    [
      { ...base, type: 'recovered', outageMs: 2500, attempts: 3 },
      [
        ['observe', 'rds_reconnect_duration_seconds', { target: 'a' }, 2.5],
        ['set', 'rds_backoff_delay_seconds', { target: 'a' }, 0],
      ],
    ],
    [{ ...base, type: 'disconnected', reason: 'timeout', detectedBy: 'probe' }, [['add', 'rds_disconnects_total', { target: 'a', reason: 'timeout' }, 1]]],
    [{ ...base, type: 'probe', outcome: 'ok', latencyMs: 12 }, [['observe', 'rds_probe_duration_seconds', { target: 'a' }, 0.012]]],
    [{ ...base, type: 'probe', outcome: 'failed', latencyMs: 3000, reason: 'timeout' }, []],
    [{ ...base, type: 'backoff', delayMs: 4000, nextAttemptAt: 8000 }, [['set', 'rds_backoff_delay_seconds', { target: 'a' }, 4]]],
    [{ ...base, type: 'hook-failed', hook: 'h', message: 'm' }, [['add', 'rds_reconnect_hook_errors_total', { target: 'a' }, 1]]],
    [
      { ...base, type: 'target-info', transport: 'rds-ssh', labels: { probe_mode: 'keepalive', extra: 'x' } },
      [['set', 'rds_target_info', { target: 'a', transport: 'rds-ssh', host_key_verification: '', probe_mode: 'keepalive' }, 1]],
    ],
  ];
  for (const [event, expected] of cases) {
    const label = event.type === 'state-changed' ? `${event.type} -> ${event.to}` : event.type === 'probe' ? `probe ${event.outcome}` : event.type;
    it(label, () => {
      const got = toMetricUpdates(event).map((u) => (u.op === 'forget' ? [u.op, u.target, {}] : [u.op, u.metric.name, { ...u.labels }, ...('value' in u ? [u.value] : [])]));
      assert.deepEqual(got, expected);
    });
  }

  it('target-removed -> forget', () => {
    assert.deepEqual(toMetricUpdates({ ...base, type: 'target-removed' }), [{ op: 'forget', target: 'a' }]);
  });
});

describe('MetricsHub', () => {
  it('publishes build info and replays current gauges to late subscribers, not counters', () => {
    const hub = new MetricsHub(silentLogger(), '2.0.0');
    hub.emit({ ...base, type: 'state-changed', from: 'idle', to: 'connected', reason: 'connected' });
    hub.emit({ ...base, type: 'disconnected', reason: 'network', detectedBy: 'transport' });
    const late = new RecordingExporter();
    hub.subscribe('late', late);
    assert.equal(late.value(Metrics.buildInfo, { version: '2.0.0' }), 1);
    assert.equal(late.value(Metrics.connectionState, { target: 'a' }), 1);
    assert.equal(late.value(Metrics.disconnects, { target: 'a', reason: 'network' }), undefined, 'counters are not replayed');
    assert.equal(hub.buildVersion, '2.0.0');
  });

  it('creates a new target\'s counters at zero on its first event', () => {
    const hub = new MetricsHub(silentLogger(), 'v');
    const rec = new RecordingExporter();
    hub.subscribe('rec', rec);
    hub.emit({ ...base, type: 'state-changed', from: 'idle', to: 'connecting', reason: 'started' });
    assert.equal(rec.value(Metrics.reconnects, { target: 'a', status: 'success' }), 0);
    assert.equal(rec.value(Metrics.reconnects, { target: 'a', status: 'failure' }), 0);
    assert.equal(rec.value(Metrics.hookErrors, { target: 'a' }), 0);
    const before = rec.updates.length;
    hub.emit({ ...base, type: 'state-changed', from: 'connecting', to: 'connected', reason: 'connected' });
    assert.equal(rec.updates.length - before, 2, 'zeros only once');
  });

  it('replaces the target-info series when labels change, and forgets a removed target', () => {
    const hub = new MetricsHub(silentLogger(), 'v');
    const rec = new RecordingExporter();
    hub.subscribe('rec', rec);
    const info = (probe_mode: string): MonitorEvent => ({ ...base, type: 'target-info', transport: 'fake', labels: { probe_mode } });
    hub.emit(info('command'));
    hub.emit(info('command'));
    hub.emit(info('keepalive'));
    assert.deepEqual(
      rec.series(Metrics.targetInfo).map((s) => s.labels['probe_mode']),
      ['keepalive'],
    );
    assert.equal(rec.updates.filter((u) => u.op === 'delete').length, 1);
    hub.emit({ ...base, type: 'target-removed' });
    assert.deepEqual(rec.series(Metrics.targetInfo), []);
    const late = new RecordingExporter();
    hub.subscribe('late', late);
    assert.deepEqual(late.series(Metrics.targetInfo), [], 'removed target not replayed');
    assert.deepEqual(late.series(Metrics.connectionState), []);
  });

  it('isolates a throwing sink: the others still get the update, and the failure is counted', () => {
    const logger = capturingLogger();
    const hub = new MetricsHub(logger, 'v');
    const good = new RecordingExporter();
    hub.subscribe('good', good);
    const off = hub.subscribe('bad', {
      record: (u: MetricUpdate) => {
        if (u.op === 'add') throw new Error('sink broke');
      },
    });
    hub.emit({ ...base, type: 'disconnected', reason: 'network', detectedBy: 'transport' });
    assert.equal(good.value(Metrics.disconnects, { target: 'a', reason: 'network' }), 1);
    assert.ok((good.value(Metrics.exporterErrors, { exporter: 'bad' }) ?? 0) >= 1);
    assert.ok(logger.errors.length >= 1);
    assert.match(JSON.stringify(logger.errors[0]), /sink broke/);
    off();
    const errors = good.value(Metrics.exporterErrors, { exporter: 'bad' });
    hub.emit({ ...base, type: 'disconnected', reason: 'network', detectedBy: 'transport' });
    assert.equal(good.value(Metrics.exporterErrors, { exporter: 'bad' }), errors, 'unsubscribed sink no longer called');
  });

  it('isolates a throwing event listener and rate-limits its log lines on the clock', async () => {
    const logger = capturingLogger();
    const clock = new FakeClock(0);
    const hub = new MetricsHub(logger, 'v', clock);
    const rec = new RecordingExporter();
    rec.attach(hub);
    hub.onEvent(() => {
      throw new Error('listener broke');
    });
    for (const at of [1000, 2000, 30_000]) {
      await clock.tickToAsync(at);
      hub.emit({ target: 'a', at, type: 'hook-failed', hook: 'h', message: 'm' });
    }
    assert.equal(rec.events.length, 3, 'other listeners still get every event');
    assert.equal(rec.value(Metrics.hookErrors, { target: 'a' }), 3);
    assert.equal(logger.errors.length, 1, 'one log line per minute');
    await clock.tickToAsync(61_001);
    hub.emit({ target: 'a', at: 61_001, type: 'hook-failed', hook: 'h', message: 'm' });
    assert.equal(logger.errors.length, 2);
  });

  it('rate-limits log lines of a sink that keeps throwing', async () => {
    const logger = capturingLogger();
    const clock = new FakeClock(0);
    const hub = new MetricsHub(logger, 'v', clock);
    const before = logger.errors.length;
    // Subscribing replays the build-info gauge, the sink's first failure: logged.
    hub.subscribe('bad', {
      record: () => {
        throw new Error('always');
      },
    });
    for (let i = 0; i < 5; i++) hub.emit({ target: 'a', at: 1000 + i, type: 'hook-failed', hook: 'h', message: 'm' });
    assert.equal(logger.errors.length - before, 1, 'one line for six failures within a minute');
    await clock.tickAsync(60_000);
    hub.emit({ target: 'a', at: 70_000, type: 'hook-failed', hook: 'h', message: 'm' });
    assert.equal(logger.errors.length - before, 2, 'logged again once the minute has passed');
  });
});
