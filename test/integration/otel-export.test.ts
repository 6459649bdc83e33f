import 'reflect-metadata';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { METRIC_CATALOG, RECONNECT_DURATION_BUCKETS } from '@rds-agent/core';
import { METER_NAME } from '@rds-agent/exporter-otel';
import { attributesOf, metricsOf, OtlpReceiver, pointWith, resourceOf, valueOf, type OtlpTransport } from '../support/otlp-receiver.js';
import { AGENT_VERSION, agentCore, lossAndRecovery, otelFromRaw } from '../support/otlp-scenario.js';

/**
 * The otel exporter fed by a real MetricsHub, pushing with the real SDK exporters to a receiver that
 * decodes every request with the official OTLP protobuf definitions, once per protocol.
 */
describe('otel exporter -> OTLP receiver', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await OtlpReceiver.start();
  });
  after(async () => {
    await receiver.stop();
  });

  for (const protocol of ['http/protobuf', 'http/json', 'grpc'] as const satisfies readonly OtlpTransport[]) {
    it(`${protocol}: names, units, attributes, resource, histogram buckets and values of a loss and recovery`, async () => {
      receiver.clear();
      const { hub, status, context } = agentCore();
      const exporter = otelFromRaw(
        {
          endpoint: receiver.urlFor(protocol),
          protocol,
          exportInterval: '1h',
          headers: { authorization: 'Bearer test-token' },
          resourceAttributes: { deployment: { environment: 'test' } },
        },
        context,
      );
      await exporter.start(new AbortController().signal);
      for (const e of lossAndRecovery('rds1', 1_700_000_000_000)) hub.emit(e);
      assert.equal(status.get('rds1')?.state, 'connected');
      await exporter.forceFlush();

      const got = await receiver.waitFor((e) => e.transport === protocol && metricsOf(e).has('rds.reconnect.duration'));
      assert.deepEqual(receiver.decodeErrors, []);
      assert.equal(got.headers['authorization'], 'Bearer test-token', 'configured header sent');
      const resource = resourceOf(got);
      assert.equal(resource['service.name'], 'rds-agent');
      assert.equal(resource['service.version'], AGENT_VERSION);
      assert.equal(resource['host.name'], hostname());
      assert.equal(resource['deployment.environment'], 'test');
      assert.equal(got.request.resourceMetrics?.[0]?.scopeMetrics?.[0]?.scope?.name, METER_NAME);

      const m = metricsOf(got);
      const catalogNames = new Set(METRIC_CATALOG.map((d) => d.otelName));
      for (const name of m.keys()) assert.ok(catalogNames.has(name), `${name} is a catalog name`);
      for (const def of METRIC_CATALOG) if (m.has(def.otelName)) assert.equal(m.get(def.otelName)!.unit, def.unit, `${def.otelName} unit`);

      const state = m.get('rds.connection.state')!;
      assert.equal(state.unit, '{state}');
      assert.ok(state.gauge, 'connection state is a gauge');
      assert.equal(valueOf(pointWith(state.gauge.dataPoints, { target: 'rds1' })!), 1);

      const reconnects = m.get('rds.reconnect')!;
      assert.equal(reconnects.sum?.isMonotonic, true);
      assert.equal(reconnects.sum?.aggregationTemporality, 'AGGREGATION_TEMPORALITY_CUMULATIVE');
      assert.equal(valueOf(pointWith(reconnects.sum?.dataPoints, { target: 'rds1', status: 'success' })!), 2);
      assert.equal(valueOf(pointWith(reconnects.sum?.dataPoints, { target: 'rds1', status: 'failure' })!), 1);
      assert.equal(valueOf(pointWith(m.get('rds.disconnects')!.sum?.dataPoints, { target: 'rds1', reason: 'network' })!), 1);
      assert.equal(valueOf(pointWith(m.get('rds.connect.errors')!.sum?.dataPoints, { target: 'rds1', reason: 'refused' })!), 1);
      assert.equal(valueOf(pointWith(m.get('rds.backoff.delay')!.gauge?.dataPoints, { target: 'rds1' })!), 0, 'backoff 0 once connected');
      assert.equal(valueOf(pointWith(m.get('rds.exporter.errors')!.sum?.dataPoints, { exporter: 'otel' })!), 0);
      assert.deepEqual(attributesOf(pointWith(m.get('rds.target.info')!.gauge?.dataPoints, { target: 'rds1' })!.attributes), {
        target: 'rds1',
        transport: 'rds-ssh',
        host_key_verification: 'pinned',
        probe_mode: 'command',
      });

      const duration = m.get('rds.reconnect.duration')!;
      assert.equal(duration.unit, 's');
      const h = pointWith(duration.histogram?.dataPoints, { target: 'rds1' })!;
      assert.deepEqual(h.explicitBounds, [...RECONNECT_DURATION_BUCKETS]);
      assert.equal(h.count, 2);
      assert.equal(h.sum, 0.7 + 2.5);
      // 0.7 s in (0.5, 1]; 2.5 s in (2, 5].
      assert.deepEqual(h.bucketCounts, [0, 0, 1, 0, 1, 0, 0, 0, 0]);
      const probe = pointWith(m.get('rds.probe.duration')!.histogram?.dataPoints, { target: 'rds1' })!;
      assert.equal(probe.count, 1);
      assert.equal(probe.sum, 0.004);

      // A removed target's gauges disappear from the next export.
      hub.emit({ type: 'target-removed', target: 'rds1', at: 1_700_000_100_000 });
      receiver.clear();
      await exporter.forceFlush();
      const next = await receiver.waitFor((e) => e.transport === protocol);
      const after = metricsOf(next);
      assert.equal(pointWith(after.get('rds.connection.state')?.gauge?.dataPoints, { target: 'rds1' }), undefined);
      assert.ok(pointWith(after.get('rds.agent.build_info')?.gauge?.dataPoints, { version: AGENT_VERSION }));
      await exporter.shutdown();
    });
  }

  it('delta temporality reaches the wire as DELTA sums and histograms', async () => {
    receiver.clear();
    const { hub, context } = agentCore();
    const exporter = otelFromRaw({ endpoint: receiver.httpUrl, exportInterval: '1h', temporality: 'delta' }, context);
    await exporter.start(new AbortController().signal);
    for (const e of lossAndRecovery('rds2', 1_700_000_000_000)) hub.emit(e);
    await exporter.forceFlush();
    const first = metricsOf(await receiver.waitFor((e) => metricsOf(e).has('rds.reconnect')));
    assert.equal(first.get('rds.reconnect')!.sum?.aggregationTemporality, 'AGGREGATION_TEMPORALITY_DELTA');
    assert.equal(first.get('rds.reconnect.duration')!.histogram?.aggregationTemporality, 'AGGREGATION_TEMPORALITY_DELTA');
    receiver.clear();
    hub.emit({ type: 'attempt', target: 'rds2', at: 1_700_000_050_000, attempt: 1, outcome: 'success', durationMs: 10 });
    await exporter.forceFlush();
    const second = metricsOf(await receiver.waitFor(() => true));
    assert.equal(valueOf(pointWith(second.get('rds.reconnect')!.sum?.dataPoints, { target: 'rds2', status: 'success' })!), 1, 'only the change');
    await exporter.shutdown();
  });
});
