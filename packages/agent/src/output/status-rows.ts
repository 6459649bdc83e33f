import type { TargetStatus } from '@rds-agent/core';
import { renderTable } from './table.js';

/**
 * One target as the status table shows it, whether it came from an in-process status store
 * (`demo`) or from a running agent's `/status` JSON (`status`). Times are ms since the epoch.
 */
export interface StatusRow {
  readonly target: string;
  readonly transport: string | null;
  readonly state: string;
  readonly reason: string;
  readonly since: number | null;
  readonly attempts: number;
  readonly nextAttemptAt: number | null;
  readonly latencyMs: number | null;
  readonly probeMode: string | null;
  readonly lastError: string | null;
}

/** The subset of the Prometheus exporter's `/status` target JSON this CLI reads (ISO times). */
export interface StatusJsonTarget {
  readonly target: string;
  readonly transport?: string | null;
  readonly state: string;
  readonly reason?: string;
  readonly since?: string | null;
  readonly attempts?: number;
  readonly nextAttemptAt?: string | null;
  readonly lastProbeLatencyMs?: number | null;
  readonly probeMode?: string | null;
  readonly lastError?: { readonly code?: string; readonly reason?: string; readonly message?: string } | null;
}

const ms = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
};

export function rowFromJson(t: StatusJsonTarget): StatusRow {
  return {
    target: t.target,
    transport: t.transport ?? null,
    state: t.state,
    reason: t.reason ?? '',
    since: ms(t.since),
    attempts: t.attempts ?? 0,
    nextAttemptAt: ms(t.nextAttemptAt),
    latencyMs: t.lastProbeLatencyMs ?? null,
    probeMode: t.probeMode ?? null,
    lastError: t.lastError ? `${t.lastError.reason ?? t.lastError.code ?? 'error'}: ${t.lastError.message ?? ''}` : null,
  };
}

export function rowFromStatus(t: TargetStatus): StatusRow {
  return {
    target: t.target,
    transport: t.transport ?? null,
    state: t.state,
    reason: t.reason,
    since: t.since,
    attempts: t.attempts,
    nextAttemptAt: t.nextAttemptAt ?? null,
    latencyMs: t.lastProbeLatencyMs ?? null,
    probeMode: t.probeMode ?? null,
    lastError: t.lastError ? `${t.lastError.reason}: ${t.lastError.message}` : null,
  };
}

/** `4s`, `3m12s`, `2h05m`: how long ago / how long until, for humans. */
export function humanDuration(deltaMs: number): string {
  const s = Math.max(0, Math.round(deltaMs / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * The status table: target, state (with reason when it is not the obvious one), for how long,
 * last probe latency, attempts in this outage, when the next attempt is due, and the last error.
 */
export function renderStatusTable(rows: readonly StatusRow[], now: number): string {
  if (rows.length === 0) return '(no targets)\n';
  return renderTable(
    ['TARGET', 'TRANSPORT', 'STATE', 'FOR', 'LATENCY', 'ATTEMPTS', 'NEXT TRY', 'LAST ERROR'],
    rows.map((r) => [
      r.target,
      r.transport ?? '-',
      r.reason && r.reason !== r.state ? `${r.state} (${r.reason})` : r.state,
      r.since === null ? '-' : humanDuration(now - r.since),
      r.latencyMs === null ? '-' : `${r.latencyMs < 10 ? r.latencyMs.toFixed(1) : Math.round(r.latencyMs)} ms`,
      String(r.attempts),
      r.nextAttemptAt === null || r.state === 'connected' ? '-' : `in ${humanDuration(r.nextAttemptAt - now)}`,
      r.lastError ?? '-',
    ]),
  );
}
