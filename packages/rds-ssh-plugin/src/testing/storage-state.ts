/**
 * The device's disks as they are now: which bays hold a drive, which members failed, which arrays
 * rebuild and how far. Drive faults change this state; clearing them restores an array and its
 * members from the baseline inventory. Time comes from the caller (the simulator's clock), so a
 * rebuild's progress follows `now` exactly and tests never wait.
 */
import type { SimulatedDisk, SimulatedSmart } from './device-inventory.js';

/** One `/disk` item at run time. */
export interface DiskRuntime {
  /** The disk as it is now (a replaced drive gets a new serial and fresh SMART values). */
  spec: SimulatedDisk;
  /** Hardware: a drive sits in the bay. Arrays and file disks are always present. */
  present: boolean;
  lastSeen?: string;
  failed: boolean;
  /** Members: the role now (a spare that takes over gets the role it rebuilds). */
  role?: number | 'spare';
  /** Members: `in_sync`, `faulty`, or `spare` (a hot spare, or the target of a rebuild). */
  memberState?: 'in_sync' | 'faulty' | 'spare';
}

/** A rebuild in progress. */
export interface RebuildRuntime {
  readonly array: string;
  /** The slot being rebuilt (the spare, or the replaced drive). */
  readonly target: string;
  readonly onto: 'spare' | 'replacement';
  readonly startedAt: number;
  readonly durationMs: number;
}

/** What `/disk` shows about an array. */
export interface ArrayStatus {
  /** `clean`, `clean, degraded`, `clean, degraded, recovering = 37.5%`, or `clean, FAILED`. */
  readonly state: string;
  /** Positions with no in-sync member. */
  readonly missing: number;
  /** Rebuild progress in percent, while one runs. */
  readonly progress?: number;
  readonly deviceCount: number;
}

/** Options of {@link StorageState.startRebuild}. */
export interface RebuildOptions {
  /** `spare`: the hot spare takes over; `replacement`: the failed or pulled drive is replaced. @default spare when the array has one */
  readonly onto?: 'spare' | 'replacement';
  /** How long the rebuild takes from 0 to 100 % of simulated time. @default 5 min */
  readonly durationMs?: number;
}

/** Default rebuild time: long enough to watch, short enough for a demo. */
export const DEFAULT_REBUILD_MS = 5 * 60_000;

/** How many members an array may lose and still work. */
function redundancy(level: string | undefined, deviceCount: number): number {
  switch (level) {
    case '1':
      return Math.max(0, deviceCount - 1);
    case '4':
    case '5':
      return 1;
    case '6':
      return 2;
    default:
      return 0;
  }
}

export class StorageState {
  disks: DiskRuntime[];
  private readonly rebuilds = new Map<string, RebuildRuntime>();
  private replacements = 0;

  constructor(private readonly baseline: readonly SimulatedDisk[]) {
    this.disks = baseline.map((d) => this.fresh(d));
  }

  private fresh(spec: SimulatedDisk): DiskRuntime {
    const members = this.baseline.filter((m) => m.raidMaster !== undefined && m.raidMaster === spec.raidMaster && m.raidRole !== 'spare');
    const role = spec.raidMaster === undefined ? undefined : (spec.raidRole ?? members.indexOf(spec));
    return {
      spec,
      present: !spec.empty,
      ...(spec.lastSeen !== undefined ? { lastSeen: spec.lastSeen } : {}),
      failed: false,
      ...(role !== undefined ? { role, memberState: role === 'spare' ? ('spare' as const) : ('in_sync' as const) } : {}),
    };
  }

  /** The disk in `slot`, or an error naming the slots there are. */
  disk(slot: string, what = 'disk'): DiskRuntime {
    const d = this.disks.find((x) => x.spec.slot === slot);
    if (!d) throw new Error(`no ${what} in slot ${JSON.stringify(slot)} (slots: ${this.disks.map((x) => x.spec.slot).join(', ')})`);
    return d;
  }

  array(slot: string): DiskRuntime {
    const a = this.disk(slot, 'array');
    if (a.spec.type !== 'raid') {
      const arrays = this.disks.filter((d) => d.spec.type === 'raid').map((d) => d.spec.slot);
      throw new Error(`${JSON.stringify(slot)} is not a RAID array (arrays: ${arrays.join(', ') || 'none'})`);
    }
    return a;
  }

  /** Present members of `array` (failed ones included; pulled ones are gone). */
  members(array: string): DiskRuntime[] {
    return this.disks.filter((d) => d.present && d.spec.raidMaster === array);
  }

  rebuildOf(array: string): RebuildRuntime | undefined {
    return this.rebuilds.get(array);
  }

  /** Number of positions of an array: its non-spare members in the baseline. */
  deviceCount(array: string): number {
    return this.baseline.filter((d) => d.raidMaster === array && d.raidRole !== 'spare').length;
  }

  /** Finishes rebuilds that are due at `now`: their target becomes an in-sync member. */
  settle(now: number): void {
    for (const [array, r] of this.rebuilds) {
      if (now - r.startedAt < r.durationMs) continue;
      const target = this.disks.find((d) => d.spec.slot === r.target);
      if (target) target.memberState = 'in_sync';
      this.rebuilds.delete(array);
    }
  }

  status(array: string, now: number): ArrayStatus {
    const a = this.array(array);
    const deviceCount = this.deviceCount(array);
    const inSync = new Set(
      this.members(array)
        .filter((m) => !m.failed && m.memberState === 'in_sync' && typeof m.role === 'number')
        .map((m) => m.role as number),
    ).size;
    const missing = Math.max(0, deviceCount - inSync);
    const r = this.rebuilds.get(array);
    if (missing === 0) return { state: 'clean', missing, deviceCount };
    if (missing > redundancy(a.spec.raidLevel ?? '5', deviceCount)) return { state: 'clean, FAILED', missing, deviceCount };
    if (r) {
      // One decimal, never 100.0 while it still runs.
      const progress = Math.min(99.9, Math.floor(((now - r.startedAt) / r.durationMs) * 1000) / 10);
      return { state: `clean, degraded, recovering = ${progress.toFixed(1)}%`, missing, progress, deviceCount };
    }
    return { state: 'clean, degraded', missing, deviceCount };
  }

  /**
   * Marks a drive failed (`raid-member-failed=yes`, SMART reliability warning). When its array has a
   * hot spare and `useSpare` is not false, the spare takes over at once, as ROSE does.
   */
  fail(slot: string, now: number, options: { useSpare?: boolean; durationMs?: number } = {}): void {
    const d = this.disk(slot, 'drive');
    if (d.spec.type !== 'hardware' || !d.present) throw new Error(`${JSON.stringify(slot)} holds no drive`);
    if (d.failed) throw new Error(`${slot} has already failed`);
    d.failed = true;
    if (d.spec.raidMaster !== undefined) d.memberState = 'faulty';
    const smart = d.spec.smart;
    if (smart) d.spec = { ...d.spec, smart: { ...smart, criticalWarning: (smart.criticalWarning ?? 0) | 0x04, mediaErrors: (smart.mediaErrors ?? 0) + 17 } };
    this.afterLoss(d, now, options);
  }

  /** Takes the drive out of its bay: the bay is empty (flag `E`) with `last-seen` set; its array loses the member. */
  pull(slot: string, now: number, options: { useSpare?: boolean; durationMs?: number } = {}): void {
    const d = this.disk(slot, 'drive');
    if (d.spec.type !== 'hardware' || !d.present) throw new Error(`${JSON.stringify(slot)} holds no drive`);
    d.present = false;
    d.lastSeen = `${d.spec.model} ${d.spec.serial ?? ''}`.trim();
    this.afterLoss(d, now, options);
  }

  private afterLoss(d: DiskRuntime, now: number, options: { useSpare?: boolean; durationMs?: number }): void {
    const array = d.spec.raidMaster;
    if (array === undefined) return;
    const r = this.rebuilds.get(array);
    if (r && r.target === d.spec.slot) this.rebuilds.delete(array);
    if (options.useSpare === false || this.rebuilds.has(array) || !this.spareOf(array)) return;
    if (this.status(array, now).missing > 0) this.startRebuild(array, now, { onto: 'spare', durationMs: options.durationMs });
  }

  private spareOf(array: string): DiskRuntime | undefined {
    return this.members(array).find((m) => m.role === 'spare' && !m.failed);
  }

  /**
   * Starts rebuilding a degraded array onto its hot spare or onto a replacement for the failed (or
   * pulled) drive; progress follows `now` from 0 to 100 % over `durationMs`.
   */
  startRebuild(array: string, now: number, options: RebuildOptions = {}): RebuildRuntime {
    this.array(array);
    this.settle(now);
    if (this.rebuilds.has(array)) throw new Error(`${array} is already rebuilding`);
    const deviceCount = this.deviceCount(array);
    const held = new Set(
      this.members(array)
        .filter((m) => !m.failed && typeof m.role === 'number')
        .map((m) => m.role as number),
    );
    let role = -1;
    for (let i = 0; i < deviceCount; i += 1) {
      if (!held.has(i)) {
        role = i;
        break;
      }
    }
    if (role < 0) throw new Error(`${array} is not degraded: fail or pull one of its drives first`);
    const spare = this.spareOf(array);
    const onto = options.onto ?? (spare ? 'spare' : 'replacement');
    let target: DiskRuntime;
    if (onto === 'spare') {
      if (!spare) throw new Error(`${array} has no hot spare`);
      target = spare;
    } else {
      const lost = this.disks.find((d) => d.spec.raidMaster === array && d.role === role && (d.failed || !d.present));
      if (!lost) throw new Error(`${array}: no failed or pulled drive at position ${role} to replace`);
      this.replacements += 1;
      const smart: SimulatedSmart | undefined = lost.spec.smart && {
        ...lost.spec.smart,
        percentageUsed: 0,
        availableSpare: 100,
        criticalWarning: 0,
        mediaErrors: 0,
        powerOnHours: 0,
        powerCycles: 1,
        unsafeShutdowns: 0,
      };
      lost.spec = { ...lost.spec, serial: `${(lost.spec.serial ?? 'SIM').slice(0, 10)}R${this.replacements}`, ...(smart ? { smart } : {}) };
      lost.present = true;
      lost.failed = false;
      delete lost.lastSeen;
      target = lost;
    }
    target.role = role;
    target.memberState = 'spare';
    const rebuild: RebuildRuntime = { array, target: target.spec.slot, onto, startedAt: now, durationMs: Math.max(1, options.durationMs ?? DEFAULT_REBUILD_MS) };
    this.rebuilds.set(array, rebuild);
    return rebuild;
  }

  /** Restores `array`, its members and its spare from the baseline (recovery from every drive fault on it). */
  resetArray(array: string): void {
    this.rebuilds.delete(array);
    this.disks = this.disks.map((d, i) => (d.spec.slot === array || this.baseline[i]!.raidMaster === array ? this.fresh(this.baseline[i]!) : d));
  }

  /** Restores one disk from the baseline (a drive that belongs to no array). */
  resetDisk(slot: string): void {
    const i = this.disks.findIndex((d) => d.spec.slot === slot);
    if (i >= 0) this.disks[i] = this.fresh(this.baseline[i]!);
  }

  /** Restores everything. */
  resetAll(): void {
    this.rebuilds.clear();
    this.disks = this.baseline.map((d) => this.fresh(d));
  }
}
