/**
 * A started Prometheus exporter on 127.0.0.1 fed by a real MetricsHub + StatusStore, with helpers
 * that emit the monitor event sequences of simulated targets (real time).
 */
import 'reflect-metadata';
import { Metrics, type Clock, type ConnectionState } from '@rds-agent/core';
import { MetricsHub, StatusStore, SystemClock, silentLogger, type MonitorEvent } from '@rds-agent/core/host';
import { otelExporterDefinition } from '@rds-agent/exporter-otel';
import { PROMETHEUS_EXPORTER_DEFAULTS, PrometheusExporter, prometheusExporterDefinition, type PrometheusExporterConfig } from '@rds-agent/exporter-prometheus';
import { rdsSshTransportDefinition } from '@rds-agent/rds-ssh-plugin';

/** The revision the fixture's hub reports, as a release would. */
export const FIXTURE_REVISION = '0123abc';
/** The start time the fixture publishes (unix seconds), as the agent does when it starts. */
export const FIXTURE_START_TIME = 1_700_000_000.25;

export interface ExporterFixture {
  readonly hub: MetricsHub;
  readonly status: StatusStore;
  readonly exporter: PrometheusExporter;
  /** `http(s)://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>` */
  readonly hostPort: string;
  readonly target: SimulatedTargets;
  stop(): Promise<void>;
}

/** Emits what a ConnectionMonitor would for a target connecting, losing and regaining its link. */
export class SimulatedTargets {
  private readonly states = new Map<string, ConnectionState>();
  private readonly attempts = new Map<string, number>();
  private readonly lostAt = new Map<string, number>();

  constructor(
    private readonly hub: MetricsHub,
    private readonly clock: Clock,
  ) {}

  private emit(event: MonitorEvent): void {
    this.hub.emit(event);
  }

  private state(target: string, to: ConnectionState, reason: string): void {
    const from = this.states.get(target) ?? 'idle';
    this.states.set(target, to);
    this.emit({ type: 'state-changed', target, at: this.clock.now(), from, to, reason });
  }

  info(target: string, labels: Record<string, string> = { host_key_verification: 'pinned', probe_mode: 'command' }): void {
    this.emit({ type: 'target-info', target, at: this.clock.now(), transport: 'rds-ssh', labels });
  }

  connect(target: string): void {
    const at = this.clock.now();
    if (!this.states.has(target)) {
      this.info(target);
      this.lostAt.set(target, at);
    }
    this.state(target, 'connecting', 'started');
    this.emit({ type: 'attempt', target, at, attempt: (this.attempts.get(target) ?? 0) + 1, outcome: 'success', durationMs: 12 });
    this.state(target, 'connected', 'connected');
    this.emit({ type: 'recovered', target, at, outageMs: at - (this.lostAt.get(target) ?? at) + 250, attempts: (this.attempts.get(target) ?? 0) + 1 });
    this.emit({ type: 'backoff', target, at, delayMs: 0 });
    this.attempts.set(target, 0);
  }

  probe(target: string, latencyMs: number): void {
    this.emit({ type: 'probe', target, at: this.clock.now(), outcome: 'ok', latencyMs, mode: 'command' });
  }

  lose(target: string, reason = 'network'): void {
    const at = this.clock.now();
    this.lostAt.set(target, at);
    this.emit({ type: 'disconnected', target, at, reason, detectedBy: reason === 'timeout' ? 'probe' : 'transport', message: `simulated ${reason}` });
    this.state(target, 'disconnected', reason);
  }

  failAttempt(target: string, reason = 'network', delayMs = 2000): void {
    const at = this.clock.now();
    const attempt = (this.attempts.get(target) ?? 0) + 1;
    this.attempts.set(target, attempt);
    if (!this.states.has(target)) this.info(target);
    this.state(target, 'connecting', 'retry');
    const code = `RDS_AGENT_ERR_${reason.toUpperCase().replace(/-/g, '_')}`;
    this.emit({ type: 'attempt', target, at, attempt, outcome: 'failure', durationMs: 30, error: { code, reason, message: `simulated ${reason}`, retryable: reason !== 'auth' } });
    this.state(target, 'disconnected', reason);
    this.emit({ type: 'backoff', target, at, delayMs, nextAttemptAt: at + delayMs });
  }

  hookFailed(target: string): void {
    this.emit({ type: 'hook-failed', target, at: this.clock.now(), hook: 'test:hook', message: 'simulated' });
  }
}

export async function startExporter(overrides: Partial<PrometheusExporterConfig> = {}, clock: Clock = new SystemClock()): Promise<ExporterFixture> {
  // The build facts an agent with the built-in plugins reports: their definitions' componentVersions.
  const components = { ...rdsSshTransportDefinition.componentVersions, ...prometheusExporterDefinition.componentVersions, ...otelExporterDefinition.componentVersions };
  const hub = new MetricsHub(silentLogger(), '0.1.0-e2e', undefined, { targetInfoLabels: ['host_key_verification', 'probe_mode'], build: { revision: FIXTURE_REVISION, components } });
  hub.publish({ op: 'set', metric: Metrics.startTime, labels: {}, value: FIXTURE_START_TIME });
  const status = new StatusStore();
  hub.onEvent((e) => status.apply(e));
  const config: PrometheusExporterConfig = { ...PROMETHEUS_EXPORTER_DEFAULTS, port: 0, ...overrides };
  const exporter = new PrometheusExporter(config, { name: 'prometheus', logger: silentLogger(), clock, metrics: hub, status, version: '0.1.0-e2e', shutdownTimeoutMs: 5000, catalog: hub.catalog });
  await exporter.start(AbortSignal.timeout(10_000));
  const address = exporter.address!;
  return {
    hub,
    status,
    exporter,
    url: exporter.url!,
    hostPort: `127.0.0.1:${address.port}`,
    target: new SimulatedTargets(hub, clock),
    stop: () => exporter.shutdown(),
  };
}
