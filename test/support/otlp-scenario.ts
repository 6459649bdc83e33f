import 'reflect-metadata';
import type { ExporterContext, Logger } from '@rds-agent/core';
import { MetricsHub, StatusStore, SystemClock, silentLogger, validateFragment, type MonitorEvent } from '@rds-agent/core/host';
import { otelExporterDefinition, type OtelExporter, type OtelExporterConfig } from '@rds-agent/exporter-otel';

export const AGENT_VERSION = '0.1.0-test';

/**
 * A hub + status store wired like the agent wires them, and the context an exporter gets (shutdown
 * budget 5 s and the rds-ssh transport's `rds_target_info` labels unless given).
 */
export function agentCore(
  logger: Logger = silentLogger(),
  options: { shutdownTimeoutMs?: number; targetInfoLabels?: readonly string[] } = {},
): { hub: MetricsHub; status: StatusStore; context: ExporterContext } {
  const hub = new MetricsHub(logger, AGENT_VERSION, undefined, { targetInfoLabels: options.targetInfoLabels ?? ['host_key_verification', 'probe_mode'] });
  const status = new StatusStore();
  hub.onEvent((e) => status.apply(e));
  const context: ExporterContext = {
    name: 'otel',
    logger,
    // The real clock, as in the agent: the shutdown budget is kept on it.
    clock: new SystemClock(),
    metrics: hub,
    status,
    version: AGENT_VERSION,
    catalog: hub.catalog,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5000,
  };
  return { hub, status, context };
}

/**
 * Builds the otel exporter from a raw `exporters.otel` section exactly as the agent does: convict
 * validation of the plugin's fragment, then its cross-field `validate`, then `create`.
 */
export function otelFromRaw(raw: Record<string, unknown>, context: ExporterContext): OtelExporter {
  const { value, issues } = validateFragment(otelExporterDefinition.schema, raw, 'exporters.otel');
  const all = [...issues, ...(issues.length === 0 ? (otelExporterDefinition.validate?.(value as unknown as OtelExporterConfig) ?? []) : [])];
  if (all.length > 0) throw new Error(`invalid otel config: ${all.map((i) => `${i.key}: ${i.message}`).join('; ')}`);
  return otelExporterDefinition.create(value as unknown as OtelExporterConfig, context) as OtelExporter;
}

/**
 * Monitor events for one target: start-up connect (0.7 s), a probe, then a network loss and a
 * recovery after one failed attempt (2.5 s outage). What a ConnectionMonitor emits for that story.
 */
export function lossAndRecovery(target: string, t0: number): MonitorEvent[] {
  return [
    { type: 'target-info', target, at: t0, transport: 'rds-ssh', labels: { host_key_verification: 'pinned', probe_mode: 'command' } },
    { type: 'state-changed', target, at: t0, from: 'idle', to: 'connecting', reason: 'started' },
    { type: 'attempt', target, at: t0 + 700, attempt: 1, outcome: 'success', durationMs: 700 },
    { type: 'state-changed', target, at: t0 + 700, from: 'connecting', to: 'connected', reason: 'connected' },
    { type: 'recovered', target, at: t0 + 700, outageMs: 700, attempts: 1 },
    { type: 'probe', target, at: t0 + 5_000, outcome: 'ok', latencyMs: 4, mode: 'command' },
    { type: 'disconnected', target, at: t0 + 9_000, reason: 'network', detectedBy: 'transport', message: 'socket closed' },
    { type: 'state-changed', target, at: t0 + 9_000, from: 'connected', to: 'disconnected', reason: 'network' },
    { type: 'backoff', target, at: t0 + 9_000, delayMs: 1_000, nextAttemptAt: t0 + 10_000 },
    {
      type: 'attempt',
      target,
      at: t0 + 10_500,
      attempt: 1,
      outcome: 'failure',
      durationMs: 500,
      error: { code: 'RDS_AGENT_ERR_REFUSED', reason: 'refused', message: 'connect ECONNREFUSED', retryable: true },
    },
    { type: 'backoff', target, at: t0 + 10_500, delayMs: 1_000, nextAttemptAt: t0 + 11_500 },
    { type: 'attempt', target, at: t0 + 11_500, attempt: 2, outcome: 'success', durationMs: 300 },
    { type: 'state-changed', target, at: t0 + 11_500, from: 'disconnected', to: 'connected', reason: 'connected' },
    { type: 'recovered', target, at: t0 + 11_500, outageMs: 2_500, attempts: 2 },
  ];
}
