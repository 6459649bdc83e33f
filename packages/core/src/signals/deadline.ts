import type { Clock } from '../clock/clock.js';
import { abortReason } from '../clock/clock.js';

/**
 * Runs `op` with its own AbortSignal, settling with the first of: the operation, the deadline
 * (`timeoutMs` on the injected clock; the signal is aborted with `onTimeout()` and the promise
 * rejects with it), or `parent` aborting (rejects with the parent's reason).
 *
 * The operation's signal is aborted only on deadline or parent abort, never after the operation
 * settled on its own, so a transport that leaves an abort listener behind after a successful
 * connect is not torn down by it. `timeoutMs <= 0` or non-finite means no deadline.
 *
 * @public
 */
export function withDeadline<T>(
  clock: Clock,
  timeoutMs: number,
  parent: AbortSignal,
  op: (signal: AbortSignal) => Promise<T>,
  onTimeout: () => Error,
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
      timerController.abort();
      parent.removeEventListener('abort', onParentAbort);
      settle();
    };
    parent.addEventListener('abort', onParentAbort, { once: true });
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      clock.sleep(timeoutMs, timerController.signal).then(
        () => {
          if (settled) return;
          const err = onTimeout();
          opController.abort(err);
          finish(() => reject(err));
        },
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
