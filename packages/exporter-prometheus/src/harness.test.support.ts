/**
 * Shared by this package's unit tests (the `.test.support` name keeps it out of both the test run
 * and the published package). Builds a real MetricsHub + StatusStore and a PrometheusExporter on
 * port 0, with a pinned clock and helpers that emit realistic monitor event sequences.
 */
import { type Clock } from '@rds-agent/core';
import { MetricsHub, StatusStore, silentLogger, type MonitorEvent } from '@rds-agent/core/testing';
import { PROMETHEUS_EXPORTER_DEFAULTS, type PrometheusExporterConfig } from './config.js';
import { prometheusExporterDefinition } from './definition.js';
import { PrometheusExporter } from './prometheus-exporter.js';

export const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);

/** A clock pinned at `T0 + offset`; tests move it by assigning `offset`. */
export class PinnedClock implements Clock {
  offset = 0;
  now(): number {
    return T0 + this.offset;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

export function exporterConfig(overrides: Partial<PrometheusExporterConfig> = {}): PrometheusExporterConfig {
  return { ...PROMETHEUS_EXPORTER_DEFAULTS, port: 0, defaultMetrics: false, ...overrides };
}

export interface Harness {
  readonly hub: MetricsHub;
  readonly status: StatusStore;
  readonly clock: PinnedClock;
  readonly exporter: PrometheusExporter;
  emit(event: MonitorEvent): void;
  connect(target: string): void;
  lose(target: string, reason?: string): void;
  fail(target: string, attempt: number, reason?: string): void;
}

export function harness(overrides: Partial<PrometheusExporterConfig> = {}, version = '1.2.3'): Harness {
  const clock = new PinnedClock();
  // Build facts as the agent gives them: a revision, and this exporter's own componentVersions.
  const hub = new MetricsHub(silentLogger(), version, undefined, { build: { revision: 'abc1234', components: prometheusExporterDefinition.componentVersions ?? {} } });
  const status = new StatusStore();
  hub.onEvent((e) => status.apply(e));
  const exporter = new PrometheusExporter(exporterConfig(overrides), { name: 'prometheus', logger: silentLogger(), clock, metrics: hub, status, version, shutdownTimeoutMs: 5000, catalog: hub.catalog });
  const state = new Map<string, MonitorEvent & { type: 'state-changed' }>();
  const setState = (target: string, to: 'connecting' | 'connected' | 'disconnected', reason: string): void => {
    const from = state.get(target)?.to ?? 'idle';
    const event = { type: 'state-changed', target, at: clock.now(), from, to, reason } as const;
    state.set(target, event);
    hub.emit(event);
  };
  return {
    hub,
    status,
    clock,
    exporter,
    emit: (e) => hub.emit(e),
    connect(target) {
      setState(target, 'connecting', 'started');
      hub.emit({ type: 'attempt', target, at: clock.now(), attempt: 1, outcome: 'success', durationMs: 5 });
      setState(target, 'connected', 'connected');
      hub.emit({ type: 'recovered', target, at: clock.now(), outageMs: 1500, attempts: 1 });
    },
    lose(target, reason = 'network') {
      hub.emit({ type: 'disconnected', target, at: clock.now(), reason, detectedBy: 'transport', message: 'socket closed' });
      setState(target, 'disconnected', reason);
    },
    fail(target, attempt, reason = 'network') {
      hub.emit({
        type: 'attempt',
        target,
        at: clock.now(),
        attempt,
        outcome: 'failure',
        durationMs: 5,
        error: { code: `RDS_AGENT_ERR_${reason.toUpperCase()}`, reason, message: `${reason} failed`, retryable: reason !== 'auth' },
      });
      hub.emit({ type: 'backoff', target, at: clock.now(), delayMs: 2000, nextAttemptAt: clock.now() + 2000 });
    },
  };
}

/** The value of one sample line (`name{labels} value`) in a text exposition, or undefined. */
export function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  readonly text: string;
}

/** One HTTP request without any decoding (so tests see gzip bodies as sent). New connection each time. */
export async function request(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const { request: httpRequest } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
