export * from './events.js';
export * from './monitor-options.js';
export * from './reconnect-hook.js';
export * from './connection-monitor.js';
export * from './create-connection-monitor.js';
