import type { TelemetrySample } from '@rds-agent/core';
import { systemResourceFromRecord, type SystemResource } from '../routeros/system-resource.js';
import { parseKeyValuePrint } from '../routeros/print.js';
import type { Rejections } from '../routeros/plausibility.js';
import { recordsFromJsonInSlices, type DeviceRecord } from './device-record.js';
import { INPUT_DEFAULTS } from './input-settings.js';
import { sample } from './reading-builder.js';
import { nothingRead, runInput, type RouterOsInput } from './routeros-input.js';

export const SYSTEM_COMMANDS = {
  json: ':put [:serialize to=json [/system resource print as-value]]',
  text: '/system resource print',
} as const;

/** `/system resource` as catalog samples; fields the device did not print (or that failed the checks) give no sample. */
export function systemSamples(res: SystemResource): TelemetrySample[] {
  const samples: TelemetrySample[] = [];
  if (res.uptimeMs !== undefined) samples.push(sample('systemUptime', res.uptimeMs / 1000));
  if (res.cpuLoad !== undefined) samples.push(sample('systemCpuLoad', res.cpuLoad));
  if (res.freeMemoryBytes !== undefined) samples.push(sample('systemMemoryFree', res.freeMemoryBytes));
  if (res.totalMemoryBytes !== undefined) samples.push(sample('systemMemoryTotal', res.totalMemoryBytes));
  if (res.version !== undefined || res.boardName !== undefined || res.architecture !== undefined) {
    samples.push(sample('systemInfo', 1, { version: res.version ?? '', board: res.boardName ?? '', architecture: res.architecture ?? '' }));
  }
  return samples;
}

/** Parses either form of `/system resource` (the print text, or the one JSON record) into samples. */
export function parseSystem(output: { readonly text: string } | { readonly records: readonly DeviceRecord[] }, rejections: Rejections): TelemetrySample[] {
  const record = 'text' in output ? parseKeyValuePrint(output.text) : (output.records[0]?.props ?? {});
  return systemSamples(systemResourceFromRecord(record, rejections));
}

/** `system`: uptime, CPU load, memory and the device facts from `/system resource`. */
export function createSystemInput(maxSeries: number = INPUT_DEFAULTS.system.maxSeries): RouterOsInput {
  return {
    name: 'system',
    collect: (session, signal) =>
      runInput('system', session, signal, maxSeries, async (reading) => {
        // Not a listing: the JSON form is one record, the text form `key: value` lines.
        const { json, command, output } = await session.read(SYSTEM_COMMANDS, reading, signal);
        const samples = json
          ? parseSystem({ records: (await recordsFromJsonInSlices(output, reading.rejections, 2)) ?? [] }, reading.rejections)
          : parseSystem({ text: output }, reading.rejections);
        // Nothing at all, and nothing refused either: the device printed something else entirely.
        if (samples.length === 0 && reading.rejections.total === 0) throw nothingRead(command);
        reading.addEntity(samples);
      }),
  };
}
