import type { BackoffDefinition, BackoffDeps, BackoffStrategy } from './backoff.js';
import { STOP } from './backoff.js';
import type { ConfigIssue } from '../errors/agent-error.js';
import { ElapsedBudget } from './elapsed-budget.js';
import { applyJitter } from './jitter.js';
import { checkAtLeast, checkRatio } from './param-checks.js';

/** Parameters of the `constant` strategy (durations in ms). @internal */
export interface ConstantBackoffParams {
  /** The wait between attempts. @default 5000 */
  readonly interval: number;
  /** Jitter ratio in [0, 1] (see `applyJitter`); 0 = none. @default 0 */
  readonly randomizationFactor: number;
  /** Give up once this much clock time has passed since the first failure; 0 = never. @default 0 */
  readonly maxElapsedTime: number;
}

/** @internal */
export const DEFAULT_CONSTANT_PARAMS: ConstantBackoffParams = Object.freeze({
  interval: 5000,
  randomizationFactor: 0,
  maxElapsedTime: 0,
});

/**
 * The same wait every time: `interval`, optionally jittered in `[i*(1-r), i*(1+r)]`.
 *
 * | interval | r   | draw | waits (ms)          |
 * |---------:|----:|-----:|---------------------|
 * |     5000 |   0 |  any | 5000, 5000, ...     |
 * |     5000 | 0.2 |    0 | 4000, 4000, ...     |
 * |     5000 | 0.2 |  0.5 | 5000, 5000, ...     |
 *
 * `maxDelayMs` is `interval * (1 + r)`. A factor of 0 draws nothing from Random.
 *
 * @internal
 */
export class ConstantBackoff implements BackoffStrategy {
  readonly maxDelayMs: number;
  private readonly params: ConstantBackoffParams;
  private readonly budget: ElapsedBudget;

  constructor(params: Partial<ConstantBackoffParams>, private readonly deps: BackoffDeps) {
    this.params = { ...DEFAULT_CONSTANT_PARAMS, ...params };
    this.budget = new ElapsedBudget(deps.clock, this.params.maxElapsedTime);
    this.maxDelayMs = Math.round(this.params.interval * (1 + this.params.randomizationFactor));
  }

  next(): number {
    if (this.budget.exceeded()) return STOP;
    const { interval, randomizationFactor } = this.params;
    const draw = randomizationFactor === 0 ? 0.5 : this.deps.random.next();
    return Math.round(applyJitter(interval, randomizationFactor, draw));
  }

  reset(): void {
    this.budget.reset();
  }
}

export function validateConstantParams(params: Readonly<Partial<ConstantBackoffParams>>): ConfigIssue[] {
  const p = { ...DEFAULT_CONSTANT_PARAMS, ...params };
  const issues: ConfigIssue[] = [];
  checkAtLeast(issues, 'interval', p.interval, 0, 'a duration >= 0');
  checkRatio(issues, 'randomizationFactor', p.randomizationFactor);
  checkAtLeast(issues, 'maxElapsedTime', p.maxElapsedTime, 0, 'a duration >= 0 (0 = never give up)');
  return issues;
}

/** The `constant` strategy. @internal */
export const constantBackoff: BackoffDefinition<ConstantBackoffParams> = {
  schema: {
    interval: { doc: 'The wait between attempts.', format: 'duration', default: 5000 },
    randomizationFactor: {
      doc: 'Jitter ratio: each wait is drawn uniformly in [w*(1-r), w*(1+r)]. 0 turns jitter off.',
      format: 'ratio',
      default: 0,
    },
    maxElapsedTime: {
      doc: 'Give up (state failed) once this long has passed since the first failure of an outage; 0 = never.',
      format: 'duration',
      default: 0,
    },
  },
  validate: validateConstantParams,
  create: (params, deps) => new ConstantBackoff(params, deps),
};
