import { ErrorCode, type TelemetrySample } from '@rds-agent/core';
import { deviceName, deviceText } from '../routeros/device-text.js';
import { inRange, isCount, LIMITS, checkedField, type Rejections } from '../routeros/plausibility.js';
import { parseSmartInfo, type SmartInfo } from '../routeros/smart-info.js';
import { parseCelsius, parseCount, parseCriticalWarning, parseRouterOsDuration, parseRouterOsNumber } from '../routeros/values.js';
import { fact, isNone, prop, type DeviceRecord } from './device-record.js';
import { INPUT_DEFAULTS } from './input-settings.js';
import { sample, type ReadingBuilder } from './reading-builder.js';
import { runInput, type RouterOsInput } from './routeros-input.js';
import { isRefusal, type RouterOsSession } from './routeros-session.js';

/** The NVMe critical warning bits, low bit first, as `bit` label values. */
export const CRITICAL_WARNING_BITS = ['spare', 'temperature', 'reliability', 'read_only', 'volatile_backup'] as const;

/** `/disk smart-info` (RouterOS 7.23+) is off for the connection under this name once the device does not know it. */
export const SMART_INFO_PART = 'drives/smart-info';
/** Most `smart-info` commands one run sends (an RDS has 20 bays); further drives are counted `cap`. */
export const MAX_SMART_INFO_PER_RUN = 32;
const COMMAND_SLOT = /^[a-zA-Z0-9-]{1,64}$/;

/** One bay or drive of the `/disk` listing, SMART values in base units, checked. */
export interface Drive {
  readonly slot: string;
  readonly present: boolean;
  readonly model?: string;
  readonly serial?: string;
  /** An emptied bay's `last-seen`: the drive that sat there last. */
  readonly lastSeen?: { readonly model: string; readonly serial: string };
  readonly temperatureCelsius?: number;
  readonly enduranceUsed?: number;
  readonly availableSpare?: number;
  readonly availableSpareThreshold?: number;
  readonly criticalWarning?: number;
  readonly unsafeShutdowns?: number;
  readonly mediaErrors?: number;
  readonly powerOnSeconds?: number;
  readonly smartPassed?: boolean;
}

/** Bays and physical drives: `type=hardware` items and empty bays (flag `E`, or `empty=true`). */
function isBay(r: DeviceRecord): boolean {
  return prop(r, 'type') === 'hardware' || isEmptyBay(r);
}

/**
 * An empty bay: flag `E` (text), or `empty=true`. Whether `as-value` prints `empty` is unverified,
 * so a JSON hardware item without it that has neither a size nor a model is an empty bay too.
 */
export function isEmptyBay(r: DeviceRecord): boolean {
  const said = fact(r, { flag: 'E', props: ['empty'] });
  if (said !== undefined) return said;
  const size = prop(r, 'size');
  return prop(r, 'type') === 'hardware' && isNone(prop(r, 'model')) && (isNone(size) || size === '0');
}

/** `last-seen="U.2 SSD 4TG2-P S3Z9NX0N414510L"`: the last word is the serial, the rest the model. */
export function parseLastSeen(r: DeviceRecord, rejections: Rejections): { model: string; serial: string } | undefined {
  const model = prop(r, 'last-seen-model');
  const serial = prop(r, 'last-seen-serial');
  if (model !== undefined || serial !== undefined) {
    return { model: deviceText(model, rejections) ?? '', serial: deviceText(serial, rejections) ?? '' };
  }
  const text = deviceText(prop(r, 'last-seen'), rejections);
  if (text === undefined || text === 'none') return undefined;
  const cut = text.lastIndexOf(' ');
  return cut < 0 ? { model: '', serial: text } : { model: text.slice(0, cut).trim(), serial: text.slice(cut + 1) };
}

const percent = (max: number) => (v: number) => inRange(v, 0, max * 100);
/** `power-on-time`: a RouterOS duration (`24w3d`), or a bare number of hours as smartctl prints it. */
const parsePowerOn = (t: string): number | undefined => {
  const hours = parseCount(t);
  if (hours !== undefined) return hours * 3600;
  const ms = parseRouterOsDuration(t);
  return ms === undefined ? undefined : ms / 1000;
};

/** The drives of a `/disk` listing; SMART fields the listing prints are read here, `smart-info` fills the rest. */
export function drivesFromListing(records: readonly DeviceRecord[], rejections: Rejections): Drive[] {
  const drives: Drive[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (!isBay(r)) continue;
    const slot = deviceName(prop(r, 'slot'), rejections);
    if (slot === undefined || seen.has(slot)) continue;
    seen.add(slot);
    const present = !isEmptyBay(r);
    const field = <T>(key: string, parse: (t: string) => T | undefined, ok: (v: T) => boolean): T | undefined => checkedField(prop(r, key), parse, ok, rejections);
    const ratio = (key: string, max: number): number | undefined => {
      const v = field(key, parseRouterOsNumber, percent(max));
      return v === undefined ? undefined : v / 100;
    };
    // Only defined fields are set (no `delete` afterwards: that turns every object into a slow dictionary).
    const drive: Record<string, unknown> = { slot, present };
    const set = (key: keyof Drive, value: unknown): void => {
      if (value !== undefined) drive[key] = value;
    };
    if (present) {
      set('model', deviceText(prop(r, 'model'), rejections));
      set('serial', deviceText(prop(r, 'serial'), rejections));
      set('temperatureCelsius', field('temperature', parseCelsius, (v) => inRange(v, LIMITS.minCelsius, LIMITS.maxCelsius)));
      set('enduranceUsed', ratio('percentage-used', 2.55));
      set('availableSpare', ratio('available-spare', 1));
      set('availableSpareThreshold', ratio('available-spare-threshold', 1));
      set('criticalWarning', field('critical-warning', parseCriticalWarning, (v) => isCount(v, 255)));
      set('unsafeShutdowns', field('unsafe-shutdowns', parseCount, (v) => isCount(v)));
      set('mediaErrors', field('unrecovered-integrity-errors', parseCount, (v) => isCount(v)) ?? field('media-errors', parseCount, (v) => isCount(v)));
      set('powerOnSeconds', field('power-on-time', parsePowerOn, (v) => inRange(v, 0, LIMITS.maxUptimeSeconds)));
    } else {
      set('lastSeen', parseLastSeen(r, rejections));
    }
    drives.push(drive as unknown as Drive);
  }
  return drives;
}

/** True when the listing printed no SMART value for the drive: `smart-info` is worth asking. */
function lacksSmart(d: Drive): boolean {
  return d.temperatureCelsius === undefined && d.enduranceUsed === undefined && d.availableSpare === undefined && d.criticalWarning === undefined;
}

/** An NVMe bay (`nvme1`..`nvme20` on an RDS): the only drives `smart-info` reads. */
function isNvmeSlot(slot: string): boolean {
  return slot.startsWith('nvme') && COMMAND_SLOT.test(slot);
}

/** The listing's values, with what `smart-info` adds where the listing printed none. */
export function withSmartInfo(d: Drive, s: SmartInfo): Drive {
  const merged: Record<string, unknown> = { ...d };
  const fill = (key: keyof Drive, value: unknown): void => {
    if (merged[key] === undefined && value !== undefined) merged[key] = value;
  };
  fill('model', s.model);
  fill('serial', s.serial);
  fill('temperatureCelsius', s.temperatureCelsius);
  fill('enduranceUsed', s.percentageUsed);
  fill('availableSpare', s.availableSpare);
  fill('availableSpareThreshold', s.availableSpareThreshold);
  fill('criticalWarning', s.criticalWarning);
  fill('unsafeShutdowns', s.unsafeShutdowns);
  fill('mediaErrors', s.mediaErrors);
  fill('powerOnSeconds', s.powerOnHours === undefined ? undefined : s.powerOnHours * 3600);
  fill('smartPassed', s.passed);
  return merged as unknown as Drive;
}

/** One drive as samples. */
export function driveSamples(d: Drive): TelemetrySample[] {
  const labels = { slot: d.slot };
  const samples: TelemetrySample[] = [sample('drivePresent', d.present ? 1 : 0, labels)];
  if (d.present && (d.model !== undefined || d.serial !== undefined)) samples.push(sample('driveInfo', 1, { slot: d.slot, model: d.model ?? '', serial: d.serial ?? '' }));
  if (!d.present && d.lastSeen) samples.push(sample('driveLastSeenInfo', 1, { slot: d.slot, model: d.lastSeen.model, serial: d.lastSeen.serial }));
  if (d.temperatureCelsius !== undefined) samples.push(sample('driveTemperature', d.temperatureCelsius, labels));
  if (d.enduranceUsed !== undefined) samples.push(sample('driveEnduranceUsed', d.enduranceUsed, labels));
  if (d.availableSpare !== undefined) samples.push(sample('driveAvailableSpare', d.availableSpare, labels));
  if (d.availableSpareThreshold !== undefined) samples.push(sample('driveAvailableSpareThreshold', d.availableSpareThreshold, labels));
  if (d.criticalWarning !== undefined) {
    CRITICAL_WARNING_BITS.forEach((bit, i) => samples.push(sample('driveCriticalWarning', (d.criticalWarning! >> i) & 1, { slot: d.slot, bit })));
  }
  if (d.unsafeShutdowns !== undefined) samples.push(sample('driveUnsafeShutdowns', d.unsafeShutdowns, labels));
  if (d.mediaErrors !== undefined) samples.push(sample('driveMediaErrors', d.mediaErrors, labels));
  if (d.powerOnSeconds !== undefined) samples.push(sample('drivePowerOn', d.powerOnSeconds, labels));
  if (d.smartPassed !== undefined) samples.push(sample('driveSmartPassed', d.smartPassed ? 1 : 0, labels));
  return samples;
}

/**
 * Asks `smart-info` for one drive. A device without the command (RouterOS < 7.23) turns only this
 * part off for the connection; a refusal for one slot is counted (`refused`) and the drive keeps
 * what the listing said.
 */
async function smartInfo(session: RouterOsSession, slot: string, reading: ReadingBuilder, signal: AbortSignal): Promise<SmartInfo | undefined> {
  if (session.disabledReason(SMART_INFO_PART)) return undefined;
  try {
    return parseSmartInfo(await session.run(`/disk smart-info ${slot}`, reading, signal), reading.rejections);
  } catch (err) {
    if (!isRefusal(err)) throw err;
    if (err.code === ErrorCode.UNSUPPORTED) session.disable(SMART_INFO_PART, err);
    else reading.rejections.add('refused');
    return undefined;
  }
}

/**
 * `drives`: every bay's presence (and the last-seen drive of an emptied bay), the drive's model
 * and serial, and its SMART wear and error values: from the shared `/disk` listing, and from
 * `/disk smart-info <slot>` for NVMe drives the listing prints none for.
 */
export function createDrivesInput(maxSeries: number = INPUT_DEFAULTS.drives.maxSeries): RouterOsInput {
  return {
    name: 'drives',
    collect: (session, signal) =>
      runInput('drives', session, signal, maxSeries, async (reading) => {
        await session.requireStoragePackage(reading, signal);
        const records = await session.diskListing(reading, signal);
        let asked = 0;
        for (let d of drivesFromListing(records, reading.rejections)) {
          // Past the series cap no more commands are spent: the rest would be dropped anyway.
          if (reading.size < maxSeries && d.present && isNvmeSlot(d.slot) && lacksSmart(d)) {
            if (asked++ < MAX_SMART_INFO_PER_RUN) {
              const s = await smartInfo(session, d.slot, reading, signal);
              if (s) d = withSmartInfo(d, s);
            } else reading.rejections.add('cap');
          }
          reading.addEntity(driveSamples(d));
        }
      }),
  };
}

