import type { BackoffDefinition, BackoffDeps, BackoffStrategy } from './backoff.js';
import { STOP } from './backoff.js';
import type { ConfigIssue } from '../errors/agent-error.js';
import { ElapsedBudget } from './elapsed-budget.js';
import { applyJitter } from './jitter.js';
import { checkAtLeast, checkNotBelow, checkRatio } from './param-checks.js';

/** Parameters of the `exponential` strategy (all durations in ms). @internal */
export interface ExponentialBackoffParams {
  /** First interval. @default 1000 */
  readonly initialInterval: number;
  /** Growth per failed attempt, >= 1. @default 2 */
  readonly multiplier: number;
  /** Cap on the interval (before jitter). @default 16000 */
  readonly maxInterval: number;
  /** Jitter ratio in [0, 1]: each wait is drawn in `[i*(1-r), i*(1+r)]`. 0 means no jitter. @default 0.1 */
  readonly randomizationFactor: number;
  /** Give up (STOP) once this much clock time has passed since the first failure; 0 = never. @default 0 */
  readonly maxElapsedTime: number;
}

/** The reference driver's values: 1 s, x2, 16 s cap, 10 % jitter, never give up. @internal */
export const DEFAULT_EXPONENTIAL_PARAMS: ExponentialBackoffParams = Object.freeze({
  initialInterval: 1000,
  multiplier: 2,
  maxInterval: 16_000,
  randomizationFactor: 0.1,
  maxElapsedTime: 0,
});

/**
 * Exponential backoff with proportional jitter (as cenkalti/backoff).
 *
 * Interval `i` (0-based, per outage) is `min(initialInterval * multiplier^i, maxInterval)`; the
 * returned wait is that interval jittered by {@link applyJitter} and rounded to whole ms. With the
 * defaults:
 *
 * | attempt i | interval (ms) | wait drawn in (ms), r = 0.1 | r = 0 |
 * |----------:|--------------:|----------------------------:|------:|
 * |         0 |          1000 |                  [900, 1100] |  1000 |
 * |         1 |          2000 |                 [1800, 2200] |  2000 |
 * |         2 |          4000 |                 [3600, 4400] |  4000 |
 * |         3 |          8000 |                 [7200, 8800] |  8000 |
 * |         4 |         16000 |               [14400, 17600] | 16000 |
 * |        5+ |         16000 |               [14400, 17600] | 16000 |
 *
 * So failed attempts at t = 0 with r = 0 are followed by attempts at 1 s, 3 s, 7 s, 15 s, 31 s, 47 s ...
 * `maxDelayMs` is `maxInterval * (1 + r)`. A randomization factor of 0 draws nothing from Random.
 *
 * @internal
 */
export class ExponentialBackoff implements BackoffStrategy {
  readonly maxDelayMs: number;
  private readonly params: ExponentialBackoffParams;
  private readonly budget: ElapsedBudget;
  private current: number;

  constructor(params: Partial<ExponentialBackoffParams>, private readonly deps: BackoffDeps) {
    this.params = { ...DEFAULT_EXPONENTIAL_PARAMS, ...params };
    this.budget = new ElapsedBudget(deps.clock, this.params.maxElapsedTime);
    this.current = Math.min(this.params.initialInterval, this.params.maxInterval);
    this.maxDelayMs = Math.round(this.params.maxInterval * (1 + this.params.randomizationFactor));
  }

  next(): number {
    if (this.budget.exceeded()) return STOP;
    const { multiplier, maxInterval, randomizationFactor } = this.params;
    const interval = this.current;
    // Grow by multiplication and clamp, so a long outage never overflows to Infinity.
    this.current = Math.min(interval * multiplier, maxInterval);
    const draw = randomizationFactor === 0 ? 0.5 : this.deps.random.next();
    return Math.round(applyJitter(interval, randomizationFactor, draw));
  }

  reset(): void {
    this.current = Math.min(this.params.initialInterval, this.params.maxInterval);
    this.budget.reset();
  }
}

/** Cross-field checks for {@link ExponentialBackoffParams}; keys relative to the `backoff` section. */
export function validateExponentialParams(params: Readonly<Partial<ExponentialBackoffParams>>): ConfigIssue[] {
  const p = { ...DEFAULT_EXPONENTIAL_PARAMS, ...params };
  const issues: ConfigIssue[] = [];
  checkAtLeast(issues, 'initialInterval', p.initialInterval, 1, 'a duration > 0');
  checkAtLeast(issues, 'multiplier', p.multiplier, 1);
  checkAtLeast(issues, 'maxInterval', p.maxInterval, 1, 'a duration > 0');
  checkNotBelow(issues, 'maxInterval', p.maxInterval, 'initialInterval', p.initialInterval);
  checkRatio(issues, 'randomizationFactor', p.randomizationFactor);
  checkAtLeast(issues, 'maxElapsedTime', p.maxElapsedTime, 0, 'a duration >= 0 (0 = never give up)');
  return issues;
}

/** The `exponential` strategy: the default, with the reference driver's defaults. @internal */
export const exponentialBackoff: BackoffDefinition<ExponentialBackoffParams> = {
  schema: {
    initialInterval: { doc: 'Wait after the first failed attempt, before jitter.', format: 'duration', default: 1000 },
    multiplier: { doc: 'Growth of the wait per failed attempt (>= 1).', format: 'positive-number', default: 2 },
    maxInterval: { doc: 'Cap on the wait, before jitter.', format: 'duration', default: 16_000 },
    randomizationFactor: {
      doc: 'Jitter ratio: each wait is drawn uniformly in [w*(1-r), w*(1+r)]. 0 turns jitter off.',
      format: 'ratio',
      default: 0.1,
    },
    maxElapsedTime: {
      doc: 'Give up (state failed) once this long has passed since the first failure of an outage; 0 = never.',
      format: 'duration',
      default: 0,
    },
  },
  validate: validateExponentialParams,
  create: (params, deps) => new ExponentialBackoff(params, deps),
};
