import type { LoopLag } from '../clock/loop-lag.js';

/**
 * A {@link LoopLag} a test scripts: `stall(from, ms)` says the agent could not run for `ms` from
 * Clock time `from` (a blocked event loop, a starved host), so FakeClock tests can show that a
 * deadline passing while the agent was starved is extended by the stall (and again for later stalls), and that a hung device is still
 * found. Overlapping stalls add up.
 *
 * @public
 */
export class ManualLoopLag implements LoopLag {
  private readonly stalls: { from: number; to: number }[] = [];

  stall(from: number, ms: number): void {
    this.stalls.push({ from, to: from + ms });
  }

  lagBetween(from: number, to: number): number {
    let total = 0;
    for (const s of this.stalls) total += Math.max(0, Math.min(s.to, to) - Math.max(s.from, from));
    return total;
  }
}
