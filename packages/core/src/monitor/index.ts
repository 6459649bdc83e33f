export * from './events.js';
export * from './monitor-options.js';
export * from './reconnect-hook.js';
