import { BUILTIN_BACKOFFS, DEFAULT_MONITOR_SETTINGS, ExponentialBackoff } from '@rds-agent/core/host';
import { schemaDefaults } from '@rds-agent/core';

/** The reference driver's backoff (seed-behaviour.md): 1 s -> 16 s, x2, randomization 0.1, never give up. */
const REFERENCE_BACKOFF = Object.freeze({ initialInterval: 1000, multiplier: 2, maxInterval: 16_000, randomizationFactor: 0.1, maxElapsedTime: 0 });

/** Every strategy core ships, in the order the table shows them; the first is the default. */
export const STRATEGIES = ['exponential', 'decorrelated-jitter', 'full-jitter', 'constant'];

/** First-attempt jitter windows (ms) compared per strategy; `undefined` is the shipped default. */
const WINDOWS = {
  exponential: [0, 1000, 5000, undefined],
  'decorrelated-jitter': [0, 1000, undefined],
  'full-jitter': [0, 1000, undefined],
  constant: [0, 1000, undefined],
};

/**
 * @typedef {object} ScenarioSpec
 * @property {string} id
 * @property {'reference' | 'rds-agent'} model
 * @property {string} strategy
 * @property {number | undefined} firstAttemptJitter ms; undefined: the shipped default
 * @property {'event' | 'poll'} detection
 * @property {number} [cost] relative run time, so the runner starts the slowest first
 */

/** @returns {ScenarioSpec[]} the reference model first, then every shipped strategy x window */
export function storm() {
  const specs = [{ id: 'reference', model: 'reference', strategy: 'exponential', firstAttemptJitter: 0, detection: 'poll' }];
  for (const strategy of STRATEGIES) {
    for (const window of WINDOWS[strategy]) {
      if (window === DEFAULT_MONITOR_SETTINGS.firstAttemptJitter) continue; // shown as the default
      // Constant has no jitter of its own: with none before the first attempt either, the fleet stays
      // in lockstep and takes minutes of simulated time to get in.
      const cost = strategy === 'constant' && window === 0 ? 3 : 1;
      specs.push({ id: `${strategy}/${window ?? 'default'}`, model: 'rds-agent', strategy, firstAttemptJitter: window, detection: 'event', cost });
    }
  }
  return specs;
}

/** The reference model and the shipped default only (for other outage lengths). */
export function headToHead() {
  return storm().filter((s) => s.model === 'reference' || (s.strategy === STRATEGIES[0] && s.firstAttemptJitter === undefined));
}

/** The window the scenario really uses (the shipped default resolved). */
export function effectiveWindow(spec) {
  return spec.firstAttemptJitter ?? DEFAULT_MONITOR_SETTINGS.firstAttemptJitter;
}

/**
 * A factory of one agent's strategy: the reference's exponential parameters for the reference model,
 * otherwise the strategy with the defaults an agent gets from config (its schema defaults).
 */
export function backoffFactory(spec) {
  if (spec.model === 'reference') return (deps) => new ExponentialBackoff(REFERENCE_BACKOFF, deps);
  const definition = BUILTIN_BACKOFFS[spec.strategy];
  if (!definition) throw new Error(`unknown backoff strategy ${spec.strategy}`);
  const params = schemaDefaults(definition.schema);
  return (deps) => definition.create(params, deps);
}
