import { define } from './metric-def.js';

/**
 * Device telemetry: what transports read from the device over the kept connection (system
 * resource, disk traffic, storage health). Every entry is marked `source: 'device'`; a
 * TelemetrySample may name only these, so a transport can never overwrite the agent's own
 * connection-health series.
 */
export const DEVICE_METRICS = {
  systemUptime: define({
    source: 'device',
    name: 'rds_system_uptime_seconds',
    otelName: 'rds.system.uptime',
    kind: 'gauge',
    unit: 's',
    labels: ['target'],
    help: 'Time since the device booted, as it reports it.',
  }),
  systemCpuLoad: define({
    source: 'device',
    name: 'rds_system_cpu_load_ratio',
    otelName: 'rds.system.cpu.load',
    kind: 'gauge',
    unit: '1',
    labels: ['target'],
    help: 'CPU load of the device (0 to 1).',
  }),
  systemMemoryFree: define({
    source: 'device',
    name: 'rds_system_memory_free_bytes',
    otelName: 'rds.system.memory.free',
    kind: 'gauge',
    unit: 'By',
    labels: ['target'],
    help: 'Free memory of the device.',
  }),
  systemMemoryTotal: define({
    source: 'device',
    name: 'rds_system_memory_total_bytes',
    otelName: 'rds.system.memory.total',
    kind: 'gauge',
    unit: 'By',
    labels: ['target'],
    help: 'Total memory of the device.',
  }),
  systemInfo: define({
    source: 'device',
    name: 'rds_system_info',
    otelName: 'rds.system.info',
    kind: 'gauge',
    unit: '{info}',
    labels: ['target', 'version', 'board', 'architecture'],
    help: 'Device facts (value 1): RouterOS version, board name, architecture.',
  }),
  diskReadBytes: define({
    source: 'device',
    name: 'rds_disk_read_bytes_total',
    otelName: 'rds.disk.read',
    kind: 'counter',
    unit: 'By',
    labels: ['target', 'slot'],
    help: 'Bytes read from a disk (slot) of the device.',
  }),
  diskWriteBytes: define({
    source: 'device',
    name: 'rds_disk_write_bytes_total',
    otelName: 'rds.disk.write',
    kind: 'counter',
    unit: 'By',
    labels: ['target', 'slot'],
    help: 'Bytes written to a disk (slot) of the device.',
  }),
  diskReadOps: define({
    source: 'device',
    name: 'rds_disk_read_ops_total',
    otelName: 'rds.disk.read.ops',
    kind: 'counter',
    unit: '{operation}',
    labels: ['target', 'slot'],
    help: 'Read operations on a disk (slot) of the device.',
  }),
  diskWriteOps: define({
    source: 'device',
    name: 'rds_disk_write_ops_total',
    otelName: 'rds.disk.write.ops',
    kind: 'counter',
    unit: '{operation}',
    labels: ['target', 'slot'],
    help: 'Write operations on a disk (slot) of the device.',
  }),
} as const;
