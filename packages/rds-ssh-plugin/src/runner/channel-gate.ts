import { abortedError, ErrorCode, TransportError, type Clock } from '@rds-agent/core';

/**
 * What a channel is for. `probe`: the liveness probe, which goes first and may use one channel
 * beyond `maxChannels`. `telemetry`: an input's command, which yields to a probe. `command`: a
 * caller's `run()`, never preempted.
 */
export type ChannelKind = 'probe' | 'telemetry' | 'command';

/** One reserved channel. */
export interface ChannelLease {
  /** Aborted when a waiting probe preempts this (telemetry) channel. */
  readonly signal: AbortSignal;
  /** The channel open finished (opened or refused): the next open may start. Idempotent. */
  opened(): void;
  /**
   * The device refused this open (`Channel open failure`); says what that means (see
   * {@link Refusal}). Call it before `release()`.
   */
  refusedByDevice(): Refusal;
  /** Frees the channel. Idempotent. */
  release(): void;
}

/**
 * A probe held back by the device's session limit waits this long for telemetry to finish on its
 * own, then preempts it: a probe must answer within its deadline (3 s by default), and telemetry
 * that loses a command skips one round, which costs nothing.
 */
export const PROBE_PREEMPT_AFTER_MS = 500;

/**
 * What a refused channel open means.
 * - `limit`: other channels of ours are open: the device's session limit (sshd `MaxSessions`,
 *   RouterOS `max-sessions`). The gate learns it; release, then acquire again (waits for a close).
 * - `closing`: none of ours is open, but one closed within {@link CLOSE_SETTLE_MS}: the device may
 *   not have processed that close yet (sshd frees a session slot only then, so with `MaxSessions 1`
 *   back-to-back commands are refused about 4 times in 10). Release, wait a moment, try again.
 * - `dead`: nothing of ours open or closing: the session cannot run commands.
 */
export type Refusal = 'limit' | 'closing' | 'dead';

/** How long after one of our channels closes a refusal is put down to the device still closing it. */
export const CLOSE_SETTLE_MS = 1000;

interface Waiter {
  readonly kind: ChannelKind;
  readonly start: () => void;
  readonly fail: (err: Error) => void;
}

interface Held {
  readonly kind: ChannelKind;
  readonly controller: AbortController;
}

/**
 * The channels of one SSH connection: at most `maxCommands` command and telemetry channels (a
 * probe may use one more), opened one at a time (RouterOS handles concurrent session creation
 * badly), and never more than the device accepts. Probes go first: while a probe waits, no command
 * or telemetry channel starts, and telemetry channels the probe waits behind are preempted after
 * {@link PROBE_PREEMPT_AFTER_MS}. `drain()` fails every waiter when the connection goes away.
 */
export class ChannelGate {
  private readonly held = new Set<Held>();
  private readonly waiters: Waiter[] = [];
  private opening = false;
  private deviceLimit = Number.POSITIVE_INFINITY;
  private preemptTimer: AbortController | undefined;
  private lastClosedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly maxCommands: number,
    private readonly clock: Clock,
  ) {}

  /** Channels reserved or open now. */
  get open(): number {
    return this.held.size;
  }

  /** The session limit learned from the device's refusals (Infinity until one). */
  get limit(): number {
    return this.deviceLimit;
  }

  /** Waiters queued (for tests). */
  get pending(): number {
    return this.waiters.length;
  }

  /** Resolves with a lease once a channel of `kind` may open. The lease MUST be released. */
  acquire(kind: ChannelKind, signal?: AbortSignal): Promise<ChannelLease> {
    if (signal?.aborted) return Promise.reject(abortedError(signal, 'wait for a free channel'));
    // FIFO: a probe only queues behind probes; everything else behind every waiter.
    const queued = kind === 'probe' ? this.waiters.some((w) => w.kind === 'probe') : this.waiters.length > 0;
    if (!queued && this.canStart(kind)) {
      return Promise.resolve(this.start(kind));
    }
    return new Promise<ChannelLease>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(abortedError(signal!, 'wait for a free channel'));
        this.pump();
      };
      const waiter: Waiter = {
        kind,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.start(kind));
        },
        fail: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /** Fails every waiter (the connection is gone). Leases already held are released by their owners. */
  drain(err: Error): void {
    this.stopPreemptTimer();
    for (const w of this.waiters.splice(0)) w.fail(err);
  }

  private commandsHeld(): number {
    let n = 0;
    for (const h of this.held) if (h.kind !== 'probe') n++;
    return n;
  }

  private canStart(kind: ChannelKind): boolean {
    if (this.opening || this.held.size >= this.deviceLimit) return false;
    return kind === 'probe' || this.commandsHeld() < this.maxCommands;
  }

  private start(kind: ChannelKind): ChannelLease {
    this.opening = true;
    const held: Held = { kind, controller: new AbortController() };
    this.held.add(held);
    let openedDone = false;
    let released = false;
    let refused = false;
    const opened = (): void => {
      if (openedDone) return;
      openedDone = true;
      this.opening = false;
      this.pump();
    };
    return {
      signal: held.controller.signal,
      opened,
      refusedByDevice: () => {
        refused = true;
        // Someone else may be opening already (we called opened()): their channel is not open yet.
        const others = this.held.size - 1 - (this.opening ? 1 : 0);
        if (others > 0) {
          this.deviceLimit = Math.min(this.deviceLimit, others);
          return 'limit';
        }
        return this.clock.now() - this.lastClosedAt <= CLOSE_SETTLE_MS ? 'closing' : 'dead';
      },
      release: () => {
        if (released) return;
        released = true;
        this.held.delete(held);
        // A channel that opened and ran counts as closing on the device for a moment; a refused one never opened.
        if (openedDone && !refused) this.lastClosedAt = this.clock.now();
        if (!openedDone) {
          openedDone = true;
          this.opening = false;
        }
        this.pump();
      },
    };
  }

  /** Starts waiters in priority order (probes first, then FIFO) while channels are free. */
  private pump(): void {
    for (;;) {
      const probe = this.waiters.findIndex((w) => w.kind === 'probe');
      const next = probe >= 0 ? probe : 0;
      const w = this.waiters[next];
      if (!w || !this.canStart(w.kind)) break;
      this.waiters.splice(next, 1);
      w.start();
    }
    this.schedulePreemption();
  }

  /** A probe blocked by the device's limit gets the channel of a telemetry command, after a short grace. */
  private schedulePreemption(): void {
    const blocked = this.waiters.some((w) => w.kind === 'probe') && this.held.size >= this.deviceLimit;
    const victims = [...this.held].some((h) => h.kind === 'telemetry');
    if (!blocked || !victims) {
      this.stopPreemptTimer();
      return;
    }
    if (this.preemptTimer) return;
    const timer = new AbortController();
    this.preemptTimer = timer;
    this.clock.sleep(PROBE_PREEMPT_AFTER_MS, timer.signal).then(
      () => {
        if (this.preemptTimer !== timer) return;
        this.preemptTimer = undefined;
        if (!(this.waiters.some((w) => w.kind === 'probe') && this.held.size >= this.deviceLimit)) return;
        const reason = new TransportError(ErrorCode.ABORTED, 'telemetry command preempted: the liveness probe needs the device\'s only free session');
        for (const h of this.held) if (h.kind === 'telemetry') h.controller.abort(reason);
      },
      () => undefined,
    );
  }

  private stopPreemptTimer(): void {
    this.preemptTimer?.abort();
    this.preemptTimer = undefined;
  }
}
