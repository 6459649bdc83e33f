import { STOP, type BackoffDefinition, type BackoffDeps, type BackoffStrategy, type ConfigIssue, type ConfigSchema } from '@rds-agent/core';

/** Parameters of the example `linear` strategy (durations in ms). */
export interface LinearBackoffParams {
  /** First wait. @default 1000 */
  readonly initialInterval: number;
  /** Added to the wait after every failed attempt. @default 1000 */
  readonly step: number;
  /** Cap on the wait. @default 30000 */
  readonly maxInterval: number;
  /** Give up after this many attempts in one outage; 0 = never. @default 0 */
  readonly maxAttempts: number;
}

/** The schema, typed by the parameters: a key, a type or a default that drifts apart does not compile. */
export const linearBackoffSchema: ConfigSchema<LinearBackoffParams> = {
  initialInterval: { doc: 'First wait after a failed attempt.', format: 'duration', default: 1000 },
  step: { doc: 'Added to the wait after every failed attempt.', format: 'duration', default: 1000 },
  maxInterval: { doc: 'Cap on the wait.', format: 'duration', default: 30_000 },
  maxAttempts: { doc: 'Give up (state failed) after this many failed attempts in one outage; 0 = never.', format: 'nat', default: 0 },
};

/**
 * Waits 1 s, 2 s, 3 s ... up to `maxInterval`: an example of a third-party strategy. It draws no
 * randomness, so it needs none of `deps`; a strategy that jitters MUST draw from `deps.random`.
 */
export class LinearBackoff implements BackoffStrategy {
  readonly maxDelayMs: number;
  private attempts = 0;

  constructor(
    private readonly params: Readonly<LinearBackoffParams>,
    _deps: BackoffDeps,
  ) {
    this.maxDelayMs = params.maxInterval;
  }

  next(): number {
    if (this.params.maxAttempts > 0 && this.attempts >= this.params.maxAttempts) return STOP;
    const wait = Math.min(this.params.initialInterval + this.attempts * this.params.step, this.params.maxInterval);
    this.attempts++;
    return wait;
  }

  reset(): void {
    this.attempts = 0;
  }
}

/** `backoff: { strategy: linear, ... }` once the plugin is loaded. */
export const linearBackoff: BackoffDefinition<LinearBackoffParams> = {
  schema: linearBackoffSchema,
  validate(params): ConfigIssue[] {
    return params.maxInterval < params.initialInterval
      ? [{ key: 'maxInterval', message: `must be at least initialInterval (${params.initialInterval} ms): value was ${params.maxInterval} ms` }]
      : [];
  },
  create: (params, deps) => new LinearBackoff(params, deps),
};
