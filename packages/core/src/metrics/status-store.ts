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
}

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
          delete status.nextAttemptAt;
        }
        if (event.to === 'stopped' || event.to === 'failed') delete status.nextAttemptAt;
        break;
      case 'attempt':
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
        status.lastError = { code: '', reason: event.reason, message: event.message ?? event.reason, at: event.at };
        break;
      case 'target-info':
        status.transport = event.transport;
        status.labels = { ...event.labels };
        break;
      case 'recovered':
      case 'hook-failed':
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
      status = { target, state: 'idle', reason: 'created', since: at, attempts: 0, labels: {} };
      this.targets.set(target, status);
    }
    return status;
  }
}
