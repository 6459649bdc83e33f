export * from './plugin.js';
export * from './component-registry.js';
export * from './plugin-loader.js';
