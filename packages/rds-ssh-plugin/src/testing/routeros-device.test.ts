import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouterOsDevice, normalizeCommand } from './routeros-device.js';
import { formatPrintDuration, formatRate, formatSize, formatValueDuration, groupThousands, renderKeyValues } from './routeros-format.js';
import { STORAGE_COMMANDS } from './storage-commands.js';
import { assertCrlf, readDetail, readTable, readTerse } from './routeros-text.test.support.js';

function fields(output: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of output.split('\r\n')) {
    const i = line.indexOf(': ');
    if (i > 0) m.set(line.slice(0, i).trim(), line.slice(i + 2).trim());
  }
  return m;
}

type Json = Record<string, unknown>;

/** `:put [:serialize ...]` answers one line of JSON. */
function json(d: RouterOsDevice, command: string): unknown {
  const out = d.answer(command);
  assert.ok(out.endsWith('\r\n') && !out.slice(0, -2).includes('\n'), `one line: ${out.slice(0, 80)}`);
  return JSON.parse(out);
}

const jsonList = (d: RouterOsDevice, command: string): Json[] => json(d, command) as Json[];

/** The flag columns of the default `/disk` listing: E B M r t i s n. */
const DISK_FLAG_WIDTH = 8;
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 9, 1, 8, 0, 0);

describe('RouterOS formatting', () => {
  it('right-aligns keys at the longest key + 2, CRLF, trailing blank line', () => {
    assert.equal(renderKeyValues([['name', 'mikrotik-sim']]), '  name: mikrotik-sim\r\n\r\n');
    assert.equal(renderKeyValues([['a', '1'], ['long-key', '22']], true), '         a:  1\r\n  long-key: 22\r\n\r\n');
  });

  it('formats numbers, sizes, rates and durations like RouterOS', () => {
    assert.equal(groupThousands(16_003_143_565_312), '16 003 143 565 312');
    assert.equal(groupThousands(999), '999');
    assert.equal(formatSize(1956), '1956');
    assert.equal(formatSize(3472 * 1024), '3472.0KiB');
    assert.equal(formatSize(1024 ** 3), '1024.0MiB');
    assert.equal(formatSize(1024 ** 4), '1024.0GiB');
    assert.equal(formatRate(0), '0bps');
    assert.equal(formatRate(500_000), '500kbps');
    assert.equal(formatRate(12_800_000), '12.8Mbps');
    assert.equal(formatPrintDuration(118_000), '1m58s');
    assert.equal(formatPrintDuration(((28 + 0) * 86_400 + 22 * 3600 + 3 * 60) * 1000), '4w22h3m');
    assert.equal(formatValueDuration(((15 * 24 + 3) * 3600 + 17 * 60 + 42) * 1000), '2w1d03:17:42');
    assert.equal(formatValueDuration(59_000), '00:00:59');
  });

  it('normalizes slash-joined paths and whitespace', () => {
    assert.equal(normalizeCommand('  /system/resource/print '), '/system resource print');
    assert.equal(normalizeCommand(':put [/system/resource/print as-value]'), ':put [/system resource print as-value]');
    assert.equal(normalizeCommand('/disk   monitor-traffic  nvme1 once'), '/disk monitor-traffic nvme1 once');
    assert.equal(normalizeCommand(':put [:serialize to=json [/disk/print/detail/as-value]]'), ':put [:serialize to=json [/disk print detail as-value]]');
  });
});

describe('RouterOsDevice: the commands it answered before storage health', () => {
  it('prints /system resource with the RDS board, arm64, and an uptime that follows now()', () => {
    let now = 1_000_000;
    const d = new RouterOsDevice({ initialUptimeMs: 60_000 }, () => now);
    const first = fields(d.answer('/system resource print'));
    assert.equal(first.get('board-name'), 'RDS2216-2XG-4S+4XS-2XQ');
    assert.equal(first.get('architecture-name'), 'arm64');
    assert.equal(first.get('uptime'), '1m');
    now += 3_723_000;
    assert.equal(fields(d.answer('/system resource print')).get('uptime'), '1h3m3s');
    const out = d.answer('/system resource print');
    assert.ok(out.startsWith('                   uptime: '), 'colon at longest key + 2');
    assert.ok(out.endsWith('\r\n\r\n'));
    assertCrlf(out);
  });

  it('7.24 prints minimum-version, older versions factory-software', () => {
    assert.equal(fields(new RouterOsDevice({}, () => 0).answer('/system resource print')).get('minimum-version'), '7.15');
    const old = fields(new RouterOsDevice({ version: '7.19.4 (stable)' }, () => 0).answer('/system resource print'));
    assert.equal(old.get('factory-software'), '7.15');
    assert.equal(old.get('version'), '7.19.4 (stable)');
    assert.equal(old.has('minimum-version'), false);
  });

  it('answers :put [/system resource print as-value] with one alphabetical line', () => {
    const d = new RouterOsDevice({}, () => 0);
    const out = d.answer(':put [/system resource print as-value]');
    assert.ok(out.endsWith('\r\n') && !out.slice(0, -2).includes('\n'));
    const keys = out.trim().split(';').map((kv) => kv.split('=')[0]!);
    assert.deepEqual(keys, [...keys].sort());
    assert.match(out, /(^|;)board-name=RDS2216-2XG-4S\+4XS-2XQ;/);
    assert.match(out, /;cpu-load=3;/);
    assert.match(out, /;uptime=2w1d03:17:42;/);
    assert.equal(d.answer('/system resource print as-value'), '', 'a bare print as-value prints nothing');
  });

  it('prints /disk print detail with a Flags legend, flag columns, and items wrapped at 80 columns', () => {
    const d = new RouterOsDevice({}, () => 0);
    const out = d.answer('/disk print detail');
    const { legend, items, lines } = readDetail(out, DISK_FLAG_WIDTH);
    assert.equal(legend, 'Flags: E - EMPTY; B - BLOCK-DEVICE; M - MOUNTED; r - RAID-MEMBER; t - NVME-TCP-EXPORT; i - ISCSI-EXPORT; s - SMB-SHARING; n - NFS-SHARING');
    assert.ok(lines.every((l) => l.length <= 80), 'wrapped');
    // Positional flag columns: E B M r t i s n.
    assert.match(lines[0]!, /^ 0 {2}B r {5}type=hardware slot="nvme1" /);
    assert.equal(items.length, 25);
    assert.equal(items[0]!.flagColumns, ' B r    ');
    assert.equal(items[13]!.flagColumns, 'E       ');
    assert.equal(items.find((i) => i.props['slot'] === 'storage-pool')!.flagColumns, ' BM    n');
    assert.equal(items.find((i) => i.props['slot'] === 'mirror')!.flagColumns, ' BM   s ');
    assert.equal(items.find((i) => i.props['slot'] === 'vm-storage-001')!.flagColumns, ' B  t   ');
    assert.equal(items.find((i) => i.props['slot'] === 'iscsi-lun-001')!.flagColumns, ' B   i  ');
    assert.ok(out.includes('size=960 197 124 096'), 'space thousands separators');
    assert.ok(out.includes('file-size=1024.0GiB'));
    // Long values are split mid-token at the column limit and still read back whole.
    const pvc = items.find((i) => i.props['slot']!.startsWith('pvc-'))!;
    assert.equal(pvc.props['file-path'], '/storage-pool/volumes/pvc-3f9c2a7e-5b1d-4e8a-9c6f-2d7b8e1a4c3f.img');
    assert.equal(pvc.props['nvme-tcp-server-nqn'], 'nqn.2026-09.com.mikrotik:rds2216.pvc-3f9c2a7e-5b1d-4e8a-9c6f-2d7b8e1a4c3f');
    assert.ok(
      lines.some((l) => /model="\/storage-pool\/volumes\/pvc-[0-9a-f]+$/.test(l)),
      'the model path is split mid-token',
    );
  });

  it('reports monitor-traffic counters that grow with time and with every call', () => {
    let now = 0;
    const d = new RouterOsDevice({}, () => now);
    const num = (s: string): number => Number(s.replace(/ /g, ''));
    const a = fields(d.answer('/disk monitor-traffic storage-pool once'));
    const b = fields(d.answer('/disk monitor-traffic storage-pool once'));
    now += 10_000;
    const c = fields(d.answer('/disk monitor-traffic storage-pool once'));
    assert.equal(a.get('slot'), 'storage-pool');
    assert.ok(num(b.get('write-bytes')!) > num(a.get('write-bytes')!));
    assert.ok(num(c.get('write-bytes')!) - num(b.get('write-bytes')!) >= 16_000_000, '10 s at 1.6 MB/s');
    assert.ok(num(c.get('read-ops')!) > num(b.get('read-ops')!));
    assert.equal(c.get('write-rate'), '12.8Mbps');
    assert.equal(d.answer('/disk monitor-traffic nvme99 once'), 'no such item\r\n');
    assert.equal(d.answer('/disk monitor-traffic nvme14 once'), 'no such item\r\n', 'an empty bay has no traffic');
    assert.equal(d.answer('/disk monitor-traffic nvme1'), 'expected end of command (line 1 column 28)\r\n', 'without once it would stream forever');
  });

  it('lays out monitor-traffic like the captured sample (right-aligned values)', () => {
    const d = new RouterOsDevice({}, () => 0);
    const lines = d.answer('/disk monitor-traffic storage-pool once').split('\r\n');
    assert.equal(lines[0], '                  slot:    storage-pool');
    assert.match(lines[1]!, /^ {14}read-ops: {9}\d{3} \d{3}$/);
  });

  it('answers monitor-traffic for every block device /disk print detail lists, with growing counters', () => {
    let now = 0;
    const d = new RouterOsDevice({}, () => now);
    const { items } = readDetail(d.answer('/disk print detail'), DISK_FLAG_WIDTH);
    const slots = items.filter((i) => i.flags.includes('B')).map((i) => i.props['slot']!);
    assert.equal(slots.length, 18);
    const num = (s: string): number => Number(s.replace(/ /g, ''));
    for (const slot of slots) {
      const first = fields(d.answer(`/disk monitor-traffic ${slot} once`));
      now += 1000;
      const second = fields(d.answer(`/disk monitor-traffic "${slot}" once`));
      assert.equal(first.get('slot'), slot);
      for (const key of ['read-bytes', 'write-bytes', 'read-ops', 'write-ops']) {
        assert.ok(num(second.get(key)!) > num(first.get(key)!), `${slot} ${key} grows`);
      }
    }
  });

  it('reboot(): uptime and disk counters restart from zero and grow again', () => {
    let now = 5_000_000;
    const d = new RouterOsDevice({}, () => now);
    const num = (s: string): number => Number(s.replace(/ /g, ''));
    const before = fields(d.answer('/disk monitor-traffic storage-pool once'));
    now += 60_000;
    d.reboot();
    assert.equal(fields(d.answer('/system resource print')).get('uptime'), '0s');
    const after = fields(d.answer('/disk monitor-traffic storage-pool once'));
    assert.ok(num(after.get('write-bytes')!) < num(before.get('write-bytes')!));
    assert.equal(num(after.get('write-bytes')!), 4096, 'one call after the reboot, no time passed');
    now += 2000;
    assert.equal(fields(d.answer('/system resource print')).get('uptime'), '2s');
    const later = fields(d.answer('/disk monitor-traffic storage-pool once'));
    assert.ok(num(later.get('write-bytes')!) > num(after.get('write-bytes')!));
  });

  it('answers unknown commands and arguments with RouterOS error lines', () => {
    const d = new RouterOsDevice();
    assert.equal(d.answer('/foo bar'), 'bad command name foo (line 1 column 2)\r\n');
    assert.equal(d.answer('/system bogus print'), 'bad command name bogus (line 1 column 9)\r\n');
    assert.equal(d.answer('/disk print bogus'), 'expected end of command (line 1 column 13)\r\n');
    assert.equal(d.answer('/disk print stats-detail'), 'expected end of command (line 1 column 13)\r\n', 'stats are for interfaces');
    assert.equal(d.answer(':foo'), 'bad command name foo (line 1 column 1)\r\n');
    assert.equal(d.answer(':put "hello"'), 'hello\r\n');
    assert.equal(d.answer('/disk'), '', 'a bare path changes the menu and prints nothing');
  });
});

describe('RouterOsDevice: the storage-health commands, JSON and text', () => {
  const d = new RouterOsDevice({}, () => NOW);

  it('the :serialize probe answers 1', () => {
    assert.equal(d.answer(STORAGE_COMMANDS.probe), '1\r\n');
  });

  it('packages: JSON array with .id, name, version, build-time, disabled; terse as in the contract', () => {
    const pkgs = jsonList(d, STORAGE_COMMANDS.packages.json);
    assert.deepEqual(
      pkgs.map((p) => [p['.id'], p['name'], p['version'], p['disabled']]),
      [
        ['*1', 'routeros', '7.24.1', false],
        ['*2', 'container', '7.24.1', false],
        ['*3', 'rose-storage', '7.24.1', false],
      ],
    );
    assert.equal(pkgs[0]!['build-time'], '2026-09-01 10:00:00');
    const terse = d.answer(STORAGE_COMMANDS.packages.text);
    assert.equal(terse.split('\r\n')[0], ' 0   name=routeros version=7.24.1 build-time=2026-09-01 10:00:00 scheduled=""');
    assert.deepEqual(
      readTerse(terse, 1).map((i) => i.props['name']),
      ['routeros', 'container', 'rose-storage'],
    );
  });

  it('system: JSON with raw values (numbers, bytes, value-style uptime)', () => {
    const r = json(d, STORAGE_COMMANDS.system.json) as Json;
    assert.equal(r['cpu-load'], 3);
    assert.equal(r['free-memory'], 29_956_775_936);
    assert.equal(r['uptime'], '2w1d03:17:42');
    assert.equal(r['version'], '7.24.1 (stable)');
    assert.equal(r['minimum-version'], 7.15, 'a string that looks like a number becomes one');
    assert.equal(r['factory-software'], undefined);
    assert.deepEqual(Object.keys(r), Object.keys(r).sort(), 'keys sorted');
    const text = fields(d.answer(STORAGE_COMMANDS.system.text));
    assert.equal(text.get('cpu-load'), '3%');
    assert.equal(text.get('free-memory'), '27.9GiB');
    assert.equal(text.get('uptime'), '2w1d3h17m42s');
  });

  it('health: rows name/value/type, PSU states as text; terse one line per row; the table', () => {
    const rows = jsonList(d, STORAGE_COMMANDS.health.json);
    const byName = Object.fromEntries(rows.map((r) => [r['name'], r]));
    assert.deepEqual(byName['cpu-temperature'], { '.id': '*1', name: 'cpu-temperature', type: 'C', value: 43 });
    assert.deepEqual(
      ['fan1-speed', 'fan2-speed'].map((n) => [byName[n]!['value'], byName[n]!['type']]),
      [
        [5654, 'RPM'],
        [5720, 'RPM'],
      ],
    );
    assert.deepEqual([byName['psu1-state']!['value'], byName['psu2-state']!['value'], byName['psu1-state']!['type']], ['ok', 'ok', '']);
    assert.equal(byName['psu1-voltage']!['value'], 12.1);
    assert.equal(byName['power-consumption']!['type'], 'W');
    const terse = readTerse(d.answer(STORAGE_COMMANDS.health.text), 0);
    assert.equal(terse.length, rows.length);
    assert.deepEqual(terse[5]!.props, { name: 'psu1-state', value: 'ok', type: '' });
    assert.ok(d.answer(STORAGE_COMMANDS.health.text).includes(' name=psu1-state value=ok type=""\r\n'), 'an empty type is quoted');
    const table = readTable(d.answer('/system health print'), 4);
    assert.deepEqual(table.columns, ['NAME', 'VALUE', 'TYPE']);
    assert.deepEqual(table.rows[0]!.cells, { NAME: 'cpu-temperature', VALUE: '43', TYPE: 'C' });
    assert.deepEqual(table.rows[5]!.cells, { NAME: 'psu1-state', VALUE: 'ok', TYPE: '' });
  });

  it('health x10 quirk: value forms report temperature x10 and voltage in dV, text forms do not', () => {
    const q = new RouterOsDevice({ quirks: { healthValuesX10: true } }, () => NOW);
    const byName = Object.fromEntries(jsonList(q, STORAGE_COMMANDS.health.json).map((r) => [r['name'], r['value']]));
    assert.deepEqual([byName['cpu-temperature'], byName['psu1-voltage'], byName['fan1-speed'], byName['psu1-current']], [430, 121, 5654, 4.1]);
    assert.equal(readTerse(q.answer(STORAGE_COMMANDS.health.text), 0)[0]!.props['value'], '43');
  });

  it('the /disk listing in JSON: 20 bays, a RAID6 with a spare, a RAID1, btrfs and xfs, exports', () => {
    const disks = jsonList(d, STORAGE_COMMANDS.disks.json);
    const bySlot = Object.fromEntries(disks.map((x) => [x['slot'], x]));
    assert.equal(disks.length, 25);
    assert.deepEqual(
      disks.filter((x) => x['type'] === 'hardware').map((x) => x['slot']),
      Array.from({ length: 20 }, (_, i) => `nvme${i + 1}`),
    );
    assert.deepEqual(disks.map((x) => x['.id']).slice(0, 3), ['*1', '*2', '*3']);
    for (const x of disks) assert.deepEqual(Object.keys(x), Object.keys(x).sort(), 'keys sorted, .id first');

    const pool = bySlot['storage-pool']!;
    assert.deepEqual(
      [pool['type'], pool['raid-type'], pool['raid-device-count'], pool['state'], pool['fs'], pool['nfs-sharing'], pool['mount-point']],
      ['raid', 6, 10, 'clean', 'btrfs', true, 'storage-pool'],
    );
    assert.equal(pool['size'], 8 * 960_197_124_096, 'sizes are bytes');
    const mirror = bySlot['mirror']!;
    assert.deepEqual([mirror['raid-type'], mirror['raid-device-count'], mirror['fs'], mirror['smb-sharing'], mirror['total-inodes']], [1, 2, 'xfs', true, 375_073_536]);
    const members = disks.filter((x) => x['raid-master'] === 'storage-pool');
    assert.deepEqual(
      members.map((x) => x['raid-role']),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 'spare'],
    );
    assert.ok(members.every((x) => x['raid-member-failed'] === false));
    assert.equal(bySlot['nvme1']!['raid-member-state'], '0:in_sync');
    assert.equal(bySlot['nvme11']!['raid-member-state'], 'spare');

    const nvme1 = bySlot['nvme1']!;
    assert.deepEqual(
      ['temperature', 'percentage-used', 'available-spare', 'critical-warning', 'unsafe-shutdowns', 'unrecovered-integrity-errors', 'serial', 'model'].map((k) => nvme1[k]),
      [32, 2, 100, 0, 105, 0, '4TG2P0A10001', 'U.2 SSD 4TG2-P'],
    );
    assert.match(String(nvme1['power-on-time']), /^\d+w(\d+d)?\d\d:\d\d:\d\d$/, 'durations keep RouterOS value text');
    assert.equal(bySlot['nvme13']!['serial'], 223_132_800_013, 'an all-digit serial becomes a JSON number');
    assert.deepEqual([bySlot['nvme14']!['empty'], bySlot['nvme14']!['block-device'], bySlot['nvme14']!['model']], [true, false, undefined]);
    assert.equal(bySlot['nvme17']!['last-seen'], 'U.2 SSD 4TG2-P 4TG2P0A10017');

    const vm = bySlot['vm-storage-001']!;
    assert.deepEqual([vm['nvme-tcp-export'], vm['nvme-tcp-server-port'], vm['iscsi-export']], [true, 4420, false]);
    assert.equal(vm['nvme-tcp-server-password'], 'sim-nvme-password-vm-storage-001', 'secrets printed as a real device prints them');
    assert.match(String(vm['nvme-tcp-server-secret']), /^DHHC-1:00:/);
    const lun = bySlot['iscsi-lun-001']!;
    assert.deepEqual([lun['iscsi-export'], lun['iscsi-server-port'], lun['nvme-tcp-export']], [true, 3260, false]);
    assert.deepEqual(d.secrets().sort(), [
      'DHHC-1:00:c2ltLW52bWUtc2VjcmV0LXZtLXN0b3JhZ2UtMDAx:',
      'DHHC-1:01:c2ltLW52bWUtc2VjcmV0LXB2Yy0zZjljMmE3ZQ==:',
      'sim-nvme-password-pvc-3f9c2a7e',
      'sim-nvme-password-vm-storage-001',
      'sim-smb-password-backup',
    ]);
  });

  it('options=json.no-string-conversion keeps number-like strings as strings', () => {
    const disks = jsonList(d, ':put [:serialize to=json options=json.no-string-conversion [/disk print detail as-value]]');
    const nvme13 = disks.find((x) => x['slot'] === 'nvme13')!;
    assert.equal(nvme13['serial'], '223132800013');
    assert.equal(nvme13['raid-role'], '1');
    assert.equal(nvme13['size'], 3_840_755_982_336, 'numbers stay numbers');
  });

  it('the /disk listing in terse: one line per item, the same items and values as JSON', () => {
    const out = d.answer(STORAGE_COMMANDS.disks.text);
    const items = readTerse(out, DISK_FLAG_WIDTH);
    const disks = jsonList(d, STORAGE_COMMANDS.disks.json);
    assert.equal(items.length, disks.length);
    assert.deepEqual(
      items.map((i) => i.props['slot']),
      disks.map((x) => x['slot']),
    );
    const nvme1 = items[0]!;
    assert.equal(nvme1.flags, 'Br');
    assert.deepEqual(
      ['size', 'raid-member-state', 'raid-member-failed', 'model', 'temperature', 'percentage-used', 'power-on-time'].map((k) => nvme1.props[k]),
      ['960197124096', '0:in_sync', 'no', 'U.2 SSD 4TG2-P', '32', '2%', '25w10h'],
    );
    assert.ok(out.includes(' slot=nvme1 '), 'safe strings bare in terse');
    assert.ok(out.includes(' model="U.2 SSD 4TG2-P" '), 'strings with spaces quoted');
    assert.ok(out.includes(' raid-member-state="0:in_sync" '), 'strings with a colon quoted');
    assert.ok(out.includes(' parent="" '), 'empty strings quoted');
    assert.equal(items[16]!.flags, 'E');
    assert.equal(items[16]!.props['last-seen'], 'U.2 SSD 4TG2-P 4TG2P0A10017');
    const pool = items.find((i) => i.props['slot'] === 'storage-pool')!;
    assert.deepEqual([pool.flags, pool.props['state'], pool.props['raid-type'], pool.props['use']], ['BMn', 'clean', '6', '10%']);
  });

  it('terse quirks: thousands separators and a legend, when asked for', () => {
    const q = new RouterOsDevice({ quirks: { terseThousands: true, terseFlagsLegend: true } }, () => NOW);
    const out = q.answer(STORAGE_COMMANDS.disks.text);
    assert.match(out, /^Flags: E - EMPTY; B - BLOCK-DEVICE;/);
    assert.equal(readTerse(out.slice(out.indexOf('\r\n') + 2), DISK_FLAG_WIDTH)[0]!.props['size'], '960 197 124 096');
  });

  it('count-only where raid-member-failed: one integer', () => {
    assert.equal(d.answer(STORAGE_COMMANDS.failedMembers), '0\r\n');
    assert.equal(d.answer('/disk print count-only'), '25\r\n');
    assert.equal(d.answer('/disk print count-only where type=raid'), '2\r\n');
  });

  it('smart-info: a Columns: OUTPUT table of smartctl text, comma thousands', () => {
    const out = d.answer(STORAGE_COMMANDS.smartInfo('nvme1'));
    assertCrlf(out);
    const lines = out.split('\r\n');
    assert.equal(lines[0], 'Columns: OUTPUT');
    assert.match(lines[1]!, /^smartctl 7\.1 .*\[aarch64-linux-5\.6\.3\]/);
    const value = (label: string): string | undefined =>
      lines
        .find((l) => l.startsWith(`${label}:`))
        ?.slice(label.length + 1)
        .trim();
    assert.equal(value('Model Number'), 'U.2 SSD 4TG2-P');
    assert.equal(value('Critical Warning'), '0x00');
    assert.equal(value('Temperature'), '32 Celsius');
    assert.equal(value('Available Spare'), '100%');
    assert.equal(value('Percentage Used'), '2%');
    assert.equal(value('Power On Hours'), '4,210');
    assert.equal(value('Unsafe Shutdowns'), '105');
    assert.equal(value('Media and Data Integrity Errors'), '0');
    assert.ok(lines.includes('SMART overall-health self-assessment test result: PASSED'));
    assert.match(d.answer(STORAGE_COMMANDS.smartInfo('nvme14')), /Smartctl open device: \/dev\/nvme14 failed: No such device/);
    assert.equal(d.answer(STORAGE_COMMANDS.smartInfo('nvme99')), 'no such item\r\n');
  });

  it('drives age with simulated time (power-on hours)', () => {
    let now = NOW;
    const aging = new RouterOsDevice({}, () => now);
    const hours = (): number => Number(/Power On Hours: +([\d,]+)/.exec(aging.answer('/disk smart-info nvme1'))![1]!.replace(/,/g, ''));
    const before = hours();
    now += 10 * HOUR;
    assert.equal(hours(), before + 10);
  });

  it('btrfs: label, devs, counters, about; JSON and terse agree', () => {
    const [fs] = jsonList(d, STORAGE_COMMANDS.btrfs.json);
    assert.deepEqual(
      ['label', 'devs', 'write-errors', 'read-errors', 'flush-errors', 'corruption-errors', 'generation-errors', 'scrub-status', 'about', 'replace-status'].map((k) => fs![k]),
      ['storage-pool', 'storage-pool', 0, 0, 0, 0, 0, 'finished', '', ''],
    );
    const [t] = readTerse(d.answer(STORAGE_COMMANDS.btrfs.text), 1);
    assert.deepEqual([t!.flags, t!.props['label'], t!.props['read-errors'], t!.props['about']], ['', 'storage-pool', '0', '']);
    assert.ok(t!.props['spaces']!.startsWith('data single '));
  });

  it('interfaces: stats-detail in JSON and text; bridge slaves omit drop and error counters', () => {
    const ifaces = jsonList(d, STORAGE_COMMANDS.interfaces.json);
    assert.deepEqual(
      ifaces.map((i) => i['name']),
      ['ether1', 'ether2', 'sfp-sfpplus1', 'sfp-sfpplus2', 'sfp-sfpplus3', 'sfp-sfpplus4', 'sfp28-1', 'sfp28-2', 'sfp28-3', 'sfp28-4', 'qsfp28-1-1', 'qsfp28-2-1', 'bridge1'],
    );
    const byName = Object.fromEntries(ifaces.map((i) => [i['name'], i]));
    assert.deepEqual(
      ['type', 'running', 'disabled', 'link-downs'].map((k) => byName['ether1']![k]),
      ['ether', true, false, 2],
    );
    assert.equal(typeof byName['ether1']!['rx-byte'], 'number');
    for (const k of ['rx-drop', 'tx-drop', 'rx-error', 'tx-error']) {
      assert.equal(typeof byName['ether1']![k], 'number', k);
      assert.equal(byName['ether2']![k], undefined, `bridge slave ether2 has no ${k}`);
    }
    assert.deepEqual([byName['sfp28-4']!['running'], byName['qsfp28-2-1']!['disabled'], byName['bridge1']!['type']], [false, true, 'bridge']);
    assert.match(String(byName['ether1']!['last-link-up-time']), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const text = readDetail(d.answer(STORAGE_COMMANDS.interfaces.text), 3);
    assert.equal(text.legend, 'Flags: X - DISABLED; R - RUNNING; S - SLAVE');
    assert.ok(text.lines.every((l) => l.length <= 80));
    const ether1 = text.items[0]!;
    assert.deepEqual([ether1.flags, ether1.props['name'], ether1.props['link-downs']], ['R', 'ether1', '2']);
    assert.match(ether1.props['rx-byte']!, /^\d{1,3}( \d{3})+$/, 'space thousands separators');
    assert.match(ether1.props['last-link-down-time']!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(text.items[1]!.flags, 'RS');
    assert.equal(text.items[1]!.props['rx-drop'], undefined);
    assert.equal(text.items[11]!.flags, 'X');
  });

  it('/ip smb users prints passwords in clear (readers must never run it)', () => {
    const users = readDetail(d.answer('/ip smb users print detail'), 1).items;
    assert.deepEqual(
      users.map((u) => [u.flags, u.props['name'], u.props['password']]),
      [
        ['X', 'guest', ''],
        ['', 'backup', 'sim-smb-password-backup'],
      ],
    );
  });

  it('proplist= and where= narrow a listing', () => {
    const out = jsonList(d, ':put [:serialize to=json [/disk print detail as-value proplist=slot,state where type=raid]]');
    assert.deepEqual(out, [
      { '.id': '*15', slot: 'storage-pool', state: 'clean' },
      { '.id': '*16', slot: 'mirror', state: 'clean' },
    ]);
  });
});
