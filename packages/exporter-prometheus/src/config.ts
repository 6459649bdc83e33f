import type { ConfigIssue, ConfigSchema, ReadinessRule } from '@rds-agent/core';
import { checkPasswordHash } from './auth/password-hash.js';

/** Endpoints served besides the metrics path; the metrics path must not shadow them. */
export const RESERVED_PATHS: readonly string[] = ['/', '/healthz', '/readyz', '/status'];

/**
 * The Prometheus exporter's settings, under `exporters.prometheus` (the agent adds `enabled`).
 * The validated object is frozen by the agent.
 */
export interface PrometheusExporterConfig {
  /** Address to bind. @default '127.0.0.1' */
  readonly host: string;
  /** TCP port. @default 9464 (the OpenTelemetry Prometheus exporter's default) */
  readonly port: number;
  /** Path of the metrics page. @default '/metrics' */
  readonly path: string;
  readonly tls: {
    /** PEM certificate (chain); with `keyFile`, the exporter serves HTTPS only. @default null */
    readonly certFile: string | null;
    /** PEM private key for `certFile`. @default null */
    readonly keyFile: string | null;
    /** PEM CA bundle; when set, clients MUST present a certificate it signed (mutual TLS). @default null */
    readonly clientCaFile: string | null;
  };
  readonly basicAuth: {
    /** username -> bcrypt hash (`$2a$`/`$2b$`/`$2y$`) or `sha256:<64 hex>`; empty = no auth. @default {} */
    readonly users: Readonly<Record<string, string>>;
  };
  /** Also export prom-client's process/Node.js metrics (`process_*`, `nodejs_*`). @default true */
  readonly defaultMetrics: boolean;
  /** Prepended to every rds_* metric name (e.g. `rds_csi_`). Not applied to process metrics. @default '' */
  readonly prefix: string;
  /** `/readyz` is 200 when `any` target (or `all` targets) is connected. @default 'any' */
  readonly readiness: ReadinessRule;
}

/** The schema's defaults as a typed config (a unit test keeps the two equal). */
export const PROMETHEUS_EXPORTER_DEFAULTS: Readonly<PrometheusExporterConfig> = Object.freeze({
  host: '127.0.0.1',
  port: 9464,
  path: '/metrics',
  tls: { certFile: null, keyFile: null, clientCaFile: null },
  basicAuth: { users: {} },
  defaultMetrics: true,
  prefix: '',
  readiness: 'any',
});

const METRIC_PREFIX = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function urlPath(value: unknown): void {
  if (typeof value !== 'string' || !/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(value)) {
    throw new Error('must be a URL path starting with "/" (no spaces, "?" or "#")');
  }
  if (RESERVED_PATHS.includes(value)) throw new Error(`must not be one of the exporter's other endpoints (${RESERVED_PATHS.join(', ')})`);
}

function metricPrefix(value: unknown): void {
  if (typeof value !== 'string' || (value !== '' && !METRIC_PREFIX.test(value))) {
    throw new Error('must be empty or a valid Prometheus metric-name prefix ([a-zA-Z_:][a-zA-Z0-9_:]*)');
  }
}

/** The convict fragment (keys relative to `exporters.prometheus`). */
export const prometheusConfigSchema: ConfigSchema = {
  host: {
    doc: 'Address the HTTP(S) server binds. Keep 127.0.0.1 unless Prometheus scrapes from another host; then prefer TLS and basic auth.',
    format: 'host',
    default: '127.0.0.1',
  },
  port: {
    doc: 'TCP port. 9464 is the OpenTelemetry Prometheus exporter default, so scrape configs written for OTel agents work unchanged.',
    format: 'port',
    default: 9464,
  },
  path: {
    doc: 'Path of the metrics page.',
    format: urlPath,
    default: '/metrics',
  },
  tls: {
    certFile: {
      doc: 'PEM certificate (with chain). Set together with keyFile to serve HTTPS only.',
      format: 'file-path',
      default: null,
    },
    keyFile: {
      doc: 'PEM private key for certFile (keep it readable by the agent only).',
      format: 'file-path',
      default: null,
      sensitive: true,
    },
    clientCaFile: {
      doc: 'PEM CA bundle; when set, clients must present a certificate signed by it (mutual TLS).',
      format: 'file-path',
      default: null,
    },
  },
  basicAuth: {
    users: {
      doc: 'Users allowed to read every endpoint: username -> bcrypt hash ($2a$/$2b$/$2y$) or "sha256:<64 hex>". Never a plain password. Empty: no authentication.',
      format: 'string-map',
      default: {},
      sensitive: true,
    },
  },
  defaultMetrics: {
    doc: 'Also export process and Node.js runtime metrics (process_*, nodejs_*).',
    format: 'strict-boolean',
    default: true,
  },
  prefix: {
    doc: 'Prefix for every rds_* metric name, e.g. "rds_csi_" keeps dashboards built for the reference driver (rds_csi_rds_connection_state). Process metrics are never prefixed.',
    format: metricPrefix,
    default: '',
  },
  readiness: {
    doc: 'When /readyz answers 200: "any" = at least one target connected; "all" = every target connected.',
    format: ['any', 'all'],
    default: 'any',
  },
};

/**
 * Cross-field checks convict cannot express. Keys are relative to the fragment (the agent
 * prefixes `exporters.prometheus.`). Never echoes a password or hash value.
 */
export function validatePrometheusConfig(config: Readonly<PrometheusExporterConfig>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { certFile, keyFile, clientCaFile } = config.tls ?? { certFile: null, keyFile: null, clientCaFile: null };
  if (certFile && !keyFile) issues.push({ key: 'tls.keyFile', message: 'is required when tls.certFile is set' });
  if (keyFile && !certFile) issues.push({ key: 'tls.certFile', message: 'is required when tls.keyFile is set' });
  if (clientCaFile && !certFile) issues.push({ key: 'tls.clientCaFile', message: 'needs tls.certFile and tls.keyFile: client certificates are only asked for over TLS' });
  for (const [user, hash] of Object.entries(config.basicAuth?.users ?? {})) {
    const key = `basicAuth.users.${user}`;
    if (user === '' || user.includes(':') || [...user].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
      issues.push({ key, message: 'username must be non-empty without ":" or control characters' });
    }
    const problem = checkPasswordHash(hash);
    if (problem) issues.push({ key, message: problem });
  }
  if (typeof config.path === 'string' && RESERVED_PATHS.includes(config.path)) {
    issues.push({ key: 'path', message: `must not be one of the exporter's other endpoints (${RESERVED_PATHS.join(', ')}): value was "${config.path}"` });
  }
  return issues;
}
