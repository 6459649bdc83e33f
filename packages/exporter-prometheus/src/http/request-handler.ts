import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, ReadinessRule, StatusReader } from '@rds-agent/core';
import { Registry } from 'prom-client';
import type { BasicAuth } from '../auth/basic-auth.js';
import { OPENMETRICS_CONTENT_TYPE } from '../registry/openmetrics.js';
import type { PromMetricStore } from '../registry/prom-metric-store.js';
import { landingPage } from './landing-page.js';
import { acceptsGzip, wantsOpenMetrics } from './negotiate.js';
import { statusDocument } from './status-document.js';

/** `Basic realm="rds-agent"`: what a 401 answers, so browsers and curl know to send credentials. */
export const AUTH_CHALLENGE = 'Basic realm="rds-agent", charset="UTF-8"';

/**
 * The landing page loads nothing and runs nothing: inline styles only (its own), no scripts, no
 * frames around it, no forms, no `<base>` that could redirect its links.
 */
const LANDING_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

export interface RequestHandlerOptions {
  readonly store: PromMetricStore;
  readonly status: StatusReader;
  readonly auth: BasicAuth;
  readonly clock: Clock;
  readonly metricsPath: string;
  readonly readiness: ReadinessRule;
  readonly version: string;
  readonly startedAt: number;
  /** `Retry-After` of a 429, in seconds. @default 1 */
  readonly retryAfterSeconds?: number;
  /** Called when serving fails unexpectedly (logged and counted by the exporter). */
  readonly onError: (err: unknown) => void;
  /** Called for every request refused for its credentials (counted by the exporter). */
  readonly onRefused?: (reason: 'unauthorized' | 'too-many-requests') => void;
}

/**
 * Routes exporter requests: the metrics path, `/healthz`, `/readyz`, `/status` and `/`.
 * Only GET and HEAD (405 otherwise), 404 for anything else; when basic auth is configured every
 * endpoint needs it. Responses are never cached by intermediaries.
 */
export class RequestHandler {
  constructor(private readonly options: RequestHandlerOptions) {}

  /** The `(req, res)` listener for `http.createServer` / `https.createServer`. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((err: unknown) => {
      this.options.onError(err);
      if (!res.headersSent) send(res, 500, TEXT, 'internal error\n');
      else res.destroy();
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const o = this.options;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, TEXT, 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    const auth = await o.auth.check(req.headers.authorization, scrapeTimeoutMs(req.headers['x-prometheus-scrape-timeout-seconds']));
    if (auth !== 'allowed') {
      // A refused client gets no keep-alive connection to hold on to.
      if (auth === 'busy') {
        o.onRefused?.('too-many-requests');
        send(res, 429, TEXT, 'too many password checks at once; retry later\n', { 'Retry-After': String(o.retryAfterSeconds ?? 1), Connection: 'close' });
      } else {
        o.onRefused?.('unauthorized');
        send(res, 401, TEXT, 'unauthorized\n', { 'WWW-Authenticate': AUTH_CHALLENGE, Connection: 'close' });
      }
      return;
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    switch (path) {
      case o.metricsPath:
        await this.metrics(req, res);
        return;
      case '/healthz':
        send(res, 200, TEXT, 'ok\n');
        return;
      case '/readyz': {
        const doc = statusDocument(o.status, o.readiness, o.version, o.startedAt, o.clock.now());
        if (doc.ready.ready) send(res, 200, TEXT, 'ready\n');
        else send(res, 503, TEXT, `not ready: ${doc.ready.connected} of ${doc.ready.total} targets connected (rule: ${o.readiness})\n`);
        return;
      }
      case '/status': {
        const doc = statusDocument(o.status, o.readiness, o.version, o.startedAt, o.clock.now());
        send(res, 200, JSON_TYPE, `${JSON.stringify(doc, null, 2)}\n`);
        return;
      }
      case '/': {
        const doc = statusDocument(o.status, o.readiness, o.version, o.startedAt, o.clock.now());
        send(res, 200, HTML, landingPage(doc, o.metricsPath, o.clock.now()), { 'Content-Security-Policy': LANDING_PAGE_CSP });
        return;
      }
      default:
        send(res, 404, TEXT, 'not found\n');
    }
  }

  private async metrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const format = wantsOpenMetrics(req.headers.accept) ? 'openmetrics' : 'text';
    const contentType = format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE;
    const headers: Record<string, string> = { Vary: 'Accept, Accept-Encoding' };
    // Concurrent scrapes share the render in flight (the store dedupes); gzip is assembled from
    // the cached compressed pieces of what did not change.
    if (acceptsGzip(req.headers['accept-encoding'])) {
      headers['Content-Encoding'] = 'gzip';
      send(res, 200, contentType, await this.options.store.renderGzip(format), headers);
    } else {
      send(res, 200, contentType, await this.options.store.render(format), headers);
    }
  }
}

/** Prometheus's scrape timeout from its header, in ms; undefined when absent or not a positive number. */
function scrapeTimeoutMs(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string' || !/^\s*\d+(\.\d+)?\s*$/.test(header)) return undefined;
  const seconds = Number(header);
  return seconds > 0 ? seconds * 1000 : undefined;
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  // For HEAD node sends the headers (Content-Length included) and drops the body.
  res.end(body);
}
