import type { ConfigIssue, ConfigSchema } from '@rds-agent/core';

/** The OTLP transports the exporter speaks. */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** Default endpoints when neither the config nor an `OTEL_EXPORTER_OTLP_*` variable names one. */
export const DEFAULT_HTTP_ENDPOINT = 'http://127.0.0.1:4318/v1/metrics';
export const DEFAULT_GRPC_ENDPOINT = 'http://127.0.0.1:4317';

/**
 * The OpenTelemetry exporter's settings, under `exporters.otel` (the agent adds `enabled`).
 *
 * `null` means "not set here": the SDK then reads the matching `OTEL_EXPORTER_OTLP_*` environment
 * variable, and only then falls back to the documented default. A value set here always wins over
 * the environment. The validated object is frozen by the agent.
 */
export interface OtelExporterConfig {
  /**
   * Where to send. Used verbatim: for http it MUST include the path (`/v1/metrics`); for grpc it is
   * `scheme://host:port` without a path (`http://` = plaintext, `https://` = TLS).
   * @default null (env, else http://127.0.0.1:4318/v1/metrics or http://127.0.0.1:4317 for grpc)
   */
  readonly endpoint: string | null;
  /** @default 'http/protobuf' */
  readonly protocol: OtlpProtocol;
  /** Extra request headers (grpc: metadata), e.g. `authorization`. Secret: never logged. @default {} */
  readonly headers: Readonly<Record<string, string>>;
  /** Time between two exports. @default 60000 (60 s, the OpenTelemetry default) */
  readonly exportInterval: number;
  /** Deadline of one export, retries included; the final flush at shutdown gets at most this and at most FINAL_FLUSH_SHARE of the shutdown budget. @default 10000 */
  readonly exportTimeout: number;
  /** @default null (env OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, else 'cumulative') */
  readonly temporality: 'cumulative' | 'delta' | null;
  /** @default null (env OTEL_EXPORTER_OTLP_COMPRESSION, else 'none') */
  readonly compression: 'none' | 'gzip' | null;
  readonly tls: {
    /** PEM CA bundle that signed the collector's certificate. @default null (system CAs) */
    readonly caFile: string | null;
    /** PEM client certificate for mutual TLS; needs `keyFile`. @default null */
    readonly certFile: string | null;
    /** PEM private key of `certFile`. @default null */
    readonly keyFile: string | null;
    /** grpc only: plaintext even when the endpoint has no `http://` scheme. @default false */
    readonly insecure: boolean;
  };
  /**
   * Resource attributes added to (and overriding) the agent's own; `service.version` is always the
   * agent's. A mapping of strings; dotted names are written nested (`deployment: { environment: prod }`)
   * because convict splits keys on dots. See {@link flattenResourceAttributes}.
   * @default {}
   */
  readonly resourceAttributes: ResourceAttributesSetting;
}

/** A nested mapping of strings, or a `k=v,k2=v2` string. */
export type ResourceAttributesSetting = string | { readonly [key: string]: string | ResourceAttributesSetting };

/** True for a mapping whose leaves are all strings (nested mappings allowed). */
function isAttributeTree(node: unknown): boolean {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && Object.values(node).every((v) => typeof v === 'string' || isAttributeTree(v));
}

/** Flattens a {@link ResourceAttributesSetting} into dotted names; the string form is percent-decoded like OTEL_RESOURCE_ATTRIBUTES. */
export function flattenResourceAttributes(setting: ResourceAttributesSetting): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof setting === 'string') {
    for (const pair of setting.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const key = pair.slice(0, eq).trim();
      try {
        if (key !== '') out[key] = decodeURIComponent(pair.slice(eq + 1).trim());
      } catch {
        // A bad percent-escape: skip this pair only, as the OTel spec asks for malformed pairs.
      }
    }
    return out;
  }
  const walk = (node: ResourceAttributesSetting, prefix: string): void => {
    if (typeof node === 'string') {
      out[prefix] = node;
      return;
    }
    for (const [k, v] of Object.entries(node)) walk(v, prefix ? `${prefix}.${k}` : k);
  };
  walk(setting, '');
  return out;
}

/** The convict fragment for `exporters.otel`. */
export const otelConfigSchema = {
  endpoint: {
    doc:
      'OTLP endpoint URL, used verbatim. http: include the path, e.g. http://collector:4318/v1/metrics (Prometheus: http://prometheus:9090/api/v1/otlp/v1/metrics). ' +
      'grpc: no path, e.g. http://collector:4317 (http:// = plaintext, https:// = TLS). ' +
      'Unset: OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, then OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/metrics), then http://127.0.0.1:4318/v1/metrics (grpc: http://127.0.0.1:4317).',
    format: 'url',
    nullable: true,
    default: null,
  },
  protocol: {
    doc: 'OTLP transport: http/protobuf, http/json or grpc.',
    format: ['http/protobuf', 'http/json', 'grpc'],
    default: 'http/protobuf',
  },
  headers: {
    doc: 'Extra request headers (grpc: metadata), e.g. { authorization: "Bearer ${file:/etc/rds-agent/otlp-token}" }. Merged over OTEL_EXPORTER_OTLP_HEADERS. Never logged.',
    format: 'string-map',
    sensitive: true,
    default: {},
  },
  exportInterval: {
    doc: 'Time between two exports (the SDK pushes the current aggregate; nothing queues while the collector is down).',
    format: 'duration',
    default: 60_000,
  },
  exportTimeout: {
    doc: 'Deadline of one export including its retries. Must not exceed exportInterval. The final flush at shutdown gets at most this and at most 80% of the exporter\'s share (half) of shutdownTimeout.',
    format: 'duration',
    default: 10_000,
  },
  temporality: {
    doc: 'Aggregation temporality of counters and histograms: cumulative or delta. Unset: OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, else cumulative.',
    format: ['cumulative', 'delta'],
    nullable: true,
    default: null,
  },
  compression: {
    doc: 'Request compression: none or gzip. Unset: OTEL_EXPORTER_OTLP_COMPRESSION, else none.',
    format: ['none', 'gzip'],
    nullable: true,
    default: null,
  },
  tls: {
    caFile: { doc: 'PEM CA bundle for an https:// endpoint (default: the system CAs; env OTEL_EXPORTER_OTLP_CERTIFICATE when no TLS key is set here).', format: 'file-path', default: null },
    certFile: { doc: 'PEM client certificate for mutual TLS (needs keyFile).', format: 'file-path', default: null },
    keyFile: { doc: 'PEM private key of certFile.', format: 'file-path', default: null },
    insecure: { doc: 'grpc only: send in plaintext even if the endpoint is not http:// (like OTEL_EXPORTER_OTLP_INSECURE).', format: 'strict-boolean', default: false },
  },
  resourceAttributes: {
    doc:
      'Resource attributes of the agent resource and of every target resource. They win over the defaults (service.name=rds-agent, host.name, a derived service.instance.id) and OTEL_RESOURCE_ATTRIBUTES, except service.version; host.*, os.*, device.* and server.* ones describe the agent\'s machine and stay off target resources. ' +
      'A mapping of strings; write dotted names as keys ("deployment.environment": prod) or nested (deployment: { environment: prod }).',
    format: Object,
    default: {},
  },
} as const satisfies ConfigSchema;

/** RFC 9110 token characters: what a header name may contain. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Cross-field checks convict cannot express. Keys are relative to `exporters.otel`; messages never
 * quote header values.
 */
export function validateOtelConfig(config: Readonly<OtelExporterConfig>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const grpc = config.protocol === 'grpc';
  let url: URL | undefined;
  if (config.endpoint !== null) {
    try {
      url = new URL(config.endpoint);
    } catch {
      // convict's url format already reported it.
    }
  }
  if (url) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      issues.push({ key: 'endpoint', message: `must be an http:// or https:// URL: value was ${JSON.stringify(config.endpoint)}` });
    } else if (grpc && url.pathname !== '/' && url.pathname !== '') {
      issues.push({ key: 'endpoint', message: `a grpc endpoint has no path (use e.g. http://collector:4317): value was ${JSON.stringify(config.endpoint)}` });
    } else if (!grpc && (url.pathname === '/' || url.pathname === '')) {
      issues.push({
        key: 'endpoint',
        message: `an http endpoint is used verbatim and must include the path, e.g. ${url.origin}/v1/metrics: value was ${JSON.stringify(config.endpoint)}`,
      });
    }
    if (url.username !== '' || url.password !== '') {
      issues.push({ key: 'endpoint', message: 'must not carry credentials; put them in headers (e.g. authorization) instead' });
    }
  }
  if (config.exportTimeout <= 0) issues.push({ key: 'exportTimeout', message: `must be greater than 0: value was ${config.exportTimeout}` });
  if (config.exportInterval <= 0) issues.push({ key: 'exportInterval', message: `must be greater than 0: value was ${config.exportInterval}` });
  if (config.exportTimeout > config.exportInterval) {
    issues.push({ key: 'exportTimeout', message: `must not exceed exportInterval (${config.exportInterval} ms): value was ${config.exportTimeout}` });
  }
  const { certFile, keyFile, caFile, insecure } = config.tls;
  if ((certFile === null) !== (keyFile === null)) {
    issues.push({ key: certFile === null ? 'tls.certFile' : 'tls.keyFile', message: 'tls.certFile and tls.keyFile must be given together (mutual TLS)' });
  }
  if (insecure && !grpc) {
    issues.push({ key: 'tls.insecure', message: 'applies to grpc only; for http/protobuf and http/json use an http:// endpoint for plaintext' });
  }
  if (insecure && (caFile !== null || certFile !== null)) {
    issues.push({ key: 'tls.insecure', message: 'cannot be true together with tls.caFile or tls.certFile' });
  }
  if (url?.protocol === 'http:' && (caFile !== null || certFile !== null)) {
    issues.push({ key: 'endpoint', message: `is plaintext (http://) but TLS files are set; use https://: value was ${JSON.stringify(config.endpoint)}` });
  }
  if (!isAttributeTree(config.resourceAttributes)) {
    issues.push({ key: 'resourceAttributes', message: 'must be a mapping of names to strings (nest dotted names: deployment: { environment: prod })' });
  }
  for (const name of Object.keys(config.headers)) {
    if (!HEADER_NAME.test(name)) issues.push({ key: `headers.${name}`, message: 'is not a valid header name' });
    else if (grpc && name.toLowerCase().endsWith('-bin')) issues.push({ key: `headers.${name}`, message: 'binary (-bin) metadata is not supported' });
  }
  return issues;
}
