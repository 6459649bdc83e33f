import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { METRIC_CATALOG, Metrics, RECONNECT_DURATION_BUCKETS, type MetricDef } from '@rds-agent/core';
import { AccountingExporter } from '../export/accounting-exporter.js';
import { CatalogInstruments } from './catalog-instruments.js';

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {}, child: () => silent };
const clock = { now: () => 0, sleep: () => Promise.resolve() };

/**
 * An SDK pipeline that never exports on its own (1 h interval): tests call `collect()`, which
 * force-flushes into an in-memory exporter and returns the last export. The exporter is wrapped in
 * the AccountingExporter, as in production, so its temporality rules apply.
 */
function pipeline(temporality: AggregationTemporality) {
  const memory = new InMemoryMetricExporter(temporality);
  const exporter = new AccountingExporter(memory, silent, clock, { onFailure() {} });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000, exportTimeoutMillis: 1000 });
  const provider = new MeterProvider({ readers: [reader] });
  const instruments = new CatalogInstruments(provider.getMeter('test'));
  return {
    instruments,
    async collect(): Promise<Map<string, MetricData>> {
      memory.reset();
      await provider.forceFlush();
      const out = new Map<string, MetricData>();
      for (const rm of memory.getMetrics()) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) out.set(m.descriptor.name, m);
      return out;
    },
    shutdown: () => provider.shutdown(),
  };
}

function point(metric: MetricData | undefined, attrs: Record<string, string>) {
  assert.ok(metric, 'metric exported');
  return (metric.dataPoints as Array<{ attributes: Record<string, unknown>; value: unknown }>).find((p) =>
    Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
  );
}

describe('CatalogInstruments', () => {
  it('maps every catalog metric once: OTel name, unit, description and instrument kind', async () => {
    const p = pipeline(AggregationTemporality.CUMULATIVE);
    // One series per catalog metric, so that each is exported.
    for (const def of METRIC_CATALOG) {
      const labels = Object.fromEntries(def.labels.map((l) => [l, 'x']));
      const op = def.kind === 'counter' ? 'add' : def.kind === 'gauge' ? 'set' : 'observe';
      p.instruments.record({ op, metric: def, labels, value: 1 });
    }
    const got = await p.collect();
    assert.equal(got.size, METRIC_CATALOG.length);
    const expectedType: Record<MetricDef['kind'], DataPointType> = {
      counter: DataPointType.SUM,
      gauge: DataPointType.GAUGE,
      histogram: DataPointType.HISTOGRAM,
    };
    for (const def of METRIC_CATALOG) {
      const m = got.get(def.otelName);
      assert.ok(m, `${def.otelName} exported`);
      assert.equal(m.descriptor.unit, def.unit, `${def.otelName} unit`);
      assert.equal(m.descriptor.description, def.help);
      assert.equal(m.dataPointType, expectedType[def.kind], `${def.otelName} kind`);
      if (m.dataPointType === DataPointType.SUM) assert.equal(m.isMonotonic, true);
    }
    assert.equal(got.get('rds.connection.state')!.descriptor.unit, '{state}');
    assert.equal(got.get('rds.reconnect.duration')!.descriptor.unit, 's');
    await p.shutdown();
  });

  it('applies set, add and observe with labels as attributes; histogram buckets come from the catalog', async () => {
    const p = pipeline(AggregationTemporality.CUMULATIVE);
    p.instruments.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'rds1' }, value: 1 });
    p.instruments.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'rds2' }, value: 1 });
    p.instruments.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'rds2' }, value: 0 });
    p.instruments.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 'rds1', status: 'failure' }, value: 0 });
    p.instruments.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 'rds1', status: 'success' }, value: 1 });
    p.instruments.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 'rds1', status: 'success' }, value: 2 });
    for (const v of [0.05, 0.7, 3, 120]) p.instruments.record({ op: 'observe', metric: Metrics.reconnectDuration, labels: { target: 'rds1' }, value: v });
    const got = await p.collect();

    const state = got.get('rds.connection.state');
    assert.equal(point(state, { target: 'rds1' })!.value, 1);
    assert.equal(point(state, { target: 'rds2' })!.value, 0);
    const reconnects = got.get('rds.reconnect');
    assert.equal(point(reconnects, { target: 'rds1', status: 'success' })!.value, 3);
    assert.equal(point(reconnects, { target: 'rds1', status: 'failure' })!.value, 0, 'an add of 0 creates the series');

    const hist = got.get('rds.reconnect.duration') as HistogramMetricData;
    const h = point(hist, { target: 'rds1' })!.value as { buckets: { boundaries: number[]; counts: number[] }; count: number; sum: number };
    assert.deepEqual(h.buckets.boundaries, [...RECONNECT_DURATION_BUCKETS]);
    // 0.05 <= 0.1; 0.7 in (0.5, 1]; 3 in (2, 5]; 120 > 60 (overflow bucket).
    assert.deepEqual(h.buckets.counts, [1, 0, 1, 0, 1, 0, 0, 0, 1]);
    assert.equal(h.count, 4);
    assert.equal(h.sum, 0.05 + 0.7 + 3 + 120);
    await p.shutdown();
  });

  it('delete drops one gauge series; forget drops every gauge series of the target, under cumulative temporality too', async () => {
    const p = pipeline(AggregationTemporality.CUMULATIVE);
    p.instruments.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'gone' }, value: 1 });
    p.instruments.record({ op: 'set', metric: Metrics.backoffDelay, labels: { target: 'gone' }, value: 2 });
    p.instruments.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 'kept' }, value: 1 });
    const info = { target: 'kept', transport: 'rds-ssh', host_key_verification: 'pinned', probe_mode: 'command' };
    p.instruments.record({ op: 'set', metric: Metrics.targetInfo, labels: info, value: 1 });
    p.instruments.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 'gone', status: 'success' }, value: 1 });
    let got = await p.collect();
    assert.ok(point(got.get('rds.connection.state'), { target: 'gone' }));
    assert.equal(p.instruments.gaugeSeriesCount(), 4);

    p.instruments.record({ op: 'forget', target: 'gone' });
    p.instruments.record({ op: 'delete', metric: Metrics.targetInfo, labels: info });
    got = await p.collect();
    assert.equal(point(got.get('rds.connection.state'), { target: 'gone' }), undefined, 'gauge of a removed target is not reported');
    assert.ok(point(got.get('rds.connection.state'), { target: 'kept' }));
    assert.equal(got.get('rds.backoff.delay'), undefined);
    assert.equal(got.get('rds.target.info'), undefined);
    // Documented limitation: a cumulative counter keeps its total after forget.
    assert.equal(point(got.get('rds.reconnect'), { target: 'gone', status: 'success' })!.value, 1);
    assert.equal(p.instruments.gaugeSeriesCount(), 1);
    await p.shutdown();
  });

  it('delta temporality: counters and histograms report the change since the last export; gauges their value', async () => {
    const p = pipeline(AggregationTemporality.DELTA);
    p.instruments.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 't', status: 'success' }, value: 2 });
    p.instruments.record({ op: 'observe', metric: Metrics.reconnectDuration, labels: { target: 't' }, value: 1.5 });
    p.instruments.record({ op: 'set', metric: Metrics.connectionState, labels: { target: 't' }, value: 1 });
    let got = await p.collect();
    assert.equal(got.get('rds.reconnect')!.aggregationTemporality, AggregationTemporality.DELTA);
    assert.equal(point(got.get('rds.reconnect'), { target: 't', status: 'success' })!.value, 2);
    p.instruments.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 't', status: 'success' }, value: 1 });
    got = await p.collect();
    assert.equal(point(got.get('rds.reconnect'), { target: 't', status: 'success' })!.value, 1);
    assert.equal(got.get('rds.reconnect.duration'), undefined, 'no new observations, no histogram point');
    assert.equal(point(got.get('rds.connection.state'), { target: 't' })!.value, 1, 'a gauge keeps reporting its value');

    const c = pipeline(AggregationTemporality.CUMULATIVE);
    c.instruments.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 't', status: 'success' }, value: 2 });
    await c.collect();
    c.instruments.record({ op: 'add', metric: Metrics.reconnects, labels: { target: 't', status: 'success' }, value: 1 });
    got = await c.collect();
    assert.equal(got.get('rds.reconnect')!.aggregationTemporality, AggregationTemporality.CUMULATIVE);
    assert.equal(point(got.get('rds.reconnect'), { target: 't', status: 'success' })!.value, 3);
    await p.shutdown();
    await c.shutdown();
  });

  it('creates an instrument on first sight for a metric outside the catalog', async () => {
    const p = pipeline(AggregationTemporality.CUMULATIVE);
    const custom: MetricDef = { name: 'rds_disk_free_bytes', otelName: 'rds.disk.free', kind: 'gauge', unit: 'By', labels: ['target', 'disk'], help: 'Free bytes.' };
    p.instruments.record({ op: 'set', metric: custom, labels: { target: 't', disk: 'raid1' }, value: 1e12 });
    const got = await p.collect();
    assert.equal(got.get('rds.disk.free')!.descriptor.unit, 'By');
    assert.equal(point(got.get('rds.disk.free'), { disk: 'raid1' })!.value, 1e12);
    await p.shutdown();
  });
});
