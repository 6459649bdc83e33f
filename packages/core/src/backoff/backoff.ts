import type { Clock } from '../clock/clock.js';
import type { ConfigIssue } from '../errors/agent-error.js';
import type { Random } from '../clock/random.js';
import type { ConfigSchema } from '../config/schema-types.js';

/** Returned by {@link BackoffStrategy.next} to say: give up, do not retry. @public */
export const STOP = -1;

/**
 * Decides how long to wait before the next connection attempt.
 *
 * - `next()` returns the wait in ms before the next attempt, or {@link STOP} to give up. It is called
 *   once per failed attempt, so a strategy MAY count attempts or elapsed time (through the injected Clock).
 * - `reset()` is called after every successful connection: the next outage starts from the beginning.
 * - `maxDelayMs` is the longest wait `next()` can return; permanent errors (auth, host key) are never
 *   retried faster than this.
 *
 * Strategies MUST be pure apart from the injected Clock and Random, so tests pin them exactly.
 *
 * @public
 */
export interface BackoffStrategy {
  next(): number;
  reset(): void;
  readonly maxDelayMs: number;
}

/** What a backoff factory gets: time and randomness, nothing else. @public */
export interface BackoffDeps {
  readonly clock: Clock;
  readonly random: Random;
}

/**
 * A named strategy: its config schema fragment (convict; keys sit beside `strategy:` in a
 * `backoff` section) and a factory taking the validated parameters.
 *
 * @public
 */
export interface BackoffDefinition<P = Record<string, unknown>> {
  readonly schema: ConfigSchema;
  /**
   * Cross-field checks convict formats cannot express (e.g. `maxInterval >= initialInterval`).
   * Issue keys are relative to the fragment (`maxInterval`, not `backoff.maxInterval`); the config
   * loader prefixes them. MUST NOT throw.
   */
  validate?(params: Readonly<P>): readonly ConfigIssue[];
  create(params: Readonly<P>, deps: BackoffDeps): BackoffStrategy;
}
