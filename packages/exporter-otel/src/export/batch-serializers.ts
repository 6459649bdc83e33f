import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { JsonMetricsSerializer, ProtobufMetricsSerializer, type IExportMetricsServiceResponse, type ISerializer } from '@opentelemetry/otlp-transformer';

/** Serialises a batch of resources into one `ExportMetricsServiceRequest`. */
export type BatchSerializer = ISerializer<readonly ResourceMetrics[], IExportMetricsServiceResponse>;

/**
 * Protobuf: each resource is encoded by the SDK's own serializer as a one-resource request, and the
 * encodings are concatenated. Protobuf defines concatenation as merging, and the request's only
 * field, `repeated ResourceMetrics resource_metrics = 1`, is appended to: the bytes are exactly
 * one request holding every resource, in order (checked by decoding in the tests).
 */
export const protobufBatchSerializer: BatchSerializer = {
  serializeRequest(batch) {
    const parts: Uint8Array[] = [];
    for (const rm of batch) {
      const part = ProtobufMetricsSerializer.serializeRequest(rm);
      if (part !== undefined) parts.push(part);
    }
    return parts.length === 0 ? undefined : concat(parts);
  },
  deserializeResponse: (data) => ProtobufMetricsSerializer.deserializeResponse(data),
};

/**
 * OTLP/JSON: each resource is encoded by the SDK's own serializer (its int64, bytes and enum
 * rules), and the `resourceMetrics` arrays are joined into one request object. Cost: one
 * JSON.parse per resource per export interval.
 */
export const jsonBatchSerializer: BatchSerializer = {
  serializeRequest(batch) {
    const decoder = new TextDecoder();
    const resourceMetrics: unknown[] = [];
    for (const rm of batch) {
      const part = JsonMetricsSerializer.serializeRequest(rm);
      if (part === undefined) continue;
      const request = JSON.parse(decoder.decode(part)) as { resourceMetrics?: unknown[] };
      resourceMetrics.push(...(request.resourceMetrics ?? []));
    }
    return resourceMetrics.length === 0 ? undefined : new TextEncoder().encode(JSON.stringify({ resourceMetrics }));
  },
  deserializeResponse: (data) => JsonMetricsSerializer.deserializeResponse(data),
};

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let size = 0;
  for (const p of parts) size += p.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
