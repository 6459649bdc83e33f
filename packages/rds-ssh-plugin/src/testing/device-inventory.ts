/**
 * What the simulated device consists of: disks (bays, arrays, file-backed disks), sensors,
 * interfaces, btrfs file systems, packages and SMB users, plus the default RDS2216 inventory and the
 * device variants. Plain data; the device model keeps a mutable copy and the faults change that.
 */

/** `raid-type` values RouterOS knows. */
export type RaidLevel = '0' | '1' | '4' | '5' | '6' | 'linear';

/** NVMe SMART values of one drive, as `/disk` properties and `/disk smart-info` report them. */
export interface SimulatedSmart {
  readonly temperatureC: number;
  readonly percentageUsed: number;
  readonly availableSpare: number;
  /** @default 10 */
  readonly availableSpareThreshold?: number;
  /** Bit field: 0x01 spare, 0x02 temperature, 0x04 reliability degraded, 0x08 read-only, 0x10 volatile backup. @default 0 */
  readonly criticalWarning?: number;
  readonly powerOnHours: number;
  /** @default 40 */
  readonly powerCycles?: number;
  readonly unsafeShutdowns: number;
  /** `unrecovered-integrity-errors`, smartctl's "Media and Data Integrity Errors". @default 0 */
  readonly mediaErrors?: number;
}

/** One `/disk` item the simulated RDS reports. */
export interface SimulatedDisk {
  readonly slot: string;
  readonly type: 'hardware' | 'raid' | 'file';
  /** Drive model, `RAID6 2-parity-disks`-style text for arrays, the image path for file disks. */
  readonly model: string;
  readonly sizeBytes: number;
  /** Free bytes for mounted file systems; omitted for raw members. */
  readonly freeBytes?: number;
  readonly raidMaster?: string;
  /** Sustained write rate used to grow `monitor-traffic` counters (bytes/s). @default 1.6 MB/s */
  readonly writeBytesPerSecond?: number;
  /** Sustained read rate used to grow `monitor-traffic` counters (bytes/s). @default 0.4 MB/s */
  readonly readBytesPerSecond?: number;
  /** A bay with no drive (flag `E`); model and size are ignored. @default false */
  readonly empty?: boolean;
  /** `last-seen` of an empty bay: model and serial of the drive that sat there last. */
  readonly lastSeen?: string;
  readonly serial?: string;
  readonly firmware?: string;
  /** NVMe SMART values (hardware drives). */
  readonly smart?: SimulatedSmart;
  /** Members: position in the array, or a hot spare. @default the member's index among its array's members */
  readonly raidRole?: number | 'spare';
  /** Arrays: `raid-type`. @default '5' */
  readonly raidLevel?: RaidLevel;
  /** Arrays: `raid-chunk-size`. @default '512K' */
  readonly raidChunkSize?: string;
  /** File system on an array. @default 'btrfs' for arrays */
  readonly fs?: 'btrfs' | 'xfs' | 'ext4';
  /** @default 'storage' */
  readonly fsLabel?: string;
  readonly fsUuid?: string;
  readonly raidUuid?: string;
  /** xfs/ext4 inode counts. */
  readonly totalInodes?: number;
  readonly freeInodes?: number;
  /**
   * NVMe/TCP export of a file disk, with the secrets a real device prints in clear.
   * @default port 4420 for a file disk that has neither `nvmeTcp` nor `iscsi`
   */
  readonly nvmeTcp?: { readonly port?: number; readonly nqn?: string; readonly password?: string; readonly secret?: string };
  /** iSCSI export of a file disk. */
  readonly iscsi?: { readonly port?: number; readonly iqn?: string };
  readonly nfsSharing?: boolean;
  readonly smbSharing?: boolean;
}

/** One `/system health` row. `value` is a number, or the PSU state text. */
export interface SimulatedSensor {
  readonly name: string;
  readonly value: number | 'ok' | 'fail' | 'not-present' | 'idle' | 'no-input';
  readonly type: '' | 'C' | 'RPM' | 'V' | 'A' | 'W';
}

/** One `/interface` item. */
export interface SimulatedInterface {
  readonly name: string;
  readonly type: 'ether' | 'bridge';
  readonly running: boolean;
  readonly disabled?: boolean;
  /** The bridge this port is a slave of (flag `S`; drop/error counters omitted). */
  readonly bridge?: string;
  readonly linkDowns: number;
  readonly rxBytesPerSecond: number;
  readonly txBytesPerSecond: number;
  readonly macAddress: string;
  /** @default 1500 */
  readonly mtu?: number;
}

/** One `/disk btrfs filesystem` item. */
export interface SimulatedBtrfs {
  readonly label: string;
  readonly uuid: string;
  /** Device slots; `missing` marks a missing device. */
  readonly devs: readonly string[];
  readonly spaces: string;
  readonly scrubStatus: string;
}

/** One `/system package` item. */
export interface SimulatedPackage {
  readonly name: string;
  readonly version: string;
  readonly buildTime: string;
}

/** One `/ip smb users` item (RouterOS prints the password in clear). */
export interface SimulatedSmbUser {
  readonly name: string;
  readonly password: string;
  readonly readOnly: boolean;
  readonly disabled: boolean;
}

/** Everything a device consists of. */
export interface DeviceInventory {
  readonly disks: readonly SimulatedDisk[];
  readonly sensors: readonly SimulatedSensor[];
  readonly interfaces: readonly SimulatedInterface[];
  readonly btrfs: readonly SimulatedBtrfs[];
  readonly packages: readonly SimulatedPackage[];
  readonly smbUsers: readonly SimulatedSmbUser[];
}

/** The device variants the simulator offers. */
export type DeviceVariant = 'rds2216' | 'routeros-7.14' | 'no-rose-storage';

/** What a RouterOS build can do; a variant fixes these and options may override them. */
export interface DeviceCapabilities {
  /** `:serialize to=json` exists; without it the probe and every JSON form answer `bad command name serialize`. */
  readonly serialize: boolean;
  /** `/disk smart-info` exists (7.23+). */
  readonly smartInfo: boolean;
  /** The `rose-storage` package: RAID, file disks, exports, btrfs, SMB, `smart-info`. */
  readonly roseStorage: boolean;
  /** Arrays print `raid-state=` and `uuid=` (older docs) instead of `state=` and `fs-uuid=`. */
  readonly legacyRaidFields: boolean;
  /** `/disk` items carry the SMART fields (`temperature`, `percentage-used`, ...). */
  readonly smartInDiskListing: boolean;
}

/** Per-variant defaults: RouterOS version, build time, capabilities. */
export const VARIANTS: Readonly<Record<DeviceVariant, { readonly version: string; readonly buildTime: string; readonly capabilities: DeviceCapabilities }>> = {
  rds2216: {
    version: '7.24.1 (stable)',
    buildTime: '2026-09-01 10:00:00',
    capabilities: { serialize: true, smartInfo: true, roseStorage: true, legacyRaidFields: false, smartInDiskListing: true },
  },
  'routeros-7.14': {
    version: '7.14.3 (stable)',
    buildTime: '2024-04-17 09:35:12',
    capabilities: { serialize: false, smartInfo: false, roseStorage: true, legacyRaidFields: true, smartInDiskListing: false },
  },
  'no-rose-storage': {
    version: '7.24.1 (stable)',
    buildTime: '2026-09-01 10:00:00',
    capabilities: { serialize: true, smartInfo: false, roseStorage: false, legacyRaidFields: false, smartInDiskListing: false },
  },
};

const POOL_DRIVE_SIZE = 960_197_124_096;
const MIRROR_DRIVE_SIZE = 3_840_755_982_336;
const GIB = 1024 ** 3;

function poolDrive(n: number, role: number | 'spare'): SimulatedDisk {
  return {
    slot: `nvme${n}`,
    type: 'hardware',
    model: 'U.2 SSD 4TG2-P',
    serial: `4TG2P0A100${String(n).padStart(2, '0')}`,
    firmware: 'V1.2.6',
    sizeBytes: POOL_DRIVE_SIZE,
    raidMaster: 'storage-pool',
    raidRole: role,
    writeBytesPerSecond: 200_000,
    readBytesPerSecond: 50_000,
    smart: {
      temperatureC: 31 + (n % 5),
      percentageUsed: role === 'spare' ? 0 : 1 + (n % 3),
      availableSpare: 100,
      powerOnHours: role === 'spare' ? 212 : 4203 + n * 7,
      powerCycles: role === 'spare' ? 3 : 41,
      unsafeShutdowns: role === 'spare' ? 0 : 105,
    },
  };
}

/**
 * The default RDS2216: 20 bays; nvme1..nvme10 in a RAID6 `storage-pool` (btrfs, NFS-shared) with
 * nvme11 as its hot spare; nvme12 + nvme13 in a RAID1 `mirror` (xfs, SMB-shared); nvme14..nvme20
 * empty, nvme17 with the `last-seen` of a pulled drive; three file-backed disks (two over NVMe/TCP
 * with their secrets, one over iSCSI). nvme13's serial is all digits, so `:serialize` turns it into a
 * JSON number, a pitfall a reader has to survive.
 */
export function rds2216Disks(): SimulatedDisk[] {
  const disks: SimulatedDisk[] = [];
  for (let n = 1; n <= 10; n += 1) disks.push(poolDrive(n, n - 1));
  disks.push(poolDrive(11, 'spare'));
  const mirrorDrive = (n: number, serial: string, role: number, temperatureC: number): SimulatedDisk => ({
    slot: `nvme${n}`,
    type: 'hardware',
    model: 'KCD8XPUG3T84',
    serial,
    firmware: '0105',
    sizeBytes: MIRROR_DRIVE_SIZE,
    raidMaster: 'mirror',
    raidRole: role,
    writeBytesPerSecond: 300_000,
    readBytesPerSecond: 150_000,
    smart: { temperatureC, percentageUsed: 4, availableSpare: 98, powerOnHours: 9120 + n, powerCycles: 57, unsafeShutdowns: 12 },
  });
  disks.push(mirrorDrive(12, 'X3B0A0120012', 0, 38), mirrorDrive(13, '223132800013', 1, 39));
  for (let n = 14; n <= 20; n += 1) {
    disks.push({
      slot: `nvme${n}`,
      type: 'hardware',
      model: '',
      sizeBytes: 0,
      empty: true,
      ...(n === 17 ? { lastSeen: 'U.2 SSD 4TG2-P 4TG2P0A10017' } : {}),
    });
  }
  disks.push(
    {
      slot: 'storage-pool',
      type: 'raid',
      model: 'RAID6 2-parity-disks',
      sizeBytes: 8 * POOL_DRIVE_SIZE,
      freeBytes: 6_913_419_292_672,
      raidLevel: '6',
      raidChunkSize: '512K',
      fs: 'btrfs',
      fsLabel: 'storage-pool',
      fsUuid: '6c1f0a52-8f3e-4d7b-9a21-3e5b7c9d1f40',
      raidUuid: 'b7e2c4a9-1d3f-4e6a-8b0c-2f4d6e8a0c12',
      nfsSharing: true,
      writeBytesPerSecond: 1_600_000,
      readBytesPerSecond: 400_000,
    },
    {
      slot: 'mirror',
      type: 'raid',
      model: 'RAID1 mirrored',
      sizeBytes: MIRROR_DRIVE_SIZE - 134_217_728,
      freeBytes: 2_950_112_026_624,
      raidLevel: '1',
      raidChunkSize: 'none',
      fs: 'xfs',
      fsLabel: 'mirror',
      fsUuid: '0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b',
      raidUuid: '4a3b2c1d-0e9f-4a8b-7c6d-5e4f3a2b1c0d',
      totalInodes: 375_073_536,
      freeInodes: 374_998_112,
      smbSharing: true,
      writeBytesPerSecond: 600_000,
      readBytesPerSecond: 300_000,
    },
    {
      slot: 'vm-storage-001',
      type: 'file',
      model: '/storage-pool/vm-storage-001.img',
      sizeBytes: 1024 * GIB,
      nvmeTcp: {
        port: 4420,
        nqn: 'nqn.2026-09.com.mikrotik:rds2216.vm-storage-001',
        password: 'sim-nvme-password-vm-storage-001',
        secret: 'DHHC-1:00:c2ltLW52bWUtc2VjcmV0LXZtLXN0b3JhZ2UtMDAx:',
      },
      writeBytesPerSecond: 200_000,
      readBytesPerSecond: 50_000,
    },
    {
      // rds-csi names volumes after the Kubernetes PVC: long paths that exec output splits mid-token.
      slot: 'pvc-3f9c2a7e-5b1d-4e8a-9c6f-2d7b8e1a4c3f',
      type: 'file',
      model: '/storage-pool/volumes/pvc-3f9c2a7e-5b1d-4e8a-9c6f-2d7b8e1a4c3f.img',
      sizeBytes: 50 * GIB,
      nvmeTcp: {
        port: 4420,
        nqn: 'nqn.2026-09.com.mikrotik:rds2216.pvc-3f9c2a7e-5b1d-4e8a-9c6f-2d7b8e1a4c3f',
        password: 'sim-nvme-password-pvc-3f9c2a7e',
        secret: 'DHHC-1:01:c2ltLW52bWUtc2VjcmV0LXB2Yy0zZjljMmE3ZQ==:',
      },
      writeBytesPerSecond: 100_000,
      readBytesPerSecond: 100_000,
    },
    {
      slot: 'iscsi-lun-001',
      type: 'file',
      model: '/mirror/iscsi-lun-001.img',
      sizeBytes: 500 * GIB,
      iscsi: { port: 3260, iqn: 'iqn.2026-09.com.mikrotik:rds2216.iscsi-lun-001' },
      writeBytesPerSecond: 150_000,
      readBytesPerSecond: 150_000,
    },
  );
  return disks;
}

/** The same bays as a plain RouterOS device sees them without `rose-storage`: drives, no arrays, no file disks. */
export function plainDisks(): SimulatedDisk[] {
  return rds2216Disks()
    .filter((d) => d.type === 'hardware')
    .map(({ raidMaster: _m, raidRole: _r, ...d }) => d);
}

/** `/system health` of an RDS2216 (sensor names are not verified against a device: see the reference). */
export function rds2216Sensors(): SimulatedSensor[] {
  return [
    { name: 'cpu-temperature', value: 43, type: 'C' },
    { name: 'board-temperature1', value: 38, type: 'C' },
    { name: 'board-temperature2', value: 36, type: 'C' },
    { name: 'fan1-speed', value: 5654, type: 'RPM' },
    { name: 'fan2-speed', value: 5720, type: 'RPM' },
    { name: 'psu1-state', value: 'ok', type: '' },
    { name: 'psu2-state', value: 'ok', type: '' },
    { name: 'psu1-voltage', value: 12.1, type: 'V' },
    { name: 'psu2-voltage', value: 11.9, type: 'V' },
    { name: 'psu1-current', value: 4.1, type: 'A' },
    { name: 'psu2-current', value: 3.9, type: 'A' },
    { name: 'power-consumption', value: 96.4, type: 'W' },
  ];
}

/** The RDS2216's ports (2x10G RJ45, 4x SFP+, 4x SFP28, 2x QSFP28) and a bridge. */
export function rds2216Interfaces(): SimulatedInterface[] {
  const mac = (n: number): string => `48:A9:8A:12:34:${n.toString(16).toUpperCase().padStart(2, '0')}`;
  const port = (name: string, n: number, extra: Partial<SimulatedInterface> = {}): SimulatedInterface => ({
    name,
    type: 'ether',
    running: true,
    linkDowns: 1,
    rxBytesPerSecond: 2_000_000 + n * 100_000,
    txBytesPerSecond: 1_500_000 + n * 50_000,
    macAddress: mac(n),
    ...extra,
  });
  return [
    port('ether1', 1, { linkDowns: 2, rxBytesPerSecond: 20_000, txBytesPerSecond: 40_000 }),
    port('ether2', 2, { bridge: 'bridge1' }),
    port('sfp-sfpplus1', 3),
    port('sfp-sfpplus2', 4),
    port('sfp-sfpplus3', 5, { bridge: 'bridge1' }),
    port('sfp-sfpplus4', 6, { running: false, linkDowns: 0, rxBytesPerSecond: 0, txBytesPerSecond: 0 }),
    port('sfp28-1', 7, { rxBytesPerSecond: 120_000_000, txBytesPerSecond: 95_000_000 }),
    port('sfp28-2', 8, { rxBytesPerSecond: 110_000_000, txBytesPerSecond: 90_000_000 }),
    port('sfp28-3', 9),
    port('sfp28-4', 10, { running: false, linkDowns: 3, rxBytesPerSecond: 0, txBytesPerSecond: 0 }),
    port('qsfp28-1-1', 11, { rxBytesPerSecond: 310_000_000, txBytesPerSecond: 280_000_000 }),
    port('qsfp28-2-1', 12, { running: false, disabled: true, linkDowns: 0, rxBytesPerSecond: 0, txBytesPerSecond: 0 }),
    { name: 'bridge1', type: 'bridge', running: true, linkDowns: 0, rxBytesPerSecond: 2_100_000, txBytesPerSecond: 1_600_000, macAddress: mac(2) },
  ];
}

/** Packages of a variant: `routeros`, `container`, and `rose-storage` unless the variant lacks it. */
export function packagesFor(version: string, buildTime: string, roseStorage: boolean): SimulatedPackage[] {
  const v = version.split(' ')[0]!;
  return [
    { name: 'routeros', version: v, buildTime },
    { name: 'container', version: v, buildTime },
    ...(roseStorage ? [{ name: 'rose-storage', version: v, buildTime }] : []),
  ];
}

/** btrfs file systems of the disks: one per mounted btrfs array. */
export function btrfsOf(disks: readonly SimulatedDisk[]): SimulatedBtrfs[] {
  return disks
    .filter((d) => d.type === 'raid' && (d.fs ?? 'btrfs') === 'btrfs')
    .map((d) => {
      const used = d.sizeBytes - (d.freeBytes ?? d.sizeBytes);
      return {
        label: d.fsLabel ?? 'storage',
        uuid: d.fsUuid ?? '00000000-0000-4000-8000-000000000000',
        devs: [d.slot],
        spaces: `data single ${gib(used * 0.98)}/${gib(d.sizeBytes * 0.97)}, metadata dup ${gib(used * 0.02)}/${gib(d.sizeBytes * 0.02)}, system dup 16.0MiB/32.0MiB`,
        scrubStatus: 'finished',
      };
    });
}

function gib(bytes: number): string {
  return `${(bytes / GIB).toFixed(1)}GiB`;
}

/** `/ip smb users` of the default device: a disabled guest and a user with a clear-text password. */
export function rds2216SmbUsers(): SimulatedSmbUser[] {
  return [
    { name: 'guest', password: '', readOnly: true, disabled: true },
    { name: 'backup', password: 'sim-smb-password-backup', readOnly: false, disabled: false },
  ];
}
