import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { metricsOf, OtlpReceiver, resourceOf, type OtlpTransport } from '../support/otlp-receiver.js';
import { agentCore, otelFromRaw } from '../support/otlp-scenario.js';

/**
 * The documented precedence against the standard OTEL_* variables: agent config > signal-specific
 * env > generic env > default. The SDK reads the environment when an exporter is created, so each
 * case sets process.env (this file runs in its own process) and restores it.
 */
const VARS = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_SERVICE_NAME',
];
const DEAD = 'http://127.0.0.1:9'; // discard port: nothing listens

describe('otel exporter and OTEL_* environment variables', () => {
  let receiver: OtlpReceiver;
  const saved = new Map(VARS.map((v) => [v, process.env[v]]));
  before(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterEach(() => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    receiver.clear();
  });
  after(async () => {
    await receiver.stop();
  });

  async function exportOnce(raw: Record<string, unknown>, transport: OtlpTransport = 'http/protobuf') {
    const { hub, context } = agentCore();
    const exporter = otelFromRaw({ exportInterval: '1h', exportTimeout: '2s', ...raw }, context);
    await exporter.start(new AbortController().signal);
    hub.emit({ type: 'attempt', target: 'rds1', at: 1, attempt: 1, outcome: 'success', durationMs: 1 });
    await exporter.shutdown(); // one export: the final flush
    return { failed: exporter.failedExports, got: receiver.received.filter((e) => e.transport === transport) };
  }

  it('endpoint unset: OTEL_EXPORTER_OTLP_ENDPOINT is used, with /v1/metrics appended', async () => {
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = `http://127.0.0.1:${receiver.httpPort}`;
    const { got } = await exportOnce({});
    assert.equal(got.length, 1);
  });

  it('endpoint unset: the signal-specific variable wins over the generic one and is used verbatim', async () => {
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = DEAD;
    process.env['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'] = receiver.httpUrl;
    const { got } = await exportOnce({});
    assert.equal(got.length, 1);
  });

  it('endpoint in config wins over both variables', async () => {
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = DEAD;
    process.env['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'] = `${DEAD}/v1/metrics`;
    const { got, failed } = await exportOnce({ endpoint: receiver.httpUrl });
    assert.equal(failed, 0);
    assert.equal(got.length, 1);
  });

  for (const protocol of ['http/protobuf', 'grpc'] as const) {
    it(`${protocol}: OTEL_EXPORTER_OTLP_HEADERS are merged; a header set in config wins`, async () => {
      process.env['OTEL_EXPORTER_OTLP_HEADERS'] = 'authorization=from-env,x-from-env=yes';
      const { got } = await exportOnce({ protocol, endpoint: receiver.urlFor(protocol), headers: { authorization: 'from-config' } }, protocol);
      assert.equal(got.length, 1);
      assert.equal(got[0]!.headers['authorization'], 'from-config');
      assert.equal(got[0]!.headers['x-from-env'], 'yes');
    });
  }

  it('temporality unset: OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE applies; set in config, config wins', async () => {
    process.env['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'] = 'delta';
    let { got } = await exportOnce({ endpoint: receiver.httpUrl });
    assert.equal(metricsOf(got[0]!).get('rds.reconnect')!.sum?.aggregationTemporality, 'AGGREGATION_TEMPORALITY_DELTA');
    receiver.clear();
    ({ got } = await exportOnce({ endpoint: receiver.httpUrl, temporality: 'cumulative' }));
    assert.equal(metricsOf(got[0]!).get('rds.reconnect')!.sum?.aggregationTemporality, 'AGGREGATION_TEMPORALITY_CUMULATIVE');
  });

  it('OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME apply under config resourceAttributes', async () => {
    process.env['OTEL_RESOURCE_ATTRIBUTES'] = 'site=env-site,rack=r1';
    process.env['OTEL_SERVICE_NAME'] = 'rds-agent-lab';
    const { got } = await exportOnce({ endpoint: receiver.httpUrl, resourceAttributes: { site: 'config-site' } });
    const resource = resourceOf(got[0]!);
    assert.equal(resource['service.name'], 'rds-agent-lab');
    assert.equal(resource['site'], 'config-site');
    assert.equal(resource['rack'], 'r1');
  });
});
