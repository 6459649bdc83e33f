import type { TelemetrySample } from '@rds-agent/core';
import { deviceName } from '../routeros/device-text.js';
import { inRange, isCount, checkedField, type Rejections } from '../routeros/plausibility.js';
import { parseRouterOsNumber } from '../routeros/values.js';
import { fact, isNone, prop, type DeviceRecord } from './device-record.js';
import { INPUT_DEFAULTS } from './input-settings.js';
import { sample, stateSet } from './reading-builder.js';
import { runInput, type RouterOsInput } from './routeros-input.js';

export const RAID_STATES = ['clean', 'degraded', 'rebuilding', 'other'] as const;
export type RaidState = (typeof RAID_STATES)[number];

/** One RAID array of the `/disk` listing (an item with `type=raid`) and its members. */
export interface RaidArray {
  readonly slot: string;
  readonly state: RaidState;
  /** 0..1 while a resync or recovery prints its progress (`recovering = 37.5%`). */
  readonly progress?: number;
  /** `raid-device-count`: the devices the array is built for. */
  readonly devices?: number;
  readonly members: readonly { readonly slot: string; readonly failed: boolean; readonly spare: boolean; readonly inSync: boolean }[];
}

/**
 * The state of an array from its `state` text (`raid-state` on older RouterOS) and its members.
 * No source shows the text of a degraded array, so the words decide: a resync / recovery /
 * rebuild in progress is `rebuilding`; else a failed member or the word `degraded` (or `failed`,
 * `inactive`) is `degraded`; `clean` (or `active`) alone is `clean`; anything else is `other`
 * (`recognised: false`, counted by the caller).
 */
export function raidStateOf(text: string | undefined, anyMemberFailed: boolean): { state: RaidState; progress?: number; recognised: boolean } {
  const t = (text ?? '').toLowerCase();
  if (t.includes('resync') || t.includes('recover') || t.includes('rebuild') || t.includes('reshape') || t.includes('sync:')) {
    const progress = progressOf(t);
    return { state: 'rebuilding', ...(progress !== undefined ? { progress } : {}), recognised: true };
  }
  if (anyMemberFailed || t.includes('degraded') || t.includes('failed') || t.includes('inactive')) return { state: 'degraded', recognised: true };
  const words = t.split(',').map((w) => w.trim());
  if (t !== '' && words.every((w) => w === 'clean' || w === 'active')) return { state: 'clean', recognised: true };
  return { state: 'other', recognised: false };
}

/** `... = 37.5%` -> 0.375: the number after the first `=`, which must end in `%`. */
function progressOf(text: string): number | undefined {
  const eq = text.indexOf('=');
  if (eq < 0) return undefined;
  let i = eq + 1;
  while (text.charCodeAt(i) === 0x20) i++;
  const start = i;
  while (i < text.length && i - start < 12 && ((text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) || text.charCodeAt(i) === 0x2e)) i++;
  if (text[i] !== '%' || i === start) return undefined;
  const v = parseRouterOsNumber(text.slice(start, i));
  return inRange(v, 0, 100) ? v / 100 : undefined;
}

/** The arrays of a `/disk` listing, with their members (one pass to index members by master). */
export function raidArrays(records: readonly DeviceRecord[], rejections: Rejections): RaidArray[] {
  const membersOf = new Map<string, DeviceRecord[]>();
  for (const r of records) {
    const master = prop(r, 'raid-master');
    if (isNone(master)) continue;
    let list = membersOf.get(master!);
    if (!list) membersOf.set(master!, (list = []));
    list.push(r);
  }
  const arrays: RaidArray[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    if (prop(r, 'type') !== 'raid') continue;
    const slot = deviceName(prop(r, 'slot'), rejections);
    if (slot === undefined || seen.has(slot)) continue;
    seen.add(slot);
    const members: { slot: string; failed: boolean; spare: boolean; inSync: boolean }[] = [];
    const memberSlots = new Set<string>();
    for (const m of membersOf.get(slot) ?? []) {
      const memberSlot = deviceName(prop(m, 'slot'), rejections);
      if (memberSlot === undefined || memberSlots.has(memberSlot)) continue;
      memberSlots.add(memberSlot);
      const failed = fact(m, { flag: 'f', props: ['raid-member-failed'] }) === true;
      const spare = prop(m, 'raid-role') === 'spare';
      const inSync = !failed && (prop(m, 'raid-member-state') ?? '').includes('in_sync');
      members.push({ slot: memberSlot, failed, spare, inSync });
    }
    const { state, progress, recognised } = raidStateOf(prop(r, 'state') ?? prop(r, 'raid-state'), members.some((m) => m.failed));
    if (!recognised) rejections.add('unrecognised');
    const devices = checkedField(prop(r, 'raid-device-count'), parseRouterOsNumber, (v) => isCount(v, 1024), rejections);
    arrays.push({ slot, state, ...(progress !== undefined ? { progress } : {}), ...(devices !== undefined ? { devices } : {}), members });
  }
  return arrays;
}

/** One array as samples: its state set, member counts, progress, and a failed flag per member. */
export function raidSamples(a: RaidArray): TelemetrySample[] {
  const labels = { slot: a.slot };
  const samples = stateSet('raidState', RAID_STATES, a.state, labels);
  if (a.devices !== undefined) samples.push(sample('raidDevices', a.devices, labels));
  samples.push(
    sample('raidMembers', a.members.length, labels),
    sample('raidMembersFailed', a.members.filter((m) => m.failed).length, labels),
    sample('raidMembersSpare', a.members.filter((m) => m.spare).length, labels),
    sample('raidMembersInSync', a.members.filter((m) => m.inSync).length, labels),
  );
  if (a.progress !== undefined) samples.push(sample('raidRebuildProgress', a.progress, labels));
  for (const m of a.members) samples.push(sample('raidMemberFailed', m.failed ? 1 : 0, { slot: m.slot, array: a.slot }));
  return samples;
}

/** `raid`: every RAID array's state, members and rebuild progress, from the shared `/disk` listing. */
export function createRaidInput(maxSeries: number = INPUT_DEFAULTS.raid.maxSeries): RouterOsInput {
  return {
    name: 'raid',
    collect: (session, signal) =>
      runInput('raid', session, signal, maxSeries, async (reading) => {
        await session.requireStoragePackage(reading, signal);
        const records = await session.diskListing(reading, signal);
        for (const a of raidArrays(records, reading.rejections)) reading.addEntity(raidSamples(a));
      }),
  };
}
