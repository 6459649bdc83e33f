import type { ConnectionState, MonitorEvent } from '../monitor/events.js';

/** The latest known state of one target, as `/status` and `rds-agent status` show it. @public */
export interface TargetStatus {
  readonly target: string;
  readonly transport?: string;
  readonly state: ConnectionState;
  /** Why the target is in this state (`connected`, `network`, `auth`, `gave-up`, ...). */
  readonly reason: string;
  /** When the state last changed (ms since epoch). */
  readonly since: number;
  /**
   * When the current outage began (ms since epoch): the instant the loss was detected, or the start
   * when the target never connected. Unchanged by the failed attempts that follow; absent while
   * connected.
   */
  readonly downSince?: number;
  /** When the current connection came up (ms since epoch); absent while not connected. */
  readonly connectedSince?: number;
  /** When the last connection attempt ended, and how. */
  readonly lastAttempt?: { readonly at: number; readonly outcome: 'success' | 'failure' };
  /** Failed attempts in the current outage (0 when connected). */
  readonly attempts: number;
  /** When the next attempt is due (ms since epoch), when one is scheduled. */
  readonly nextAttemptAt?: number;
  readonly lastProbeLatencyMs?: number;
  readonly lastProbeAt?: number;
  readonly probeMode?: string;
  readonly lastError?: { readonly code: string; readonly reason: string; readonly message: string; readonly at: number };
  /** Non-secret facts from the transport (host-key verification, probe mode, ...). */
  readonly labels: Readonly<Record<string, string>>;
  /** The device's address, when the transport describes it (`host` and `port` labels). */
  readonly address?: { readonly host: string; readonly port?: number };
  /** What the device reports about itself, once telemetry has read it. */
  readonly device?: { readonly version?: string; readonly board?: string; readonly architecture?: string };
  /** Each telemetry input by name: whether it runs on this connection, its last success and last error. */
  readonly inputs?: Readonly<Record<string, InputStatus>>;
  /**
   * State changes of the last hour, oldest first (at most {@link HISTORY_MAX_ENTRIES}); the first
   * entry may be older than an hour: it is the state the hour began in.
   */
  readonly history: readonly { readonly at: number; readonly state: ConnectionState }[];
}

/** The latest of one telemetry input (`system`, `raid`, ...) of one target. @public */
export interface InputStatus {
  /** False once the device said it does not support the input (until the next connection). */
  readonly enabled: boolean;
  /** When it last ran (ms since epoch). */
  readonly lastRunAt: number;
  /** When a run last read samples. */
  readonly lastSuccessAt?: number;
  /** Why the last failed run failed. */
  readonly lastError?: { readonly reason: string; readonly message: string; readonly at: number };
}

/** How far back the state history reaches (ms). @public */
export const HISTORY_WINDOW_MS = 3_600_000;
/** Most state changes kept per target (a flapping target cannot grow the store without bound). @public */
export const HISTORY_MAX_ENTRIES = 256;

/** Which targets must be connected for the agent to be ready. @public */
export type ReadinessRule = 'all' | 'any';

/** Read side of the status store, handed to exporters. @public */
export interface StatusReader {
  list(): readonly TargetStatus[];
  get(target: string): TargetStatus | undefined;
  /** `all`: every target connected (true with none); `any`: at least one connected. */
  isReady(rule: ReadinessRule): boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Keeps the latest status per target, fed by monitor events (subscribe it to the MetricsHub). @internal @internal */
export class StatusStore implements StatusReader {
  private readonly targets = new Map<string, Mutable<TargetStatus>>();

  /** Applies one event; wire it with `hub.onEvent((e) => store.apply(e))`. */
  apply(event: MonitorEvent): void {
    if (event.type === 'target-removed') {
      this.targets.delete(event.target);
      return;
    }
    const status = this.entry(event.target, event.at);
    switch (event.type) {
      case 'state-changed':
        status.state = event.to;
        status.reason = event.reason;
        status.since = event.at;
        if (event.to === 'connected') {
          status.attempts = 0;
          status.connectedSince = event.at;
          delete status.nextAttemptAt;
          delete status.downSince;
        } else {
          delete status.connectedSince;
          if (event.to !== 'stopped' && status.downSince === undefined) status.downSince = event.at;
        }
        // An attempt in flight, a stop or giving up: no next attempt is scheduled.
        if (event.to === 'connecting' || event.to === 'stopped' || event.to === 'failed') delete status.nextAttemptAt;
        if (event.to === 'stopped') delete status.downSince;
        pushHistory(status, event.at, event.to);
        break;
      case 'attempt':
        status.lastAttempt = { at: event.at, outcome: event.outcome };
        if (event.outcome === 'failure') {
          status.attempts = event.attempt;
          if (event.error) status.lastError = { ...event.error, at: event.at };
        }
        break;
      case 'backoff':
        if (event.nextAttemptAt === undefined) delete status.nextAttemptAt;
        else status.nextAttemptAt = event.nextAttemptAt;
        break;
      case 'probe':
        status.lastProbeAt = event.at;
        if (event.outcome === 'ok') status.lastProbeLatencyMs = event.latencyMs;
        if (event.mode !== undefined) status.probeMode = event.mode;
        break;
      case 'disconnected':
        status.lastError = { code: event.code ?? '', reason: event.reason, message: event.message ?? event.reason, at: event.at };
        break;
      case 'target-info': {
        status.transport = event.transport;
        status.labels = { ...event.labels };
        const host = event.labels['host'];
        const port = Number(event.labels['port']);
        if (host) status.address = { host, ...(Number.isInteger(port) && port > 0 ? { port } : {}) };
        else delete status.address;
        break;
      }
      case 'telemetry': {
        const name = event.input || 'collect';
        const before = status.inputs?.[name];
        const next: Mutable<InputStatus> = { enabled: event.outcome !== 'unsupported', lastRunAt: event.at };
        if (event.outcome === 'ok') next.lastSuccessAt = event.at;
        else if (before?.lastSuccessAt !== undefined) next.lastSuccessAt = before.lastSuccessAt;
        if (event.outcome === 'ok') {
          if (before?.lastError) next.lastError = before.lastError;
        } else next.lastError = { reason: event.reason ?? 'unknown', message: event.message ?? event.reason ?? 'failed', at: event.at };
        status.inputs = { ...status.inputs, [name]: next };
        for (const sample of event.samples) {
          if (sample?.metric !== 'systemInfo' || !sample.labels) continue;
          const { version, board, architecture } = sample.labels;
          status.device = { ...(version ? { version } : {}), ...(board ? { board } : {}), ...(architecture ? { architecture } : {}) };
        }
        break;
      }
      case 'recovered':
      case 'hook-failed':
      case 'deadline-extended':
        break;
    }
  }

  list(): readonly TargetStatus[] {
    return [...this.targets.values()].sort((a, b) => a.target.localeCompare(b.target));
  }

  get(target: string): TargetStatus | undefined {
    return this.targets.get(target);
  }

  isReady(rule: ReadinessRule): boolean {
    const all = [...this.targets.values()];
    return rule === 'all' ? all.every((t) => t.state === 'connected') : all.some((t) => t.state === 'connected');
  }

  private entry(target: string, at: number): Mutable<TargetStatus> {
    let status = this.targets.get(target);
    if (!status) {
      status = { target, state: 'idle', reason: 'created', since: at, attempts: 0, labels: {}, history: [{ at, state: 'idle' }] };
      this.targets.set(target, status);
    }
    return status;
  }
}

/** Appends a state change, dropping what fell out of the last hour (keeping the state it began in) and past the cap. */
function pushHistory(status: Mutable<TargetStatus>, at: number, state: ConnectionState): void {
  const history = [...status.history, { at, state }];
  const start = at - HISTORY_WINDOW_MS;
  let first = 0;
  while (first + 1 < history.length && history[first + 1]!.at <= start) first++;
  status.history = history.slice(Math.max(first, history.length - HISTORY_MAX_ENTRIES));
}
