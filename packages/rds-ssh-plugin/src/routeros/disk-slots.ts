import type { DetailItem } from './print-detail.js';

const SLOT = /^[a-zA-Z0-9-]{1,64}$/;

/**
 * The slots worth watching with `/disk monitor-traffic`, from parsed `/disk print detail` (or
 * `terse`) items: block devices (flag `B`), RAID arrays and file-backed disks, with a non-empty
 * slot name that is safe to put in a command. Empty bays (no `B`), partitions without a slot and
 * duplicates are left out; listing order is kept. Linear (a Set, not a list scan, for duplicates).
 */
export function trafficSlots(items: readonly Pick<DetailItem, 'flags' | 'properties'>[]): string[] {
  const slots: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const slot = item.properties['slot'] ?? '';
    const type = item.properties['type'];
    const watchable = item.flags.includes('B') || type === 'raid' || type === 'file';
    if (!watchable || slot.length > 64 || !SLOT.test(slot) || seen.has(slot)) continue;
    seen.add(slot);
    slots.push(slot);
  }
  return slots;
}
