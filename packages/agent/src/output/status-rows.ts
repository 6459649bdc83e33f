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
  /** The last state change (every attempt of an outage moves it). */
  readonly since: number | null;
  /** When the current outage began; null while connected, or when the agent is too old to say. */
  readonly downSince: number | null;
  /** When the current connection came up; null while not connected. */
  readonly connectedSince: number | null;
  readonly attempts: number;
  readonly lastAttempt: { readonly at: number; readonly outcome: 'success' | 'failure' } | null;
  readonly nextAttemptAt: number | null;
  readonly latencyMs: number | null;
  readonly probeMode: string | null;
  /** `host:port` (`[v6]:port`), or null when the transport does not describe it. */
  readonly address: string | null;
  readonly lastError: string | null;
}

/**
 * The subset of the Prometheus exporter's `/status` target JSON this CLI reads (ISO times). Every
 * field but `target` and `state` is optional: an older agent serves fewer of them.
 */
export interface StatusJsonTarget {
  readonly target: string;
  readonly transport?: string | null;
  readonly state: string;
  readonly reason?: string;
  readonly since?: string | null;
  readonly downSince?: string | null;
  readonly connectedSince?: string | null;
  readonly attempts?: number;
  readonly lastAttempt?: { readonly at?: string; readonly outcome?: string } | null;
  readonly nextAttemptAt?: string | null;
  readonly lastProbeLatencyMs?: number | null;
  readonly probeMode?: string | null;
  readonly address?: { readonly host?: string; readonly port?: number | null } | null;
  readonly lastError?: { readonly code?: string; readonly reason?: string; readonly message?: string } | null;
}

const ms = (iso: string | null | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
};

function formatAddress(host: string | undefined, port: number | null | undefined): string | null {
  if (!host) return null;
  const h = host.includes(':') ? `[${host}]` : host;
  return port === null || port === undefined ? h : `${h}:${port}`;
}

const errorText = (e: { code?: string; reason?: string; message?: string }): string => `${e.reason ?? e.code ?? 'error'}: ${e.message ?? ''}`;

export function rowFromJson(t: StatusJsonTarget): StatusRow {
  const since = ms(t.since);
  const lastAttemptAt = ms(t.lastAttempt?.at);
  // An agent from before `downSince` existed: its `since` is all there is (read as "since").
  const legacy = !('downSince' in t);
  return {
    target: t.target,
    transport: t.transport ?? null,
    state: t.state,
    reason: t.reason ?? '',
    since,
    downSince: legacy ? null : ms(t.downSince),
    connectedSince: legacy ? (t.state === 'connected' ? since : null) : ms(t.connectedSince),
    attempts: t.attempts ?? 0,
    lastAttempt: lastAttemptAt === null ? null : { at: lastAttemptAt, outcome: t.lastAttempt?.outcome === 'success' ? 'success' : 'failure' },
    nextAttemptAt: ms(t.nextAttemptAt),
    latencyMs: t.lastProbeLatencyMs ?? null,
    probeMode: t.probeMode ?? null,
    address: formatAddress(t.address?.host, t.address?.port),
    lastError: t.lastError ? errorText(t.lastError) : null,
  };
}

export function rowFromStatus(t: TargetStatus): StatusRow {
  return {
    target: t.target,
    transport: t.transport ?? null,
    state: t.state,
    reason: t.reason,
    since: t.since,
    downSince: t.downSince ?? null,
    connectedSince: t.connectedSince ?? null,
    attempts: t.attempts,
    lastAttempt: t.lastAttempt ?? null,
    nextAttemptAt: t.nextAttemptAt ?? null,
    latencyMs: t.lastProbeLatencyMs ?? null,
    probeMode: t.probeMode ?? null,
    address: formatAddress(t.address?.host, t.address?.port),
    lastError: t.lastError ? errorText(t.lastError) : null,
  };
}

/** `4s`, `3m12s`, `2h05m`: how long ago / how long until, for humans. */
export function humanDuration(deltaMs: number): string {
  const s = Math.max(0, Math.round(deltaMs / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `09:48:12Z` on the (UTC) day of `now`, `2026-11-25 09:48Z` before it. */
export function clockTime(at: number, now: number): string {
  const text = new Date(at).toISOString();
  return text.slice(0, 10) === new Date(now).toISOString().slice(0, 10) ? `${text.slice(11, 19)}Z` : `${text.slice(0, 10)} ${text.slice(11, 16)}Z`;
}

/** `down 09:48:12Z (12m03s)`: when the outage began (or the connection came up), which attempts do not move. */
function upOrDownSince(r: StatusRow, now: number): string {
  const [label, at] = r.state === 'connected' && r.connectedSince !== null ? ['up', r.connectedSince] : r.downSince !== null ? ['down', r.downSince] : ['since', r.since];
  return at === null ? '-' : `${label} ${clockTime(at, now)} (${humanDuration(now - at)})`;
}

function nextTry(r: StatusRow, now: number): string {
  if (r.state === 'connecting') return 'in flight';
  if (r.state === 'failed') return 'gave up';
  if (r.state !== 'disconnected' || r.nextAttemptAt === null) return '-';
  return r.nextAttemptAt > now ? `in ${humanDuration(r.nextAttemptAt - now)}` : 'now';
}

/**
 * The status table: target, state (with reason when it is not the obvious one), when the outage
 * began or the connection came up, failed attempts in this outage, the last attempt (outcome and
 * age), when the next is due, last probe latency (while connected), the device's address, and the
 * last error.
 */
export function renderStatusTable(rows: readonly StatusRow[], now: number): string {
  if (rows.length === 0) return '(no targets)\n';
  return renderTable(
    ['TARGET', 'TRANSPORT', 'STATE', 'DOWN/UP SINCE', 'ATTEMPTS', 'LAST ATTEMPT', 'NEXT TRY', 'LATENCY', 'ADDRESS', 'LAST ERROR'],
    rows.map((r) => [
      r.target,
      r.transport ?? '-',
      r.reason && r.reason !== r.state ? `${r.state} (${r.reason})` : r.state,
      upOrDownSince(r, now),
      String(r.attempts),
      r.lastAttempt === null ? '-' : `${r.lastAttempt.outcome === 'success' ? 'ok' : 'failed'} ${humanDuration(now - r.lastAttempt.at)} ago`,
      nextTry(r, now),
      // The last passing probe's latency says nothing about a target that is down now.
      r.latencyMs === null || r.state !== 'connected' ? '-' : `${r.latencyMs < 10 ? r.latencyMs.toFixed(1) : Math.round(r.latencyMs)} ms`,
      r.address ?? '-',
      r.lastError ?? '-',
    ]),
  );
}
