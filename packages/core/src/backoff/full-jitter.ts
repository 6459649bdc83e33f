import type { BackoffDefinition, BackoffDeps, BackoffStrategy } from './backoff.js';
import { STOP } from './backoff.js';
import type { ConfigIssue } from '../errors/agent-error.js';
import { ElapsedBudget } from './elapsed-budget.js';
import { randomBetween } from './jitter.js';
import { checkAtLeast, checkNotBelow } from './param-checks.js';

/** Parameters of the `full-jitter` strategy (durations in ms). @internal */
export interface FullJitterBackoffParams {
  /** Ceiling of the first draw. @default 1000 */
  readonly initialInterval: number;
  /** Growth of the ceiling per failed attempt, >= 1. @default 2 */
  readonly multiplier: number;
  /** Cap on the ceiling. @default 16000 */
  readonly maxInterval: number;
  /** Give up once this much clock time has passed since the first failure; 0 = never. @default 0 */
  readonly maxElapsedTime: number;
}

/** @internal */
export const DEFAULT_FULL_JITTER_PARAMS: FullJitterBackoffParams = Object.freeze({
  initialInterval: 1000,
  multiplier: 2,
  maxInterval: 16_000,
  maxElapsedTime: 0,
});

/**
 * AWS "full jitter": attempt `n` (0-based) waits a uniform draw in
 * `[0, min(maxInterval, initialInterval * multiplier^n)]`. Spreads a fleet the most, at the price
 * of sometimes retrying at once.
 *
 * | attempt n | ceiling (ms) | draw 0.5 | draw 0 |
 * |----------:|-------------:|---------:|-------:|
 * |         0 |         1000 |      500 |      0 |
 * |         1 |         2000 |     1000 |      0 |
 * |         2 |         4000 |     2000 |      0 |
 * |         3 |         8000 |     4000 |      0 |
 * |        4+ |        16000 |     8000 |      0 |
 *
 * `maxDelayMs` is `maxInterval`. Every `next()` draws once from Random.
 *
 * @internal
 */
export class FullJitterBackoff implements BackoffStrategy {
  readonly maxDelayMs: number;
  private readonly params: FullJitterBackoffParams;
  private readonly budget: ElapsedBudget;
  private ceiling: number;

  constructor(params: Partial<FullJitterBackoffParams>, private readonly deps: BackoffDeps) {
    this.params = { ...DEFAULT_FULL_JITTER_PARAMS, ...params };
    this.budget = new ElapsedBudget(deps.clock, this.params.maxElapsedTime);
    this.ceiling = Math.min(this.params.initialInterval, this.params.maxInterval);
    this.maxDelayMs = this.params.maxInterval;
  }

  next(): number {
    if (this.budget.exceeded()) return STOP;
    const ceiling = this.ceiling;
    this.ceiling = Math.min(ceiling * this.params.multiplier, this.params.maxInterval);
    return Math.round(randomBetween(0, ceiling, this.deps.random.next()));
  }

  reset(): void {
    this.ceiling = Math.min(this.params.initialInterval, this.params.maxInterval);
    this.budget.reset();
  }
}

export function validateFullJitterParams(params: Readonly<Partial<FullJitterBackoffParams>>): ConfigIssue[] {
  const p = { ...DEFAULT_FULL_JITTER_PARAMS, ...params };
  const issues: ConfigIssue[] = [];
  checkAtLeast(issues, 'initialInterval', p.initialInterval, 1, 'a duration > 0');
  checkAtLeast(issues, 'multiplier', p.multiplier, 1);
  checkAtLeast(issues, 'maxInterval', p.maxInterval, 1, 'a duration > 0');
  checkNotBelow(issues, 'maxInterval', p.maxInterval, 'initialInterval', p.initialInterval);
  checkAtLeast(issues, 'maxElapsedTime', p.maxElapsedTime, 0, 'a duration >= 0 (0 = never give up)');
  return issues;
}

/** The `full-jitter` strategy. @internal */
export const fullJitterBackoff: BackoffDefinition<FullJitterBackoffParams> = {
  schema: {
    initialInterval: { doc: 'Ceiling of the first random wait.', format: 'duration', default: 1000 },
    multiplier: { doc: 'Growth of the ceiling per failed attempt (>= 1).', format: 'positive-number', default: 2 },
    maxInterval: { doc: 'Cap on the ceiling.', format: 'duration', default: 16_000 },
    maxElapsedTime: {
      doc: 'Give up (state failed) once this long has passed since the first failure of an outage; 0 = never.',
      format: 'duration',
      default: 0,
    },
  },
  validate: validateFullJitterParams,
  create: (params, deps) => new FullJitterBackoff(params, deps),
};
