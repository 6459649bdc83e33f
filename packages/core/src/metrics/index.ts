export * from './catalog.js';
export * from './metric-update.js';
export * from './metrics-hub.js';
export * from './status-store.js';
export * from './exporter.js';
export * from './effective-catalog.js';
export * from './metric-def.js';
export * from './device-catalog.js';
