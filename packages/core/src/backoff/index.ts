export * from './backoff.js';
export * from './jitter.js';
export * from './exponential.js';
export * from './decorrelated-jitter.js';
export * from './full-jitter.js';
export * from './constant.js';
export * from './builtin.js';
