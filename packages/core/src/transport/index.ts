export * from './transport.js';
export * from './transport-definition.js';
