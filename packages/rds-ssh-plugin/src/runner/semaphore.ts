import { ErrorCode, TransportError } from '@rds-agent/core';

/**
 * A counting semaphore with FIFO waiters, abortable while waiting. Used to cap the exec channels
 * open on one connection; `drain()` rejects every waiter when the connection goes away.
 */
export class Semaphore {
  private available: number;
  private readonly waiters: { resolve: () => void; reject: (err: Error) => void; cleanup: () => void }[] = [];

  constructor(readonly size: number) {
    this.available = size;
  }

  /** Resolves with a release function once a slot is free. MUST be released exactly once. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    if (this.available > 0) {
      this.available--;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          waiter.cleanup();
          resolve(this.releaser());
        },
        reject: (err: Error) => {
          waiter.cleanup();
          reject(err);
        },
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        waiter.reject(abortedError(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Rejects every waiter (the connection is gone). Slots already held are released by their owners. */
  drain(err: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  /** Waiters currently queued (for tests and status). */
  get pending(): number {
    return this.waiters.length;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next.resolve();
      else this.available++;
    };
  }
}

function abortedError(signal: AbortSignal): TransportError {
  const reason: unknown = signal.reason;
  if (reason instanceof TransportError) return reason;
  return new TransportError(ErrorCode.ABORTED, 'aborted while waiting for a free channel', { cause: reason });
}
