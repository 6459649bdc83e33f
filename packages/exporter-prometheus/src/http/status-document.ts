import type { ReadinessRule, StatusReader, TargetStatus } from '@rds-agent/core';

/** One target in `/status` (times as ISO 8601 strings, absent values as null). */
export interface TargetStatusJson {
  readonly target: string;
  readonly transport: string | null;
  readonly state: string;
  readonly reason: string;
  readonly since: string;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastProbeLatencyMs: number | null;
  readonly lastProbeAt: string | null;
  readonly probeMode: string | null;
  readonly lastError: { readonly code: string; readonly reason: string; readonly message: string; readonly at: string } | null;
  readonly labels: Readonly<Record<string, string>>;
}

/** The `/status` JSON document. */
export interface StatusDocument {
  readonly agent: { readonly version: string; readonly startedAt: string; readonly uptimeSeconds: number };
  readonly ready: { readonly rule: ReadinessRule; readonly ready: boolean; readonly connected: number; readonly total: number };
  readonly targets: readonly TargetStatusJson[];
}

const iso = (ms: number | undefined): string | null => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

export function targetStatusJson(t: TargetStatus): TargetStatusJson {
  return {
    target: t.target,
    transport: t.transport ?? null,
    state: t.state,
    reason: t.reason,
    since: iso(t.since) ?? '',
    attempts: t.attempts,
    nextAttemptAt: iso(t.nextAttemptAt),
    lastProbeLatencyMs: t.lastProbeLatencyMs ?? null,
    lastProbeAt: iso(t.lastProbeAt),
    probeMode: t.probeMode ?? null,
    lastError: t.lastError ? { code: t.lastError.code, reason: t.lastError.reason, message: t.lastError.message, at: iso(t.lastError.at) ?? '' } : null,
    labels: t.labels,
  };
}

/** Builds the `/status` document from the status store at instant `now` (ms since epoch). */
export function statusDocument(status: StatusReader, rule: ReadinessRule, version: string, startedAt: number, now: number): StatusDocument {
  const targets = status.list();
  return {
    agent: { version, startedAt: iso(startedAt) ?? '', uptimeSeconds: Math.max(0, Math.round((now - startedAt) / 1000)) },
    ready: { rule, ready: status.isReady(rule), connected: targets.filter((t) => t.state === 'connected').length, total: targets.length },
    targets: targets.map(targetStatusJson),
  };
}
