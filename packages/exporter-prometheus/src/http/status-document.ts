import { HISTORY_MAX_ENTRIES, HISTORY_WINDOW_MS, type ConnectionState, type ReadinessRule, type StatusReader, type TargetStatus } from '@rds-agent/core';

/**
 * One target in `/status`. Times are ISO 8601 strings (UTC); a value that is not known or does not
 * apply is `null`, never left out, so a reader can tell "none" from "this agent is older".
 */
export interface TargetStatusJson {
  /** The target's name from the config. */
  readonly target: string;
  /** The transport type (`rds-ssh`, ...); null until the monitor has described the target. */
  readonly transport: string | null;
  /** `idle`, `connecting` (an attempt in flight), `connected`, `disconnected` (waiting to retry), `failed` (gave up), `stopped`. */
  readonly state: string;
  /** Why the target is in this state: `connected`, `started`, an error reason (`network`, `auth`, ...), `gave-up`, `stopped`. */
  readonly reason: string;
  /** When the state last changed. Every attempt of an outage changes it (`connecting`, then back): read `downSince` for when the outage began. */
  readonly since: string;
  /** When the current outage began (the loss was noticed, or the agent started without a connection); unchanged by failed attempts; null while connected. */
  readonly downSince: string | null;
  /** When the current connection came up; null while not connected. */
  readonly connectedSince: string | null;
  /** Failed connection attempts in the current outage (0 while connected). */
  readonly attempts: number;
  /** When the last connection attempt ended, and whether it connected; null before the first one. */
  readonly lastAttempt: { readonly at: string; readonly outcome: 'success' | 'failure' } | null;
  /** When the next attempt is due; null while connected, while an attempt is in flight (`connecting`) and after giving up. */
  readonly nextAttemptAt: string | null;
  /** How long the last passing probe took (ms); kept while down, so compare `lastProbeAt`. */
  readonly lastProbeLatencyMs: number | null;
  /** When the last probe ended, passed or not. */
  readonly lastProbeAt: string | null;
  /** How the transport probes (`command`, `keepalive+command`, ...). */
  readonly probeMode: string | null;
  /** The last connection error or loss, kept after recovery (compare `at` with `connectedSince`). */
  readonly lastError: { readonly code: string; readonly reason: string; readonly message: string; readonly at: string } | null;
  /** The non-secret facts the transport describes (the labels of `rds_target_info`). */
  readonly labels: Readonly<Record<string, string>>;
  /** The device's address (`host` and `port` of the transport's description); null when the transport does not describe one. */
  readonly address: { readonly host: string; readonly port: number | null } | null;
  /** What the device reports about itself (RouterOS version, board, architecture); null until telemetry has read it. */
  readonly device: { readonly version: string | null; readonly board: string | null; readonly architecture: string | null } | null;
  /** Each telemetry input by name (`system`, `raid`, ...), in the order they first ran; empty until telemetry has run. */
  readonly inputs: Readonly<Record<string, InputStatusJson>>;
  /**
   * The state changes of the last hour, oldest first, bounded (a flapping target keeps its latest
   * changes). The first entry may be older than the hour: it is the state the hour began in.
   */
  readonly history: readonly { readonly at: string; readonly state: ConnectionState }[];
}

/** One telemetry input of a target in `/status`. */
export interface InputStatusJson {
  /** False once the device said it does not support the input (no rose-storage, an older RouterOS); true again after the next connect. */
  readonly enabled: boolean;
  /** When it last ran. */
  readonly lastRunAt: string;
  /** When a run last read samples; null when none has. */
  readonly lastSuccessAt: string | null;
  /** Why the last failed run failed (`command`, `timeout`, `unsupported`, ...), kept after a later success: compare `at` with `lastSuccessAt`. */
  readonly lastError: { readonly reason: string; readonly message: string; readonly at: string } | null;
}

/** The `/status` JSON document. */
export interface StatusDocument {
  /** The instant the document describes: read relative times ("down for 5m") against it, not against the reader's clock. */
  readonly generatedAt: string;
  /** The agent's version, when it started, and for how long it has run. */
  readonly agent: { readonly version: string; readonly startedAt: string; readonly uptimeSeconds: number };
  /** The `/readyz` verdict and the counts it is made of. */
  readonly ready: { readonly rule: ReadinessRule; readonly ready: boolean; readonly connected: number; readonly total: number };
  /** Sorted by name. */
  readonly targets: readonly TargetStatusJson[];
}

const iso = (ms: number | undefined): string | null => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

/** One target as `/status` shows it at instant `now` (which trims its history to the last hour). */
export function targetStatusJson(t: TargetStatus, now: number): TargetStatusJson {
  return {
    target: t.target,
    transport: t.transport ?? null,
    state: t.state,
    reason: t.reason,
    since: iso(t.since) ?? '',
    downSince: iso(t.downSince),
    connectedSince: iso(t.connectedSince),
    attempts: t.attempts,
    lastAttempt: t.lastAttempt && iso(t.lastAttempt.at) !== null ? { at: iso(t.lastAttempt.at)!, outcome: t.lastAttempt.outcome } : null,
    nextAttemptAt: iso(t.nextAttemptAt),
    lastProbeLatencyMs: t.lastProbeLatencyMs ?? null,
    lastProbeAt: iso(t.lastProbeAt),
    probeMode: t.probeMode ?? null,
    lastError: t.lastError ? { code: t.lastError.code, reason: t.lastError.reason, message: t.lastError.message, at: iso(t.lastError.at) ?? '' } : null,
    labels: t.labels,
    address: t.address ? { host: t.address.host, port: t.address.port ?? null } : null,
    device: t.device ? { version: t.device.version ?? null, board: t.device.board ?? null, architecture: t.device.architecture ?? null } : null,
    inputs: inputsJson(t.inputs),
    history: lastHour(t.history ?? [], now),
  };
}

function inputsJson(inputs: TargetStatus['inputs']): Record<string, InputStatusJson> {
  const out: Record<string, InputStatusJson> = {};
  for (const [name, i] of Object.entries(inputs ?? {})) {
    out[name] = {
      enabled: i.enabled,
      lastRunAt: iso(i.lastRunAt) ?? '',
      lastSuccessAt: iso(i.lastSuccessAt),
      lastError: i.lastError ? { reason: i.lastError.reason, message: i.lastError.message, at: iso(i.lastError.at) ?? '' } : null,
    };
  }
  return out;
}

/** Builds the `/status` document from the status store at instant `now` (ms since epoch). */
export function statusDocument(status: StatusReader, rule: ReadinessRule, version: string, startedAt: number, now: number): StatusDocument {
  const targets = status.list();
  return {
    generatedAt: iso(now) ?? '',
    agent: { version, startedAt: iso(startedAt) ?? '', uptimeSeconds: Math.max(0, Math.round((now - startedAt) / 1000)) },
    ready: { rule, ready: status.isReady(rule), connected: targets.filter((t) => t.state === 'connected').length, total: targets.length },
    targets: targets.map((t) => targetStatusJson(t, now)),
  };
}

/**
 * The entries of the hour before `now`, and the one before them (the state the hour began in). The
 * store trims only when a state changes, so a target steady for a day still holds a day-old entry;
 * the cap keeps the document bounded whatever StatusReader feeds it.
 */
function lastHour(history: TargetStatus['history'], now: number): TargetStatusJson['history'] {
  const start = now - HISTORY_WINDOW_MS;
  let first = Math.max(0, history.length - HISTORY_MAX_ENTRIES);
  while (first + 1 < history.length && history[first + 1]!.at <= start) first++;
  const out: { at: string; state: TargetStatus['state'] }[] = [];
  for (let i = first; i < history.length; i++) {
    const at = iso(history[i]!.at);
    if (at !== null) out.push({ at, state: history[i]!.state });
  }
  return out;
}
