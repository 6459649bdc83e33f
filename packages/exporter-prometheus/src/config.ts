import { isIP } from 'node:net';
import type { ConfigIssue, ConfigSchema, ReadinessRule } from '@rds-agent/core';
import { BCRYPT_MAX_PASSWORD_BYTES, checkPasswordHash, isBcryptHash } from './auth/password-hash.js';

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
    /**
     * Every refused request (401, 429) is answered this long (ms) after it arrived, whatever the
     * user or its hash kind, so timing tells nothing about which users exist. @default 1000
     */
    readonly failureDelay?: number;
    /** Worker threads that run bcrypt checks, off the event loop. @default 1 */
    readonly verifyThreads?: number;
    /** Uncached checks running or queued at once; beyond it a request is answered 429. @default 8 */
    readonly maxPendingVerifications?: number;
  };
  /** Limits for slow and abusive clients; a programmatic config may leave them out (defaults apply). */
  readonly http?: {
    /** A client must send its complete request headers within this (ms); slower ones are cut. @default 5000 */
    readonly headersTimeout: number;
    /** A client must send its whole request within this (ms). @default 10000 */
    readonly requestTimeout: number;
    /** An idle keep-alive connection is closed after this (ms). @default 65000 */
    readonly keepAliveTimeout: number;
    /** Open connections at once; further ones are closed as soon as they are accepted. @default 64 */
    readonly maxConnections: number;
  };
  /** Also export prom-client's process/Node.js metrics (`process_*`, `nodejs_*`). @default true */
  readonly defaultMetrics: boolean;
  /** Prepended to every rds_* metric name (e.g. `rds_csi_`). Not applied to process metrics. @default '' */
  readonly prefix: string;
  /** `/readyz` is 200 when `any` target (or `all` targets) is connected. @default 'any' */
  readonly readiness: ReadinessRule;
}

/** The schema's defaults as a typed config (a unit test keeps the two equal). */
/** A config with every optional group filled in (what the schema's defaults give). */
export type CompletePrometheusExporterConfig = PrometheusExporterConfig & {
  readonly basicAuth: Required<PrometheusExporterConfig['basicAuth']>;
  readonly http: NonNullable<PrometheusExporterConfig['http']>;
};

export const PROMETHEUS_EXPORTER_DEFAULTS: Readonly<CompletePrometheusExporterConfig> = Object.freeze({
  host: '127.0.0.1',
  port: 9464,
  path: '/metrics',
  tls: { certFile: null, keyFile: null, clientCaFile: null },
  basicAuth: { users: {}, failureDelay: 1000, verifyThreads: 1, maxPendingVerifications: 8 },
  http: { headersTimeout: 5000, requestTimeout: 10_000, keepAliveTimeout: 65_000, maxConnections: 64 },
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
    failureDelay: {
      doc: 'Every refused request (401 wrong or unknown credentials, 429 too many checks at once) is answered this long after it arrived, so the answer time does not reveal whether a user exists or how its password is hashed, and each connection can try at most one password per delay. A Prometheus whose X-Prometheus-Scrape-Timeout-Seconds is shorter gets its answer within half of that (at least 250ms). Must exceed the time one bcrypt check takes.',
      format: 'duration',
      default: 1000,
    },
    verifyThreads: {
      doc: 'Worker threads that run bcrypt checks, so a flood of wrong passwords never blocks scrapes. Keep it below the number of CPU cores.',
      format: 'positive-int',
      default: 1,
    },
    maxPendingVerifications: {
      doc: 'Password checks (not already cached) running or queued at once. A request beyond it is answered 429 Too Many Requests without hashing. A scraper whose credentials were already verified is never affected.',
      format: 'positive-int',
      default: 8,
    },
  },
  http: {
    headersTimeout: {
      doc: 'Time a client has to send its complete request headers (and, with TLS, to finish the handshake); a slower client (slow-loris) is answered 408 and cut.',
      format: 'duration',
      default: 5000,
    },
    requestTimeout: {
      doc: 'Time a client has to send its whole request. At least headersTimeout.',
      format: 'duration',
      default: 10_000,
    },
    keepAliveTimeout: {
      doc: 'An idle keep-alive connection is closed after this. Longer than the scrape interval lets Prometheus reuse one connection (and one TLS handshake) for every scrape. Connections whose credentials were refused are always closed.',
      format: 'duration',
      default: 65_000,
    },
    maxConnections: {
      doc: 'Open connections at once (keep-alive ones included); a connection beyond it is closed as soon as it is accepted. Bounds what slow or idle clients can hold.',
      format: 'positive-int',
      default: 64,
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
  const http = config.http;
  if (http && http.headersTimeout > http.requestTimeout) {
    issues.push({ key: 'http.headersTimeout', message: `must not exceed http.requestTimeout (${http.requestTimeout} ms): value was ${http.headersTimeout} ms` });
  }
  issues.push(...bcryptLengthWarnings(config), ...exposureWarnings(config));
  if (typeof config.path === 'string' && RESERVED_PATHS.includes(config.path)) {
    issues.push({ key: 'path', message: `must not be one of the exporter's other endpoints (${RESERVED_PATHS.join(', ')}): value was "${config.path}"` });
  }
  return issues;
}

/**
 * bcrypt reads only the first 72 bytes of a password, so a hash made from a longer one matches any
 * password sharing those bytes. The exporter refuses longer passwords for bcrypt users; a hash
 * cannot tell how long its password was, hence a warning for every bcrypt user.
 */
function bcryptLengthWarnings(config: Readonly<PrometheusExporterConfig>): ConfigIssue[] {
  return Object.entries(config.basicAuth?.users ?? {})
    .filter(([, hash]) => isBcryptHash(hash))
    .map(([user]) => ({
      key: `basicAuth.users.${user}`,
      severity: 'warning' as const,
      message:
        `bcrypt uses only the first ${BCRYPT_MAX_PASSWORD_BYTES} bytes of a password, so the exporter refuses longer passwords for this user: ` +
        `make sure its password is at most ${BCRYPT_MAX_PASSWORD_BYTES} bytes (\`rds-agent hash-password\` refuses longer ones), or use a "sha256:" hash for a longer one`,
    }));
}

/** True for an address that only this machine can reach (`127.0.0.0/8`, `::1`, `localhost`). */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** The endpoint listens beyond loopback without authentication, or sends passwords in clear text. */
function exposureWarnings(config: Readonly<PrometheusExporterConfig>): ConfigIssue[] {
  if (typeof config.host !== 'string' || isLoopback(config.host)) return [];
  const tls = Boolean(config.tls?.certFile && config.tls?.keyFile);
  const clientCerts = tls && Boolean(config.tls?.clientCaFile);
  const passwords = Object.keys(config.basicAuth?.users ?? {}).length > 0;
  const where = `listens on ${config.host}, beyond loopback,`;
  if (!tls && !passwords) {
    return [{ key: 'host', severity: 'warning', message: `${where} without TLS or basic auth: anyone who can reach port ${config.port} reads every metric and /status (target names and addresses); set tls.* and basicAuth.users` }];
  }
  if (!tls) {
    return [{ key: 'host', severity: 'warning', message: `${where} without TLS: basic-auth passwords and the metrics cross the network in clear text; set tls.certFile and tls.keyFile` }];
  }
  if (!passwords && !clientCerts) {
    return [{ key: 'host', severity: 'warning', message: `${where} with TLS but no authentication: anyone who can reach port ${config.port} reads every metric; set basicAuth.users or tls.clientCaFile` }];
  }
  return [];
}
