import type { TelemetrySample } from '@rds-agent/core';
import type { DiskTraffic } from '../routeros/disk-traffic.js';
import type { SystemResource } from '../routeros/system-resource.js';

/** `/system resource print` as catalog samples; fields the device did not print give no sample. */
export function systemSamples(res: SystemResource): TelemetrySample[] {
  const samples: TelemetrySample[] = [];
  if (res.uptimeMs !== undefined) samples.push({ metric: 'systemUptime', value: res.uptimeMs / 1000 });
  if (res.cpuLoad !== undefined) samples.push({ metric: 'systemCpuLoad', value: res.cpuLoad });
  if (res.freeMemoryBytes !== undefined) samples.push({ metric: 'systemMemoryFree', value: res.freeMemoryBytes });
  if (res.totalMemoryBytes !== undefined) samples.push({ metric: 'systemMemoryTotal', value: res.totalMemoryBytes });
  if (res.version !== undefined || res.boardName !== undefined || res.architecture !== undefined) {
    samples.push({
      metric: 'systemInfo',
      labels: { version: res.version ?? '', board: res.boardName ?? '', architecture: res.architecture ?? '' },
      value: 1,
    });
  }
  return samples;
}

const DISK_COUNTERS = [
  ['read-bytes', 'diskReadBytes'],
  ['write-bytes', 'diskWriteBytes'],
  ['read-ops', 'diskReadOps'],
  ['write-ops', 'diskWriteOps'],
] as const;

/** The cumulative counters of one `monitor-traffic ... once` answer, labelled with the slot asked for. */
export function diskSamples(slot: string, traffic: DiskTraffic): TelemetrySample[] {
  const samples: TelemetrySample[] = [];
  for (const [field, metric] of DISK_COUNTERS) {
    const value = traffic.values[field];
    if (value !== undefined) samples.push({ metric, labels: { slot }, value });
  }
  return samples;
}
