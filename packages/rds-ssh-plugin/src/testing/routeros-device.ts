import {
  CRLF,
  badCommandName,
  formatPrintDuration,
  formatRate,
  formatSize,
  formatValueDuration,
  groupThousands,
  renderKeyValues,
  wrapDetailItem,
} from './routeros-format.js';

/** One `/disk` item the simulated RDS reports. */
export interface SimulatedDisk {
  readonly slot: string;
  readonly type: 'hardware' | 'raid' | 'file';
  readonly model: string;
  readonly sizeBytes: number;
  /** Free bytes for mounted file systems; omitted for raw members. */
  readonly freeBytes?: number;
  readonly raidMaster?: string;
  /** Sustained write rate used to grow `monitor-traffic` counters (bytes/s). @default 1.6 MB/s */
  readonly writeBytesPerSecond?: number;
  /** Sustained read rate used to grow `monitor-traffic` counters (bytes/s). @default 0.4 MB/s */
  readonly readBytesPerSecond?: number;
}

/** What the simulated device looks like. Every field has an RDS2216-like default. */
export interface DeviceOptions {
  /** `/system identity` name. @default 'mikrotik-sim' */
  readonly identity?: string;
  /** @default 'RDS2216-2XG-4S+4XS-2XQ' */
  readonly boardName?: string;
  /** @default '7.19.4 (stable)' */
  readonly version?: string;
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
  /** @default four NVMe members in a RAID5 `storage-pool` plus one file-backed NVMe/TCP export */
  readonly disks?: readonly SimulatedDisk[];
}

const GIB = 1024 ** 3;

const DEFAULT_DISKS: readonly SimulatedDisk[] = [
  ...[1, 2, 3, 4].map(
    (n): SimulatedDisk => ({
      slot: `nvme${n}`,
      type: 'hardware',
      model: 'U.2 SSD 4TG2-P',
      sizeBytes: 960_197_124_096,
      raidMaster: 'storage-pool',
      writeBytesPerSecond: 400_000,
      readBytesPerSecond: 100_000,
    }),
  ),
  {
    slot: 'storage-pool',
    type: 'raid',
    model: 'RAID5 parity',
    sizeBytes: 2_880_591_372_288,
    freeBytes: 2_601_143_595_008,
    writeBytesPerSecond: 1_600_000,
    readBytesPerSecond: 400_000,
  },
  {
    slot: 'vm-storage-001',
    type: 'file',
    model: '/storage-pool/vm-storage-001.img',
    sizeBytes: 1_099_511_627_776,
    writeBytesPerSecond: 200_000,
    readBytesPerSecond: 50_000,
  },
];

/** Starting counters, taken from the captured `monitor-traffic storage-pool once` sample. */
const BASE_COUNTERS = { readOps: 243_401, readBytes: 33_131_503_616, writeOps: 17_667_231, writeBytes: 515_659_673_600 };

/**
 * The simulated RDS: answers RouterOS CLI commands with output laid out like the captured samples.
 * Time-dependent values (uptime, traffic counters) derive from the `now()` it is given, so a test
 * that controls `now` controls them; counters also grow with every call so two reads always differ.
 */
export class RouterOsDevice {
  readonly identity: string;
  private readonly opts: Required<Omit<DeviceOptions, 'identity'>>;
  private startedAt: number;
  private monitorCalls = 0;
  /** Counters start from the captured sample; a reboot starts them from zero. */
  private counterBase = BASE_COUNTERS;
  private uptimeAtStart: number;

  constructor(
    options: DeviceOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.identity = options.identity ?? 'mikrotik-sim';
    this.opts = {
      boardName: options.boardName ?? 'RDS2216-2XG-4S+4XS-2XQ',
      version: options.version ?? '7.19.4 (stable)',
      cpuCount: options.cpuCount ?? 16,
      cpuLoad: options.cpuLoad ?? 3,
      totalMemoryBytes: options.totalMemoryBytes ?? 32 * GIB,
      freeMemoryBytes: options.freeMemoryBytes ?? 29_956_775_936,
      initialUptimeMs: options.initialUptimeMs ?? ((15 * 24 + 3) * 3600 + 17 * 60 + 42) * 1000,
      disks: options.disks ?? DEFAULT_DISKS,
    };
    this.startedAt = now();
    this.uptimeAtStart = this.opts.initialUptimeMs;
  }

  /**
   * A device reboot as telemetry sees it: uptime restarts at 0 and every disk traffic counter
   * restarts from 0 (still growing from then on). Connections are not touched: pair it with
   * {@link RdsSimulator.dropAllConnections} (or use {@link RdsSimulator.rebootDevice}) for the loss.
   */
  reboot(): void {
    this.startedAt = this.now();
    this.uptimeAtStart = 0;
    this.monitorCalls = 0;
    this.counterBase = { readOps: 0, readBytes: 0, writeOps: 0, writeBytes: 0 };
  }

  get disks(): readonly SimulatedDisk[] {
    return this.opts.disks;
  }

  /**
   * The device's answer to one exec command, exactly as RouterOS prints it (CRLF, padding, trailing
   * blank line). Unknown commands get `bad command name ...`: RouterOS reports errors on stdout.
   */
  answer(rawCommand: string): string {
    const command = normalizeCommand(rawCommand);
    switch (command) {
      case ':put 1':
        return `1${CRLF}`;
      case '/system identity print':
        return renderKeyValues([['name', this.identity]]);
      case '/system resource print':
        return this.resourcePrint();
      case ':put [/system resource print as-value]':
        return this.resourceAsValue() + CRLF;
      case '/disk print detail':
        return this.diskPrintDetail();
      case '/system resource print as-value':
      case '/disk print as-value':
        // A bare `print as-value` prints nothing: only `:put [...]` shows the value.
        return '';
      default:
        break;
    }
    const put = /^:put (.*)$/.exec(command);
    if (put && !put[1]!.startsWith('[')) return `${unquote(put[1]!)}${CRLF}`;
    const monitor = /^\/disk monitor-traffic (\S+) once$/.exec(command);
    if (monitor) return this.monitorTraffic(unquote(monitor[1]!));
    if (/^\/disk monitor-traffic \S+$/.test(command)) {
      // Without `once` RouterOS streams until the channel closes; the simulator refuses to hang forever.
      return `expected end of command (line 1 column ${command.length + 1})${CRLF}`;
    }
    return badCommandName(command);
  }

  uptimeMs(): number {
    return this.uptimeAtStart + Math.max(0, this.now() - this.startedAt);
  }

  private hddTotal(): number {
    return 128 * 1024 * 1024;
  }

  private resourcePrint(): string {
    const o = this.opts;
    return renderKeyValues([
      ['uptime', formatPrintDuration(this.uptimeMs())],
      ['version', o.version],
      ['build-time', '2025-06-02 09:14:31'],
      ['factory-software', '7.15'],
      ['free-memory', formatSize(o.freeMemoryBytes)],
      ['total-memory', formatSize(o.totalMemoryBytes)],
      ['cpu', 'ARM64'],
      ['cpu-count', String(o.cpuCount)],
      ['cpu-frequency', '2000MHz'],
      ['cpu-load', `${o.cpuLoad}%`],
      ['free-hdd-space', formatSize(96_731_136)],
      ['total-hdd-space', formatSize(this.hddTotal())],
      ['write-sect-since-reboot', '41568'],
      ['write-sect-total', '1882310'],
      ['bad-blocks', '0%'],
      ['architecture-name', 'arm64'],
      ['board-name', o.boardName],
      ['platform', 'MikroTik'],
    ]);
  }

  private resourceAsValue(): string {
    const o = this.opts;
    // as-value: fields alphabetical, raw values (bytes, bare percentages, get-style durations).
    const fields: Record<string, string> = {
      'architecture-name': 'arm64',
      'bad-blocks': '0',
      'board-name': o.boardName,
      'build-time': '2025-06-02 09:14:31',
      cpu: 'ARM64',
      'cpu-count': String(o.cpuCount),
      'cpu-frequency': '2000',
      'cpu-load': String(o.cpuLoad),
      'factory-software': '7.15',
      'free-hdd-space': '96731136',
      'free-memory': String(o.freeMemoryBytes),
      platform: 'MikroTik',
      'total-hdd-space': String(this.hddTotal()),
      'total-memory': String(o.totalMemoryBytes),
      uptime: formatValueDuration(this.uptimeMs()),
      version: o.version,
      'write-sect-since-reboot': '41568',
      'write-sect-total': '1882310',
    };
    return Object.keys(fields)
      .sort()
      .map((k) => `${k}=${fields[k]}`)
      .join(';');
  }

  private diskPrintDetail(): string {
    const disks = this.opts.disks;
    const flagsOf = (d: SimulatedDisk): string =>
      `B${d.freeBytes !== undefined ? 'M' : ''}${d.raidMaster ? 'r' : ''}${d.type === 'file' ? 't' : ''}`;
    const present = new Set(disks.flatMap((d) => [...flagsOf(d)]));
    const legend = [
      ['B', 'BLOCK-DEVICE'],
      ['M', 'MOUNTED'],
      ['r', 'RAID-MEMBER'],
      ['t', 'NVME-TCP-EXPORT'],
    ]
      .filter(([f]) => present.has(f!))
      .map(([f, name]) => `${f} - ${name}`)
      .join('; ');
    const flagWidth = Math.max(...disks.map((d) => flagsOf(d).length));
    const items = disks.map((d, i) => {
      const head = `${String(i).padStart(2)} ${flagsOf(d).padEnd(flagWidth)} `;
      const tokens = [`type=${d.type}`, `slot="${d.slot}"`, `slot-default="${d.type === 'hardware' ? d.slot : ''}"`, `parent=""`];
      if (d.type === 'raid') tokens.push('fs-label="storage"', 'fs=btrfs');
      else tokens.push('fs=-');
      tokens.push(`model="${d.model}"`, `size=${groupThousands(d.sizeBytes)}`);
      if (d.freeBytes !== undefined) {
        const use = Math.round(((d.sizeBytes - d.freeBytes) / d.sizeBytes) * 100);
        tokens.push(`free=${groupThousands(d.freeBytes)}`, `use=${use}%`, `mount-point="${d.slot}"`, 'mount-filesystem=yes');
      } else {
        tokens.push('mount-filesystem=no');
      }
      tokens.push('mount-read-only=no', 'compress=no', 'sector-size=512', `raid-master=${d.raidMaster ?? 'none'}`);
      if (d.type === 'raid') tokens.push('raid-type=5', `raid-device-count=${disks.filter((m) => m.raidMaster === d.slot).length}`, 'state="clean"');
      if (d.raidMaster) tokens.push(`raid-role=${disks.filter((m) => m.raidMaster === d.raidMaster).indexOf(d)}`, 'raid-member-failed=no', 'raid-member-state="0:in_sync"');
      if (d.type === 'file') {
        tokens.push(
          'nvme-tcp-export=yes',
          'nvme-tcp-server-port=4420',
          `nvme-tcp-server-nqn="nqn.2026-09.com.mikrotik:rds2216.${d.slot}"`,
          `file-path=${d.model.replace(/^\//, '/')}`,
          `file-size=${formatSize(d.sizeBytes)}`,
          'file-offset=0',
        );
      } else {
        tokens.push('nvme-tcp-export=no');
      }
      tokens.push('iscsi-export=no', 'nfs-sharing=no', 'smb-sharing=no', 'swap=no');
      return wrapDetailItem(head, tokens);
    });
    return `Flags: ${legend}${CRLF}${items.join(CRLF)}${CRLF}`;
  }

  private monitorTraffic(slot: string): string {
    const disk = this.opts.disks.find((d) => d.slot === slot);
    if (!disk) return `no such item${CRLF}`;
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
