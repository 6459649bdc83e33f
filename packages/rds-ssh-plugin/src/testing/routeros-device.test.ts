import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouterOsDevice, normalizeCommand } from './routeros-device.js';
import { formatPrintDuration, formatRate, formatSize, formatValueDuration, groupThousands, renderKeyValues } from './routeros-format.js';

function fields(output: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of output.split('\r\n')) {
    const i = line.indexOf(': ');
    if (i > 0) m.set(line.slice(0, i).trim(), line.slice(i + 2).trim());
  }
  return m;
}

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
  });
});

describe('RouterOsDevice', () => {
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
    assert.ok(!/[^\r]\n/.test(out), 'every line ends in CRLF');
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

  it('prints /disk print detail with a Flags legend and items wrapped at 80 columns', () => {
    const d = new RouterOsDevice({}, () => 0);
    const out = d.answer('/disk print detail');
    const lines = out.split('\r\n');
    assert.equal(lines[0], 'Flags: B - BLOCK-DEVICE; M - MOUNTED; r - RAID-MEMBER; t - NVME-TCP-EXPORT');
    assert.ok(lines.every((l) => l.length <= 80), 'wrapped');
    assert.match(lines[1]!, /^ 0 Br type=hardware slot="nvme1" /);
    assert.ok(out.includes('slot="storage-pool"'));
    assert.ok(out.includes('size=960 197 124 096'));
    assert.ok(out.includes('file-size=1024.0GiB'));
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
  });

  it('lays out monitor-traffic like the captured sample (right-aligned values)', () => {
    const d = new RouterOsDevice({}, () => 0);
    const lines = d.answer('/disk monitor-traffic storage-pool once').split('\r\n');
    assert.equal(lines[0], '                  slot:    storage-pool');
    assert.match(lines[1]!, /^ {14}read-ops: {9}\d{3} \d{3}$/);
  });

  it('answers monitor-traffic for every slot /disk print detail lists, with growing counters', () => {
    let now = 0;
    const d = new RouterOsDevice({}, () => now);
    const slots = [...d.answer('/disk print detail').matchAll(/ slot="([^"]+)"/g)].map((m) => m[1]!);
    assert.deepEqual(slots, ['nvme1', 'nvme2', 'nvme3', 'nvme4', 'storage-pool', 'vm-storage-001']);
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

  it('answers unknown commands with bad command name', () => {
    const d = new RouterOsDevice();
    assert.equal(d.answer('/foo bar'), 'bad command name foo (line 1 column 2)\r\n');
    assert.equal(d.answer(':put "hello"'), 'hello\r\n');
  });
});
