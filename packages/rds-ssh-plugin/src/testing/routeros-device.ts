import {
  VARIANTS,
  btrfsOf,
  packagesFor,
  plainDisks,
  rds2216Disks,
  rds2216Interfaces,
  rds2216Sensors,
  rds2216SmbUsers,
  type DeviceCapabilities,
  type DeviceVariant,
  type SimulatedBtrfs,
  type SimulatedDisk,
  type SimulatedInterface,
  type SimulatedSensor,
  type SimulatedSmart,
  type SimulatedSmbUser,
} from './device-inventory.js';
import {
  BTRFS_FLAGS,
  BTRFS_TABLE,
  DISK_FLAGS,
  DISK_TABLE,
  HEALTH_TABLE,
  INTERFACE_FLAGS,
  INTERFACE_STATS_TABLE,
  INTERFACE_TABLE,
  PACKAGE_FLAGS,
  PACKAGE_TABLE,
  SMB_USER_FLAGS,
  SMB_USER_TABLE,
  btrfsItems,
  diskItems,
  healthItems,
  interfaceItems,
  packageItems,
  smartInfoText,
  smbUserItems,
  type BtrfsErrors,
  type InterfaceNow,
} from './device-menus.js';
import { makeGarbage, type GarbageKind, type GarbageOptions, GARBAGE_KINDS, checkGarbageBytes } from './garbage-output.js';
import { CRLF, expectedEndOfCommand, formatRate, groupThousands, rawRosValue, renderKeyValues, ros } from './routeros-format.js';
import {
  renderAsValue,
  renderDetail,
  renderJson,
  renderSingleton,
  renderTable,
  renderTerse,
  type FlagDef,
  type ListItem,
  type RosProp,
  type TableColumn,
} from './routeros-listing.js';
import { StorageState, type RebuildOptions } from './storage-state.js';

export type { SimulatedDisk } from './device-inventory.js';

/** Output details real devices may vary in; a careful reader accepts both forms, so tests can ask for either. */
export interface OutputQuirks {
  /** `print terse` counters with space thousands separators (`size=960 197 124 096`). @default false */
  readonly terseThousands?: boolean;
  /** `print terse` starts with the `Flags:` legend. @default false */
  readonly terseFlagsLegend?: boolean;
  /** `/system health` value forms (as-value, JSON) report temperatures x10 and voltages in dV. @default false */
  readonly healthValuesX10?: boolean;
}

/** What the simulated device looks like. Every field has an RDS2216-like default. */
export interface DeviceOptions {
  /** `/system identity` name. @default 'mikrotik-sim' */
  readonly identity?: string;
  /**
   * `rds2216`: RouterOS 7.24.1 with rose-storage; `routeros-7.14`: 7.14.3 without `:serialize` and
   * `/disk smart-info`, older RAID field names; `no-rose-storage`: 7.24.1 without the storage package
   * (storage-only commands answer `bad command name`). @default 'rds2216'
   */
  readonly variant?: DeviceVariant;
  /** Overrides of the variant's capabilities. */
  readonly capabilities?: Partial<DeviceCapabilities>;
  readonly quirks?: OutputQuirks;
  /** @default 'RDS2216-2XG-4S+4XS-2XQ' */
  readonly boardName?: string;
  /** @default the variant's ('7.24.1 (stable)') */
  readonly version?: string;
  /** `build-time` of the system and its packages. @default the variant's ('2026-09-01 10:00:00') */
  readonly buildTime?: string;
  /** @default 16 */
  readonly cpuCount?: number;
  /** `cpu-load` in percent. @default 3 */
  readonly cpuLoad?: number;
  /** @default 32 GiB */
  readonly totalMemoryBytes?: number;
  /** @default 27.9 GiB */
  readonly freeMemoryBytes?: number;
  /** Uptime the device already had when the simulator started (ms). @default 2w1d03:17:42 */
  readonly initialUptimeMs?: number;
  /** `/disk` items in listing order. @default the RDS2216 bays, arrays and file disks ({@link rds2216Disks}) */
  readonly disks?: readonly SimulatedDisk[];
  /** `/system health` rows. @default CPU and board temperatures, 2 fans, 2 PSUs, voltages, currents, power */
  readonly sensors?: readonly SimulatedSensor[];
  /** @default the RDS2216 ports and bridge1 */
  readonly interfaces?: readonly SimulatedInterface[];
  /** @default a disabled guest and one user with a clear-text password */
  readonly smbUsers?: readonly SimulatedSmbUser[];
}

/** The storage and hardware faults the device model simulates. */
export type FaultKind =
  | 'fail-drive'
  | 'pull-drive'
  | 'rebuild'
  | 'heat-drive'
  | 'heat-cpu'
  | 'stop-fan'
  | 'fail-psu'
  | 'btrfs-errors'
  | 'flap-link'
  | 'fill-pool'
  | 'garbage';

/** One active fault. Clear it with {@link RouterOsDevice.clearFault}(`id`). */
export interface FaultInfo {
  /** `<kind>:<target>`, e.g. `fail-drive:nvme12`, `stop-fan:fan1`, `garbage:/disk print terse`. */
  readonly id: string;
  readonly kind: FaultKind;
  readonly target: string;
  /** Simulated time the fault started (ms). */
  readonly since: number;
  readonly description: string;
}

/** Options of the drive faults that make an array lose a member. */
export interface DriveLossOptions {
  /** Let the array's hot spare take over at once (what ROSE does). @default true */
  readonly useSpare?: boolean;
  /** Duration of the rebuild onto the spare. @default 5 min */
  readonly rebuildMs?: number;
}

/** Options of {@link RouterOsDevice.btrfsErrors}. */
export interface BtrfsErrorOptions extends Partial<BtrfsErrors> {
  /** Read and corruption errors added per minute of simulated time. @default 6 */
  readonly perMinute?: number;
}

const GIB = 1024 ** 3;

/** Starting counters, taken from the captured `monitor-traffic storage-pool once` sample. */
const BASE_COUNTERS = { readOps: 243_401, readBytes: 33_131_503_616, writeOps: 17_667_231, writeBytes: 515_659_673_600 };

/** The part of the path tree the simulator knows; `rose` marks what only `rose-storage` adds. */
interface PathNode {
  readonly menu?: MenuId;
  readonly rose?: boolean;
  readonly children?: Readonly<Record<string, PathNode>>;
}
type MenuId = 'identity' | 'resource' | 'health' | 'package' | 'disk' | 'btrfs' | 'interface' | 'smb-users';

const PATHS: PathNode = {
  children: {
    system: {
      children: { identity: { menu: 'identity' }, resource: { menu: 'resource' }, health: { menu: 'health' }, package: { menu: 'package' } },
    },
    disk: { menu: 'disk', children: { btrfs: { rose: true, children: { filesystem: { menu: 'btrfs' } } } } },
    interface: { menu: 'interface' },
    ip: { children: { smb: { rose: true, children: { users: { menu: 'smb-users' } } } } },
  },
};

/** What a `print` produces: a list, a singleton, or the finished text of an error. */
type Printed = { readonly items: readonly ListItem[] } | { readonly singleton: readonly RosProp[] };

/** A token of a command with its column (1-based) in the whole command line. */
interface Token {
  readonly text: string;
  readonly column: number;
}

const PRINT_WORDS = new Set(['detail', 'terse', 'as-value', 'count-only', 'without-paging', 'stats', 'stats-detail']);

interface LinkState {
  extraLinkDowns: number;
  lastDownAt?: number;
  lastUpAt?: number;
  flap?: { readonly startedAt: number; readonly periodMs: number };
}

interface ActiveFault extends FaultInfo {
  /** For drive faults: the array whose members it touches (clearing one clears them all). */
  readonly group?: string;
}

/**
 * The simulated RDS: answers RouterOS CLI commands with output laid out like the captured samples,
 * in the text forms (`print`, `detail`, `terse`, tables) and the machine-readable ones (`as-value`,
 * `:serialize to=json`), and carries the storage and hardware faults.
 *
 * Time-dependent values (uptime, counters, rebuild progress, link flaps, drive ages) derive from the
 * `now()` it is given, so a test that controls `now` controls them exactly; `monitor-traffic` counters
 * also grow with every call so two reads always differ.
 */
export class RouterOsDevice {
  readonly identity: string;
  readonly variant: DeviceVariant;
  readonly capabilities: DeviceCapabilities;
  private readonly quirks: OutputQuirks;
  private readonly opts: {
    boardName: string;
    version: string;
    buildTime: string;
    cpuCount: number;
    cpuLoad: number;
    totalMemoryBytes: number;
    freeMemoryBytes: number;
    initialUptimeMs: number;
  };
  private readonly storage: StorageState;
  private readonly sensors: readonly SimulatedSensor[];
  private readonly ifaces: readonly SimulatedInterface[];
  private readonly links: LinkState[];
  private readonly btrfsSpecs: readonly SimulatedBtrfs[];
  private readonly smbUsers: readonly SimulatedSmbUser[];
  private readonly createdAt: number;
  private startedAt: number;
  private monitorCalls = 0;
  /** Counters start from the captured sample; a reboot starts them from zero. */
  private counterBase = BASE_COUNTERS;
  private uptimeAtStart: number;
  private readonly activeFaults = new Map<string, ActiveFault>();
  private readonly sensorOverrides = new Map<string, SimulatedSensor['value']>();
  private readonly driveHeat = new Map<string, number>();
  /** Filling pools by slot: free bytes at the start, the target, and how long the fill takes. */
  private readonly poolFills = new Map<string, { readonly at: number; readonly fromFree: number; readonly toFree: number; readonly overMs: number }>();
  private readonly btrfsFaults = new Map<string, { readonly at: number; readonly base: BtrfsErrors; readonly perMinute: number }>();
  private readonly garbageRules = new Map<string, { readonly match: string | RegExp; readonly kind: GarbageKind; readonly options: GarbageOptions }>();

  constructor(
    options: DeviceOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.identity = options.identity ?? 'mikrotik-sim';
    this.variant = options.variant ?? 'rds2216';
    const preset = VARIANTS[this.variant];
    if (!preset) throw new Error(`device.variant: expected one of ${Object.keys(VARIANTS).join(', ')}: value was ${JSON.stringify(options.variant)}`);
    this.capabilities = { ...preset.capabilities, ...options.capabilities };
    this.quirks = options.quirks ?? {};
    const version = options.version ?? preset.version;
    this.opts = {
      boardName: options.boardName ?? 'RDS2216-2XG-4S+4XS-2XQ',
      version,
      buildTime: options.buildTime ?? preset.buildTime,
      cpuCount: options.cpuCount ?? 16,
      cpuLoad: options.cpuLoad ?? 3,
      totalMemoryBytes: options.totalMemoryBytes ?? 32 * GIB,
      freeMemoryBytes: options.freeMemoryBytes ?? 29_956_775_936,
      initialUptimeMs: options.initialUptimeMs ?? ((15 * 24 + 3) * 3600 + 17 * 60 + 42) * 1000,
    };
    const disks = options.disks ?? (this.capabilities.roseStorage ? rds2216Disks() : plainDisks());
    this.storage = new StorageState(disks);
    this.btrfsSpecs = this.capabilities.roseStorage ? btrfsOf(disks) : [];
    this.sensors = options.sensors ?? rds2216Sensors();
    this.ifaces = options.interfaces ?? rds2216Interfaces();
    this.smbUsers = options.smbUsers ?? rds2216SmbUsers();
    this.createdAt = now();
    this.startedAt = this.createdAt;
    this.uptimeAtStart = this.opts.initialUptimeMs;
    const boot = this.createdAt - this.opts.initialUptimeMs;
    this.links = this.ifaces.map((i) => ({
      extraLinkDowns: 0,
      ...(i.linkDowns > 0 ? { lastDownAt: boot + 3 * 86_400_000 + i.name.length * 1000 } : {}),
      ...(i.running ? { lastUpAt: boot + (i.linkDowns > 0 ? 3 * 86_400_000 + 5000 + i.name.length * 1000 : 35_000) } : {}),
    }));
  }

  /**
   * A device reboot as telemetry sees it: uptime restarts at 0 and every disk and interface traffic
   * counter restarts from 0 (still growing from then on). Faults stay: a failed drive is still
   * failed after a reboot. Connections are not touched: pair it with
   * {@link RdsSimulator.dropAllConnections} (or use {@link RdsSimulator.rebootDevice}) for the loss.
   */
  reboot(): void {
    this.startedAt = this.now();
    this.uptimeAtStart = 0;
    this.monitorCalls = 0;
    this.counterBase = { readOps: 0, readBytes: 0, writeOps: 0, writeBytes: 0 };
  }

  /** The `/disk` items as they are now, in listing order (empty bays with `empty: true`). */
  get disks(): readonly SimulatedDisk[] {
    return this.storage.disks.map((d) =>
      d.present ? d.spec : { slot: d.spec.slot, type: d.spec.type, model: '', sizeBytes: 0, empty: true, ...(d.lastSeen !== undefined ? { lastSeen: d.lastSeen } : {}) },
    );
  }

  /** The RouterOS version the device reports. */
  get version(): string {
    return this.opts.version;
  }

  /**
   * Every secret the device prints somewhere (NVMe/TCP passwords and DH-HMAC-CHAP secrets in `/disk`,
   * SMB passwords in `/ip smb users`): a test greps logs, metrics and status for these.
   */
  secrets(): string[] {
    const out: string[] = [];
    for (const d of this.storage.disks) {
      if (d.spec.nvmeTcp?.password) out.push(d.spec.nvmeTcp.password);
      if (d.spec.nvmeTcp?.secret) out.push(d.spec.nvmeTcp.secret);
    }
    if (this.capabilities.roseStorage) for (const u of this.smbUsers) if (u.password) out.push(u.password);
    return out;
  }

  /**
   * The device's answer to one exec command, exactly as RouterOS prints it (CRLF, padding, trailing
   * blank line). Unknown commands get `bad command name ...`: RouterOS reports errors on stdout.
   * Binary garbage (a `random` {@link garbage} fault) comes back decoded as latin1: use
   * {@link answerBytes} for the exact bytes.
   */
  answer(rawCommand: string): string {
    const out = this.answerBytes(rawCommand);
    return typeof out === 'string' ? out : out.toString('latin1');
  }

  /** {@link answer}, with garbage faults as the exact bytes they send. */
  answerBytes(rawCommand: string): string | Buffer {
    const command = normalizeCommand(rawCommand);
    this.settle();
    const text = this.evaluate(command);
    for (const rule of this.garbageRules.values()) {
      const hit = typeof rule.match === 'string' ? rule.match === command : rule.match.test(command);
      if (hit) return makeGarbage(rule.kind, text, rule.options);
    }
    return text;
  }

  uptimeMs(): number {
    return this.uptimeAtStart + Math.max(0, this.now() - this.startedAt);
  }

  // ---- faults --------------------------------------------------------------------------------

  /** The faults active now (finished rebuilds and replaced drives are gone from the list). */
  faults(): FaultInfo[] {
    this.settle();
    return [...this.activeFaults.values()].map(({ group: _g, ...f }) => f);
  }

  /**
   * Fails a drive: `raid-member-failed=yes` (flag `f`), `raid-member-state="<n>:faulty"`, its SMART
   * reliability warning set; its array reads `clean, degraded`, or starts rebuilding onto its hot
   * spare when it has one (unless `useSpare: false`). Returns the fault id.
   */
  failDrive(slot: string, options: DriveLossOptions = {}): string {
    const d = this.storage.disk(slot, 'drive');
    this.storage.fail(slot, this.now(), { useSpare: options.useSpare, durationMs: options.rebuildMs });
    const array = d.spec.raidMaster;
    const spare = array ? this.storage.rebuildOf(array) : undefined;
    if (spare && !this.activeFaults.has(`rebuild:${array}`)) this.addFault('rebuild', array!, `${array} rebuilding onto hot spare ${spare.target}`, array);
    return this.addFault('fail-drive', slot, `${slot} failed${array ? `: ${array} ${spare ? 'rebuilding onto its spare' : 'degraded'}` : ''}`, array);
  }

  /** Pulls a drive out of its bay: the bay shows `E` and `last-seen`, the array loses the member (spare as for {@link failDrive}). */
  pullDrive(slot: string, options: DriveLossOptions = {}): string {
    const d = this.storage.disk(slot, 'drive');
    const array = d.spec.raidMaster;
    this.storage.pull(slot, this.now(), { useSpare: options.useSpare, durationMs: options.rebuildMs });
    const spare = array ? this.storage.rebuildOf(array) : undefined;
    if (spare && !this.activeFaults.has(`rebuild:${array}`)) this.addFault('rebuild', array!, `${array} rebuilding onto hot spare ${spare.target}`, array);
    return this.addFault('pull-drive', slot, `${slot} pulled (bay empty, last-seen set)`, array);
  }

  /**
   * Starts rebuilding a degraded array, onto its hot spare (a spare taking over) or onto a
   * replacement for the failed or pulled drive. `state` reads `clean, degraded, recovering = 37.5%`
   * as simulated time passes, and `clean` once done.
   */
  startRebuild(array: string, options: RebuildOptions = {}): string {
    const r = this.storage.startRebuild(array, this.now(), options);
    return this.addFault('rebuild', array, `${array} rebuilding onto ${r.onto === 'spare' ? 'hot spare ' : 'replaced drive '}${r.target} (${Math.round(r.durationMs / 1000)} s)`, array);
  }

  /** A drive runs hot: `temperature` (and smartctl's) at `celsius`, the temperature warning bit set from 70 C. */
  heatDrive(slot: string, celsius = 78): string {
    const d = this.storage.disk(slot, 'drive');
    if (d.spec.type !== 'hardware' || !d.spec.smart) throw new Error(`${JSON.stringify(slot)} is not an NVMe drive`);
    checkNumber(celsius, 'celsius', -40, 200);
    this.driveHeat.set(slot, celsius);
    return this.addFault('heat-drive', slot, `${slot} at ${celsius} C`);
  }

  /** The CPU runs hot: `cpu-temperature` at `celsius`. */
  heatCpu(celsius = 95): string {
    checkNumber(celsius, 'celsius', -40, 200);
    this.sensor('cpu-temperature');
    this.sensorOverrides.set('cpu-temperature', celsius);
    return this.addFault('heat-cpu', 'cpu', `cpu-temperature at ${celsius} C`);
  }

  /** A fan stops: `<fan>-speed` reads 0 RPM. */
  stopFan(fan = 'fan1'): string {
    this.sensor(`${fan}-speed`);
    this.sensorOverrides.set(`${fan}-speed`, 0);
    return this.addFault('stop-fan', fan, `${fan} stopped (0 RPM)`);
  }

  /** A power supply fails: `<psu>-state` reads `fail`, its voltage and current 0, the other PSU carries the load. */
  failPsu(psu = 'psu2'): string {
    this.sensor(`${psu}-state`);
    this.applyPsuFailure(psu);
    return this.addFault('fail-psu', psu, `${psu} failed`);
  }

  private applyPsuFailure(psu: string): void {
    this.sensorOverrides.set(`${psu}-state`, 'fail');
    if (this.sensors.some((s) => s.name === `${psu}-voltage`)) this.sensorOverrides.set(`${psu}-voltage`, 0);
    const current = this.sensors.find((s) => s.name === `${psu}-current`);
    if (!current || typeof current.value !== 'number') return;
    this.sensorOverrides.set(current.name, 0);
    for (const other of this.sensors) {
      if (other.type !== 'A' || other.name === current.name || !other.name.endsWith('-current') || typeof other.value !== 'number') continue;
      const now = this.sensorOverrides.get(other.name) ?? other.value;
      if (now !== 0) this.sensorOverrides.set(other.name, Math.round(((now as number) + current.value) * 10) / 10);
      break;
    }
  }

  /**
   * btrfs errors on a file system (default: the first): the counters jump by the given amounts (read
   * 12, write 3, corruption 2 by default) and keep rising with simulated time; `about` says so.
   * Clearing zeroes them again, as `btrfs device stats -z` would.
   */
  btrfsErrors(label?: string, options: BtrfsErrorOptions = {}): string {
    const fs = label === undefined ? this.btrfsSpecs[0] : this.btrfsSpecs.find((f) => f.label === label);
    if (!fs) throw new Error(`no btrfs file system ${label === undefined ? 'on this device' : JSON.stringify(label)} (labels: ${this.btrfsSpecs.map((f) => f.label).join(', ') || 'none'})`);
    const base: BtrfsErrors = {
      write: options.write ?? 3,
      read: options.read ?? 12,
      flush: options.flush ?? 0,
      corruption: options.corruption ?? 2,
      generation: options.generation ?? 0,
    };
    for (const [k, v] of Object.entries(base)) checkNumber(v, k, 0, Number.MAX_SAFE_INTEGER);
    this.btrfsFaults.set(fs.label, { at: this.now(), base, perMinute: options.perMinute ?? 6 });
    return this.addFault('btrfs-errors', fs.label, `btrfs ${fs.label}: errors rising`);
  }

  /**
   * A link flaps: down at once (`link-downs` + 1, not running), up after `periodMs`, down again
   * after another, and so on, in simulated time. Clearing brings it up and keeps `link-downs` (a
   * counter RouterOS keeps until reset).
   */
  flapLink(name: string, options: { readonly periodMs?: number } = {}): string {
    const i = this.ifaceIndex(name);
    const periodMs = options.periodMs ?? 10_000;
    checkNumber(periodMs, 'periodMs', 1, 86_400_000);
    this.endFlap(i);
    this.links[i]!.flap = { startedAt: this.now(), periodMs };
    return this.addFault('flap-link', name, `${name} flapping every ${Math.round(periodMs / 1000)} s`);
  }

  /**
   * A pool fills up: the mounted array's `free` (and `use`) go from what they are to `usedRatio`
   * of its size (default 0.95), linearly over `overMs` of simulated time (default 0: at once), then
   * stay there. Clearing frees the space again (the spec's `free`).
   */
  fillPool(slot: string, options: { readonly usedRatio?: number; readonly overMs?: number } = {}): string {
    const spec = this.storage.array(slot).spec;
    if (spec.freeBytes === undefined) throw new Error(`${JSON.stringify(slot)} has no mounted filesystem to fill`);
    const usedRatio = options.usedRatio ?? 0.95;
    const overMs = options.overMs ?? 0;
    checkNumber(usedRatio, 'usedRatio', 0, 1);
    checkNumber(overMs, 'overMs', 0, 30 * 86_400_000);
    const fromFree = this.freeBytesOf(slot) ?? spec.freeBytes;
    this.poolFills.set(slot, { at: this.now(), fromFree, toFree: Math.round(spec.sizeBytes * (1 - usedRatio)), overMs });
    return this.addFault('fill-pool', slot, `${slot} filling to ${Math.round(usedRatio * 100)} % used${overMs > 0 ? ` over ${Math.round(overMs / 1000)} s` : ''}`);
  }

  private freeBytesOf = (slot: string): number | undefined => {
    const f = this.poolFills.get(slot);
    if (!f) return undefined;
    const done = f.overMs === 0 ? 1 : Math.min(1, Math.max(0, (this.now() - f.at) / f.overMs));
    return Math.round(f.fromFree + (f.toFree - f.fromFree) * done);
  };

  /**
   * Garbage for one command (exact, after normalisation, or a RegExp on the normalised command):
   * random bytes, a run of spaces, an unbalanced quote, or the answer repeated up to `bytes`
   * (default 2 MiB; 64 KiB for random).
   */
  garbage(command: string | RegExp, kind: GarbageKind, options: GarbageOptions = {}): string {
    if (!GARBAGE_KINDS.includes(kind)) throw new Error(`garbage kind: expected one of ${GARBAGE_KINDS.join(', ')}: value was ${JSON.stringify(kind)}`);
    if (options.bytes !== undefined) checkGarbageBytes(options.bytes);
    const match = typeof command === 'string' ? normalizeCommand(command) : command;
    const target = String(match);
    this.garbageRules.set(target, { match, kind, options });
    return this.addFault('garbage', target, `${target} answers ${kind} garbage`);
  }

  /** Clears one fault (see {@link faults} for the ids); false when no such fault is active. */
  clearFault(id: string): boolean {
    const f = this.activeFaults.get(id);
    if (!f) return false;
    switch (f.kind) {
      case 'fail-drive':
      case 'pull-drive':
      case 'rebuild':
        if (f.group !== undefined) {
          this.storage.resetArray(f.group);
          for (const other of [...this.activeFaults.values()]) if (other.group === f.group) this.activeFaults.delete(other.id);
        } else {
          this.storage.resetDisk(f.target);
        }
        break;
      case 'heat-drive':
        this.driveHeat.delete(f.target);
        break;
      case 'heat-cpu':
        this.sensorOverrides.delete('cpu-temperature');
        break;
      case 'stop-fan':
        this.sensorOverrides.delete(`${f.target}-speed`);
        break;
      case 'fail-psu': {
        for (const s of this.sensors) if (s.name.startsWith(`${f.target}-`) || (s.type === 'A' && s.name.endsWith('-current'))) this.sensorOverrides.delete(s.name);
        // Another failed PSU keeps its own readings.
        const others = [...this.activeFaults.values()].filter((o) => o.kind === 'fail-psu' && o.id !== id);
        for (const o of others) this.applyPsuFailure(o.target);
        break;
      }
      case 'btrfs-errors':
        this.btrfsFaults.delete(f.target);
        break;
      case 'flap-link':
        this.endFlap(this.ifaceIndex(f.target));
        break;
      case 'fill-pool':
        this.poolFills.delete(f.target);
        break;
      case 'garbage':
        this.garbageRules.delete(f.target);
        break;
    }
    this.activeFaults.delete(id);
    return true;
  }

  /** Clears every fault; returns how many there were. */
  clearAllFaults(): number {
    this.settle();
    const n = this.activeFaults.size;
    // Clearing one drive fault clears the others of its array too, so some ids are gone by their turn.
    for (const id of [...this.activeFaults.keys()]) this.clearFault(id);
    return n;
  }

  private addFault(kind: FaultKind, target: string, description: string, group?: string): string {
    const id = `${kind}:${target}`;
    this.activeFaults.set(id, { id, kind, target, since: this.now(), description, ...(group !== undefined ? { group } : {}) });
    return id;
  }

  /** Finishes due rebuilds and forgets drive faults that no longer have an effect. */
  private settle(): void {
    this.storage.settle(this.now());
    for (const f of [...this.activeFaults.values()]) {
      if (f.kind === 'rebuild' && !this.storage.rebuildOf(f.target)) this.activeFaults.delete(f.id);
      if (f.kind === 'fail-drive' && !this.storage.disk(f.target).failed) this.activeFaults.delete(f.id);
      if (f.kind === 'pull-drive' && this.storage.disk(f.target).present) this.activeFaults.delete(f.id);
    }
  }

  private sensor(name: string): SimulatedSensor {
    const s = this.sensors.find((x) => x.name === name);
    if (!s) throw new Error(`no sensor ${JSON.stringify(name)} (sensors: ${this.sensors.map((x) => x.name).join(', ')})`);
    return s;
  }

  private ifaceIndex(name: string): number {
    const i = this.ifaces.findIndex((x) => x.name === name);
    if (i < 0) throw new Error(`no interface ${JSON.stringify(name)} (interfaces: ${this.ifaces.map((x) => x.name).join(', ')})`);
    return i;
  }

  private endFlap(i: number): void {
    const link = this.links[i]!;
    if (!link.flap) return;
    const now = this.flapNow(i);
    link.extraLinkDowns += now.downs;
    link.lastDownAt = now.lastDownAt;
    link.lastUpAt = now.running ? now.lastUpAt : this.now();
    delete link.flap;
  }

  private flapNow(i: number): { downs: number; running: boolean; lastDownAt: number; lastUpAt?: number } {
    const { startedAt, periodMs: p } = this.links[i]!.flap!;
    const e = Math.max(0, this.now() - startedAt);
    const downs = Math.floor(e / (2 * p)) + 1;
    const lastDownAt = startedAt + 2 * p * Math.floor(e / (2 * p));
    const lastUpAt = e >= p ? startedAt + p + 2 * p * Math.floor((e - p) / (2 * p)) : this.links[i]!.lastUpAt;
    return { downs, running: Math.floor(e / p) % 2 === 1, lastDownAt, ...(lastUpAt !== undefined ? { lastUpAt } : {}) };
  }

  // ---- menus ---------------------------------------------------------------------------------

  private smartOf = (d: { spec: SimulatedDisk }): SimulatedSmart | undefined => {
    const smart = d.spec.smart;
    const heat = this.driveHeat.get(d.spec.slot);
    if (!smart || heat === undefined) return smart;
    const warning = (smart.criticalWarning ?? 0) | (heat >= 70 ? 0x02 : 0);
    return { ...smart, temperatureC: heat, criticalWarning: warning };
  };

  private elapsedMs(): number {
    return Math.max(0, this.now() - this.createdAt);
  }

  private currentSensors(): SimulatedSensor[] {
    return this.sensors.map((s) => (this.sensorOverrides.has(s.name) ? { ...s, value: this.sensorOverrides.get(s.name)! } : s));
  }

  private interfacesNow(): InterfaceNow[] {
    const sinceCounters = Math.max(0, this.now() - this.startedAt) / 1000;
    const priorSeconds = this.uptimeAtStart / 1000;
    return this.ifaces.map((spec, i) => {
      const link = this.links[i]!;
      let running = spec.running && !spec.disabled;
      let linkDowns = spec.linkDowns + link.extraLinkDowns;
      let lastLinkDownAt = link.lastDownAt;
      let lastLinkUpAt = link.lastUpAt;
      if (link.flap) {
        const f = this.flapNow(i);
        running = f.running;
        linkDowns += f.downs;
        lastLinkDownAt = f.lastDownAt;
        lastLinkUpAt = f.lastUpAt;
      }
      const seconds = priorSeconds + sinceCounters;
      return {
        spec,
        running,
        linkDowns,
        ...(lastLinkDownAt !== undefined ? { lastLinkDownAt } : {}),
        ...(lastLinkUpAt !== undefined ? { lastLinkUpAt } : {}),
        rxBytes: Math.floor(spec.rxBytesPerSecond * seconds),
        txBytes: Math.floor(spec.txBytesPerSecond * seconds),
      };
    });
  }

  private btrfsNow(): ReturnType<typeof btrfsItems> {
    return btrfsItems(
      this.btrfsSpecs.map((spec) => {
        const f = this.btrfsFaults.get(spec.label);
        const rise = f ? Math.floor(((this.now() - f.at) / 60_000) * f.perMinute) : 0;
        const errors: BtrfsErrors = f
          ? { ...f.base, read: f.base.read + rise, corruption: f.base.corruption + Math.floor(rise / 2) }
          : { write: 0, read: 0, flush: 0, corruption: 0, generation: 0 };
        const dev = this.storage.disks.find((d) => d.spec.slot === spec.devs[0]);
        return { spec, errors, missing: dev !== undefined && !dev.present };
      }),
    );
  }

  private resourceProps(): RosProp[] {
    const o = this.opts;
    // 7.24 renamed factory-software to minimum-version.
    const renamed = versionAtLeast(o.version, 7, 24);
    return [
      ['uptime', ros.duration(this.uptimeMs())],
      ['version', ros.str(o.version)],
      ['build-time', ros.date(o.buildTime)],
      [renamed ? 'minimum-version' : 'factory-software', ros.str('7.15')],
      ['free-memory', ros.size(o.freeMemoryBytes)],
      ['total-memory', ros.size(o.totalMemoryBytes)],
      ['cpu', ros.str('ARM64')],
      ['cpu-count', ros.num(o.cpuCount)],
      ['cpu-frequency', ros.unit(2000, 'MHz')],
      ['cpu-load', ros.unit(o.cpuLoad, '%')],
      ['free-hdd-space', ros.size(96_731_136)],
      ['total-hdd-space', ros.size(128 * 1024 * 1024)],
      ['write-sect-since-reboot', ros.num(41568)],
      ['write-sect-total', ros.num(1882310)],
      ['bad-blocks', ros.unit(0, '%')],
      ['architecture-name', ros.str('arm64')],
      ['board-name', ros.str(o.boardName)],
      ['platform', ros.str('MikroTik')],
    ];
  }

  /** Items of a list menu for a print mode; `values`: for as-value/JSON. */
  private listOf(menu: MenuId, stats: boolean, values: boolean): { items: ListItem[]; legend: readonly FlagDef[]; table: readonly TableColumn[] } {
    switch (menu) {
      case 'health':
        return { items: healthItems(this.currentSensors(), values && this.quirks.healthValuesX10 === true), legend: [], table: HEALTH_TABLE };
      case 'package':
        return { items: packageItems(packagesFor(this.opts.version, this.opts.buildTime, this.capabilities.roseStorage)), legend: PACKAGE_FLAGS, table: PACKAGE_TABLE };
      case 'disk':
        return {
          items: diskItems(this.storage, { now: this.now(), elapsedMs: this.elapsedMs(), caps: this.capabilities, smartOf: this.smartOf, freeBytesOf: this.freeBytesOf }),
          legend: DISK_FLAGS,
          table: DISK_TABLE,
        };
      case 'btrfs':
        return { items: this.btrfsNow(), legend: BTRFS_FLAGS, table: BTRFS_TABLE };
      case 'interface': {
        const all = interfaceItems(this.interfacesNow());
        return { items: values ? (stats ? all.values : all.detail) : stats ? all.stats : all.detail, legend: INTERFACE_FLAGS, table: stats ? INTERFACE_STATS_TABLE : INTERFACE_TABLE };
      }
      case 'smb-users':
        return { items: smbUserItems(this.smbUsers), legend: SMB_USER_FLAGS, table: SMB_USER_TABLE };
      default:
        return { items: [], legend: [], table: [] };
    }
  }

  // ---- commands ------------------------------------------------------------------------------

  private evaluate(command: string): string {
    if (command === '') return '';
    if (command.startsWith(':put ')) return this.put(command);
    const tokens = tokenize(command, 0);
    if (command.startsWith('/')) {
      const r = this.runPath(tokens, false);
      return typeof r === 'string' ? r : renderAsValue(r) + CRLF;
    }
    return badCommand(tokens[0]!.text.replace(/^:/, ''), tokens[0]!.column);
  }

  private put(command: string): string {
    const arg = command.slice(5);
    if (!(arg.startsWith('[') && arg.endsWith(']'))) return `${unquote(arg)}${CRLF}`;
    const inner = arg.slice(1, -1);
    const offset = 6; // index of `inner` in the command
    if (inner.startsWith(':serialize')) return this.serialize(inner, offset);
    const tokens = tokenize(inner, offset);
    if (!inner.startsWith('/')) return badCommand(tokens[0]!.text.replace(/^:/, ''), tokens[0]!.column);
    const r = this.runPath(tokens, true);
    return typeof r === 'string' ? r : renderAsValue(r) + CRLF;
  }

  /** `:serialize to=json [options=json.no-string-conversion] <value>`, the value a number or `[<menu> print as-value]`. */
  private serialize(expr: string, offset: number): string {
    if (!this.capabilities.serialize) return badCommand('serialize', offset + 1);
    const m = /^:serialize to=(\S+)(?: options=(\S+))? (.+)$/.exec(expr);
    if (!m) return `syntax error (line 1 column ${offset + expr.length + 1})${CRLF}`;
    if (m[1] !== 'json') return `invalid value for argument to${CRLF}`;
    if (m[2] !== undefined && m[2] !== 'json.no-string-conversion') return `invalid value for argument options${CRLF}`;
    const value = m[3]!;
    const valueAt = offset + expr.length - value.length;
    if (/^-?\d+$/.test(value)) return `${value}${CRLF}`;
    if (value.startsWith('"')) return `${JSON.stringify(unquote(value))}${CRLF}`;
    if (!(value.startsWith('[') && value.endsWith(']'))) return badCommand(value.split(' ')[0]!, valueAt + 1);
    const inner = value.slice(1, -1);
    const tokens = tokenize(inner, valueAt + 1);
    if (!inner.startsWith('/')) return badCommand(tokens[0]!.text.replace(/^:/, ''), tokens[0]!.column);
    const r = this.runPath(tokens, true);
    return typeof r === 'string' ? r : renderJson(r, m[2] === undefined) + CRLF;
  }

  /**
   * Runs `/path ... verb args`. `asValue`: inside `:put [...]`, where `print ... as-value` yields
   * data instead of text. Returns the output text, or the printed data.
   */
  private runPath(tokens: readonly Token[], asValue: boolean): string | Printed {
    const first = tokens[0]!;
    const words: Token[] = [{ text: first.text.slice(1), column: first.column + 1 }, ...tokens.slice(1)];
    let node = PATHS;
    let i = 0;
    for (; i < words.length; i += 1) {
      const child = node.children?.[words[i]!.text];
      if (!child) break;
      if (child.rose && !this.capabilities.roseStorage) return badCommand(words[i]!.text, words[i]!.column);
      node = child;
    }
    if (i === words.length) return ''; // a bare path: RouterOS just changes its current menu
    const verb = words[i]!;
    const args = words.slice(i + 1);
    if (node.menu === undefined) return badCommand(verb.text, verb.column);
    if (verb.text === 'print') return this.print(node.menu, args, asValue);
    if (node.menu === 'disk' && verb.text === 'monitor-traffic') return this.monitorTraffic(args, tokens);
    if (node.menu === 'disk' && verb.text === 'smart-info' && this.capabilities.roseStorage && this.capabilities.smartInfo) return this.smartInfo(args);
    return badCommand(verb.text, verb.column);
  }

  private print(menu: MenuId, args: readonly Token[], asValue: boolean): string | Printed {
    const modes = new Set<string>();
    let proplist: Set<string> | undefined;
    let where: Token[] | undefined;
    for (const a of args) {
      if (where) {
        where.push(a);
        continue;
      }
      if (a.text === 'where') {
        where = [];
        continue;
      }
      if (a.text.startsWith('proplist=')) {
        proplist = new Set(a.text.slice(9).split(',').filter(Boolean));
        continue;
      }
      const statsWord = a.text === 'stats' || a.text === 'stats-detail';
      if (!PRINT_WORDS.has(a.text) || (statsWord && menu !== 'interface')) return expectedEndOfCommand(a.column);
      modes.add(a.text);
    }
    const stats = modes.has('stats') || modes.has('stats-detail');
    const wantValues = modes.has('as-value');

    if (menu === 'identity' || menu === 'resource') {
      let props: RosProp[] = menu === 'identity' ? [['name', ros.str(this.identity)]] : this.resourceProps();
      if (proplist) props = props.filter(([k]) => proplist.has(k));
      if (wantValues) return asValue ? { singleton: props } : '';
      return renderSingleton(props);
    }

    const { items: all, legend, table } = this.listOf(menu, stats, wantValues);
    let items = where ? all.filter((item) => matches(item, where)) : all;
    if (proplist) items = items.map((item) => ({ ...item, props: item.props.filter(([k]) => proplist.has(k)), hidden: (item.hidden ?? []).filter(([k]) => proplist.has(k)) }));
    if (modes.has('count-only')) return `${items.length}${CRLF}`;
    // A bare `print as-value` prints nothing: only `:put [...]` shows the value.
    if (wantValues) return asValue ? { items } : '';
    if (modes.has('stats-detail') || (modes.has('detail') && !modes.has('stats'))) return renderDetail(items, legend);
    if (modes.has('terse') && !stats) return renderTerse(items, legend, { groupThousands: this.quirks.terseThousands, legend: this.quirks.terseFlagsLegend });
    return renderTable(items, legend, table);
  }

  private smartInfo(args: readonly Token[]): string {
    if (args.length !== 1) return args.length === 0 ? `expected end of command (line 1 column 1)${CRLF}` : expectedEndOfCommand(args[1]!.column);
    const slot = unquote(args[0]!.text);
    const d = this.storage.disks.find((x) => x.spec.slot === slot);
    if (!d) return `no such item${CRLF}`;
    return smartInfoText(d, this.smartOf(d), this.elapsedMs());
  }

  private monitorTraffic(args: readonly Token[], tokens: readonly Token[]): string {
    const command = tokens.map((t) => t.text).join(' ');
    if (args.length === 1) {
      // Without `once` RouterOS streams until the channel closes; the simulator refuses to hang forever.
      return `expected end of command (line 1 column ${command.length + 1})${CRLF}`;
    }
    if (args.length !== 2 || args[1]!.text !== 'once') return expectedEndOfCommand((args[2] ?? args[1] ?? tokens[tokens.length - 1]!).column);
    const slot = unquote(args[0]!.text);
    const d = this.storage.disks.find((x) => x.spec.slot === slot);
    if (!d || !d.present) return `no such item${CRLF}`;
    const disk = d.spec;
    this.monitorCalls += 1;
    const seconds = Math.max(0, this.now() - this.startedAt) / 1000;
    const writeRate = disk.writeBytesPerSecond ?? 1_600_000;
    const readRate = disk.readBytesPerSecond ?? 400_000;
    // Counters grow with time and with every call, so successive reads are strictly increasing.
    const base = this.counterBase;
    const writeBytes = base.writeBytes + Math.floor(writeRate * seconds) + this.monitorCalls * 4096;
    const readBytes = base.readBytes + Math.floor(readRate * seconds) + this.monitorCalls * 4096;
    const writeOps = base.writeOps + Math.floor((writeRate * seconds) / 4096) + this.monitorCalls;
    const readOps = base.readOps + Math.floor((readRate * seconds) / 4096) + this.monitorCalls;
    return renderKeyValues(
      [
        ['slot', slot],
        ['read-ops', groupThousands(readOps)],
        ['read-ops-per-second', String(Math.round(readRate / 4096))],
        ['read-bytes', groupThousands(readBytes)],
        ['read-rate', formatRate(readRate * 8)],
        ['read-merges', '0'],
        ['read-time', '0ms'],
        ['write-ops', groupThousands(writeOps)],
        ['write-ops-per-second', String(Math.round(writeRate / 4096))],
        ['write-bytes', groupThousands(writeBytes)],
        ['write-rate', formatRate(writeRate * 8)],
        ['write-merges', '0'],
        ['write-time', '0ms'],
        ['in-flight-ops', '0'],
        ['active-time', '0ms'],
        ['wait-time', '0ms'],
        ['discard-ops', '0'],
        ['discard-bytes', '0'],
        ['discard-merges', '0'],
        ['discard-time', '0ms'],
        ['flush-ops', '0'],
        ['flush-time', '0ms'],
      ],
      true,
    );
  }
}

/** `where` conditions: `prop` (a true boolean), `!prop`, `prop=value`; `and` between them is allowed. */
function matches(item: ListItem, where: readonly Token[]): boolean {
  const props = [...item.props, ...(item.hidden ?? [])];
  const raw = (name: string): string | undefined => {
    const v = props.find(([k]) => k === name)?.[1];
    return v === undefined ? undefined : rawRosValue(v);
  };
  for (const { text } of where) {
    if (text === 'and') continue;
    const eq = text.indexOf('=');
    if (eq > 0) {
      if (raw(text.slice(0, eq)) !== unquote(text.slice(eq + 1))) return false;
    } else if (text.startsWith('!')) {
      if (raw(text.slice(1)) === 'true') return false;
    } else if (raw(text) !== 'true') {
      return false;
    }
  }
  return true;
}

function badCommand(word: string, column: number): string {
  return `bad command name ${word} (line 1 column ${column})${CRLF}`;
}

function checkNumber(value: number, name: string, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name}: expected a number from ${min} to ${max}: value was ${Number.isNaN(value) ? 'NaN' : JSON.stringify(value)}`);
  }
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}

/** Splits a command at spaces outside double quotes; columns are 1-based in the whole command line. */
function tokenize(text: string, offset: number): Token[] {
  const tokens: Token[] = [];
  let start = -1;
  let quoted = false;
  for (let i = 0; i <= text.length; i += 1) {
    const c = text[i];
    if (i === text.length || (c === ' ' && !quoted)) {
      if (start >= 0) tokens.push({ text: text.slice(start, i), column: offset + start + 1 });
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
  }
  return tokens.length > 0 ? tokens : [{ text, column: offset + 1 }];
}

/**
 * Canonical form of a command: trimmed, single-spaced, and slash-joined paths
 * (`/system/resource/print`) turned into the spaced form RouterOS also accepts.
 */
export function normalizeCommand(command: string): string {
  let c = command.trim().replace(/\s+/g, ' ');
  c = c.replace(/(^|\[)(\/[a-z-]+(?:\/[a-z-]+)+)/g, (_m, pre: string, path: string) => pre + '/' + path.slice(1).split('/').join(' '));
  return c;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}
