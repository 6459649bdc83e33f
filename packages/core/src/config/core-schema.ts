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
  connectConcurrency: {
    doc: 'Most connection handshakes (TCP + SSH key exchange + authentication) in flight at once across all targets, at start-up and in mass recovery; the others wait their turn (their connect deadline starts when they begin). While handshakes queue here, telemetry runs wait, then start at a random point of up to 60 s (at most their interval), so the first readings of a fleet do not hold its handshakes back. Keeps 1,000 targets connecting on the first attempt on a busy 2-core host.',
    format: 'positive-int',
    default: 16,
    max: 10000,
  },
  monitor: MONITOR_SCHEMA,
} as const satisfies ConfigSchema;
