import type { ConfigIssue } from '../errors/agent-error.js';
import type { ConfigSchema } from '../config/schema-types.js';
import type { TransportFactory } from './transport.js';

/**
 * A named transport type: its per-target config schema fragment (the keys under a target's
 * `options:`), optional cross-field validation (keys relative to the fragment), and a factory.
 */
export interface TransportDefinition<C = Record<string, unknown>> {
  readonly schema: ConfigSchema;
  validate?(config: Readonly<C>): readonly ConfigIssue[];
  readonly create: TransportFactory<C>;
}
