import { readFileSync } from 'node:fs';
import { AgentError, ErrorCode } from '@rds-agent/core';
import { DEFAULT_GRPC_ENDPOINT, DEFAULT_HTTP_ENDPOINT, type OtelExporterConfig } from '../config.js';
import type { BatchExporterFactory } from './batch-metric-exporter.js';
import { jsonBatchSerializer, protobufBatchSerializer } from './batch-serializers.js';
import { BATCH_ITEMS, OtlpBatchExporter } from './otlp-batch-exporter.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The URL to hand the SDK, or `undefined` to let the SDK read `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`
 * / `OTEL_EXPORTER_OTLP_ENDPOINT` itself. Precedence: config > signal env > generic env > our
 * 127.0.0.1 default (the SDK's own default is `localhost`, which may resolve to ::1 first).
 */
export function resolveEndpoint(config: Pick<OtelExporterConfig, 'endpoint' | 'protocol'>, env: Env): string | undefined {
  if (config.endpoint !== null) return config.endpoint;
  const fromEnv = nonEmpty(env['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT']) ?? nonEmpty(env['OTEL_EXPORTER_OTLP_ENDPOINT']);
  if (fromEnv !== undefined) return undefined;
  return config.protocol === 'grpc' ? DEFAULT_GRPC_ENDPOINT : DEFAULT_HTTP_ENDPOINT;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v : undefined;
}

/** The TLS files, read once at start. */
interface TlsMaterial {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

function readTls(tls: OtelExporterConfig['tls']): TlsMaterial {
  const read = (key: 'caFile' | 'certFile' | 'keyFile'): Buffer | undefined => {
    const path = tls[key];
    if (path === null) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new AgentError(ErrorCode.EXPORTER_START, `exporters.otel.tls.${key}: cannot read ${JSON.stringify(path)} (${code})`, { cause: err });
    }
  };
  const ca = read('caFile');
  const cert = read('certFile');
  const key = read('keyFile');
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** The OTLP/gRPC method metrics are exported to. */
const GRPC_EXPORT_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';

/**
 * Prepares the OTLP exporter for the configured protocol and returns a factory of
 * {@link BatchMetricExporter}s with a given export deadline (the periodic exports and the final
 * flush at shutdown use different ones). TLS files are read, and the SDK modules loaded, once here.
 *
 * Every value set in config is passed explicitly (the SDK lets it win over `OTEL_EXPORTER_OTLP_*`);
 * unset ones are left out so the SDK's environment handling applies. Rejects with
 * `RDS_AGENT_ERR_EXPORTER_START` naming the key when a TLS file cannot be read.
 */
export async function createOtlpExporterFactory(config: Readonly<OtelExporterConfig>, env: Env = process.env): Promise<BatchExporterFactory> {
  const tls = readTls(config.tls);
  const url = resolveEndpoint(config, env);
  const { AggregationTemporalityPreference } = await import('@opentelemetry/exporter-metrics-otlp-http');
  const temporality =
    config.temporality !== null
      ? { temporalityPreference: config.temporality === 'delta' ? AggregationTemporalityPreference.DELTA : AggregationTemporalityPreference.CUMULATIVE }
      : {};
  const common = {
    ...(url !== undefined ? { url } : {}),
    ...(config.compression !== null ? { compression: config.compression as never } : {}),
  };
  const hasTls = tls.ca !== undefined || tls.cert !== undefined;
  if (config.protocol === 'grpc') {
    const grpc = await import('@grpc/grpc-js');
    const { convertLegacyOtlpGrpcOptions, createOtlpGrpcExportDelegate } = await import('@opentelemetry/otlp-grpc-exporter-base');
    const metadata = new grpc.Metadata();
    for (const [name, value] of Object.entries(config.headers)) metadata.set(name.toLowerCase(), value);
    let credentials: import('@grpc/grpc-js').ChannelCredentials | undefined;
    if (config.tls.insecure) credentials = grpc.credentials.createInsecure();
    else if (hasTls) credentials = grpc.credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null);
    return (timeoutMillis) =>
      new OtlpBatchExporter(
        createOtlpGrpcExportDelegate(
          convertLegacyOtlpGrpcOptions({ ...common, timeoutMillis, metadata, ...(credentials ? { credentials } : {}) }, 'METRICS'),
          protobufBatchSerializer,
          'otlp_grpc_metric_exporter',
          BATCH_ITEMS,
          undefined,
          'MetricsExportService',
          GRPC_EXPORT_PATH,
        ),
        temporality,
      );
  }
  const { convertLegacyHttpOptions, createOtlpHttpExportDelegate } = await import('@opentelemetry/otlp-exporter-base/node-http');
  const json = config.protocol === 'http/json';
  const http = {
    ...common,
    headers: { ...config.headers },
    // Only when TLS is configured here: otherwise the SDK's agent honours OTEL_EXPORTER_OTLP_CERTIFICATE & co.
    ...(hasTls ? { httpAgentOptions: { keepAlive: true, ...tls } } : {}),
  };
  return (timeoutMillis) =>
    new OtlpBatchExporter(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions({ ...http, timeoutMillis }, 'METRICS', 'v1/metrics', { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' }),
        json ? jsonBatchSerializer : protobufBatchSerializer,
        'otlp_http_metric_exporter',
        BATCH_ITEMS,
        undefined,
      ),
      temporality,
    );
}
