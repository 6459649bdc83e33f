import { DEVICE_METRICS } from './device-catalog.js';
import { define, type MetricDef } from './metric-def.js';

export { define, type MetricDef, type MetricKind } from './metric-def.js';

/** Reference buckets for reconnect duration (kept from the original driver). @public */
export const RECONNECT_DURATION_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60] as const;
/** Probe latency on a LAN is milliseconds; a hung peer hits the probe timeout (seconds). @public */
export const PROBE_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/**
 * The metric catalog: every metric rds-agent exports, defined once (the agent's own here, device
 * telemetry in `device-catalog.ts`). Exporters map these definitions onto their own instruments;
 * nothing else invents metric names.
 *
 * @public
 */
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
    help: 'Latency of liveness probes, failed ones included (a probe that timed out counts its full wait).',
    buckets: PROBE_DURATION_BUCKETS,
  }),
  probes: define({
    name: 'rds_probes_total',
    otelName: 'rds.probes',
    kind: 'counter',
    unit: '{probe}',
    labels: ['target', 'result'],
    help: 'Liveness probes by result: ok, timeout (no answer within probeTimeout) or failed (answered with an error).',
  }),
  deadlineExtensions: define({
    name: 'rds_deadline_extensions_total',
    otelName: 'rds.deadline.extensions',
    kind: 'counter',
    unit: '{extension}',
    labels: ['target', 'phase'],
    help: 'Probe or connect deadlines extended because the agent itself could not run (blocked event loop, starved host), not blamed on the device.',
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
    // The transports' own description labels are added per agent (see effective-catalog.ts).
    labels: ['target', 'transport'],
    help: 'Facts about a target (value 1): its transport type and what the transport describes (address, host-key verification, probe mode, ...).',
  }),
  exporterErrors: define({
    name: 'rds_exporter_errors_total',
    otelName: 'rds.exporter.errors',
    kind: 'counter',
    unit: '{error}',
    labels: ['exporter'],
    help: 'Exporter failures (a metric update that threw, an OTLP export that failed).',
  }),
  exporterRefusedRequests: define({
    name: 'rds_exporter_refused_requests_total',
    otelName: 'rds.exporter.refused_requests',
    kind: 'counter',
    unit: '{request}',
    labels: ['exporter', 'reason'],
    help: 'Requests and connections an exporter endpoint refused, by reason (unauthorized, too-many-requests, timeout, connection-limit, bad-request).',
  }),
  telemetryErrors: define({
    name: 'rds_telemetry_errors_total',
    otelName: 'rds.telemetry.errors',
    kind: 'counter',
    unit: '{error}',
    labels: ['target', 'input', 'reason'],
    help: 'Telemetry that could not be used, by input and reason: a run that failed (timeout, command, unsupported, ...) or values an input refused (implausible, unparsable, cap, ...). The connection itself may be fine.',
  }),
  telemetryDuration: define({
    name: 'rds_telemetry_collection_duration_seconds',
    otelName: 'rds.telemetry.collection.duration',
    kind: 'gauge',
    unit: 's',
    labels: ['target', 'input'],
    help: 'How long the last run of a telemetry input took (a RouterOS update once made one collector 100x slower).',
  }),
  telemetryBytesRead: define({
    name: 'rds_telemetry_read_bytes_total',
    otelName: 'rds.telemetry.read',
    kind: 'counter',
    unit: 'By',
    labels: ['target', 'input'],
    help: 'Bytes of device output telemetry inputs read.',
  }),
  telemetryLastSuccess: define({
    name: 'rds_telemetry_last_success_timestamp_seconds',
    otelName: 'rds.telemetry.last_success.timestamp',
    kind: 'gauge',
    unit: 's',
    labels: ['target', 'input'],
    help: 'Unix time of the last run of a telemetry input that read samples (alert when it is stale).',
  }),
  telemetryInputEnabled: define({
    name: 'rds_telemetry_input_enabled',
    otelName: 'rds.telemetry.input.enabled',
    kind: 'gauge',
    unit: '{bool}',
    labels: ['target', 'input'],
    help: 'Whether a telemetry input runs on the current connection (0: the device does not support it, e.g. an older RouterOS or no rose-storage).',
  }),
  ...DEVICE_METRICS,
  eventLoopLag: define({
    name: 'rds_agent_event_loop_lag_seconds',
    otelName: 'rds.agent.event_loop.lag',
    kind: 'gauge',
    unit: 's',
    labels: [],
    help: "The longest delay of the agent's own event loop over the last few seconds (blocked loop or starved host); probe deadlines are extended by it.",
  }),
  configReloadSuccessful: define({
    name: 'rds_agent_config_last_reload_successful',
    otelName: 'rds.agent.config.last_reload.successful',
    kind: 'gauge',
    unit: '{bool}',
    labels: [],
    help: 'Whether the last configuration reload succeeded (1) or was refused or only partly applied (0); 1 at start.',
  }),
  configReloadSuccessTimestamp: define({
    name: 'rds_agent_config_last_reload_success_timestamp_seconds',
    otelName: 'rds.agent.config.last_reload.success.timestamp',
    kind: 'gauge',
    unit: 's',
    labels: [],
    help: 'Unix time of the last successful configuration load (the start, or the last successful reload).',
  }),
  buildInfo: define({
    name: 'rds_agent_build_info',
    otelName: 'rds.agent.build_info',
    kind: 'gauge',
    unit: '{info}',
    // Plus one `<package>_version` label per library the registered plugins declare (effectiveCatalog).
    labels: ['version', 'revision', 'nodejs_version'],
    help: 'rds-agent build information (value 1): its version, source revision and Node.js, and the installed version of each library its transports and exporters use (unknown when not known).',
  }),
  startTime: define({
    name: 'rds_agent_start_time_seconds',
    otelName: 'rds.agent.start_time',
    kind: 'gauge',
    unit: 's',
    labels: [],
    help: 'Unix time the agent started (after loading its configuration, before starting exporters and targets); a restart changes it, a configuration reload does not.',
  }),
} as const satisfies Record<string, MetricDef>;

/** @public */
export type MetricId = keyof typeof Metrics;

/** Every catalog entry, for exporters that register all instruments up front. @public */
export const METRIC_CATALOG: readonly MetricDef[] = Object.freeze(Object.values(Metrics));
