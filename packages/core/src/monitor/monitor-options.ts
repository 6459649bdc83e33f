/** Per-target monitor settings (config: `monitor:` at top level, overridable per target). */
export interface MonitorOptions {
  /** Transport type name, for target-info. */
  readonly transportType: string;
  /** Time between liveness probes while connected. @default 5000 */
  readonly probeIntervalMs: number;
  /** Deadline of one probe; past it the peer is considered hung. @default 3000 */
  readonly probeTimeoutMs: number;
  /** Deadline of one connect attempt. @default 10000 */
  readonly connectTimeoutMs: number;
  /**
   * Upper bound of the random wait before the first attempt after a loss, so a fleet that notices
   * an outage in the same millisecond does not reconnect in lockstep. 0 disables it. @default 1000
   */
  readonly firstAttemptJitterMs: number;
}

export const DEFAULT_MONITOR_OPTIONS: Omit<MonitorOptions, 'transportType'> = Object.freeze({
  probeIntervalMs: 5000,
  probeTimeoutMs: 3000,
  connectTimeoutMs: 10000,
  firstAttemptJitterMs: 1000,
});
