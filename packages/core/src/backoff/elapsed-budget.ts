import type { Clock } from '../clock/clock.js';

/**
 * The `maxElapsedTime` rule shared by the built-in strategies: the budget starts at the first
 * `next()` after a reset and is spent once clock time since then exceeds `maxElapsedMs`.
 * `maxElapsedMs` 0 means never spent (the reference default: the RDS will come back).
 */
export class ElapsedBudget {
  private startedAt: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly maxElapsedMs: number,
  ) {}

  /** Starts the budget on first use; true once more than `maxElapsedMs` has passed since. */
  exceeded(): boolean {
    const now = this.clock.now();
    if (this.startedAt === undefined) this.startedAt = now;
    return this.maxElapsedMs > 0 && now - this.startedAt > this.maxElapsedMs;
  }

  reset(): void {
    this.startedAt = undefined;
  }
}
