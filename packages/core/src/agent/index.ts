export * from './agent.js';
export * from './bootstrap.js';
export * from './core-plugin.js';
