import type { BackoffDefinition, BackoffDeps, BackoffStrategy } from './backoff.js';
import { STOP } from './backoff.js';
import type { ConfigIssue } from '../errors/agent-error.js';
import { ElapsedBudget } from './elapsed-budget.js';
import { randomBetween } from './jitter.js';
import { checkAtLeast, checkNotBelow } from './param-checks.js';

/** Parameters of the `decorrelated-jitter` strategy (durations in ms). @internal */
export interface DecorrelatedJitterBackoffParams {
  /** Shortest wait, and the seed of the first draw. @default 1000 */
  readonly baseInterval: number;
  /** Cap on every wait. @default 16000 */
  readonly maxInterval: number;
  /** Give up once this much clock time has passed since the first failure; 0 = never. @default 0 */
  readonly maxElapsedTime: number;
}

/** @internal */
export const DEFAULT_DECORRELATED_JITTER_PARAMS: DecorrelatedJitterBackoffParams = Object.freeze({
  baseInterval: 1000,
  maxInterval: 16_000,
  maxElapsedTime: 0,
});

/**
 * AWS "decorrelated jitter": `sleep = min(cap, random_between(base, previous * 3))`, with
 * `previous` starting at `base` after each reset. Waits grow on average but each depends on the
 * previous draw, which spreads a fleet out better than proportional jitter.
 *
 * With base 1000, cap 16000 and the draw pinned:
 *
 * | draw | waits (ms)                                   |
 * |-----:|----------------------------------------------|
 * |    0 | 1000, 1000, 1000, ...                        |
 * |  0.5 | 2000, 3500, 5750, 9125, 14188, 16000, 16000  |
 * |  ~1  | ~3000, ~9000, 16000, 16000                   |
 *
 * `maxDelayMs` is `maxInterval`. Every `next()` draws once from Random.
 *
 * @internal
 */
export class DecorrelatedJitterBackoff implements BackoffStrategy {
  readonly maxDelayMs: number;
  private readonly params: DecorrelatedJitterBackoffParams;
  private readonly budget: ElapsedBudget;
  private previous: number;

  constructor(params: Partial<DecorrelatedJitterBackoffParams>, private readonly deps: BackoffDeps) {
    this.params = { ...DEFAULT_DECORRELATED_JITTER_PARAMS, ...params };
    this.budget = new ElapsedBudget(deps.clock, this.params.maxElapsedTime);
    this.previous = this.params.baseInterval;
    this.maxDelayMs = this.params.maxInterval;
  }

  next(): number {
    if (this.budget.exceeded()) return STOP;
    const { baseInterval, maxInterval } = this.params;
    const drawn = randomBetween(baseInterval, this.previous * 3, this.deps.random.next());
    this.previous = Math.min(maxInterval, drawn);
    return Math.round(this.previous);
  }

  reset(): void {
    this.previous = this.params.baseInterval;
    this.budget.reset();
  }
}

export function validateDecorrelatedJitterParams(params: Readonly<Partial<DecorrelatedJitterBackoffParams>>): ConfigIssue[] {
  const p = { ...DEFAULT_DECORRELATED_JITTER_PARAMS, ...params };
  const issues: ConfigIssue[] = [];
  checkAtLeast(issues, 'baseInterval', p.baseInterval, 1, 'a duration > 0');
  checkAtLeast(issues, 'maxInterval', p.maxInterval, 1, 'a duration > 0');
  checkNotBelow(issues, 'maxInterval', p.maxInterval, 'baseInterval', p.baseInterval);
  checkAtLeast(issues, 'maxElapsedTime', p.maxElapsedTime, 0, 'a duration >= 0 (0 = never give up)');
  return issues;
}

/** The `decorrelated-jitter` strategy. @internal */
export const decorrelatedJitterBackoff: BackoffDefinition<DecorrelatedJitterBackoffParams> = {
  schema: {
    baseInterval: { doc: 'Shortest wait, and the seed of the first random draw.', format: 'duration', default: 1000 },
    maxInterval: { doc: 'Cap on every wait.', format: 'duration', default: 16_000 },
    maxElapsedTime: {
      doc: 'Give up (state failed) once this long has passed since the first failure of an outage; 0 = never.',
      format: 'duration',
      default: 0,
    },
  },
  validate: validateDecorrelatedJitterParams,
  create: (params, deps) => new DecorrelatedJitterBackoff(params, deps),
};
