/**
 * The only source of time in rds-agent.
 *
 * Everything that waits, times out or stamps an instant goes through a Clock so
 * that tests drive time exactly with `FakeClock` (from `@rds-agent/core/testing`).
 *
 * @public
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. MUST be monotonic enough for durations (see {@link SystemClock}). */
  now(): number;
  /**
   * Resolves after `ms` milliseconds.
   * MUST reject with the signal's reason (an `AbortError`) as soon as `signal` aborts, and MUST NOT
   * keep the process alive on its own (timers are `unref()`'d).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Real time. The one place outside tests where `Date.now` and `setTimeout` are allowed. @internal @internal */
export class SystemClock implements Clock {
  private readonly keepAlive: boolean;

  /**
   * @param options.keepProcessAlive leave timers ref'd (test helpers that must keep the process
   *   alive while they wait). @default false: the agent's own waits never hold the process.
   */
  constructor(options: { readonly keepProcessAlive?: boolean } = {}) {
    this.keepAlive = options.keepProcessAlive ?? false;
  }

  now(): number {
    return Date.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(
      (fire, delay) => {
        const timer = setTimeout(fire, delay);
        if (!this.keepAlive) timer.unref();
        return timer;
      },
      clearTimeout,
      ms,
      signal,
    );
  }
}

/**
 * An abortable sleep on any timer source (real timers, fake timers): resolves after `ms`; rejects
 * with the signal's reason as soon as `signal` aborts, clearing the timer and the listener.
 */
export function sleepOn<T>(setTimer: (fire: () => void, ms: number) => T, clearTimer: (timer: T) => void, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimer(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The reason an aborted signal carries, as an Error (a plain `abort()` yields a DOMException AbortError). @public */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}

/** True when `err` is the rejection of an aborted operation. @public */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}
