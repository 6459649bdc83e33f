/** The RouterOS inputs of the rds-ssh transport, in the order `collect()` runs them. */
export const INPUT_NAMES = ['system', 'health', 'raid', 'drives', 'filesystems', 'exports', 'interfaces', 'traffic'] as const;
export type InputName = (typeof INPUT_NAMES)[number];

/** The per-target settings of one input (`options.inputs.<name>`). */
export interface InputSettings {
  /** Whether the input runs. @default true */
  readonly enabled: boolean;
  /** Time between the starts of two runs (ms). */
  readonly interval: number;
  /** Deadline of one run (ms). */
  readonly timeout: number;
  /** Most series one run may report; series beyond it are dropped (whole slots/sensors/interfaces, in listing order) and counted (`cap`). */
  readonly maxSeries: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * Defaults, chosen for the device's sake: RAID every 30 s (what MikroTik's own RAID check polls),
 * health every 2 min (reading sensors is CPU-heavy on some boards), drives and exports every 5 min
 * (SMART and export settings change slowly; `smart-info` is one command per drive), the rest
 * every minute. Timeouts 10 s, drives 30 s (one `smart-info` per NVMe bay).
 */
export const INPUT_DEFAULTS: Readonly<Record<InputName, InputSettings>> = Object.freeze({
  system: Object.freeze({ enabled: true, interval: MINUTE, timeout: 10 * SECOND, maxSeries: 16 }),
  health: Object.freeze({ enabled: true, interval: 2 * MINUTE, timeout: 10 * SECOND, maxSeries: 256 }),
  raid: Object.freeze({ enabled: true, interval: 30 * SECOND, timeout: 10 * SECOND, maxSeries: 512 }),
  drives: Object.freeze({ enabled: true, interval: 5 * MINUTE, timeout: 30 * SECOND, maxSeries: 1024 }),
  filesystems: Object.freeze({ enabled: true, interval: MINUTE, timeout: 10 * SECOND, maxSeries: 512 }),
  exports: Object.freeze({ enabled: true, interval: 5 * MINUTE, timeout: 10 * SECOND, maxSeries: 512 }),
  interfaces: Object.freeze({ enabled: true, interval: MINUTE, timeout: 10 * SECOND, maxSeries: 1024 }),
  traffic: Object.freeze({ enabled: true, interval: MINUTE, timeout: 10 * SECOND, maxSeries: 128 }),
});

/** What each input reads, for docs and logs. */
export const INPUT_DESCRIPTIONS: Readonly<Record<InputName, string>> = Object.freeze({
  system: '/system resource: uptime, CPU load, memory, version',
  health: '/system health: temperatures, fans, PSUs, voltage, current, power',
  raid: '/disk RAID arrays and their members; needs rose-storage',
  drives: '/disk drives: presence, SMART wear and errors, /disk smart-info; needs rose-storage',
  filesystems: '/disk filesystems: size, free, inodes; /disk btrfs filesystem errors, scrub, balance; needs rose-storage',
  exports: '/disk exports: NVMe/TCP, iSCSI, NFS, SMB enabled per slot; needs rose-storage',
  interfaces: '/interface print stats-detail: running, link downs, bytes, drops, errors',
  traffic: '/disk monitor-traffic: read/write bytes and operations per slot',
});
