import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { metrics } from '@opentelemetry/api';
import { type MetricsExporter } from '@rds-agent/core';
import { validateFragment } from '@rds-agent/core/host';
import { prometheusExporterDefinition, type PrometheusExporter, type PrometheusExporterConfig } from '@rds-agent/exporter-prometheus';
import { metricsOf, OtlpReceiver, pointWith, valueOf } from '../support/otlp-receiver.js';
import { agentCore, lossAndRecovery, otelFromRaw } from '../support/otlp-scenario.js';

/** Both exporters on one hub, as the agent runs them when both are enabled; each can stop alone. */
describe('otel and prometheus exporters side by side', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await OtlpReceiver.start();
  });
  after(async () => {
    await receiver.stop();
  });

  it('agree on the values, leave the global OTel meter provider alone, and stop independently', async () => {
    const { hub, context } = agentCore();
    const promConfig = validateFragment(prometheusExporterDefinition.schema, { host: '127.0.0.1', port: 0 }, 'exporters.prometheus');
    assert.deepEqual(promConfig.issues, []);
    const prom = prometheusExporterDefinition.create(promConfig.value as unknown as PrometheusExporterConfig, { ...context, name: 'prometheus' }) as PrometheusExporter;
    const otelA = otelFromRaw({ endpoint: receiver.httpUrl, exportInterval: '1h', resourceAttributes: { instance: 'a' } }, context);
    const otelB = otelFromRaw({ endpoint: receiver.grpcUrl, protocol: 'grpc', exportInterval: '1h', resourceAttributes: { instance: 'b' } }, context);
    const all: MetricsExporter[] = [prom, otelA, otelB];
    const globalBefore = metrics.getMeterProvider();
    for (const e of all) await e.start(AbortSignal.timeout(10_000));
    try {
      assert.equal(metrics.getMeterProvider(), globalBefore, 'no exporter installed a global MeterProvider');
      for (const e of lossAndRecovery('rds1', 1_700_000_000_000)) hub.emit(e);

      const scrape = await (await fetch(`${prom.url!}/metrics`)).text();
      assert.match(scrape, /^rds_connection_state\{target="rds1"\} 1$/m);
      assert.match(scrape, /^rds_reconnect_total\{target="rds1",status="success"\} 2$/m);

      await Promise.all([otelA.forceFlush(), otelB.forceFlush()]);
      for (const transport of ['http/protobuf', 'grpc'] as const) {
        const got = await receiver.waitFor((e) => e.transport === transport);
        const m = metricsOf(got);
        assert.equal(valueOf(pointWith(m.get('rds.connection.state')!.gauge?.dataPoints, { target: 'rds1' })!), 1);
        assert.equal(valueOf(pointWith(m.get('rds.reconnect')!.sum?.dataPoints, { target: 'rds1', status: 'success' })!), 2);
      }

      // Switch Prometheus off: OTLP keeps working.
      await prom.shutdown();
      receiver.clear();
      hub.emit({ type: 'state-changed', target: 'rds1', at: 1_700_000_020_000, from: 'connected', to: 'disconnected', reason: 'network' });
      await otelA.forceFlush();
      const later = await receiver.waitFor((e) => e.transport === 'http/protobuf');
      assert.equal(valueOf(pointWith(metricsOf(later).get('rds.connection.state')!.gauge?.dataPoints, { target: 'rds1' })!), 0);
    } finally {
      for (const e of all) await e.shutdown();
    }
  });
});
