import { Worker } from 'node:worker_threads';
import type { VerifyJob, VerifyResult, VerifyWorkerData } from './verify-worker.js';

/** Nice value of the verification threads on Linux: below the event loop's priority, not starved. */
export const VERIFY_THREAD_NICE = 10;

export interface VerifyPoolOptions {
  /** Worker threads running checks; each runs one at a time. @default 1 */
  readonly threads?: number;
  /** Checks running or queued at once; `verify` refuses more. @default 8 */
  readonly maxPending?: number;
  /** Told when a thread fails (its check counts as not matching; the thread is replaced). */
  readonly onError?: (err: unknown) => void;
}

interface Pending {
  readonly job: VerifyJob;
  readonly resolve: (ok: boolean) => void;
}

interface Slot {
  readonly worker: Worker;
  current: Pending | undefined;
}

/**
 * bcrypt checks on worker threads, off the event loop: a check costs ~75 ms of CPU at cost 10, and
 * four at once on the main thread were enough to stall every scrape for seconds.
 *
 * At most `maxPending` checks are running or queued; `verify` returns undefined beyond that, so a
 * flood of wrong passwords turns into quick refusals instead of an unbounded queue. Threads start
 * on the first check (a config with sha256 users only never starts one), hold the process only
 * while they work, run at a lower CPU priority (nice 10 on Linux, where it is per thread), and a
 * thread that dies is replaced: its check resolves false.
 */
export class VerifyPool {
  private readonly threads: number;
  private readonly maxPending: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: VerifyPoolOptions = {}) {
    this.threads = Math.max(1, options.threads ?? 1);
    this.maxPending = Math.max(1, options.maxPending ?? 8);
  }

  /** Checks running or queued. */
  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.current).length;
  }

  /**
   * Resolves whether `password` matches the bcrypt `hash`, or returns undefined without queueing
   * when `maxPending` checks are already pending (or the pool is closed).
   */
  verify(hash: string, password: string): Promise<boolean> | undefined {
    if (this.closed || this.pending >= this.maxPending) return undefined;
    return new Promise<boolean>((resolve) => {
      this.queue.push({ job: { id: this.nextId++, hash, password }, resolve });
      this.dispatch();
    });
  }

  /** Resolves once no check is running or queued (tests wait on it instead of on time). */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops every thread; pending checks resolve false. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.resolve(false);
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      slot.current?.resolve(false);
      slot.current = undefined;
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
    this.notifyIdle();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => !s.current) ?? (this.slots.length < this.threads ? this.spawn() : undefined);
      if (!slot) return;
      const next = this.queue.shift()!;
      slot.current = next;
      slot.worker.ref(); // a check in flight keeps the process alive until it answers
      slot.worker.postMessage(next.job);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./verify-worker.js', import.meta.url), { workerData: { nice: VERIFY_THREAD_NICE } satisfies VerifyWorkerData });
    const slot: Slot = { worker, current: undefined };
    worker.unref();
    worker.on('message', (result: VerifyResult) => {
      const done = slot.current;
      if (!done || done.job.id !== result.id) return;
      slot.current = undefined;
      worker.unref();
      done.resolve(result.ok === true);
      this.dispatch();
      this.notifyIdle();
    });
    const fail = (err: unknown): void => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return; // already replaced or closed
      this.slots.splice(i, 1);
      slot.current?.resolve(false);
      slot.current = undefined;
      if (!this.closed) this.options.onError?.(err);
      void worker.terminate();
      this.dispatch();
      this.notifyIdle();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`password verification thread exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private notifyIdle(): void {
    if (this.pending > 0) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
