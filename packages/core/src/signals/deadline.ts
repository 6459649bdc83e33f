import type { Clock } from '../clock/clock.js';
import { abortReason } from '../clock/clock.js';
import type { LoopLag } from '../clock/loop-lag.js';

/** Options of {@link withDeadline}. @public */
export interface DeadlineOptions {
  /**
   * The agent's own delay. When the deadline passes and the agent could not run for part of the
   * window (at least {@link MIN_STALL_MS}), the deadline is extended by that much, and again by
   * any further delay measured during the extension: only time the agent could run counts, so a
   * peer is not declared hung for an answer the agent had no chance to read, however long the
   * starvation lasts. A hung peer is still found, the measured delay later (at most
   * {@link MAX_EXTENSION_FACTOR} times the timeout later).
   */
  readonly lag?: LoopLag;
  /** Called when the deadline is extended, with the delay measured (ms). */
  readonly onExtended?: (stalledMs: number) => void;
}

/**
 * Why a deadline's timer is cancelled once the operation settled: shared, since `abort()` without a
 * reason builds a DOMException (a stack trace) per probe.
 */
const SETTLED = Object.freeze(new Error('deadline: operation settled'));

/** Smallest measured delay that extends a deadline (below it, timer jitter). @public */
export const MIN_STALL_MS = 20;

/**
 * Most a deadline is extended in total, as a multiple of its timeout: a 3 s probe deadline ends
 * at the latest after 33 s even if the lag source reports the agent never ran. @public
 */
export const MAX_EXTENSION_FACTOR = 10;

/**
 * Runs `op` with its own AbortSignal, settling with the first of: the operation, the deadline
 * (`timeoutMs` on the injected clock; the signal is aborted with `onTimeout()` and the promise
 * rejects with it), or `parent` aborting (rejects with the parent's reason).
 *
 * The operation's signal is aborted only on deadline or parent abort, never after the operation
 * settled on its own, so a transport that leaves an abort listener behind after a successful
 * connect is not torn down by it. `timeoutMs <= 0` or non-finite means no deadline. With
 * `options.lag`, a deadline that passes while the agent itself was starved is extended by the
 * measured delay, as often as the agent was starved again meanwhile (see {@link DeadlineOptions}).
 *
 * @public
 */
export function withDeadline<T>(
  clock: Clock,
  timeoutMs: number,
  parent: AbortSignal,
  op: (signal: AbortSignal) => Promise<T>,
  onTimeout: () => Error,
  options: DeadlineOptions = {},
): Promise<T> {
  if (parent.aborted) return Promise.reject(abortReason(parent));
  const opController = new AbortController();
  const timerController = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const onParentAbort = (): void => {
      opController.abort(parent.reason);
      finish(() => reject(abortReason(parent)));
    };
    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      timerController.abort(SETTLED);
      parent.removeEventListener('abort', onParentAbort);
      settle();
    };
    parent.addEventListener('abort', onParentAbort, { once: true });
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      const startedAt = clock.now();
      const expire = (): void => {
        if (settled) return;
        const err = onTimeout();
        opController.abort(err);
        finish(() => reject(err));
      };
      // Total extension granted so far; capped so that a lag source that never stops reporting
      // delay cannot keep a hung peer undetected for ever.
      let extended = 0;
      const maxExtension = timeoutMs * MAX_EXTENSION_FACTOR;
      const check = (): void => {
        if (settled) return;
        const { lag } = options;
        if (lag && extended < maxExtension) {
          const now = clock.now();
          // How long the agent could not run since the start, including this timer's own lateness.
          const stalled = Math.round(Math.max(lag.lagBetween(startedAt, now), now - (startedAt + timeoutMs)));
          const more = Math.min(stalled - extended, maxExtension - extended);
          if (more >= MIN_STALL_MS) {
            // Starved again during an extension: extend again by the new stall, so only time the
            // agent could run counts towards the deadline (a starved agent that cannot read an
            // answer already in its socket does not blame the peer).
            extended += more;
            options.onExtended?.(more);
            clock.sleep(more, timerController.signal).then(check, () => undefined);
            return;
          }
        }
        expire();
      };
      clock.sleep(timeoutMs, timerController.signal).then(
        check,
        () => undefined, // cancelled because the operation settled first
      );
    }
    let pending: Promise<T>;
    try {
      pending = op(opController.signal);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (value) => finish(() => resolve(value)),
      (err: unknown) => finish(() => reject(err)),
    );
  });
}

/** Resolves when `signal` aborts (never rejects); for waits with no deadline. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
