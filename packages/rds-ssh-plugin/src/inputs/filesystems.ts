import { ErrorCode, type TelemetrySample } from '@rds-agent/core';
import { deviceName } from '../routeros/device-text.js';
import { inRange, isCount, LIMITS, checkedField, type Rejections } from '../routeros/plausibility.js';
import { parseCount, parseRouterOsBoolean, parseRouterOsNumber, parseSize } from '../routeros/values.js';
import { fact, isNone, prop, type DeviceRecord } from './device-record.js';
import { INPUT_DEFAULTS } from './input-settings.js';
import { sample } from './reading-builder.js';
import { runInput, type RouterOsInput } from './routeros-input.js';
import { isRefusal } from './routeros-session.js';

export const BTRFS_COMMANDS = {
  json: ':put [:serialize to=json [/disk btrfs filesystem print detail as-value]]',
  text: '/disk btrfs filesystem print terse',
} as const;
/** The btrfs part is off for the connection under this name once the device does not know the command. */
export const BTRFS_PART = 'filesystems/btrfs';
export const BTRFS_ERROR_TYPES = ['write', 'read', 'flush', 'corruption', 'generation'] as const;

/** A mounted filesystem of the `/disk` listing, checked (free never above size). */
export interface Filesystem {
  /** The mount point. */
  readonly filesystem: string;
  readonly slot: string;
  /** `xfs`, `btrfs`, `ext4`, ... */
  readonly type: string;
  readonly sizeBytes?: number;
  readonly freeBytes?: number;
  readonly inodes?: number;
  readonly inodesFree?: number;
  readonly readOnly?: boolean;
}

/** A btrfs filesystem of `/disk btrfs filesystem print`. */
export interface BtrfsFilesystem {
  /** The btrfs label (its uuid when it has none). */
  readonly filesystem: string;
  readonly errors: Readonly<Partial<Record<(typeof BTRFS_ERROR_TYPES)[number], number>>>;
  readonly missingDevices?: number;
  readonly scrubRunning?: boolean;
  readonly balanceRunning?: boolean;
  readonly replaceRunning?: boolean;
  /** `about` is not empty: RouterOS reports a problem. */
  readonly errorsReported?: boolean;
}

const FS_TYPE = /^[a-z0-9][a-z0-9-]{0,15}$/;

/** `fields` without its undefined entries, built by adding (no `delete`: that makes slow dictionaries). */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(fields)) if (fields[k] !== undefined) out[k] = fields[k];
  return out;
}

/** Mounted filesystems of a `/disk` listing: items with a filesystem type and a mount point. */
export function filesystemsFromListing(records: readonly DeviceRecord[], rejections: Rejections): Filesystem[] {
  const out: Filesystem[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    const fsType = prop(r, 'fs');
    const mountPoint = prop(r, 'mount-point');
    if (isNone(fsType) || isNone(mountPoint)) continue;
    if (fact(r, { props: ['mount-filesystem'] }) === false) continue;
    const filesystem = deviceName(mountPoint, rejections);
    const slot = deviceName(prop(r, 'slot'), rejections) ?? '';
    if (filesystem === undefined || seen.has(filesystem)) continue;
    if (!FS_TYPE.test(fsType!)) {
      rejections.add('invalid-name');
      continue;
    }
    seen.add(filesystem);
    const size = checkedField(prop(r, 'size'), parseSize, (v) => inRange(v, 0, LIMITS.maxBytes), rejections);
    const free = checkedField(prop(r, 'free'), parseSize, (v) => inRange(v, 0, size ?? LIMITS.maxBytes), rejections);
    const inodes = checkedField(prop(r, 'total-inodes'), parseRouterOsNumber, (v) => isCount(v), rejections);
    const inodesFree = checkedField(prop(r, 'free-inodes'), parseRouterOsNumber, (v) => isCount(v, inodes ?? LIMITS.maxCount), rejections);
    const ro = prop(r, 'mount-read-only');
    const readOnly = ro === undefined ? undefined : parseRouterOsBoolean(ro);
    if (ro !== undefined && readOnly === undefined) rejections.add('unparsable');
    out.push(defined({ filesystem, slot, type: fsType, sizeBytes: size, freeBytes: free, inodes, inodesFree, readOnly }) as unknown as Filesystem);
  }
  return out;
}

export function filesystemSamples(f: Filesystem): TelemetrySample[] {
  const labels = { filesystem: f.filesystem, slot: f.slot, type: f.type };
  const samples: TelemetrySample[] = [];
  if (f.sizeBytes !== undefined) samples.push(sample('filesystemSize', f.sizeBytes, labels));
  if (f.freeBytes !== undefined) samples.push(sample('filesystemFree', f.freeBytes, labels));
  if (f.inodes !== undefined) samples.push(sample('filesystemInodes', f.inodes, labels));
  if (f.inodesFree !== undefined) samples.push(sample('filesystemInodesFree', f.inodesFree, labels));
  if (f.readOnly !== undefined) samples.push(sample('filesystemReadOnly', f.readOnly ? 1 : 0, labels));
  return samples;
}

const running = (status: string | undefined): boolean | undefined => (status === undefined ? undefined : status.toLowerCase().includes('running'));
/** True when either source says so, false when one says no and none says yes, undefined when neither says. */
const either = (a: boolean | undefined, b: boolean | undefined): boolean | undefined => (a === true || b === true ? true : a === false || b === false ? false : undefined);

/**
 * btrfs filesystems. MikroTik's own health rules: a device is missing when `devs` lists
 * `missing` (flag `I`), errors exist when `about` is not empty. Flags `b` / `r` / `s` (text form)
 * or the status fields say a balance, replace or scrub runs.
 */
export function btrfsFromRecords(records: readonly DeviceRecord[], rejections: Rejections): BtrfsFilesystem[] {
  const out: BtrfsFilesystem[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    const label = prop(r, 'label');
    const filesystem = deviceName(isNone(label) ? prop(r, 'uuid') : label, rejections);
    if (filesystem === undefined || seen.has(filesystem)) continue;
    seen.add(filesystem);
    const errors: Partial<Record<(typeof BTRFS_ERROR_TYPES)[number], number>> = {};
    for (const type of BTRFS_ERROR_TYPES) {
      const v = checkedField(prop(r, `${type}-errors`), parseCount, (n) => isCount(n), rejections);
      if (v !== undefined) errors[type] = v;
    }
    const devs = prop(r, 'devs');
    let missing: number | undefined;
    if (devs !== undefined) {
      missing = 0;
      for (const d of devs.length <= 4096 ? devs.split(/[,\s]+/) : []) if (d === 'missing') missing++;
    }
    if (fact(r, { flag: 'I' }) === true && !missing) missing = 1;
    const scrub = either(fact(r, { flag: 's', props: ['scrubbing'] }), running(prop(r, 'scrub-status')));
    const balance = either(fact(r, { flag: 'b', props: ['balancing'] }), running(prop(r, 'balance-status')));
    const replace = either(fact(r, { flag: 'r', props: ['replacing'] }), running(prop(r, 'replace-status')));
    const about = prop(r, 'about');
    out.push(
      defined({
        filesystem,
        errors,
        missingDevices: missing,
        scrubRunning: scrub,
        balanceRunning: balance,
        replaceRunning: replace,
        errorsReported: about === undefined ? undefined : about.trim() !== '',
      }) as unknown as BtrfsFilesystem,
    );
  }
  return out;
}

export function btrfsSamples(b: BtrfsFilesystem): TelemetrySample[] {
  const labels = { filesystem: b.filesystem };
  const samples: TelemetrySample[] = [];
  for (const type of BTRFS_ERROR_TYPES) {
    const v = b.errors[type];
    if (v !== undefined) samples.push(sample('btrfsDeviceErrors', v, { filesystem: b.filesystem, type }));
  }
  if (b.missingDevices !== undefined) samples.push(sample('btrfsDevicesMissing', b.missingDevices, labels));
  if (b.scrubRunning !== undefined) samples.push(sample('btrfsScrubRunning', b.scrubRunning ? 1 : 0, labels));
  if (b.balanceRunning !== undefined) samples.push(sample('btrfsBalanceRunning', b.balanceRunning ? 1 : 0, labels));
  if (b.replaceRunning !== undefined) samples.push(sample('btrfsReplaceRunning', b.replaceRunning ? 1 : 0, labels));
  if (b.errorsReported !== undefined) samples.push(sample('btrfsErrorsReported', b.errorsReported ? 1 : 0, labels));
  return samples;
}

/**
 * `filesystems`: size, free space and inodes of every mounted filesystem (shared `/disk`
 * listing), and, when one of them is btrfs, the btrfs error counters, missing devices and running
 * scrub / balance / replace (`/disk btrfs filesystem`). A device without the btrfs command keeps
 * the capacity part.
 */
export function createFilesystemsInput(maxSeries: number = INPUT_DEFAULTS.filesystems.maxSeries): RouterOsInput {
  return {
    name: 'filesystems',
    collect: (session, signal) =>
      runInput('filesystems', session, signal, maxSeries, async (reading) => {
        await session.requireStoragePackage(reading, signal);
        const records = await session.diskListing(reading, signal);
        const mounted = filesystemsFromListing(records, reading.rejections);
        for (const f of mounted) reading.addEntity(filesystemSamples(f));
        const hasBtrfs = records.some((r) => prop(r, 'fs') === 'btrfs');
        if (!hasBtrfs || session.disabledReason(BTRFS_PART)) return;
        try {
          for (const b of btrfsFromRecords(await session.records(BTRFS_COMMANDS, reading, signal), reading.rejections)) reading.addEntity(btrfsSamples(b));
        } catch (err) {
          if (!isRefusal(err)) throw err;
          if (err.code === ErrorCode.UNSUPPORTED) session.disable(BTRFS_PART, err);
          else reading.rejections.add('refused');
        }
      }),
  };
}
