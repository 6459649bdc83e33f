export * from './telemetry.js';
export * from './telemetry-collector.js';
export * from './telemetry-metrics.js';
