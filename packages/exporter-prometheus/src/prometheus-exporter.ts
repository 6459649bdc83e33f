import { readFile } from 'node:fs/promises';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { createServer as createHttpServer, type Server, type ServerOptions } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { AgentError, ConfigError, ErrorCode, Metrics, abortReason, type ExporterContext, type MetricsExporter } from '@rds-agent/core';
import { BasicAuth } from './auth/basic-auth.js';
import { PROMETHEUS_EXPORTER_DEFAULTS, validatePrometheusConfig, type PrometheusExporterConfig } from './config.js';
import { RequestHandler } from './http/request-handler.js';
import { PromMetricStore } from './registry/prom-metric-store.js';

/** Why a request or connection was refused: the `reason` of `rds_exporter_refused_requests_total`. */
export type RefusalReason = 'unauthorized' | 'too-many-requests' | 'timeout' | 'connection-limit' | 'bad-request';
const REFUSAL_REASONS: readonly RefusalReason[] = ['unauthorized', 'too-many-requests', 'timeout', 'connection-limit', 'bad-request'];

interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer;
}

/**
 * The Prometheus pull exporter: a prom-client registry fed by the MetricsHub, served over HTTP(S)
 * with `/metrics`, `/healthz`, `/readyz`, `/status` and a landing page.
 *
 * Lifecycle: `start()` validates, reads TLS files, subscribes to the hub and binds, rejecting with
 * a coded {@link AgentError} naming the config key when any of that fails (nothing is left bound
 * or subscribed then). `shutdown()` closes the listener and every open keep-alive connection; it
 * is idempotent and safe before `start()`.
 */
export class PrometheusExporter implements MetricsExporter {
  private server: Server | undefined;
  private unsubscribe: (() => void) | undefined;
  private store: PromMetricStore | undefined;
  private auth: BasicAuth | undefined;
  private stopping: Promise<void> | undefined;
  /** The start in progress; shutdown() waits for it, and it undoes itself when shutdown was asked. */
  private starting: Promise<void> | undefined;

  constructor(
    private readonly config: Readonly<PrometheusExporterConfig>,
    private readonly context: ExporterContext,
  ) {}

  /** The bound address once started (useful with `port: 0`). */
  get address(): AddressInfo | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a : undefined;
  }

  /** The base URL once started, e.g. `http://127.0.0.1:9464`. */
  get url(): string | undefined {
    const a = this.address;
    if (!a) return undefined;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `${this.config.tls?.certFile ? 'https' : 'http'}://${host}:${a.port}`;
  }

  /** The metric store (tests render it directly, without HTTP). */
  get metricStore(): PromMetricStore | undefined {
    return this.store;
  }

  /** The basic-auth verifier once started (tests read its verification count). */
  get basicAuth(): BasicAuth | undefined {
    return this.auth;
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.stopping) throw new AgentError(ErrorCode.EXPORTER_START, `exporter "${this.context.name}" was shut down; create a new one`);
    if (this.starting || this.server) throw new AgentError(ErrorCode.EXPORTER_START, `exporter "${this.context.name}" is already started`);
    this.starting = this.startUnguarded(signal).catch(async (err: unknown) => {
      // Leave nothing behind: no subscription, no bound port.
      await this.closeNow();
      throw err;
    });
    try {
      await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  private async startUnguarded(signal: AbortSignal): Promise<void> {
    const { config, context } = this;
    const keyOf = (key: string): string => `exporters.${context.name}.${key}`;
    // Warnings were already reported by the config loader; only errors stop the start.
    const issues = validatePrometheusConfig(config).filter((i) => i.severity !== 'warning');
    if (issues.length > 0) throw new ConfigError(issues.map((i) => ({ key: keyOf(i.key), message: i.message })));
    if (signal.aborted) throw abortReason(signal);

    const authSettings = { ...PROMETHEUS_EXPORTER_DEFAULTS.basicAuth, ...config.basicAuth };
    const http = { ...PROMETHEUS_EXPORTER_DEFAULTS.http, ...config.http };
    this.auth = new BasicAuth(authSettings.users, {
      clock: context.clock,
      failureDelayMs: authSettings.failureDelay,
      verifyThreads: authSettings.verifyThreads,
      maxPendingVerifications: authSettings.maxPendingVerifications,
      onError: (err) => this.reportError(err, 'password verification thread failed'),
    });
    const tls = await readTls(config, keyOf);
    if (signal.aborted) throw abortReason(signal);
    this.throwIfStopping();

    const startedAt = context.clock.now();
    const store = new PromMetricStore({ prefix: config.prefix, defaultMetrics: config.defaultMetrics, catalog: context.catalog });
    this.store = store;
    const handler = new RequestHandler({
      store,
      status: context.status,
      auth: this.auth,
      clock: context.clock,
      metricsPath: config.path,
      readiness: config.readiness,
      version: context.version,
      startedAt,
      retryAfterSeconds: Math.max(1, Math.ceil(authSettings.failureDelay / 1000)),
      onError: (err) => this.reportError(err, 'request failed'),
      onRefused: (reason) => this.countRefusal(reason),
    });
    const limits: ServerOptions = {
      headersTimeout: http.headersTimeout,
      requestTimeout: http.requestTimeout,
      keepAliveTimeout: http.keepAliveTimeout,
      // Node checks the two timeouts above on this period (30 s by default, which let slow clients
      // linger for a minute past headersTimeout).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(http.headersTimeout / 4))),
    };
    const server = tls
      ? createHttpsServer(
          { ...limits, cert: tls.cert, key: tls.key, handshakeTimeout: http.headersTimeout, ...(tls.ca ? { ca: tls.ca, requestCert: true, rejectUnauthorized: true } : {}) },
          handler.listener,
        )
      : createHttpServer(limits, handler.listener);
    server.maxConnections = http.maxConnections;
    server.on('drop', () => this.countRefusal('connection-limit'));
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => this.clientError(err, socket));
    this.server = server;
    // Subscribing replays current gauges, so the first scrape already shows every target's state.
    this.unsubscribe = context.metrics.subscribe(context.name, store);
    // Present at 0 from the first scrape, so alerts on increase() see the first error.
    context.metrics.publish({ op: 'add', metric: Metrics.exporterErrors, labels: { exporter: context.name }, value: 0 });
    for (const reason of REFUSAL_REASONS) {
      context.metrics.publish({ op: 'add', metric: Metrics.exporterRefusedRequests, labels: { exporter: context.name, reason }, value: 0 });
    }
    await listen(server, config, keyOf, signal);
    this.throwIfStopping();
    server.on('error', (err) => this.reportError(err, 'server error'));
    // A client that fails the handshake is its own problem; one too slow to finish it is counted.
    if (tls) server.on('tlsClientError', (err: NodeJS.ErrnoException) => /timed? ?out/i.test(err.message) && this.countRefusal('timeout'));
    context.logger.info(
      { url: `${this.url}${config.path}`, tls: Boolean(tls), basicAuth: !this.auth.disabled },
      'prometheus exporter listening',
    );
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  private async close(): Promise<void> {
    // A start in flight sees `stopping`, fails and cleans up after itself: let it finish first.
    if (this.starting) await this.starting.catch(() => undefined);
    await this.closeNow();
  }

  private async closeNow(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.auth?.close();
    const server = this.server;
    this.server = undefined;
    if (!server?.listening) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // close() waits for open connections: end idle keep-alive ones now and cut the rest.
      server.closeAllConnections();
    });
  }

  private throwIfStopping(): void {
    if (this.stopping) throw new AgentError(ErrorCode.EXPORTER_START, `exporter "${this.context.name}" was shut down while starting`);
  }

  /**
   * A request node's parser refused: too slow (headersTimeout/requestTimeout), malformed or too
   * large. Answered like node does without a listener, and counted.
   */
  private clientError(err: NodeJS.ErrnoException, socket: Socket): void {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    this.countRefusal(timeout ? 'timeout' : 'bad-request');
    const status = timeout ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroySoon();
  }

  private countRefusal(reason: RefusalReason): void {
    this.context.metrics.publish({ op: 'add', metric: Metrics.exporterRefusedRequests, labels: { exporter: this.context.name, reason }, value: 1 });
  }

  private reportError(err: unknown, msg: string): void {
    this.context.logger.error({ err: err instanceof Error ? err.message : String(err) }, msg);
    this.context.metrics.publish({ op: 'add', metric: Metrics.exporterErrors, labels: { exporter: this.context.name }, value: 1 });
  }
}

async function readTls(config: Readonly<PrometheusExporterConfig>, keyOf: (key: string) => string): Promise<TlsMaterial | undefined> {
  const { certFile, keyFile, clientCaFile } = config.tls ?? { certFile: null, keyFile: null, clientCaFile: null };
  if (!certFile || !keyFile) return undefined;
  const read = async (key: string, path: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new AgentError(ErrorCode.EXPORTER_START, `${keyOf(key)}: cannot read "${path}" (${code}): ${(err as Error).message}`, { cause: err });
    }
  };
  const cert = await read('tls.certFile', certFile);
  const key = await read('tls.keyFile', keyFile);
  const ca = clientCaFile ? await read('tls.clientCaFile', clientCaFile) : undefined;
  // Parse each file on its own first, so the error names the file that is wrong.
  check(keyOf('tls.certFile'), `"${certFile}" is not a PEM certificate`, () => new X509Certificate(cert));
  check(keyOf('tls.keyFile'), `"${keyFile}" is not a PEM private key`, () => createPrivateKey(key));
  if (ca) check(keyOf('tls.clientCaFile'), `"${clientCaFile}" is not a PEM CA certificate`, () => new X509Certificate(ca));
  check(keyOf('tls.keyFile'), `"${keyFile}" does not match the certificate in tls.certFile`, () => createSecureContext({ cert, key }));
  return { cert, key, ...(ca ? { ca } : {}) };
}

function check(key: string, what: string, fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    throw new AgentError(ErrorCode.EXPORTER_START, `${key}: ${what}: ${(err as Error).message}`, { cause: err });
  }
}

function listen(server: Server, config: Readonly<PrometheusExporterConfig>, keyOf: (key: string) => string, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      server.off('error', onError);
      server.off('listening', onListening);
      signal.removeEventListener('abort', onAbort);
    };
    const onError = (err: NodeJS.ErrnoException): void => {
      cleanup();
      reject(listenError(err, config, keyOf));
    };
    const onListening = (): void => {
      cleanup();
      resolve();
    };
    const onAbort = (): void => {
      cleanup();
      server.close();
      reject(abortReason(signal));
    };
    server.once('error', onError);
    server.once('listening', onListening);
    signal.addEventListener('abort', onAbort, { once: true });
    server.listen({ host: config.host, port: config.port });
  });
}

function listenError(err: NodeJS.ErrnoException, config: Readonly<PrometheusExporterConfig>, keyOf: (key: string) => string): AgentError {
  const where = `${config.host}:${config.port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new AgentError(ErrorCode.EXPORTER_START, `${keyOf('port')}: ${where} is already in use (another exporter or a second agent?); choose another port`, { cause: err });
    case 'EACCES':
      return new AgentError(ErrorCode.EXPORTER_START, `${keyOf('port')}: no permission to bind ${where} (ports below 1024 need privileges)`, { cause: err });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AgentError(ErrorCode.EXPORTER_START, `${keyOf('host')}: cannot bind ${where}: "${config.host}" is not an address of this machine (${err.code})`, { cause: err });
    default:
      return new AgentError(ErrorCode.EXPORTER_START, `${keyOf('port')}: cannot listen on ${where}: ${err.message}`, { cause: err });
  }
}
