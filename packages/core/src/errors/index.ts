export * from './codes.js';
export * from './agent-error.js';
export * from './transport-error.js';
