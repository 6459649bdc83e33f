/**
 * The commands of the storage-health contract (one JSON form, one text fallback per input), as the
 * simulator answers them: tests use these instead of retyping command strings, and the fault
 * language uses them to aim garbage at an input.
 */

/** The inputs of the contract, plus the per-connection probes. */
export type StorageInput = 'probe' | 'packages' | 'system' | 'health' | 'raid' | 'drives' | 'filesystems' | 'exports' | 'interfaces' | 'traffic';

/** The shared `/disk` listing that raid, drives, filesystems and exports all read. */
const DISK_JSON = ':put [:serialize to=json [/disk print detail as-value]]';
const DISK_TEXT = '/disk print terse';

export const STORAGE_COMMANDS = {
  /** Machine-readable output probe: `1`, or an error line on a device without `:serialize`. */
  probe: ':put [:serialize to=json 1]',
  packages: { json: ':put [:serialize to=json [/system package print as-value]]', text: '/system package print terse' },
  system: { json: ':put [:serialize to=json [/system resource print as-value]]', text: '/system resource print' },
  health: { json: ':put [:serialize to=json [/system health print as-value]]', text: '/system health print terse' },
  disks: { json: DISK_JSON, text: DISK_TEXT },
  /** MikroTik's own RAID check: one integer. */
  failedMembers: '/disk print count-only where raid-member-failed',
  smartInfo: (slot: string): string => `/disk smart-info ${slot}`,
  btrfs: { json: ':put [:serialize to=json [/disk btrfs filesystem print detail as-value]]', text: '/disk btrfs filesystem print terse' },
  interfaces: { json: ':put [:serialize to=json [/interface print stats-detail as-value]]', text: '/interface print stats-detail' },
  traffic: (slot: string): string => `/disk monitor-traffic ${slot} once`,
} as const;

/**
 * The commands an input runs, as exact strings or patterns (for `garbage <input> ...`): the
 * `/disk` listing for raid, drives, filesystems and exports, plus `smart-info` and btrfs where
 * those inputs add them.
 */
export function commandsOfInput(input: StorageInput): Array<string | RegExp> {
  const disks = [DISK_JSON, DISK_TEXT];
  switch (input) {
    case 'probe':
      return [STORAGE_COMMANDS.probe];
    case 'packages':
    case 'system':
    case 'health':
    case 'interfaces':
      return [STORAGE_COMMANDS[input].json, STORAGE_COMMANDS[input].text];
    case 'raid':
      return [...disks, STORAGE_COMMANDS.failedMembers];
    case 'drives':
      return [...disks, /^\/disk smart-info \S+$/];
    case 'filesystems':
      return [...disks, STORAGE_COMMANDS.btrfs.json, STORAGE_COMMANDS.btrfs.text];
    case 'exports':
      return disks;
    case 'traffic':
      return [/^\/disk monitor-traffic \S+ once$/];
  }
}

export const STORAGE_INPUTS: readonly StorageInput[] = ['probe', 'packages', 'system', 'health', 'raid', 'drives', 'filesystems', 'exports', 'interfaces', 'traffic'];
