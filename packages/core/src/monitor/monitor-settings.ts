import type { ConfigIssue } from '../errors/agent-error.js';
import { MAX_TIMER_MS } from '../config/duration.js';
import { schemaDefaults, type ConfigSchema } from '../config/schema-types.js';

/**
 * A target's `monitor:` settings, named as in config (every duration in ms). The top-level
 * `monitor:` section gives the defaults; a target's own `monitor:` overrides them key by key.
 *
 * @internal
 */
export interface MonitorSettings {
  /** Time between liveness probes while connected. @default 5000 */
  readonly probeInterval: number;
  /** Deadline of one probe; past it the peer is considered hung. @default 3000 */
  readonly probeTimeout: number;
  /** Deadline of one connect attempt. @default 10000 */
  readonly connectTimeout: number;
  /**
   * Upper bound of the random wait before the first attempt after a loss, so a fleet that notices
   * an outage in the same millisecond does not reconnect in lockstep: the wait is drawn uniformly in
   * `[firstAttemptJitter / 8, firstAttemptJitter]` (see `pickFirstAttemptDelay`). 0 disables it:
   * a lone agent that shares its RDS with no fleet may want that. @default 12000
   */
  readonly firstAttemptJitter: number;
  /** Time between telemetry collections; 0: no telemetry. @default 60000 */
  readonly telemetryInterval: number;
  /** Deadline of one telemetry collection. @default 10000 */
  readonly telemetryTimeout: number;
}

/** The `monitor:` section's schema: the one place its defaults and bounds are written. @internal */
export const MONITOR_SCHEMA: ConfigSchema<MonitorSettings> = {
  probeInterval: { doc: 'Time between liveness probes while connected.', format: 'duration', default: 5000, min: 100, max: MAX_TIMER_MS },
  probeTimeout: {
    doc: 'Deadline of one probe; past it the peer is considered hung and the connection lost. At most probeInterval.',
    format: 'duration',
    default: 3000,
    min: 10,
    max: MAX_TIMER_MS,
  },
  connectTimeout: { doc: 'Deadline of one connection attempt.', format: 'duration', default: 10000, min: 100, max: MAX_TIMER_MS },
  firstAttemptJitter: {
    doc: 'Upper bound of the random wait before the first attempt after a loss, drawn uniformly in [firstAttemptJitter/8, firstAttemptJitter], so a fleet that notices a shared outage at once does not reconnect in lockstep; state and metrics change at detection regardless. 0 disables it (reconnect at once).',
    format: 'duration',
    default: 12_000,
    min: 0,
    max: MAX_TIMER_MS,
  },
  telemetryInterval: {
    doc: 'Device telemetry of this target: 0 disables it. For a transport with one collect() (no inputs), the time between two collections; a transport with inputs (rds-ssh) schedules each input by its own interval (options.inputs.<name>.interval) and only honours 0 here.',
    format: 'duration',
    default: 60000,
    min: 0,
    max: MAX_TIMER_MS,
  },
  telemetryTimeout: {
    doc: 'For a transport with one collect() (no inputs): the deadline of one collection; past it the collection counts as failed (reason timeout), the connection stays up. At most telemetryInterval; 0 means no deadline. Inputs have their own timeouts (rds-ssh: options.inputs.<name>.timeout).',
    format: 'duration',
    default: 10000,
    min: 0,
    max: MAX_TIMER_MS,
  },
};

/** The monitor settings a target gets when config sets none. @internal */
export const DEFAULT_MONITOR_SETTINGS: MonitorSettings = Object.freeze(schemaDefaults(MONITOR_SCHEMA));

/**
 * Cross-field rules of a `monitor:` section (keys relative to it). A probe that may take longer
 * than the interval between probes, or a telemetry run longer than its interval, is a mistake.
 *
 * @internal
 */
export function validateMonitorSettings(s: Readonly<MonitorSettings>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (s.probeTimeout > s.probeInterval) {
    issues.push({ key: 'probeTimeout', message: `must be at most probeInterval (${s.probeInterval} ms): value was ${s.probeTimeout} ms` });
  }
  if (s.telemetryInterval > 0 && s.telemetryTimeout > 0 && s.telemetryTimeout > s.telemetryInterval) {
    issues.push({ key: 'telemetryTimeout', message: `must be at most telemetryInterval (${s.telemetryInterval} ms): value was ${s.telemetryTimeout} ms` });
  }
  return issues;
}
