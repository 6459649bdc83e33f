import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Logger } from '../logging/logger.js';
import { silentLogger } from '../logging/logger.js';
import type { MonitorEvent } from '../monitor/events.js';
import type { TelemetrySample } from '../transport/telemetry-source.js';
import { RecordingExporter } from '../testing/recording-exporter.js';
import { FakeClock } from '../testing/fake-clock.js';
import { Metrics } from './catalog.js';
import type { MetricUpdate } from './metric-update.js';
import { MetricsHub, toMetricUpdates } from './metrics-hub.js';
import { effectiveCatalog } from './effective-catalog.js';

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
    [
      { ...base, type: 'probe', outcome: 'ok', latencyMs: 12 },
      [
        ['observe', 'rds_probe_duration_seconds', { target: 'a' }, 0.012],
        ['add', 'rds_probes_total', { target: 'a', result: 'ok' }, 1],
      ],
    ],
    [
      { ...base, type: 'probe', outcome: 'failed', latencyMs: 3000, reason: 'timeout' },
      [
        ['observe', 'rds_probe_duration_seconds', { target: 'a' }, 3],
        ['add', 'rds_probes_total', { target: 'a', result: 'timeout' }, 1],
      ],
    ],
    [
      { ...base, type: 'probe', outcome: 'failed', latencyMs: 40, reason: 'unhealthy' },
      [
        ['observe', 'rds_probe_duration_seconds', { target: 'a' }, 0.04],
        ['add', 'rds_probes_total', { target: 'a', result: 'failed' }, 1],
      ],
    ],
    [{ ...base, type: 'deadline-extended', phase: 'probe', stalledMs: 900 }, [['add', 'rds_deadline_extensions_total', { target: 'a', phase: 'probe' }, 1]]],
    [{ ...base, type: 'backoff', delayMs: 4000, nextAttemptAt: 8000 }, [['set', 'rds_backoff_delay_seconds', { target: 'a' }, 4]]],
    [{ ...base, type: 'hook-failed', hook: 'h', message: 'm' }, [['add', 'rds_reconnect_hook_errors_total', { target: 'a' }, 1]]],
    [
      // Only the labels the transports declared are exported: `extra` is dropped.
      { ...base, type: 'target-info', transport: 'rds-ssh', labels: { probe_mode: 'keepalive', extra: 'x' } },
      [['set', 'rds_target_info', { target: 'a', transport: 'rds-ssh', host_key_verification: '', probe_mode: 'keepalive' }, 1]],
    ],
  ];
  for (const [event, expected] of cases) {
    const label = event.type === 'state-changed' ? `${event.type} -> ${event.to}` : event.type === 'probe' ? `probe ${event.outcome}` : event.type;
    it(label, () => {
      const got = toMetricUpdates(event, effectiveCatalog(['probe_mode', 'host_key_verification']).targetInfo).map((u) => (u.op === 'forget' ? [u.op, u.target, {}] : [u.op, u.metric.name, { ...u.labels }, ...('value' in u ? [u.value] : [])]));
      assert.deepEqual(got, expected);
    });
  }

  it('target-removed -> forget', () => {
    assert.deepEqual(toMetricUpdates({ ...base, type: 'target-removed' }), [{ op: 'forget', target: 'a' }]);
  });
});

describe('MetricsHub', () => {
  it('publishes rds_agent_build_info with every build fact it was given, Node from the process and unknown for the rest', () => {
    const full = new RecordingExporter();
    const components = { ssh2: '1.17.0', 'prom-client': '15.1.3', '@opentelemetry/sdk-metrics': '2.12.0' };
    const hub = new MetricsHub(silentLogger(), '1.2.3', undefined, { build: { revision: '0123abc', nodejsVersion: '24.1.0', components } });
    hub.subscribe('r', full);
    const labels = { version: '1.2.3', revision: '0123abc', nodejs_version: '24.1.0', ssh2_version: '1.17.0', prom_client_version: '15.1.3', opentelemetry_sdk_metrics_version: '2.12.0' };
    assert.deepEqual(full.series(Metrics.buildInfo), [{ labels, value: 1 }]);
    const def = hub.catalog.find((d) => d.name === Metrics.buildInfo.name);
    assert.deepEqual(def?.labels, ['version', 'revision', 'nodejs_version', 'opentelemetry_sdk_metrics_version', 'prom_client_version', 'ssh2_version'], 'exporters get every label');
    const bare = new RecordingExporter();
    const plain = new MetricsHub(silentLogger(), '2.0.0', undefined, { build: { revision: '', components: { ssh2: undefined } } });
    plain.subscribe('b', bare);
    assert.equal(plain.buildVersion, '2.0.0');
    assert.deepEqual(bare.series(Metrics.buildInfo), [{ labels: { version: '2.0.0', revision: 'unknown', nodejs_version: process.versions.node, ssh2_version: 'unknown' }, value: 1 }]);
    assert.equal(new MetricsHub(silentLogger(), '3.0.0').catalog.find((d) => d.name === Metrics.buildInfo.name), Metrics.buildInfo, 'no components: the static entry');
  });

  it('gives a late subscriber (an exporter re-created by a reload) every series at its current value', () => {
    const hub = new MetricsHub(silentLogger(), '2.0.0');
    hub.emit({ ...base, type: 'state-changed', from: 'idle', to: 'connected', reason: 'connected' });
    hub.emit({ ...base, type: 'disconnected', reason: 'network', detectedBy: 'transport' });
    hub.emit({ ...base, type: 'disconnected', reason: 'network', detectedBy: 'transport' });
    hub.emit({ ...base, type: 'attempt', attempt: 1, outcome: 'failure', durationMs: 3, error: { code: 'RDS_AGENT_ERR_REFUSED', reason: 'refused', message: 'x', retryable: true } });
    hub.emit({ ...base, type: 'recovered', outageMs: 2500, attempts: 2 });
    hub.emit({ ...base, type: 'recovered', outageMs: 500, attempts: 1 });
    const late = new RecordingExporter();
    hub.subscribe('late', late);
    assert.equal(late.series(Metrics.buildInfo)[0]?.labels['version'], '2.0.0');
    assert.equal(late.value(Metrics.connectionState, { target: 'a' }), 1);
    assert.equal(late.value(Metrics.disconnects, { target: 'a', reason: 'network' }), 2, 'a counter continues from its total');
    assert.equal(late.value(Metrics.reconnects, { target: 'a', status: 'failure' }), 1);
    assert.equal(late.value(Metrics.reconnects, { target: 'a', status: 'success' }), 0, 'series that exist at 0 exist for the new exporter too');
    assert.equal(late.value(Metrics.connectErrors, { target: 'a', reason: 'auth' }), 0);
    const restored = late.updates.find((u) => u.op === 'restore');
    assert.ok(restored && restored.op === 'restore');
    assert.deepEqual(restored.histogram, { bucketCounts: [0, 1, 0, 0, 1, 0, 0, 0, 0], sum: 3, count: 2 }, 'the reconnect-duration histogram, bucket by bucket');
    assert.deepEqual(late.histogram(Metrics.reconnectDuration, { target: 'a' }), { count: 2, sum: 3, values: [] });
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
    const hub = new MetricsHub(silentLogger(), 'v', undefined, { targetInfoLabels: ['probe_mode'] });
    const rec = new RecordingExporter();
    hub.subscribe('rec', rec);
    const info = (probe_mode: string): MonitorEvent => ({ ...base, type: 'target-info', transport: 'fake', labels: { probe_mode } });
    hub.emit(info('command'));
    hub.emit(info('command'));
    hub.emit(info('keepalive'));
    assert.deepEqual(
      rec.series(Metrics.targetInfo.name).map((s) => s.labels['probe_mode']),
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

describe('MetricsHub telemetry', () => {
  const tele = (samples: TelemetrySample[], target = 'a'): MonitorEvent => ({ target, at: 1000, type: 'telemetry', input: 'system', outcome: 'ok', durationMs: 5, samples });
  const disk = (metric: TelemetrySample['metric'], slot: string, value: number): TelemetrySample => ({ metric, labels: { slot }, value });
  const setup = () => {
    const logger = capturingLogger();
    const hub = new MetricsHub(logger, 'v', new FakeClock(0));
    const rec = new RecordingExporter();
    hub.subscribe('rec', rec);
    return { hub, rec, logger };
  };

  it('sets gauges with the target label added', () => {
    const { hub, rec } = setup();
    hub.emit(
      tele([
        { metric: 'systemCpuLoad', value: 0.25 },
        { metric: 'systemUptime', value: 3600 },
        { metric: 'systemMemoryFree', value: 1024 },
        { metric: 'systemMemoryTotal', value: 4096 },
      ]),
    );
    assert.equal(rec.value(Metrics.systemCpuLoad, { target: 'a' }), 0.25);
    assert.equal(rec.value(Metrics.systemUptime, { target: 'a' }), 3600);
    assert.equal(rec.value(Metrics.systemMemoryFree, { target: 'a' }), 1024);
    hub.emit(
      tele([
        { metric: 'systemCpuLoad', value: 0.5 },
        { metric: 'systemUptime', value: 3605 },
        { metric: 'systemMemoryFree', value: 1000 },
        { metric: 'systemMemoryTotal', value: 4096 },
      ]),
    );
    assert.equal(rec.value(Metrics.systemCpuLoad, { target: 'a' }), 0.5);
    const late = new RecordingExporter();
    hub.subscribe('late', late);
    assert.equal(late.value(Metrics.systemMemoryTotal, { target: 'a' }), 4096, 'telemetry gauges are replayed to late subscribers');
  });

  it('turns device totals into increments per series; a device reset adds the new total, so the counter never decreases', () => {
    const { hub, rec } = setup();
    const read = (slot: string) => rec.value(Metrics.diskReadBytes, { target: 'a', slot });
    hub.emit(tele([disk('diskReadBytes', 'nvme1', 1000), disk('diskReadBytes', 'nvme2', 50)]));
    assert.equal(read('nvme1'), 1000, 'the first total counts whole');
    assert.equal(read('nvme2'), 50);
    hub.emit(tele([disk('diskReadBytes', 'nvme1', 1500), disk('diskReadBytes', 'nvme2', 50)]));
    assert.equal(read('nvme1'), 1500);
    assert.equal(read('nvme2'), 50);
    hub.emit(tele([disk('diskReadBytes', 'nvme1', 200)])); // device rebooted: its total restarted from 0
    assert.equal(read('nvme1'), 1700);
    hub.emit(tele([disk('diskReadBytes', 'nvme1', 260)]));
    assert.equal(read('nvme1'), 1760);
    const adds = rec.updates.filter((u) => u.op === 'add' && u.metric === Metrics.diskReadBytes).map((u) => (u.op === 'add' ? u.value : NaN));
    assert.deepEqual(adds, [1000, 50, 500, 0, 200, 60]);
    assert.ok(adds.every((v) => v >= 0));
  });

  it('keeps counter state per target: the same slot on two targets does not mix', () => {
    const { hub, rec } = setup();
    hub.emit(tele([disk('diskWriteOps', 's1', 10)], 'a'));
    hub.emit(tele([disk('diskWriteOps', 's1', 100)], 'b'));
    hub.emit(tele([disk('diskWriteOps', 's1', 15)], 'a'));
    assert.equal(rec.value(Metrics.diskWriteOps, { target: 'a', slot: 's1' }), 15);
    assert.equal(rec.value(Metrics.diskWriteOps, { target: 'b', slot: 's1' }), 100);
  });

  it('drops invalid samples (unknown or non-telemetry metric, wrong labels, non-finite or negative values) and logs once per minute', async () => {
    const { hub, rec, logger } = setup();
    const before = rec.updates.length;
    const errorsBefore = logger.errors.length;
    const bad = [
      { metric: 'noSuchMetric', value: 1 },
      { metric: 'connectionState', value: 0 },
      { metric: 'buildInfo', labels: { version: 'x' }, value: 1 },
      { metric: 'systemCpuLoad', value: Number.NaN },
      { metric: 'systemCpuLoad', value: Number.POSITIVE_INFINITY },
      { metric: 'systemUptime', value: '5' },
      { metric: 'diskReadBytes', value: 5 },
      { metric: 'diskReadBytes', labels: { slot: 's', extra: 'x' }, value: 5 },
      { metric: 'diskReadBytes', labels: { target: 'evil' }, value: 5 },
      { metric: 'diskReadBytes', labels: { slot: 's' }, value: -1 },
      { metric: 'systemInfo', labels: { version: '7.16' }, value: 1 },
      null,
    ] as unknown as TelemetrySample[];
    hub.emit(tele([...bad, { metric: 'systemCpuLoad', value: 0.1 }]));
    const published = rec.updates.slice(before).filter((u) => (u.op === 'set' || u.op === 'add') && u.metric.source === 'device');
    assert.deepEqual(
      published.map((u) => (u.op === 'set' ? [u.metric.name, u.labels, u.value] : u.op)),
      [['rds_system_cpu_load_ratio', { target: 'a' }, 0.1]],
      'only the valid sample got through',
    );
    assert.equal(rec.value(Metrics.telemetryErrors, { target: 'a', input: 'system', reason: 'invalid-sample' }), bad.length, 'each dropped sample is counted');
    assert.equal(rec.value(Metrics.connectionState, { target: 'a' }), undefined, 'a transport cannot overwrite connection health');
    assert.equal(logger.errors.length - errorsBefore, 1);
    assert.match(JSON.stringify(logger.errors.at(-1)), /noSuchMetric/);
    hub.emit(tele(bad));
    assert.equal(logger.errors.length - errorsBefore, 1, 'rate-limited');
  });

  it('replaces the system-info series when the device facts change, without touching the target info', () => {
    const { hub, rec } = setup();
    hub.emit({ ...base, type: 'target-info', transport: 'fake', labels: { probe_mode: 'command' } });
    const sys = (version: string): TelemetrySample => ({ metric: 'systemInfo', labels: { version, board: 'RDS2216', architecture: 'arm64' }, value: 1 });
    hub.emit(tele([sys('7.16')]));
    hub.emit(tele([sys('7.16')]));
    assert.equal(rec.updates.filter((u) => u.op === 'delete').length, 0, 'same facts: nothing deleted');
    hub.emit(tele([sys('7.17')]));
    assert.deepEqual(
      rec.series(Metrics.systemInfo).map((s) => [s.labels, s.value]),
      [[{ target: 'a', version: '7.17', board: 'RDS2216', architecture: 'arm64' }, 1]],
    );
    assert.equal(rec.series(Metrics.targetInfo).length, 1);
    hub.emit(tele([sys('7.17')], 'b'));
    assert.equal(rec.series(Metrics.systemInfo).length, 2, 'one series per target');
  });

  it('counts a failed run in rds_telemetry_errors_total{target, input, reason}', () => {
    const { hub, rec } = setup();
    const failed = (reason?: string): MonitorEvent => ({ target: 'a', at: 1, type: 'telemetry', input: 'system', outcome: 'failed', durationMs: 10_000, samples: [], ...(reason ? { reason } : {}) });
    hub.emit(failed('timeout'));
    hub.emit(failed('timeout'));
    hub.emit(failed('command'));
    hub.emit(failed());
    assert.equal(rec.value(Metrics.telemetryErrors, { target: 'a', input: 'system', reason: 'timeout' }), 2);
    assert.equal(rec.value(Metrics.telemetryErrors, { target: 'a', input: 'system', reason: 'command' }), 1);
    assert.equal(rec.value(Metrics.telemetryErrors, { target: 'a', input: 'system', reason: 'unknown' }), 1);
  });

  it('a value never freezes: series the input no longer reports, and all of them after a failed run, go absent; counters stay', () => {
    const { hub, rec } = setup();
    const drive = (slot: string, celsius: number): TelemetrySample => ({ metric: 'driveTemperature', labels: { slot }, value: celsius });
    hub.emit(tele([drive('nvme1', 33), drive('nvme2', 35), disk('diskReadBytes', 'nvme1', 10)]));
    assert.equal(rec.value(Metrics.driveTemperature, { target: 'a', slot: 'nvme2' }), 35);
    hub.emit(tele([drive('nvme1', 34), disk('diskReadBytes', 'nvme1', 20)])); // nvme2 was pulled
    assert.equal(rec.value(Metrics.driveTemperature, { target: 'a', slot: 'nvme1' }), 34);
    assert.equal(rec.value(Metrics.driveTemperature, { target: 'a', slot: 'nvme2' }), undefined, 'gone with the drive');
    hub.emit({ target: 'a', at: 2000, type: 'telemetry', input: 'system', outcome: 'failed', durationMs: 10_000, samples: [], reason: 'command' });
    assert.equal(rec.value(Metrics.driveTemperature, { target: 'a', slot: 'nvme1' }), undefined, 'garbage or a refusal: no stale reading');
    assert.equal(rec.value(Metrics.diskReadBytes, { target: 'a', slot: 'nvme1' }), 20, 'counters keep counting (increase() must not break)');
    assert.equal(rec.value(Metrics.telemetryInputEnabled, { target: 'a', input: 'system' }), 1);
    hub.emit({ target: 'a', at: 3000, type: 'telemetry', input: 'raid', outcome: 'unsupported', durationMs: 3, samples: [], reason: 'unsupported' });
    assert.equal(rec.value(Metrics.telemetryInputEnabled, { target: 'a', input: 'raid' }), 0);
  });

  it('reports per input its duration, bytes read, last success and the values it refused', () => {
    const { hub, rec } = setup();
    hub.emit({ target: 'a', at: 5000, type: 'telemetry', input: 'raid', outcome: 'ok', durationMs: 250, samples: [], bytesRead: 1200, rejected: [{ reason: 'implausible', count: 2 }, { reason: 'cap', count: 5 }] });
    hub.emit({ target: 'a', at: 65_000, type: 'telemetry', input: 'raid', outcome: 'ok', durationMs: 150, samples: [], bytesRead: 1300 });
    const own = { target: 'a', input: 'raid' };
    assert.equal(rec.value(Metrics.telemetryDuration, own), 0.15);
    assert.equal(rec.value(Metrics.telemetryBytesRead, own), 2500);
    assert.equal(rec.value(Metrics.telemetryLastSuccess, own), 65);
    assert.equal(rec.value(Metrics.telemetryErrors, { ...own, reason: 'implausible' }), 2);
    assert.equal(rec.value(Metrics.telemetryErrors, { ...own, reason: 'cap' }), 5);
  });

  it('forgets a removed target\'s counter totals and info series: a re-added target starts afresh', () => {
    const { hub, rec } = setup();
    const sys: TelemetrySample = { metric: 'systemInfo', labels: { version: '7.16', board: 'b', architecture: 'arm64' }, value: 1 };
    hub.emit(tele([disk('diskReadOps', 's', 100), sys]));
    hub.emit({ ...base, type: 'target-removed' });
    assert.deepEqual(rec.series(Metrics.diskReadOps), []);
    hub.emit(tele([disk('diskReadOps', 's', 130), sys]));
    assert.equal(rec.value(Metrics.diskReadOps, { target: 'a', slot: 's' }), 130, 'the first total after re-adding counts whole');
    assert.equal(rec.updates.filter((u) => u.op === 'delete').length, 0, 'no stale info series left to delete');
  });
});
