import { MONITOR_SCHEMA } from '../monitor/monitor-settings.js';
import type { ConfigSchema } from './schema-types.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * Core's part of the agent schema; `backoff`, `targets`, `exporters` and `plugins` are composed
 * with the plugins' fragments (see compose-config.ts).
 *
 * @internal
 */
export const CORE_SCHEMA = {
  logLevel: { doc: 'Minimum log level.', format: LOG_LEVELS, default: 'info' },
  logFormat: { doc: 'Log output: json lines, pretty (human), or auto (pretty on a TTY, json otherwise).', format: ['auto', 'json', 'pretty'], default: 'auto' },
  shutdownTimeout: {
    doc: 'How long a graceful stop may take (sessions closed, exports flushed) before the agent exits anyway.',
    format: 'duration',
    default: 10000,
    min: 100,
  },
  monitor: MONITOR_SCHEMA,
} as const satisfies ConfigSchema;
