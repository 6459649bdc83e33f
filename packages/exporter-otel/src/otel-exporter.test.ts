import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { AgentError, ErrorCode, Metrics, type ExporterContext, type MetricUpdate } from '@rds-agent/core';
import { createLogger, FakeClock, MetricsHub, silentLogger, StatusStore } from '@rds-agent/core/testing';
import type { OtelExporterConfig } from './config.js';
import type { BatchMetricExporter } from './export/batch-metric-exporter.js';
import { InMemoryBatchExporter } from './export/in-memory-batch-exporter.js';
import plugin, { otelExporterDefinition } from './index.js';
import { METER_NAME, OtelExporter } from './otel-exporter.js';

const config: OtelExporterConfig = {
  endpoint: null,
  protocol: 'http/protobuf',
  headers: {},
  // Never exports on its own during a test: every export below is an explicit flush or shutdown.
  exportInterval: 3_600_000,
  exportTimeout: 2_000,
  temporality: null,
  compression: null,
  tls: { caFile: null, certFile: null, keyFile: null, insecure: false },
  resourceAttributes: {},
};

function context(logger = silentLogger()): ExporterContext & { hub: MetricsHub } {
  const hub = new MetricsHub(logger, '9.8.7', undefined, { targetInfoLabels: ['host', 'port', 'host_key_verification', 'probe_mode'] });
  return { name: 'otel', logger, clock: { now: () => 0, sleep: () => new Promise(() => undefined) }, metrics: hub, status: new StatusStore(), version: '9.8.7', shutdownTimeoutMs: 5000, catalog: hub.catalog, hub };
}

/** A sender factory that hands out in-memory senders and remembers each one and its deadline. */
function memorySenders() {
  const made: Array<{ timeoutMillis: number; sender: InMemoryBatchExporter }> = [];
  return {
    made,
    createExporter: async () => (timeoutMillis: number) => {
      const sender = new InMemoryBatchExporter();
      made.push({ timeoutMillis, sender });
      return sender;
    },
    /** Every batch any sender got, oldest first. */
    batches: (): ResourceMetrics[][] => made.flatMap((m) => m.sender.batches),
  };
}

/** A batch by resource: `host.name` -> its attributes and metrics by name. */
function byResource(batch: readonly ResourceMetrics[]): Map<string, { attributes: Record<string, unknown>; metrics: Map<string, MetricData> }> {
  const out = new Map<string, { attributes: Record<string, unknown>; metrics: Map<string, MetricData> }>();
  for (const rm of batch) {
    const metrics = new Map<string, MetricData>();
    for (const sm of rm.scopeMetrics) for (const m of sm.metrics) metrics.set(m.descriptor.name, m);
    out.set(String(rm.resource.attributes['host.name']), { attributes: { ...rm.resource.attributes }, metrics });
  }
  return out;
}

function valueFor(metric: MetricData | undefined, attrs: Record<string, string>): unknown {
  return (metric?.dataPoints as Array<{ attributes: Record<string, unknown>; value: unknown }> | undefined)?.find((p) =>
    Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
  )?.value;
}

const isStartError = (err: unknown): boolean => err instanceof AgentError && err.code === ErrorCode.EXPORTER_START;

describe('OtelExporter lifecycle', () => {
  it('registers the otel exporter type through the plugin host', () => {
    const added: Array<[string, unknown]> = [];
    const host = { addExporter: (type: string, def: unknown) => added.push([type, def]) } as never;
    void plugin.register(host, {});
    assert.equal(plugin.name, '@rds-agent/exporter-otel');
    assert.equal(plugin.apiVersion, '^0.2.0');
    assert.deepEqual(added, [['otel', otelExporterDefinition]]);
  });

  it('shutdown before start is safe; start after shutdown rejects with RDS_AGENT_ERR_EXPORTER_START; shutdown twice is one shutdown', async () => {
    const ctx = context();
    const never = memorySenders();
    const unstarted = new OtelExporter(config, ctx, { createExporter: never.createExporter });
    await unstarted.shutdown();
    await unstarted.shutdown();
    await assert.rejects(unstarted.start(new AbortController().signal), (err: unknown) => isStartError(err) && /shut down/.test((err as Error).message));
    await unstarted.forceFlush();
    assert.equal(never.made.length, 0, 'nothing was built');

    const senders = memorySenders();
    const exporter = new OtelExporter(config, ctx, { createExporter: senders.createExporter });
    await exporter.start(new AbortController().signal);
    await assert.rejects(exporter.start(new AbortController().signal), isStartError, 'a second start rejects too');
    const a = exporter.shutdown();
    const b = exporter.shutdown();
    assert.equal(a, b);
    await a;
    await exporter.shutdown();
    assert.deepEqual(
      senders.made.map((m) => m.sender.shutdowns),
      [1, 1],
      'the periodic and the final sender, each shut down once',
    );
    await assert.rejects(exporter.start(new AbortController().signal), isStartError);
  });

  it('start rejects at once on an aborted signal', async () => {
    const ctx = context();
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(new OtelExporter(config, ctx).start(ac.signal));
  });

  it('shutdown while start is still preparing the sender never subscribes and builds nothing', async () => {
    const ctx = context();
    const senders = memorySenders();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const exporter = new OtelExporter(config, ctx, { createExporter: async () => (await gate, senders.createExporter()) });
    const starting = exporter.start(new AbortController().signal);
    const stopping = exporter.shutdown();
    release();
    await starting;
    await stopping;
    assert.equal(senders.made.length, 0);
    ctx.hub.emit({ type: 'state-changed', target: 'rds1', at: 1, from: 'idle', to: 'connected', reason: 'connected' });
    assert.equal(exporter.gaugeSeries, 0);
  });
});

describe('OtelExporter resources', () => {
  it('one batch per export: the agent resource first, then one resource per target describing the device', async () => {
    const ctx = context();
    const senders = memorySenders();
    const exporter = new OtelExporter({ ...config, resourceAttributes: { deployment: { environment: 'lab' } } }, ctx, { createExporter: senders.createExporter });
    ctx.hub.emit({ type: 'target-info', target: 'rds2', at: 0, transport: 'rds-ssh', labels: { host: '10.0.0.2', port: '22', host_key_verification: 'pinned', probe_mode: 'command' } });
    ctx.hub.emit({ type: 'state-changed', target: 'rds2', at: 1_000, from: 'idle', to: 'connected', reason: 'connected' });
    await exporter.start(new AbortController().signal);
    ctx.hub.emit({ type: 'target-info', target: 'rds1', at: 0, transport: 'rds-ssh', labels: { host_key_verification: 'known-hosts', probe_mode: 'keepalive' } });
    ctx.hub.emit({ type: 'state-changed', target: 'rds1', at: 1_000, from: 'idle', to: 'connecting', reason: 'started' });
    await exporter.forceFlush();

    const batches = senders.batches();
    assert.equal(batches.length, 1, 'one request');
    const batch = batches[0]!;
    assert.deepEqual(
      batch.map((rm) => rm.resource.attributes['host.name']),
      [hostname(), 'rds1', 'rds2'],
      'the agent first, then the targets by name',
    );
    for (const rm of batch) assert.deepEqual(rm.scopeMetrics.map((sm) => sm.scope.name), [METER_NAME]);
    const r = byResource(batch);
    const agent = r.get(hostname())!;
    const instanceId = agent.attributes['service.instance.id'];
    assert.match(String(instanceId), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(agent.attributes, { 'service.name': 'rds-agent', 'service.version': '9.8.7', 'service.instance.id': instanceId, 'host.name': hostname(), 'deployment.environment': 'lab' });
    assert.deepEqual([...agent.metrics.keys()].sort(), ['rds.agent.build_info', 'rds.exporter.errors'], 'only the agent\'s own metrics');

    assert.deepEqual(r.get('rds2')!.attributes, {
      'service.name': 'rds-agent',
      'service.version': '9.8.7',
      'service.instance.id': instanceId,
      'deployment.environment': 'lab',
      'host.name': 'rds2',
      'rds.transport': 'rds-ssh',
      'server.address': '10.0.0.2',
      'server.port': 22,
    });
    // The transport did not describe host and port: no server.* (never "").
    assert.deepEqual(r.get('rds1')!.attributes, {
      'service.name': 'rds-agent',
      'service.version': '9.8.7',
      'service.instance.id': instanceId,
      'deployment.environment': 'lab',
      'host.name': 'rds1',
      'rds.transport': 'rds-ssh',
    });
    // Points keep their target attribute (the Prometheus `target` label), on their own resource only.
    assert.equal(valueFor(r.get('rds2')!.metrics.get('rds.connection.state'), { target: 'rds2' }), 1);
    assert.equal(valueFor(r.get('rds2')!.metrics.get('rds.connection.state'), { target: 'rds1' }), undefined);
    assert.equal(valueFor(r.get('rds1')!.metrics.get('rds.connection.state'), { target: 'rds1' }), 0);
    assert.equal(valueFor(r.get('rds1')!.metrics.get('rds.reconnect'), { target: 'rds1', status: 'failure' }), 0);
    assert.equal(valueFor(r.get('rds1')!.metrics.get('rds.target.info'), { target: 'rds1', probe_mode: 'keepalive', host: '', port: '' }), 1, 'the info series is still a metric');
    assert.equal(valueFor(agent.metrics.get('rds.agent.build_info'), { version: '9.8.7' }), 1);
    assert.equal(valueFor(agent.metrics.get('rds.exporter.errors'), { exporter: 'otel' }), 0);
    await exporter.shutdown();
  });

  it('device facts become resource attributes; a change relabels the device without resetting its counters; a removed target disappears', async () => {
    const ctx = context();
    const senders = memorySenders();
    const exporter = new OtelExporter(config, ctx, { createExporter: senders.createExporter });
    await exporter.start(new AbortController().signal);
    const t = 'rds1';
    ctx.hub.emit({ type: 'target-info', target: t, at: 0, transport: 'rds-ssh', labels: { host: 'rds1.example', port: '2222' } });
    ctx.hub.emit({ type: 'attempt', target: t, at: 1, attempt: 1, outcome: 'success', durationMs: 5 });
    const system = (version: string) => ({ type: 'telemetry', input: 'system', target: t, at: 2, outcome: 'ok', durationMs: 1, samples: [{ metric: 'systemInfo', labels: { version, board: 'RDS2216-2XG-4S+4XS-2XQ', architecture: 'arm64' }, value: 1 }] }) as const;
    ctx.hub.emit(system('7.19.4 (stable)'));
    await exporter.forceFlush();
    let device = byResource(senders.batches().at(-1)!).get(t)!;
    assert.equal(device.attributes['server.address'], 'rds1.example');
    assert.equal(device.attributes['server.port'], 2222);
    assert.equal(device.attributes['os.name'], 'RouterOS');
    assert.equal(device.attributes['os.version'], '7.19.4');
    assert.equal(device.attributes['os.description'], 'RouterOS 7.19.4 (stable)');
    assert.equal(device.attributes['host.arch'], 'arm64');
    assert.equal(device.attributes['device.model.identifier'], 'RDS2216-2XG-4S+4XS-2XQ');
    assert.equal(valueFor(device.metrics.get('rds.reconnect'), { target: t, status: 'success' }), 1);

    // An upgrade: the hub replaces the info series (delete, then set).
    ctx.hub.emit(system('7.20.1 (stable)'));
    ctx.hub.emit({ type: 'attempt', target: t, at: 3, attempt: 1, outcome: 'success', durationMs: 5 });
    await exporter.forceFlush();
    device = byResource(senders.batches().at(-1)!).get(t)!;
    assert.equal(device.attributes['os.version'], '7.20.1');
    assert.equal(valueFor(device.metrics.get('rds.reconnect'), { target: t, status: 'success' }), 2, 'the counter kept counting');
    assert.equal(valueFor(device.metrics.get('rds.system.info'), { target: t, version: '7.19.4 (stable)' }), undefined, 'the old info point is gone');
    assert.equal(valueFor(device.metrics.get('rds.system.info'), { target: t, version: '7.20.1 (stable)' }), 1);

    ctx.hub.emit({ type: 'target-removed', target: t, at: 4 });
    await exporter.forceFlush();
    const last = byResource(senders.batches().at(-1)!);
    assert.deepEqual([...last.keys()], [hostname()], 'the removed target is gone, counters included');
    await exporter.shutdown();
  });

  it('shutdown flushes the last values once, through a sender bounded by the final flush\'s share of the budget', async () => {
    const ctx = context();
    const senders = memorySenders();
    const exporter = new OtelExporter({ ...config, exportTimeout: 10_000 }, ctx, { createExporter: senders.createExporter });
    ctx.hub.emit({ type: 'state-changed', target: 'rds1', at: 1_000, from: 'idle', to: 'connected', reason: 'connected' });
    await exporter.start(new AbortController().signal);
    ctx.hub.emit({ type: 'state-changed', target: 'rds1', at: 2_000, from: 'connected', to: 'disconnected', reason: 'network' });
    await exporter.shutdown();
    assert.deepEqual(
      senders.made.map((m) => [m.timeoutMillis, m.sender.batches.length]),
      [
        [10_000, 0],
        [4_000, 1],
      ],
      'periodic sender: exportTimeout, nothing sent; final sender: 80 % of the 5 s budget, one request',
    );
    const device = byResource(senders.made[1]!.sender.batches[0]!).get('rds1')!;
    assert.equal(valueFor(device.metrics.get('rds.connection.state'), { target: 'rds1' }), 0, 'final flush carried the last value');
    ctx.hub.emit({ type: 'state-changed', target: 'rds1', at: 3_000, from: 'disconnected', to: 'connected', reason: 'connected' });
    assert.equal(senders.batches().length, 1, 'nothing after shutdown');
  });

  it('a metric without a target label (a plugin\'s own) lands on the agent resource', async () => {
    const ctx = context();
    const senders = memorySenders();
    const exporter = new OtelExporter(config, ctx, { createExporter: senders.createExporter });
    await exporter.start(new AbortController().signal);
    const own = { name: 'plugin_things_total', otelName: 'plugin.things', kind: 'counter', unit: '{thing}', labels: ['kind'], help: 'Things.' } as const;
    ctx.hub.publish({ op: 'add', metric: own, labels: { kind: 'a' }, value: 3 });
    await exporter.forceFlush();
    const agent = byResource(senders.batches().at(-1)!).get(hostname())!;
    assert.equal(valueFor(agent.metrics.get('plugin.things'), { kind: 'a' }), 3);
    await exporter.shutdown();
  });
});

describe('OtelExporter failures and the shutdown budget', () => {
  it('a failed export is counted in rds_exporter_errors_total{exporter="otel"} for every exporter', async () => {
    const ctx = context();
    const seen: MetricUpdate[] = [];
    ctx.hub.subscribe('other', { record: (u) => seen.push(u) });
    const failing = new InMemoryBatchExporter();
    failing.exportBatch = (_b, cb) => cb({ code: 1, error: new Error('503') });
    const exporter = new OtelExporter(config, ctx, { createExporter: async () => () => failing });
    await exporter.start(new AbortController().signal);
    await exporter.forceFlush();
    await exporter.forceFlush();
    const errors = seen.filter((u) => u.op === 'add' && u.metric === Metrics.exporterErrors && u.labels['exporter'] === 'otel');
    assert.deepEqual(
      errors.map((u) => (u.op === 'add' ? u.value : NaN)),
      [0, 1, 1],
    );
    assert.equal(exporter.failedExports, 2);
    await exporter.shutdown();
  });

  it('shutdown keeps to shutdownTimeoutMs against a sender that never answers; the failed final flush is logged and counted', async () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const ctx = { ...context(createLogger('warn', {}, { write: (s: string) => void lines.push(s) })), clock, shutdownTimeoutMs: 3_000 };
    const counted: number[] = [];
    ctx.hub.subscribe('watcher', { record: (u) => void (u.op === 'add' && u.metric === Metrics.exporterErrors && u.value > 0 && counted.push(u.value)) });
    let exports = 0;
    const silent: BatchMetricExporter = {
      exportBatch: () => void exports++, // accepts the batch and never calls back
      export: () => void exports++,
      forceFlush: () => new Promise(() => undefined),
      shutdown: () => new Promise(() => undefined),
    };
    // exportTimeout far above the budget: only the budget can end the shutdown in time.
    const exporter = new OtelExporter({ ...config, exportTimeout: 600_000 }, ctx, { createExporter: async () => () => silent });
    await exporter.start(new AbortController().signal);
    ctx.hub.emit({ type: 'state-changed', target: 'rds1', at: 1, from: 'idle', to: 'connected', reason: 'connected' });
    let resolved = false;
    const stopping = exporter.shutdown().then(() => void (resolved = true));
    await clock.tickAsync(2_999);
    assert.equal(resolved, false, 'still flushing 1 ms before the budget runs out');
    await clock.tickAsync(1);
    assert.equal(resolved, true, 'resolved when the budget ran out');
    await stopping;
    assert.equal(exports, 1, 'the final flush was attempted, once');
    assert.equal(exporter.failedExports, 1);
    assert.deepEqual(counted, [1], 'counted once in rds_exporter_errors_total{exporter="otel"}');
    assert.equal(lines.length, 1, `logged once: ${lines.join('')}`);
    assert.match(lines[0]!, /final OTLP flush did not complete within the shutdown budget/);
    assert.equal(clock.pendingTimers(), 0, 'no timer of ours survives the shutdown');
  });

  it('a final flush the collector refuses is logged and counted, and shutdown does not wait for the budget', async () => {
    const clock = new FakeClock();
    const lines: string[] = [];
    const ctx = { ...context(createLogger('warn', {}, { write: (s: string) => void lines.push(s) })), clock };
    const refusing = new InMemoryBatchExporter();
    refusing.exportBatch = (_b, cb) => cb({ code: 1, error: new Error('503 Service Unavailable') });
    const exporter = new OtelExporter(config, ctx, { createExporter: async () => () => refusing });
    await exporter.start(new AbortController().signal);
    await exporter.shutdown(); // no clock tick needed
    assert.equal(exporter.failedExports, 1);
    assert.equal(lines.length, 1, `one line, not also "will keep trying": ${lines.join('')}`);
    assert.ok(lines[0]!.includes('final OTLP flush failed') && lines[0]!.includes('503'), lines[0]);
  });

  it('never logs header values, even when exports fail against a real OTLP exporter', async () => {
    const lines: string[] = [];
    const logger = createLogger('trace', {}, { write: (s: string) => void lines.push(s) });
    const ctx = { ...context(logger), clock: { now: () => 0, sleep: () => new Promise<void>(() => undefined) } };
    // A port with nothing listening: every export fails with ECONNREFUSED.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const secret = 'Bearer s3cr3t-t0ken-value';
    for (const protocol of ['http/protobuf', 'http/json', 'grpc'] as const) {
      const endpoint = protocol === 'grpc' ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/v1/metrics`;
      const exporter = new OtelExporter({ ...config, protocol, endpoint, exportTimeout: 500, headers: { authorization: secret, 'x-api-key': secret } }, ctx);
      await exporter.start(new AbortController().signal);
      await exporter.forceFlush();
      await exporter.shutdown();
      assert.ok(exporter.failedExports >= 1, `${protocol}: the export failed`);
    }
    assert.ok(lines.some((l) => l.includes('OTLP export failed')), 'the failure was logged');
    for (const line of lines) assert.ok(!line.includes('s3cr3t'), `log line leaks a header: ${line}`);
  });
});
