/**
 * The metric catalog: every metric rds-agent exports, defined once. Exporters map these
 * definitions onto their own instruments; nothing else invents metric names.
 *
 * - `name` is the Prometheus name (base units, `_seconds`, counters end in `_total`).
 * - `otelName` + `unit` (UCUM) are the OpenTelemetry name and unit; a Prometheus translation
 *   of them gives back `name` (checked by a unit test).
 */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

export interface MetricDef {
  readonly name: string;
  readonly otelName: string;
  readonly kind: MetricKind;
  /** UCUM unit: `s`, `By`, `1`, or an annotation such as `{state}`. */
  readonly unit: string;
  readonly labels: readonly string[];
  readonly help: string;
  /** Histogram bucket upper bounds, in the metric's unit. */
  readonly buckets?: readonly number[];
}

function define<const T extends MetricDef>(def: T): T {
  return Object.freeze({ ...def, labels: Object.freeze([...def.labels]) }) as T;
}

/** Reference buckets for reconnect duration (kept from the original driver). */
export const RECONNECT_DURATION_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60] as const;
/** Probe latency on a LAN is milliseconds; a hung peer hits the probe timeout (seconds). */
export const PROBE_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export const Metrics = {
  connectionState: define({
    name: 'rds_connection_state',
    otelName: 'rds.connection.state',
    kind: 'gauge',
    unit: '{state}',
    labels: ['target'],
    help: 'Whether the connection to the target is up (1) or not (0).',
  }),
  reconnects: define({
    name: 'rds_reconnect_total',
    otelName: 'rds.reconnect',
    kind: 'counter',
    unit: '{attempt}',
    labels: ['target', 'status'],
    help: 'Connection attempts (at start-up and after a loss) by outcome: status="success" or "failure".',
  }),
  reconnectDuration: define({
    name: 'rds_reconnect_duration_seconds',
    otelName: 'rds.reconnect.duration',
    kind: 'histogram',
    unit: 's',
    labels: ['target'],
    help: 'Time from detecting a loss (or start-up) to being connected again.',
    buckets: RECONNECT_DURATION_BUCKETS,
  }),
  probeDuration: define({
    name: 'rds_probe_duration_seconds',
    otelName: 'rds.probe.duration',
    kind: 'histogram',
    unit: 's',
    labels: ['target'],
    help: 'Latency of successful liveness probes.',
    buckets: PROBE_DURATION_BUCKETS,
  }),
  disconnects: define({
    name: 'rds_disconnects_total',
    otelName: 'rds.disconnects',
    kind: 'counter',
    unit: '{disconnect}',
    labels: ['target', 'reason'],
    help: 'Connections lost, by reason (network, timeout, unhealthy, ...).',
  }),
  connectErrors: define({
    name: 'rds_connect_errors_total',
    otelName: 'rds.connect.errors',
    kind: 'counter',
    unit: '{error}',
    labels: ['target', 'reason'],
    help: 'Failed connection attempts by reason; auth and host-key-mismatch are permanent and need an operator.',
  }),
  lastChange: define({
    name: 'rds_connection_last_change_timestamp_seconds',
    otelName: 'rds.connection.last_change.timestamp',
    kind: 'gauge',
    unit: 's',
    labels: ['target'],
    help: 'Unix time of the last change of the connection state.',
  }),
  backoffDelay: define({
    name: 'rds_backoff_delay_seconds',
    otelName: 'rds.backoff.delay',
    kind: 'gauge',
    unit: 's',
    labels: ['target'],
    help: 'The wait before the next connection attempt; 0 when connected.',
  }),
  hookErrors: define({
    name: 'rds_reconnect_hook_errors_total',
    otelName: 'rds.reconnect.hook.errors',
    kind: 'counter',
    unit: '{error}',
    labels: ['target'],
    help: 'On-reconnect hooks that threw (logged; never fatal).',
  }),
  targetInfo: define({
    name: 'rds_target_info',
    otelName: 'rds.target.info',
    kind: 'gauge',
    unit: '{info}',
    labels: ['target', 'transport', 'host_key_verification', 'probe_mode'],
    help: 'Static facts about a target (value 1): transport type, whether host keys are verified, probe mode.',
  }),
  exporterErrors: define({
    name: 'rds_exporter_errors_total',
    otelName: 'rds.exporter.errors',
    kind: 'counter',
    unit: '{error}',
    labels: ['exporter'],
    help: 'Exporter failures (a metric update that threw, an OTLP export that failed).',
  }),
  // --- device telemetry (collected over the kept connection by transports that can) -------------
  systemUptime: define({
    name: 'rds_system_uptime_seconds',
    otelName: 'rds.system.uptime',
    kind: 'gauge',
    unit: 's',
    labels: ['target'],
    help: 'Time since the device booted, as it reports it.',
  }),
  systemCpuLoad: define({
    name: 'rds_system_cpu_load_ratio',
    otelName: 'rds.system.cpu.load',
    kind: 'gauge',
    unit: '1',
    labels: ['target'],
    help: 'CPU load of the device (0 to 1).',
  }),
  systemMemoryFree: define({
    name: 'rds_system_memory_free_bytes',
    otelName: 'rds.system.memory.free',
    kind: 'gauge',
    unit: 'By',
    labels: ['target'],
    help: 'Free memory of the device.',
  }),
  systemMemoryTotal: define({
    name: 'rds_system_memory_total_bytes',
    otelName: 'rds.system.memory.total',
    kind: 'gauge',
    unit: 'By',
    labels: ['target'],
    help: 'Total memory of the device.',
  }),
  systemInfo: define({
    name: 'rds_system_info',
    otelName: 'rds.system.info',
    kind: 'gauge',
    unit: '{info}',
    labels: ['target', 'version', 'board', 'architecture'],
    help: 'Device facts (value 1): RouterOS version, board name, architecture.',
  }),
  diskReadBytes: define({
    name: 'rds_disk_read_bytes_total',
    otelName: 'rds.disk.read',
    kind: 'counter',
    unit: 'By',
    labels: ['target', 'slot'],
    help: 'Bytes read from a disk (slot) of the device.',
  }),
  diskWriteBytes: define({
    name: 'rds_disk_write_bytes_total',
    otelName: 'rds.disk.write',
    kind: 'counter',
    unit: 'By',
    labels: ['target', 'slot'],
    help: 'Bytes written to a disk (slot) of the device.',
  }),
  diskReadOps: define({
    name: 'rds_disk_read_ops_total',
    otelName: 'rds.disk.read.ops',
    kind: 'counter',
    unit: '{operation}',
    labels: ['target', 'slot'],
    help: 'Read operations on a disk (slot) of the device.',
  }),
  diskWriteOps: define({
    name: 'rds_disk_write_ops_total',
    otelName: 'rds.disk.write.ops',
    kind: 'counter',
    unit: '{operation}',
    labels: ['target', 'slot'],
    help: 'Write operations on a disk (slot) of the device.',
  }),
  telemetryErrors: define({
    name: 'rds_telemetry_errors_total',
    otelName: 'rds.telemetry.errors',
    kind: 'counter',
    unit: '{error}',
    labels: ['target', 'reason'],
    help: 'Telemetry collections that failed, by reason (the connection itself may be fine).',
  }),
  buildInfo: define({
    name: 'rds_agent_build_info',
    otelName: 'rds.agent.build_info',
    kind: 'gauge',
    unit: '{info}',
    labels: ['version'],
    help: 'rds-agent build information (value 1).',
  }),
} as const satisfies Record<string, MetricDef>;

export type MetricId = keyof typeof Metrics;

/** Every catalog entry, for exporters that register all instruments up front. */
export const METRIC_CATALOG: readonly MetricDef[] = Object.freeze(Object.values(Metrics));
