import 'reflect-metadata';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { AggregationTemporality, InMemoryMetricExporter, type MetricData, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { Metrics, type ExporterContext, type MetricUpdate } from '@rds-agent/core';
import { createLogger, MetricsHub, silentLogger, StatusStore } from '@rds-agent/core/testing';
import type { OtelExporterConfig } from './config.js';
import plugin, { otelExporterDefinition } from './index.js';
import { OtelExporter } from './otel-exporter.js';

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
  const hub = new MetricsHub(logger, '9.8.7');
  return { name: 'otel', logger, clock: { now: () => 0, sleep: () => Promise.resolve() }, metrics: hub, status: new StatusStore(), version: '9.8.7', shutdownTimeoutMs: 5000, catalog: hub.catalog, hub };
}

function metricsIn(memory: InMemoryMetricExporter): Map<string, MetricData> {
  const out = new Map<string, MetricData>();
  for (const rm of memory.getMetrics()) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) out.set(m.descriptor.name, m);
  return out;
}

function valueFor(metric: MetricData | undefined, attrs: Record<string, string>): unknown {
  return (metric?.dataPoints as Array<{ attributes: Record<string, unknown>; value: unknown }> | undefined)?.find((p) =>
    Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
  )?.value;
}

class CountingShutdown extends InMemoryMetricExporter {
  shutdowns = 0;
  override shutdown(): Promise<void> {
    this.shutdowns++;
    return super.shutdown();
  }
}

describe('OtelExporter lifecycle', () => {
  it('registers the otel exporter type through the plugin host', () => {
    const added: Array<[string, unknown]> = [];
    const host = { addExporter: (type: string, def: unknown) => added.push([type, def]) } as never;
    void plugin.register(host, {});
    assert.equal(plugin.name, '@rds-agent/exporter-otel');
    assert.equal(plugin.apiVersion, '^1.0.0');
    assert.deepEqual(added, [['otel', otelExporterDefinition]]);
  });

  it('shutdown before start is safe; start after shutdown does nothing; shutdown twice is one shutdown', async () => {
    const ctx = context();
    let created = 0;
    const never = new OtelExporter(config, ctx, { createExporter: async () => (created++, new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)) });
    await never.shutdown();
    await never.shutdown();
    await never.start(new AbortController().signal);
    await never.forceFlush();
    assert.equal(created, 0);

    const memory = new CountingShutdown(AggregationTemporality.CUMULATIVE);
    const exporter = new OtelExporter(config, ctx, { createExporter: async () => memory });
    await exporter.start(new AbortController().signal);
    const a = exporter.shutdown();
    const b = exporter.shutdown();
    assert.equal(a, b);
    await a;
    await exporter.shutdown();
    assert.equal(memory.shutdowns, 1);
  });

  it('start rejects at once on an aborted signal', async () => {
    const ctx = context();
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(new OtelExporter(config, ctx).start(ac.signal));
  });

  it('exports hub updates with the catalog names; the error counter exists at 0; shutdown flushes the last values', async () => {
    const ctx = context();
    const memory = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const exporter = new OtelExporter(config, ctx, { createExporter: async () => memory });
    ctx.hub.emit({ type: 'state-changed', target: 'rds1', at: 1_000, from: 'idle', to: 'connected', reason: 'connected' });
    await exporter.start(new AbortController().signal);
    await exporter.forceFlush();
    let got = metricsIn(memory);
    assert.equal(valueFor(got.get('rds.connection.state'), { target: 'rds1' }), 1, 'gauges replayed on subscribe');
    assert.equal(valueFor(got.get('rds.agent.build_info'), { version: '9.8.7' }), 1);
    assert.equal(valueFor(got.get('rds.exporter.errors'), { exporter: 'otel' }), 0);
    assert.equal(memory.getMetrics()[0]!.resource.attributes['service.version'], '9.8.7');

    ctx.hub.emit({ type: 'state-changed', target: 'rds1', at: 2_000, from: 'connected', to: 'disconnected', reason: 'network' });
    memory.reset();
    await exporter.shutdown();
    got = metricsIn(memory);
    assert.equal(valueFor(got.get('rds.connection.state'), { target: 'rds1' }), 0, 'final flush carried the last value');
    assert.equal(memory.getMetrics().length, 1, 'exactly one final export (the SDK shutdown does not send again)');
    ctx.hub.emit({ type: 'state-changed', target: 'rds1', at: 3_000, from: 'disconnected', to: 'connected', reason: 'connected' });
  });

  it('shutdown while start is still building the SDK exporter releases it and never subscribes', async () => {
    const ctx = context();
    const memory = new CountingShutdown(AggregationTemporality.CUMULATIVE);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const exporter = new OtelExporter(config, ctx, { createExporter: async () => (await gate, memory) });
    const starting = exporter.start(new AbortController().signal);
    const stopping = exporter.shutdown();
    release();
    await starting;
    await stopping;
    assert.equal(memory.shutdowns, 1);
    assert.equal(exporter.gaugeSeries, 0);
  });

  it('a failed export is counted in rds_exporter_errors_total{exporter="otel"} for every exporter', async () => {
    const ctx = context();
    const seen: MetricUpdate[] = [];
    ctx.hub.subscribe('other', { record: (u) => seen.push(u) });
    const failing: PushMetricExporter = {
      export: (_m, cb) => cb({ code: 1, error: new Error('503') }),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const exporter = new OtelExporter(config, ctx, { createExporter: async () => failing });
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

  it('never logs header values, even when exports fail against a real OTLP exporter', async () => {
    const lines: string[] = [];
    const logger = createLogger('trace', {}, { write: (s: string) => void lines.push(s) });
    const ctx = context(logger);
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
