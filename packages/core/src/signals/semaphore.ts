import { abortedError } from './link-signals.js';

/**
 * A counting semaphore with FIFO waiters, abortable while waiting: caps work in flight (the
 * agent's concurrent connection handshakes, a transport's channels on one connection).
 * `drain(err)` rejects every waiter, e.g. when the connection they wait on goes away.
 *
 * @public
 */
export class Semaphore {
  private available: number;
  private readonly waiters: { resolve: () => void; reject: (err: Error) => void; cleanup: () => void }[] = [];
  /** Callers of {@link whenNoneWaiting}, told once the queue is empty. */
  private readonly idleWatchers = new Set<() => void>();

  constructor(readonly size: number) {
    if (!(Number.isInteger(size) && size >= 1)) throw new RangeError(`semaphore size must be a whole number >= 1: ${size}`);
    this.available = size;
  }

  /**
   * Resolves with a release function once a slot is free; MUST be released exactly once (a second
   * call is a no-op). Rejects with the signal's reason (a TransportError, else `ABORTED`) when
   * `signal` aborts first.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortedError(signal, 'wait for a free slot'));
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
        waiter.reject(abortedError(signal!, 'wait for a free slot'));
        this.notifyIfNoneWaiting();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Rejects every waiter. Slots already held are released by their owners. */
  drain(err: Error): void {
    for (const w of this.waiters.splice(0)) w.reject(err);
    this.notifyIfNoneWaiting();
  }

  /**
   * Resolves once no caller waits for a slot (at once when none does): lets lower-priority work
   * give way while there is a queue, e.g. telemetry while handshakes queue at start-up. Rejects
   * with the signal's reason when `signal` aborts first.
   */
  whenNoneWaiting(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortedError(signal, 'wait for an empty queue'));
    if (this.waiters.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.idleWatchers.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        this.idleWatchers.delete(done);
        reject(abortedError(signal!, 'wait for an empty queue'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.idleWatchers.add(done);
    });
  }

  /** Waiters queued now. */
  get pending(): number {
    return this.waiters.length;
  }

  /** Slots held now. */
  get inUse(): number {
    return this.size - this.available;
  }

  private notifyIfNoneWaiting(): void {
    if (this.waiters.length > 0 || this.idleWatchers.size === 0) return;
    for (const done of [...this.idleWatchers]) done();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next.resolve();
      else this.available++;
      this.notifyIfNoneWaiting();
    };
  }
}
