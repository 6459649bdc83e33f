export * from './schema-types.js';
