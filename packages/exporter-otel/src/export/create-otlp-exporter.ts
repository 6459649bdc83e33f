import { readFileSync } from 'node:fs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { AgentError, ErrorCode } from '@rds-agent/core';
import { DEFAULT_GRPC_ENDPOINT, DEFAULT_HTTP_ENDPOINT, type OtelExporterConfig } from '../config.js';

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

/**
 * Builds the SDK's OTLP metric exporter for the configured protocol. Every value set in config is
 * passed explicitly (the SDK lets it win over `OTEL_EXPORTER_OTLP_*`); unset ones are left out so
 * the SDK's environment handling applies. Rejects with `RDS_AGENT_ERR_EXPORTER_START` naming the key
 * when a TLS file cannot be read.
 */
export async function createOtlpExporter(config: Readonly<OtelExporterConfig>, env: Env = process.env): Promise<PushMetricExporter> {
  const tls = readTls(config.tls);
  const url = resolveEndpoint(config, env);
  const { AggregationTemporalityPreference } = await import('@opentelemetry/exporter-metrics-otlp-http');
  const common = {
    ...(url !== undefined ? { url } : {}),
    timeoutMillis: config.exportTimeout,
    ...(config.temporality !== null
      ? { temporalityPreference: config.temporality === 'delta' ? AggregationTemporalityPreference.DELTA : AggregationTemporalityPreference.CUMULATIVE }
      : {}),
    ...(config.compression !== null ? { compression: config.compression as never } : {}),
  };
  const hasTls = tls.ca !== undefined || tls.cert !== undefined;

  if (config.protocol === 'grpc') {
    const grpc = await import('@grpc/grpc-js');
    const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-grpc');
    const metadata = new grpc.Metadata();
    for (const [name, value] of Object.entries(config.headers)) metadata.set(name.toLowerCase(), value);
    let credentials: import('@grpc/grpc-js').ChannelCredentials | undefined;
    if (config.tls.insecure) credentials = grpc.credentials.createInsecure();
    else if (hasTls) credentials = grpc.credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null);
    return new OTLPMetricExporter({ ...common, metadata, ...(credentials ? { credentials } : {}) });
  }

  const http = {
    ...common,
    headers: { ...config.headers },
    // Only when TLS is configured here: otherwise the SDK's agent honours OTEL_EXPORTER_OTLP_CERTIFICATE & co.
    ...(hasTls ? { httpAgentOptions: { keepAlive: true, ...tls } } : {}),
  };
  if (config.protocol === 'http/json') {
    const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
    return new OTLPMetricExporter(http);
  }
  const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-proto');
  return new OTLPMetricExporter(http);
}
