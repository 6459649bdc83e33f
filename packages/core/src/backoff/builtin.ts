import type { BackoffDefinition } from './backoff.js';
import { constantBackoff } from './constant.js';
import { decorrelatedJitterBackoff } from './decorrelated-jitter.js';
import { exponentialBackoff } from './exponential.js';
import { fullJitterBackoff } from './full-jitter.js';

/**
 * The strategies core ships, by the name used in config (`backoff.strategy`). The plugin registry
 * registers these; plugins add more with `PluginHost.addBackoff`.
 *
 * @internal
 */
export const BUILTIN_BACKOFFS: Readonly<Record<string, BackoffDefinition>> = Object.freeze({
  exponential: exponentialBackoff as unknown as BackoffDefinition,
  'decorrelated-jitter': decorrelatedJitterBackoff as unknown as BackoffDefinition,
  'full-jitter': fullJitterBackoff as unknown as BackoffDefinition,
  constant: constantBackoff as unknown as BackoffDefinition,
});

/** The strategy used when config names none. @internal */
export const DEFAULT_BACKOFF_STRATEGY = 'exponential';
