/**
 * The device's RouterOS menus as items with typed properties, in the order and with the names
 * RouterOS prints (see the RouterOS reference, sections 2 and 7). Pure: state and time in, items out;
 * the listing renderers turn them into `detail`, `terse`, tables, `as-value` and JSON.
 */
import type { DeviceCapabilities, SimulatedBtrfs, SimulatedInterface, SimulatedPackage, SimulatedSensor, SimulatedSmart, SimulatedSmbUser } from './device-inventory.js';
import { formatDate, ros } from './routeros-format.js';
import type { FlagDef, ListItem, RosProp, TableColumn } from './routeros-listing.js';
import type { DiskRuntime, StorageState } from './storage-state.js';

/** Flags of `/disk`, in the order the manual lists them. */
export const DISK_FLAGS: readonly FlagDef[] = [
  { letter: 'E', name: 'EMPTY' },
  { letter: 'B', name: 'BLOCK-DEVICE' },
  { letter: 'M', name: 'MOUNTED' },
  { letter: 'f', name: 'RAID-MEMBER-FAILED' },
  { letter: 'r', name: 'RAID-MEMBER' },
  { letter: 't', name: 'NVME-TCP-EXPORT' },
  { letter: 'i', name: 'ISCSI-EXPORT' },
  { letter: 's', name: 'SMB-SHARING' },
  { letter: 'n', name: 'NFS-SHARING' },
];

export const DISK_TABLE: readonly TableColumn[] = [
  { header: 'SLOT', prop: 'slot' },
  { header: 'MODEL', prop: 'model' },
  { header: 'SERIAL', prop: 'serial' },
  { header: 'INTERFACE', prop: 'interface' },
  { header: 'SIZE', prop: 'size', align: 'right' },
  { header: 'FREE', prop: 'free', align: 'right' },
  { header: 'FS', prop: 'fs' },
  { header: 'RAID-MASTER', prop: 'raid-master' },
];

/** What the disk items need besides the storage state. */
export interface DiskContext {
  readonly now: number;
  /** Simulated time since the device model started (ms): drives age with it. */
  readonly elapsedMs: number;
  readonly caps: DeviceCapabilities;
  /** SMART values as they are now (heat faults applied). */
  readonly smartOf: (d: DiskRuntime) => SimulatedSmart | undefined;
  /** Free bytes of a mounted array as they are now (a filling pool), when not its spec's. */
  readonly freeBytesOf?: (slot: string) => number | undefined;
}

const EXPORTS_OFF: readonly RosProp[] = [
  ['media-sharing', ros.bool(false)],
  ['media-interface', ros.word('none')],
];

function smartProps(smart: SimulatedSmart, elapsedMs: number): RosProp[] {
  return [
    ['temperature', ros.num(smart.temperatureC)],
    ['percentage-used', ros.unit(smart.percentageUsed, '%')],
    ['available-spare', ros.unit(smart.availableSpare, '%')],
    ['available-spare-threshold', ros.unit(smart.availableSpareThreshold ?? 10, '%')],
    ['critical-warning', ros.num(smart.criticalWarning ?? 0)],
    ['power-cycles', ros.num(smart.powerCycles ?? 40)],
    ['power-on-time', ros.duration(smart.powerOnHours * 3_600_000 + elapsedMs)],
    ['unsafe-shutdowns', ros.num(smart.unsafeShutdowns)],
    ['unrecovered-integrity-errors', ros.num(smart.mediaErrors ?? 0)],
  ];
}

/** `/disk` items: bays, arrays, file disks, in listing order. */
export function diskItems(state: StorageState, ctx: DiskContext): ListItem[] {
  const { caps } = ctx;
  return state.disks.map((d, index): ListItem => {
    const s = d.spec;
    const id = `*${(index + 1).toString(16).toUpperCase()}`;
    const flags: string[] = [];
    const props: RosProp[] = [
      ['type', ros.word(s.type)],
      ['slot', ros.str(s.slot)],
      ['slot-default', ros.str(s.type === 'hardware' ? s.slot : '')],
      ['parent', ros.str('')],
    ];
    if (s.type === 'hardware' && !d.present) {
      flags.push('E');
      if (d.lastSeen !== undefined) props.push(['last-seen', ros.str(d.lastSeen)]);
      return { id, flags: flags.join(''), props, hidden: [['empty', ros.bool(true)], ['block-device', ros.bool(false)]] };
    }
    flags.push('B');
    const mounted = s.type === 'raid' && s.freeBytes !== undefined;
    if (mounted) flags.push('M');
    const member = caps.roseStorage && s.raidMaster !== undefined;
    if (member) flags.push('r');
    if (member && d.failed) flags.push('f');

    if (s.type === 'raid') {
      const fs = s.fs ?? 'btrfs';
      props.push(['fs-label', ros.str(s.fsLabel ?? 'storage')]);
      props.push([caps.legacyRaidFields ? 'uuid' : 'fs-uuid', ros.str(s.fsUuid ?? '00000000-0000-4000-8000-000000000000')]);
      props.push(['fs', ros.word(fs)]);
    } else {
      props.push(['fs', ros.unset('-')]);
    }
    props.push(['model', ros.str(s.model)]);
    if (s.type === 'hardware') {
      if (s.serial !== undefined) props.push(['serial', ros.str(s.serial)]);
      if (s.firmware !== undefined) props.push(['fw-version', ros.str(s.firmware)]);
      props.push(['interface', ros.str('PCIe 4.0 x4')], ['interface-speed', ros.str('16.0 GT/s')]);
    }
    props.push(['size', ros.counter(s.sizeBytes)]);
    if (mounted) {
      const free = ctx.freeBytesOf?.(s.slot) ?? s.freeBytes!;
      props.push(['free', ros.counter(free)]);
      if (s.totalInodes !== undefined) props.push(['total-inodes', ros.counter(s.totalInodes)], ['free-inodes', ros.counter(s.freeInodes ?? s.totalInodes)]);
      props.push(['use', ros.unit(Math.round(((s.sizeBytes - free) / s.sizeBytes) * 100), '%')]);
      props.push(['mount-point', ros.str(s.slot)], ['mount-filesystem', ros.bool(true)]);
    } else {
      props.push(['mount-filesystem', ros.bool(false)]);
    }
    props.push(['mount-read-only', ros.bool(false)], ['compress', ros.bool(false)], ['sector-size', ros.num(512)]);

    if (caps.roseStorage) {
      if (s.type === 'raid') {
        const st = state.status(s.slot, ctx.now);
        props.push(
          ['raid-type', ros.word(s.raidLevel ?? '5')],
          ['raid-device-count', ros.num(st.deviceCount)],
          ['raid-max-component-size', ros.word('none')],
          ['raid-chunk-size', ros.word(s.raidChunkSize ?? '512K')],
        );
      }
      props.push(['raid-master', ros.word(s.raidMaster ?? 'none')]);
      if (member) {
        const role = d.role ?? 'spare';
        props.push(
          ['raid-role', ros.word(String(role))],
          ['raid-member-failed', ros.bool(d.failed)],
          ['raid-member-state', ros.str(role === 'spare' && d.memberState === 'spare' ? 'spare' : `${role}:${d.memberState ?? 'in_sync'}`)],
        );
      }
      if (s.type === 'raid') {
        props.push([caps.legacyRaidFields ? 'raid-state' : 'state', ros.str(state.status(s.slot, ctx.now).state)]);
        props.push(['raid-uuid', ros.str(s.raidUuid ?? '00000000-0000-4000-8000-000000000001')]);
      }
      const nvmeTcp = s.type === 'file' && s.iscsi === undefined ? (s.nvmeTcp ?? {}) : s.nvmeTcp;
      props.push(['nvme-tcp-export', ros.bool(nvmeTcp !== undefined)]);
      if (nvmeTcp !== undefined) {
        flags.push('t');
        props.push(
          ['nvme-tcp-server-port', ros.num(nvmeTcp.port ?? 4420)],
          ['nvme-tcp-server-nqn', ros.str(nvmeTcp.nqn ?? `nqn.2026-09.com.mikrotik:rds2216.${s.slot}`)],
          ['nvme-tcp-server-allow-host-name', ros.str('')],
        );
        // Secrets, printed as a real device prints them: readers MUST drop these two.
        if (nvmeTcp.password !== undefined) props.push(['nvme-tcp-server-password', ros.str(nvmeTcp.password)]);
        if (nvmeTcp.secret !== undefined) props.push(['nvme-tcp-server-secret', ros.str(nvmeTcp.secret)]);
      }
      props.push(['iscsi-export', ros.bool(s.iscsi !== undefined)]);
      if (s.iscsi !== undefined) {
        flags.push('i');
        props.push(['iscsi-server-iqn', ros.str(s.iscsi.iqn ?? `iqn.2026-09.com.mikrotik:rds2216.${s.slot}`)], ['iscsi-server-port', ros.num(s.iscsi.port ?? 3260)]);
      }
      props.push(['nfs-sharing', ros.bool(s.nfsSharing === true)], ['smb-sharing', ros.bool(s.smbSharing === true)], ...EXPORTS_OFF);
      if (s.nfsSharing) flags.push('n');
      if (s.smbSharing) flags.push('s');
    }
    props.push(['swap', ros.bool(false)]);
    if (s.type === 'file') {
      props.push(['file-path', ros.word(s.model)], ['file-size', ros.size(s.sizeBytes)], ['file-offset', ros.num(0)]);
    }
    const smart = s.type === 'hardware' && caps.smartInDiskListing ? ctx.smartOf(d) : undefined;
    if (smart) props.push(...smartProps(smart, ctx.elapsedMs));
    return {
      id,
      flags: flags.join(''),
      props,
      hidden: [
        ['empty', ros.bool(false)],
        ['block-device', ros.bool(true)],
        ['mounted', ros.bool(mounted)],
      ],
    };
  });
}

/**
 * `/disk smart-info <slot>`: one `OUTPUT` column of raw smartctl text (7.23+), laid out like the
 * capture in the reference; smartctl's open error for a slot that holds no NVMe drive.
 */
export function smartInfoText(d: DiskRuntime, smart: SimulatedSmart | undefined, elapsedMs: number): string {
  const lines = ['Columns: OUTPUT', 'smartctl 7.1 2019-12-30 r5022 [aarch64-linux-5.6.3] (local build)', 'Copyright (C) 2002-19, Bruce Allen, Christian Franke, www.smartmontools.org', ''];
  if (d.spec.type !== 'hardware' || !d.present || !smart) {
    lines.push(`Smartctl open device: /dev/${d.spec.slot} failed: No such device`);
    return lines.map((l) => l + '\r\n').join('') + '\r\n';
  }
  const hours = Math.floor(smart.powerOnHours + elapsedMs / 3_600_000);
  const commas = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const warning = smart.criticalWarning ?? 0;
  const pad = (label: string, value: string): string => `${(label + ':').padEnd(36)}${value}`;
  lines.push(
    '=== START OF INFORMATION SECTION ===',
    pad('Model Number', d.spec.model),
    pad('Serial Number', d.spec.serial ?? ''),
    pad('Firmware Version', d.spec.firmware ?? ''),
    pad('Total NVM Capacity', `${commas(d.spec.sizeBytes)} [${(d.spec.sizeBytes / 1e12).toFixed(2)} TB]`),
    '',
    '=== START OF SMART DATA SECTION ===',
    `SMART overall-health self-assessment test result: ${warning & 0x04 ? 'FAILED!' : 'PASSED'}`,
    ...(warning & 0x04 ? ['- NVM subsystem reliability has been degraded'] : []),
    ...(warning & 0x02 ? ['- temperature is above or below threshold'] : []),
    '',
    'SMART/Health Information (NVMe Log 0x02)',
    pad('Critical Warning', `0x${warning.toString(16).padStart(2, '0')}`),
    pad('Temperature', `${smart.temperatureC} Celsius`),
    pad('Available Spare', `${smart.availableSpare}%`),
    pad('Available Spare Threshold', `${smart.availableSpareThreshold ?? 10}%`),
    pad('Percentage Used', `${smart.percentageUsed}%`),
    pad('Power Cycles', commas(smart.powerCycles ?? 40)),
    pad('Power On Hours', commas(hours)),
    pad('Unsafe Shutdowns', commas(smart.unsafeShutdowns)),
    pad('Media and Data Integrity Errors', commas(smart.mediaErrors ?? 0)),
  );
  return lines.map((l) => l + '\r\n').join('') + '\r\n';
}

export const HEALTH_TABLE: readonly TableColumn[] = [
  { header: 'NAME', prop: 'name' },
  { header: 'VALUE', prop: 'value' },
  { header: 'TYPE', prop: 'type' },
];

/**
 * `/system health` rows. `scaled`: temperatures x10 and voltages in dV, as the manual says scripts
 * and the API report them (the "x10 pitfall"; only the value forms ever show it).
 */
export function healthItems(sensors: readonly SimulatedSensor[], scaled = false): ListItem[] {
  return sensors.map((s) => {
    let value = s.value;
    if (scaled && typeof value === 'number' && (s.type === 'C' || s.type === 'V')) value = Math.round(value * 10);
    return {
      flags: '',
      props: [
        ['name', ros.str(s.name)],
        ['value', typeof value === 'number' ? ros.num(value) : ros.word(value)],
        ['type', ros.str(s.type)],
      ],
    };
  });
}

export const INTERFACE_FLAGS: readonly FlagDef[] = [
  { letter: 'X', name: 'DISABLED' },
  { letter: 'R', name: 'RUNNING' },
  { letter: 'S', name: 'SLAVE' },
];

export const INTERFACE_TABLE: readonly TableColumn[] = [
  { header: 'NAME', prop: 'name' },
  { header: 'TYPE', prop: 'type' },
  { header: 'ACTUAL-MTU', prop: 'actual-mtu', align: 'right' },
  { header: 'L2MTU', prop: 'l2mtu', align: 'right' },
  { header: 'MAC-ADDRESS', prop: 'mac-address' },
];

export const INTERFACE_STATS_TABLE: readonly TableColumn[] = [
  { header: 'NAME', prop: 'name' },
  { header: 'RX-BYTE', prop: 'rx-byte', align: 'right' },
  { header: 'TX-BYTE', prop: 'tx-byte', align: 'right' },
  { header: 'RX-PACKET', prop: 'rx-packet', align: 'right' },
  { header: 'TX-PACKET', prop: 'tx-packet', align: 'right' },
  { header: 'TX-QUEUE-DROP', prop: 'tx-queue-drop', align: 'right' },
];

/** One interface as it is now: the link state and counters the flap fault and time produce. */
export interface InterfaceNow {
  readonly spec: SimulatedInterface;
  readonly running: boolean;
  readonly linkDowns: number;
  readonly lastLinkDownAt?: number;
  readonly lastLinkUpAt?: number;
  readonly rxBytes: number;
  readonly txBytes: number;
}

/** `/interface` items: `detail` properties, the stats of `stats-detail`, and the value-only fields. */
export function interfaceItems(ifaces: readonly InterfaceNow[]): { detail: ListItem[]; stats: ListItem[]; values: ListItem[] } {
  const detail: ListItem[] = [];
  const stats: ListItem[] = [];
  const values: ListItem[] = [];
  ifaces.forEach((i, index) => {
    const s = i.spec;
    const id = `*${(index + 1).toString(16).toUpperCase()}`;
    const flags = `${s.disabled ? 'X' : ''}${i.running ? 'R' : ''}${s.bridge ? 'S' : ''}`;
    const mtu = s.mtu ?? 1500;
    const base: RosProp[] = [
      ['name', ros.str(s.name)],
      ...(s.type === 'ether' ? ([['default-name', ros.str(s.name)]] as RosProp[]) : []),
      ['type', ros.str(s.type)],
      ['mtu', ros.num(mtu)],
      ['actual-mtu', ros.num(mtu)],
      ['l2mtu', ros.num(s.type === 'bridge' ? 65535 : 9796)],
      ['mac-address', ros.word(s.macAddress)],
      ['fast-path', ros.bool(true)],
    ];
    const times: RosProp[] = [
      ...(i.lastLinkDownAt !== undefined ? ([['last-link-down-time', ros.date(formatDate(i.lastLinkDownAt))]] as RosProp[]) : []),
      ...(i.lastLinkUpAt !== undefined ? ([['last-link-up-time', ros.date(formatDate(i.lastLinkUpAt))]] as RosProp[]) : []),
      ['link-downs', ros.num(i.linkDowns)],
    ];
    const rxPackets = Math.floor(i.rxBytes / 900);
    const txPackets = Math.floor(i.txBytes / 900);
    // Bridge slaves omit the drop and error counters entirely (captured on 7.20).
    const dropsAndErrors: RosProp[] = s.bridge
      ? []
      : [
          ['rx-drop', ros.counter(Math.floor(rxPackets / 250_000))],
          ['tx-drop', ros.counter(0)],
          ['rx-error', ros.counter(0)],
          ['tx-error', ros.counter(0)],
        ];
    const counters: RosProp[] = [
      ['rx-byte', ros.counter(i.rxBytes)],
      ['tx-byte', ros.counter(i.txBytes)],
      ['rx-packet', ros.counter(rxPackets)],
      ['tx-packet', ros.counter(txPackets)],
      ...dropsAndErrors.slice(0, 2),
      ['tx-queue-drop', ros.counter(0)],
      ...dropsAndErrors.slice(2),
      ['fp-rx-byte', ros.counter(i.rxBytes)],
      ['fp-tx-byte', ros.counter(i.txBytes)],
      ['fp-rx-packet', ros.counter(rxPackets)],
      ['fp-tx-packet', ros.counter(txPackets)],
    ];
    const hidden: RosProp[] = [
      ['running', ros.bool(i.running)],
      ['disabled', ros.bool(s.disabled === true)],
      ['slave', ros.bool(s.bridge !== undefined)],
    ];
    detail.push({ id, flags, props: [...base, ...times], hidden });
    stats.push({ id, flags, props: [base[0]!, ...times, ...counters], hidden });
    values.push({ id, flags, props: [...base, ...times, ...counters], hidden });
  });
  return { detail, stats, values };
}

export const BTRFS_FLAGS: readonly FlagDef[] = [
  { letter: 'I', name: 'MISSING-DEVICES' },
  { letter: 'b', name: 'BALANCING' },
  { letter: 'r', name: 'REPLACING' },
  { letter: 's', name: 'SCRUBBING' },
];

export const BTRFS_TABLE: readonly TableColumn[] = [
  'LABEL',
  'DEV-IDS',
  'DEVS',
  'DEFAULT-SUBVOLUME',
  'SPACES',
  'BALANCE-STATUS',
  'REPLACE-STATUS',
  'UUID',
  'WRITE-ERRORS',
  'READ-ERRORS',
  'FLUSH-ERRORS',
  'CORRUPTION-ERRORS',
  'GENERATION-ERRORS',
].map((header) => ({ header, prop: header.toLowerCase(), ...(header.endsWith('-ERRORS') ? { align: 'right' as const } : {}) }));

/** Error counters of one btrfs file system. */
export interface BtrfsErrors {
  readonly write: number;
  readonly read: number;
  readonly flush: number;
  readonly corruption: number;
  readonly generation: number;
}

/** `/disk btrfs filesystem` items; `about` is non-empty when a file system has errors. */
export function btrfsItems(fss: ReadonlyArray<{ readonly spec: SimulatedBtrfs; readonly errors: BtrfsErrors; readonly missing: boolean }>): ListItem[] {
  return fss.map(({ spec, errors, missing }) => {
    const devs = missing ? [...spec.devs, 'missing'] : spec.devs;
    const total = errors.write + errors.read + errors.flush + errors.corruption + errors.generation;
    const about =
      total === 0
        ? ''
        : `device ${spec.devs[0] ?? '?'} has errors: write ${errors.write}, read ${errors.read}, flush ${errors.flush}, corruption ${errors.corruption}, generation ${errors.generation}`;
    return {
      flags: missing ? 'I' : '',
      props: [
        ['label', ros.str(spec.label)],
        ['dev-ids', ros.word(devs.map((_, i) => String(i + 1)).join(','))],
        ['devs', ros.str(devs.join(','))],
        ['default-subvolume', ros.str('')],
        ['spaces', ros.str(spec.spaces)],
        ['balance-status', ros.str('')],
        ['replace-status', ros.str('')],
        ['scrub-status', ros.str(spec.scrubStatus)],
        ['uuid', ros.str(spec.uuid)],
        ['write-errors', ros.counter(errors.write)],
        ['read-errors', ros.counter(errors.read)],
        ['flush-errors', ros.counter(errors.flush)],
        ['corruption-errors', ros.counter(errors.corruption)],
        ['generation-errors', ros.counter(errors.generation)],
        ['about', ros.str(about)],
      ],
    };
  });
}

export const PACKAGE_FLAGS: readonly FlagDef[] = [{ letter: 'X', name: 'DISABLED' }];

export const PACKAGE_TABLE: readonly TableColumn[] = [
  { header: 'NAME', prop: 'name' },
  { header: 'VERSION', prop: 'version' },
  { header: 'BUILD-TIME', prop: 'build-time' },
];

/** `/system package` items. */
export function packageItems(packages: readonly SimulatedPackage[]): ListItem[] {
  return packages.map((p) => ({
    flags: '',
    props: [
      ['name', ros.str(p.name)],
      ['version', ros.str(p.version)],
      ['build-time', ros.date(p.buildTime)],
      ['scheduled', ros.str('')],
    ],
    hidden: [
      ['disabled', ros.bool(false)],
      ['available', ros.bool(false)],
    ],
  }));
}

export const SMB_USER_FLAGS: readonly FlagDef[] = [{ letter: 'X', name: 'DISABLED' }];

export const SMB_USER_TABLE: readonly TableColumn[] = [
  { header: 'NAME', prop: 'name' },
  { header: 'READ-ONLY', prop: 'read-only' },
];

/** `/ip smb users` items, passwords in clear as RouterOS prints them (a reader MUST NOT run this). */
export function smbUserItems(users: readonly SimulatedSmbUser[]): ListItem[] {
  return users.map((u) => ({
    flags: u.disabled ? 'X' : '',
    props: [
      ['name', ros.str(u.name)],
      ['password', ros.str(u.password)],
      ['read-only', ros.bool(u.readOnly)],
    ],
    hidden: [['disabled', ros.bool(u.disabled)]],
  }));
}
