import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import root from 'otlp-transformer-decoder/build/src/generated/root.js';
import { PullMetricReader } from '../devices/pull-metric-reader.js';
import { jsonBatchSerializer, protobufBatchSerializer } from './batch-serializers.js';

// The official OTLP protobuf definitions (generated code of @opentelemetry/otlp-transformer@0.217.0).
interface MessageType {
  decode(buf: Uint8Array): unknown;
  fromObject(obj: unknown): unknown;
  toObject(msg: unknown, options: Record<string, unknown>): unknown;
}
const Request = (root as unknown as { opentelemetry: { proto: { collector: { metrics: { v1: Record<string, MessageType> } } } } }).opentelemetry.proto.collector.metrics.v1['ExportMetricsServiceRequest']!;
type Decoded = { resourceMetrics?: Array<{ resource?: { attributes?: Array<{ key: string; value?: { stringValue?: string } }> }; scopeMetrics?: Array<{ metrics?: Array<{ name: string; sum?: { dataPoints?: Array<{ asDouble?: number }> } }> }> }> };
const TO_OBJECT = { longs: Number, enums: String, arrays: true, defaults: false, oneofs: true };

/** One collected resource with one counter point. */
async function resourceMetrics(name: string, value: number): Promise<ResourceMetrics> {
  const reader = new PullMetricReader({});
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'host.name': name }), readers: [reader] });
  provider.getMeter('test').createCounter('things').add(value);
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics;
}

function summary(decoded: Decoded): Array<[string | undefined, number | undefined]> {
  return (decoded.resourceMetrics ?? []).map((rm) => [
    rm.resource?.attributes?.find((a) => a.key === 'host.name')?.value?.stringValue,
    rm.scopeMetrics?.[0]?.metrics?.[0]?.sum?.dataPoints?.[0]?.asDouble,
  ]);
}

describe('batch serializers', () => {
  it('protobuf: one ExportMetricsServiceRequest holding every resource, in order', async () => {
    const batch = [await resourceMetrics('agent', 1), await resourceMetrics('rds1', 2), await resourceMetrics('rds2', 3)];
    const bytes = protobufBatchSerializer.serializeRequest(batch)!;
    const decoded = Request.toObject(Request.decode(bytes), TO_OBJECT) as Decoded;
    assert.deepEqual(summary(decoded), [
      ['agent', 1],
      ['rds1', 2],
      ['rds2', 3],
    ]);
    assert.equal(protobufBatchSerializer.serializeRequest([]), undefined);
  });

  it('json: one request object holding every resource, in order, valid against the OTLP schema', async () => {
    const batch = [await resourceMetrics('agent', 1), await resourceMetrics('rds1', 2)];
    const text = new TextDecoder().decode(jsonBatchSerializer.serializeRequest(batch)!);
    const decoded = Request.toObject(Request.fromObject(JSON.parse(text)), TO_OBJECT) as Decoded;
    assert.deepEqual(summary(decoded), [
      ['agent', 1],
      ['rds1', 2],
    ]);
    assert.equal(jsonBatchSerializer.serializeRequest([]), undefined);
  });
});
