import type { TelemetrySample } from '@rds-agent/core';
import { deviceName } from '../routeros/device-text.js';
import type { Rejections } from '../routeros/plausibility.js';
import { parseRouterOsBoolean } from '../routeros/values.js';
import { prop, type DeviceRecord } from './device-record.js';
import { isEmptyBay } from './drives.js';
import { INPUT_DEFAULTS } from './input-settings.js';
import { sample } from './reading-builder.js';
import { runInput, type RouterOsInput } from './routeros-input.js';

/** The export protocols (`protocol` label) and the `/disk` field that says each is on. */
export const EXPORT_FIELDS = [
  ['nvme-tcp', 'nvme-tcp-export'],
  ['iscsi', 'iscsi-export'],
  ['nfs', 'nfs-sharing'],
  ['smb', 'smb-sharing'],
] as const;

export interface DiskExports {
  readonly slot: string;
  readonly protocols: readonly { readonly protocol: (typeof EXPORT_FIELDS)[number][0]; readonly enabled: boolean }[];
}

/**
 * Per slot of a `/disk` listing, which export fields it prints and whether each is on. Only these
 * four fields are read: the NVMe/TCP password and secret are dropped by the parsers and never
 * looked at, and `/ip/smb/users` (clear-text passwords) is never run.
 */
export function exportsFromListing(records: readonly DeviceRecord[], rejections: Rejections): DiskExports[] {
  const out: DiskExports[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (isEmptyBay(r)) continue;
    const fields = EXPORT_FIELDS.filter(([, key]) => prop(r, key) !== undefined);
    if (fields.length === 0) continue;
    const slot = deviceName(prop(r, 'slot'), rejections);
    if (slot === undefined || seen.has(slot)) continue;
    seen.add(slot);
    const protocols: { protocol: (typeof EXPORT_FIELDS)[number][0]; enabled: boolean }[] = [];
    for (const [protocol, key] of fields) {
      const enabled = parseRouterOsBoolean(prop(r, key)!);
      if (enabled === undefined) rejections.add('unparsable');
      else protocols.push({ protocol, enabled });
    }
    if (protocols.length > 0) out.push({ slot, protocols });
  }
  return out;
}

export function exportSamples(e: DiskExports): TelemetrySample[] {
  return e.protocols.map((p) => sample('exportEnabled', p.enabled ? 1 : 0, { slot: e.slot, protocol: p.protocol }));
}

/** `exports`: NVMe/TCP, iSCSI, NFS and SMB export settings per slot, from the shared `/disk` listing. */
export function createExportsInput(maxSeries: number = INPUT_DEFAULTS.exports.maxSeries): RouterOsInput {
  return {
    name: 'exports',
    collect: (session, signal) =>
      runInput('exports', session, signal, maxSeries, async (reading) => {
        await session.requireStoragePackage(reading, signal);
        for (const e of exportsFromListing(await session.diskListing(reading, signal), reading.rejections)) reading.addEntity(exportSamples(e));
      }),
  };
}
