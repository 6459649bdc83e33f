import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';
import { AgentError, ErrorCode } from '@rds-agent/core';
import type { OtelExporterConfig } from '../config.js';
import { createOtlpExporterFactory, resolveEndpoint } from './create-otlp-exporter.js';

const createOtlpExporter = async (config: OtelExporterConfig, env: Record<string, string>) => (await createOtlpExporterFactory(config, env))(config.exportTimeout);

const base: OtelExporterConfig = {
  endpoint: null,
  protocol: 'http/protobuf',
  headers: {},
  exportInterval: 60_000,
  exportTimeout: 10_000,
  temporality: null,
  compression: null,
  tls: { caFile: null, certFile: null, keyFile: null, insecure: false },
  resourceAttributes: {},
};

describe('resolveEndpoint', () => {
  it('config wins; else the SDK reads OTEL_EXPORTER_OTLP_(METRICS_)ENDPOINT; else 127.0.0.1', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' };
    assert.equal(resolveEndpoint({ ...base, endpoint: 'http://cfg:4318/v1/metrics' }, env), 'http://cfg:4318/v1/metrics');
    assert.equal(resolveEndpoint(base, env), undefined);
    assert.equal(resolveEndpoint(base, { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://env:4318/x' }), undefined);
    assert.equal(resolveEndpoint(base, { OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }), 'http://127.0.0.1:4318/v1/metrics');
    assert.equal(resolveEndpoint(base, {}), 'http://127.0.0.1:4318/v1/metrics');
    assert.equal(resolveEndpoint({ ...base, protocol: 'grpc' }, {}), 'http://127.0.0.1:4317');
  });
});

describe('createOtlpExporterFactory', () => {
  for (const protocol of ['http/protobuf', 'http/json', 'grpc'] as const) {
    it(`${protocol}: temporality from config, else from OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, else cumulative`, async () => {
      const delta = await createOtlpExporter({ ...base, protocol, temporality: 'delta' }, {});
      assert.equal(delta.selectAggregationTemporality!(InstrumentType.COUNTER), AggregationTemporality.DELTA);
      assert.equal(delta.selectAggregationTemporality!(InstrumentType.HISTOGRAM), AggregationTemporality.DELTA);
      const saved = process.env['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'];
      process.env['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'] = 'delta';
      try {
        const fromEnv = await createOtlpExporter({ ...base, protocol }, {});
        assert.equal(fromEnv.selectAggregationTemporality!(InstrumentType.COUNTER), AggregationTemporality.DELTA);
        const explicit = await createOtlpExporter({ ...base, protocol, temporality: 'cumulative' }, {});
        assert.equal(explicit.selectAggregationTemporality!(InstrumentType.COUNTER), AggregationTemporality.CUMULATIVE, 'config wins over env');
        await Promise.all([fromEnv.shutdown(), explicit.shutdown()]);
      } finally {
        if (saved === undefined) delete process.env['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'];
        else process.env['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'] = saved;
      }
      const dflt = await createOtlpExporter({ ...base, protocol }, {});
      assert.equal(dflt.selectAggregationTemporality!(InstrumentType.COUNTER), AggregationTemporality.CUMULATIVE);
      await Promise.all([delta.shutdown(), dflt.shutdown()]);
    });
  }

  it('an unreadable TLS file fails start with RDS_AGENT_ERR_EXPORTER_START naming the key', async () => {
    const err = await createOtlpExporter({ ...base, endpoint: 'https://127.0.0.1:4318/v1/metrics', tls: { ...base.tls, caFile: '/nonexistent/ca.pem' } }, {}).then(
      () => assert.fail('should reject'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof AgentError);
    assert.equal(err.code, ErrorCode.EXPORTER_START);
    assert.match(err.message, /exporters\.otel\.tls\.caFile/);
  });
});
