export * from './as-value.js';
export * from './disk-traffic.js';
export * from './error-text.js';
export * from './print.js';
export * from './print-detail.js';
export * from './quote.js';
export * from './values.js';
