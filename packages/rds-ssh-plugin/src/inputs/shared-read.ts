import { ErrorCode, TransportError } from '@rds-agent/core';
import { Rejections } from '../routeros/plausibility.js';

/** Where a run counts the bytes it read and, optionally, the values it refused (a ReadingBuilder is one). */
export interface ByteMeter {
  bytesRead: number;
  readonly rejections?: Rejections;
}

/**
 * One device read that several inputs wait for (the `/disk` listing, the capability probes).
 * Each caller waits under its own signal; the read itself is aborted only when every caller has
 * given up, so one input's deadline never fails another input's run. The bytes the read cost, and
 * the values it refused, are counted once, by the first caller that receives the result.
 */
export class SharedRead<T> {
  private readonly controller = new AbortController();
  private readonly meter: { bytesRead: number; readonly rejections: Rejections } = { bytesRead: 0, rejections: new Rejections() };
  private readonly result: Promise<T>;
  private waiting = 0;
  private claimed = false;
  private state: 'pending' | 'done' | 'failed' = 'pending';

  constructor(start: (signal: AbortSignal, meter: ByteMeter) => Promise<T>) {
    this.result = start(this.controller.signal, this.meter);
    this.result.then(
      () => {
        this.state = 'done';
      },
      () => {
        this.state = 'failed';
      },
    );
  }

  /** True once the read failed: a cache drops it, so the next caller reads again. */
  get failed(): boolean {
    return this.state === 'failed';
  }

  /** The result, or the caller's abort reason as soon as `signal` aborts. */
  join(signal: AbortSignal, meter: ByteMeter): Promise<T> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    this.waiting++;
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const leave = (): boolean => {
        if (done) return false;
        done = true;
        signal.removeEventListener('abort', onAbort);
        this.waiting--;
        return true;
      };
      const onAbort = (): void => {
        if (!leave()) return;
        reject(abortError(signal));
        if (this.waiting === 0 && this.state === 'pending') {
          this.controller.abort(new TransportError(ErrorCode.ABORTED, 'every reader of a shared device read gave up'));
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.result.then(
        (value) => {
          if (!leave()) return;
          if (!this.claimed) {
            this.claimed = true;
            meter.bytesRead += this.meter.bytesRead;
            meter.rejections?.addAll(this.meter.rejections);
          }
          resolve(value);
        },
        (err: unknown) => {
          if (leave()) reject(err);
        },
      );
    });
  }
}

/** The signal's TransportError reason, else `ABORTED`. */
export function abortError(signal: AbortSignal): TransportError {
  const reason: unknown = signal.reason;
  return reason instanceof TransportError ? reason : new TransportError(ErrorCode.ABORTED, 'telemetry read aborted', { cause: reason });
}
