/**
 * @rds-agent/core: contracts, the connection monitor, backoff strategies, the metric catalog,
 * config and plugin loading. Test doubles live in `@rds-agent/core/testing`.
 */
import 'reflect-metadata';
export * from './clock/index.js';
export * from './errors/index.js';
export * from './logging/index.js';
export * from './transport/index.js';
export * from './backoff/index.js';
export * from './monitor/index.js';
export * from './metrics/index.js';
export * from './telemetry/index.js';
export * from './plugin/index.js';
export * from './config/index.js';
export * from './agent/index.js';
export { Tokens } from './tokens.js';
