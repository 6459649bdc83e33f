import { ErrorCode, type TelemetrySample, type TransportError } from '@rds-agent/core';
import { parseDiskTraffic, type DiskTraffic } from '../routeros/disk-traffic.js';
import { fact, prop, type DeviceRecord } from './device-record.js';
import { isEmptyBay } from './drives.js';
import { INPUT_DEFAULTS } from './input-settings.js';
import { sample } from './reading-builder.js';
import { nothingRead, runInput, type RouterOsInput } from './routeros-input.js';
import { isRefusal } from './routeros-session.js';

/** A slot name that is safe to put in a command (as `assertSlotName` enforces it). */
const COMMAND_SLOT = /^[a-zA-Z0-9-]{1,64}$/;

const DISK_COUNTERS = [
  ['read-bytes', 'diskReadBytes'],
  ['write-bytes', 'diskWriteBytes'],
  ['read-ops', 'diskReadOps'],
  ['write-ops', 'diskWriteOps'],
] as const;
/** Series per slot, for counting what the slot cap drops. */
const SERIES_PER_SLOT = DISK_COUNTERS.length;

/** The cumulative counters of one `monitor-traffic ... once` answer, labelled with the slot asked for. */
export function diskSamples(slot: string, traffic: DiskTraffic): TelemetrySample[] {
  const samples: TelemetrySample[] = [];
  for (const [field, metric] of DISK_COUNTERS) {
    const value = traffic.values[field];
    if (value !== undefined && Number.isInteger(value)) samples.push(sample(metric, value, { slot }));
  }
  return samples;
}

/**
 * The slots worth watching, from a `/disk` listing in either form: block devices (flag `B`; in
 * JSON, a hardware item that is not an empty bay), RAID arrays and file disks, with a slot name
 * that is safe in a command; duplicates left out, listing order kept.
 */
export function trafficSlotsOf(records: readonly DeviceRecord[]): string[] {
  const slots: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    const slot = prop(r, 'slot') ?? '';
    const type = prop(r, 'type');
    const block = fact(r, { flag: 'B', props: ['block-device'] }) ?? (type === 'hardware' && !isEmptyBay(r));
    if (!(block || type === 'raid' || type === 'file') || !COMMAND_SLOT.test(slot) || seen.has(slot)) continue;
    seen.add(slot);
    slots.push(slot);
  }
  return slots;
}

export interface TrafficOptions {
  /** Slots to read (`telemetryDisks`); empty: discover them from the `/disk` listing once per connection. */
  readonly disks: readonly string[];
  /** Most slots one run reads (`telemetryMaxDisks`): each costs one command. */
  readonly maxDisks: number;
  readonly maxSeries: number;
}

/**
 * `traffic`: cumulative read/write bytes and operations per slot, one
 * `/disk monitor-traffic <slot> once` each. Needs no rose-storage (plain RouterOS disks have it).
 * A slot the device refuses (`no such item`) is counted and skipped; the run fails only when no
 * slot could be read.
 */
export function createTrafficInput(options: Partial<TrafficOptions> = {}): RouterOsInput {
  const { disks = [], maxDisks = 32, maxSeries = INPUT_DEFAULTS.traffic.maxSeries } = options;
  return {
    name: 'traffic',
    collect: (session, signal) =>
      runInput('traffic', session, signal, maxSeries, async (reading) => {
        let slots = disks.length > 0 ? disks : session.trafficSlots;
        if (!slots) {
          slots = trafficSlotsOf(await session.diskListing(reading, signal));
          session.trafficSlots = slots;
          session.logger.debug({ slots: slots.length }, `telemetry: ${slots.length} disk slot(s) discovered`);
        }
        if (slots.length > maxDisks) reading.rejections.add('cap', (slots.length - maxDisks) * SERIES_PER_SLOT);
        let firstError: TransportError | undefined;
        for (const slot of slots.slice(0, maxDisks)) {
          if (!COMMAND_SLOT.test(slot)) {
            reading.rejections.add('invalid-name');
            continue;
          }
          const command = `/disk monitor-traffic ${slot} once`;
          let output: string;
          try {
            output = await session.run(command, reading, signal);
          } catch (err) {
            if (!isRefusal(err) || err.code === ErrorCode.UNSUPPORTED) throw err;
            reading.rejections.add('refused');
            firstError ??= err;
            session.logger.debug({ slot, code: err.code, err: err.message }, `telemetry: disk ${slot} skipped`);
            continue;
          }
          const before = reading.rejections.total;
          const samples = diskSamples(slot, parseDiskTraffic(output, reading.rejections));
          if (samples.length === 0 && reading.rejections.total === before) {
            reading.rejections.add('unparsable');
            firstError ??= nothingRead(command);
          }
          reading.addEntity(samples);
        }
        if (reading.size === 0 && firstError) throw firstError;
      }),
  };
}
