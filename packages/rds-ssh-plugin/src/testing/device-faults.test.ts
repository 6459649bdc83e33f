import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouterOsDevice } from './routeros-device.js';
import { STORAGE_COMMANDS } from './storage-commands.js';
import { TWO_MIB } from './garbage-output.js';
import { readTerse } from './routeros-text.test.support.js';

// Every fault changes the fields the contract names, in the JSON and the text forms, and clearing
// it restores them. Time is a variable the test moves: rebuilds and flaps never wait.

type Json = Record<string, unknown>;

function setup(): { d: RouterOsDevice; clock: { now: number } } {
  const clock = { now: Date.UTC(2026, 9, 1, 8, 0, 0) };
  return { d: new RouterOsDevice({}, () => clock.now), clock };
}

const disks = (d: RouterOsDevice): Json[] => JSON.parse(d.answer(STORAGE_COMMANDS.disks.json)) as Json[];
const disk = (d: RouterOsDevice, slot: string): Json => disks(d).find((x) => x['slot'] === slot)!;
const health = (d: RouterOsDevice): Record<string, unknown> =>
  Object.fromEntries((JSON.parse(d.answer(STORAGE_COMMANDS.health.json)) as Json[]).map((r) => [r['name'], r['value']]));
const terse = (d: RouterOsDevice): ReturnType<typeof readTerse> => {
  const out = d.answer(STORAGE_COMMANDS.disks.text);
  // The flag columns widen when a flag appears (f): read the width off the first line.
  const first = out.split('\r\n')[0]!;
  const width = /^ *\d+ ([A-Za-z ]*?) type=/.exec(first)![1]!.length;
  return readTerse(out, width);
};
const terseOf = (d: RouterOsDevice, slot: string): ReturnType<typeof readTerse>[number] => terse(d).find((i) => i.props['slot'] === slot)!;
const iface = (d: RouterOsDevice, name: string): Json => (JSON.parse(d.answer(STORAGE_COMMANDS.interfaces.json)) as Json[]).find((i) => i['name'] === name)!;

/** Everything the inputs read, for "clearing restores it" comparisons at one instant. */
function snapshot(d: RouterOsDevice): string[] {
  return [
    STORAGE_COMMANDS.disks.json,
    STORAGE_COMMANDS.disks.text,
    STORAGE_COMMANDS.health.json,
    STORAGE_COMMANDS.health.text,
    STORAGE_COMMANDS.btrfs.json,
    STORAGE_COMMANDS.interfaces.json,
    STORAGE_COMMANDS.failedMembers,
    STORAGE_COMMANDS.smartInfo('nvme2'),
    STORAGE_COMMANDS.smartInfo('nvme13'),
  ].map((c) => d.answer(c));
}

describe('drive faults', () => {
  it('fail a drive with no spare: member flagged failed, array degraded; clearing restores everything', () => {
    const { d } = setup();
    const before = snapshot(d);
    const id = d.failDrive('nvme13');
    assert.equal(id, 'fail-drive:nvme13');
    const m = disk(d, 'nvme13');
    assert.deepEqual([m['raid-member-failed'], m['raid-member-state'], m['critical-warning'], m['unrecovered-integrity-errors']], [true, '1:faulty', 4, 17]);
    assert.equal(disk(d, 'mirror')['state'], 'clean, degraded');
    assert.equal(disk(d, 'nvme12')['raid-member-state'], '0:in_sync');
    assert.equal(d.answer(STORAGE_COMMANDS.failedMembers), '1\r\n');
    const t = terseOf(d, 'nvme13');
    assert.deepEqual([t.flags, t.props['raid-member-failed']], ['Bfr', 'yes']);
    assert.match(d.answer(STORAGE_COMMANDS.disks.text), / slot=nvme13 .* raid-member-failed=yes /);
    assert.match(d.answer('/disk print detail'), /f - RAID-MEMBER-FAILED/);
    assert.match(d.answer(STORAGE_COMMANDS.smartInfo('nvme13')), /test result: FAILED!\r\n/);
    assert.deepEqual(
      d.faults().map((f) => f.id),
      ['fail-drive:nvme13'],
    );
    assert.equal(d.clearFault(id), true);
    assert.deepEqual(snapshot(d), before);
    assert.deepEqual(d.faults(), []);
    assert.equal(d.clearFault(id), false, 'already cleared');
  });

  it('fail a drive of an array with a hot spare: the spare takes over and rebuilds as time passes', () => {
    const { d, clock } = setup();
    // A twin without faults, made at the same instant: drives age and counters grow in both alike.
    const twin = new RouterOsDevice({}, () => clock.now);
    d.failDrive('nvme3', { rebuildMs: 80_000 });
    assert.deepEqual([disk(d, 'nvme3')['raid-member-failed'], disk(d, 'nvme3')['raid-role']], [true, 2]);
    assert.deepEqual([disk(d, 'nvme11')['raid-role'], disk(d, 'nvme11')['raid-member-state']], [2, '2:spare']);
    assert.equal(disk(d, 'storage-pool')['state'], 'clean, degraded, recovering = 0.0%');
    clock.now += 30_000;
    assert.equal(disk(d, 'storage-pool')['state'], 'clean, degraded, recovering = 37.5%');
    assert.equal(terseOf(d, 'storage-pool').props['state'], 'clean, degraded, recovering = 37.5%');
    clock.now += 49_999;
    assert.equal(disk(d, 'storage-pool')['state'], 'clean, degraded, recovering = 99.9%');
    clock.now += 1;
    assert.equal(disk(d, 'storage-pool')['state'], 'clean');
    assert.equal(disk(d, 'nvme11')['raid-member-state'], '2:in_sync');
    assert.equal(d.answer(STORAGE_COMMANDS.failedMembers), '1\r\n', 'the failed drive is still there, flagged');
    assert.deepEqual(
      d.faults().map((f) => f.id),
      ['fail-drive:nvme3'],
      'the finished rebuild left the list',
    );
    d.clearFault('fail-drive:nvme3');
    assert.equal(disk(d, 'nvme11')['raid-role'], 'spare');
    assert.deepEqual(snapshot(d), snapshot(twin));
  });

  it('useSpare: false holds the array degraded; then the hot spare takes over on request', () => {
    const { d, clock } = setup();
    d.failDrive('nvme4', { useSpare: false });
    assert.equal(disk(d, 'storage-pool')['state'], 'clean, degraded');
    assert.equal(disk(d, 'nvme11')['raid-role'], 'spare');
    assert.equal(d.startRebuild('storage-pool', { onto: 'spare', durationMs: 10_000 }), 'rebuild:storage-pool');
    assert.deepEqual([disk(d, 'nvme11')['raid-role'], disk(d, 'nvme11')['raid-member-state']], [3, '3:spare']);
    clock.now += 2_500;
    assert.equal(disk(d, 'storage-pool')['state'], 'clean, degraded, recovering = 25.0%');
    assert.throws(() => d.startRebuild('storage-pool'), /storage-pool is already rebuilding/);
    clock.now += 7_500;
    assert.equal(disk(d, 'storage-pool')['state'], 'clean');
  });

  it('rebuild onto a replaced drive: new serial, fresh SMART, progress, then clean and no faults left', () => {
    const { d, clock } = setup();
    d.failDrive('nvme13');
    d.startRebuild('mirror', { durationMs: 100_000 });
    const m = disk(d, 'nvme13');
    assert.deepEqual([m['raid-member-failed'], m['raid-member-state'], m['percentage-used'], m['critical-warning']], [false, '1:spare', 0, 0]);
    assert.notEqual(m['serial'], 223_132_800_013);
    clock.now += 37_500;
    assert.equal(disk(d, 'mirror')['state'], 'clean, degraded, recovering = 37.5%');
    clock.now += 62_500;
    assert.equal(disk(d, 'mirror')['state'], 'clean');
    assert.equal(disk(d, 'nvme13')['raid-member-state'], '1:in_sync');
    assert.deepEqual(d.faults(), []);
  });

  it('startRebuild refuses what cannot rebuild, naming the array', () => {
    const { d } = setup();
    assert.throws(() => d.startRebuild('mirror'), /mirror is not degraded: fail or pull one of its drives first/);
    assert.throws(() => d.startRebuild('nvme1'), /"nvme1" is not a RAID array \(arrays: storage-pool, mirror\)/);
    d.failDrive('nvme12');
    assert.throws(() => d.startRebuild('mirror', { onto: 'spare' }), /mirror has no hot spare/);
    assert.throws(() => d.failDrive('nvme12'), /nvme12 has already failed/);
    assert.throws(() => d.failDrive('nvme99'), /no drive in slot "nvme99" \(slots: nvme1, nvme2/);
    assert.throws(() => d.failDrive('nvme14'), /"nvme14" holds no drive/);
  });

  it('three lost members of a RAID6 fail it', () => {
    const { d } = setup();
    for (const slot of ['nvme1', 'nvme2', 'nvme5']) d.failDrive(slot, { useSpare: false });
    assert.equal(disk(d, 'storage-pool')['state'], 'clean, FAILED');
    d.clearFault('fail-drive:nvme2');
    assert.equal(disk(d, 'storage-pool')['state'], 'clean', 'clearing one drive fault restores the whole array');
    assert.deepEqual(d.faults(), []);
  });

  it('pull a drive: the bay is empty with last-seen, the array loses the member; clearing re-seats it', () => {
    const { d } = setup();
    const before = snapshot(d);
    d.pullDrive('nvme5', { useSpare: false });
    const bay = disk(d, 'nvme5');
    assert.deepEqual([bay['empty'], bay['block-device'], bay['last-seen'], bay['raid-master'], bay['model']], [true, false, 'U.2 SSD 4TG2-P 4TG2P0A10005', undefined, undefined]);
    assert.deepEqual([terseOf(d, 'nvme5').flags, terseOf(d, 'nvme5').props['last-seen']], ['E', 'U.2 SSD 4TG2-P 4TG2P0A10005']);
    assert.equal(disk(d, 'storage-pool')['state'], 'clean, degraded');
    assert.equal(d.answer(STORAGE_COMMANDS.traffic('nvme5')), 'no such item\r\n');
    assert.equal(d.disks.find((x) => x.slot === 'nvme5')!.empty, true);
    d.clearFault('pull-drive:nvme5');
    assert.deepEqual(snapshot(d), before);
  });

  it('pull a drive of an array with a spare: the spare takes over', () => {
    const { d } = setup();
    d.pullDrive('nvme6');
    assert.equal(disk(d, 'storage-pool')['state'], 'clean, degraded, recovering = 0.0%');
    assert.deepEqual(
      d.faults().map((f) => f.id),
      ['rebuild:storage-pool', 'pull-drive:nvme6'],
    );
  });
});

describe('hardware faults', () => {
  it('heat a drive: temperature and the SMART temperature warning; clearing cools it', () => {
    const { d } = setup();
    const before = snapshot(d);
    d.heatDrive('nvme2');
    assert.deepEqual([disk(d, 'nvme2')['temperature'], disk(d, 'nvme2')['critical-warning']], [78, 2]);
    assert.equal(terseOf(d, 'nvme2').props['temperature'], '78');
    const smart = d.answer(STORAGE_COMMANDS.smartInfo('nvme2'));
    assert.match(smart, /\r\nTemperature: +78 Celsius\r\n/);
    assert.match(smart, /\r\nCritical Warning: +0x02\r\n/);
    d.heatDrive('nvme2', 60);
    assert.deepEqual([disk(d, 'nvme2')['temperature'], disk(d, 'nvme2')['critical-warning']], [60, 0], 'below 70 C no warning');
    d.clearFault('heat-drive:nvme2');
    assert.deepEqual(snapshot(d), before);
    assert.throws(() => d.heatDrive('storage-pool'), /"storage-pool" is not an NVMe drive/);
    assert.throws(() => d.heatDrive('nvme2', Number.NaN), /celsius: expected a number from -40 to 200: value was NaN/);
  });

  it('heat the CPU, stop a fan, fail a PSU: health rows in JSON and terse; clearing restores them', () => {
    const { d } = setup();
    const before = snapshot(d);
    d.heatCpu();
    d.stopFan('fan2');
    d.failPsu('psu1');
    const h = health(d);
    assert.deepEqual(
      ['cpu-temperature', 'fan1-speed', 'fan2-speed', 'psu1-state', 'psu2-state', 'psu1-voltage', 'psu1-current', 'psu2-current'].map((n) => h[n]),
      [95, 5654, 0, 'fail', 'ok', 0, 0, 8],
    );
    const rows = Object.fromEntries(readTerse(d.answer(STORAGE_COMMANDS.health.text), 0).map((r) => [r.props['name'], r.props['value']]));
    assert.deepEqual([rows['cpu-temperature'], rows['fan2-speed'], rows['psu1-state']], ['95', '0', 'fail']);
    assert.deepEqual(
      d.faults().map((f) => f.id),
      ['heat-cpu:cpu', 'stop-fan:fan2', 'fail-psu:psu1'],
    );
    d.clearFault('stop-fan:fan2');
    assert.equal(health(d)['fan2-speed'], 5720);
    assert.equal(d.clearAllFaults(), 2);
    assert.deepEqual(snapshot(d), before);
    assert.throws(() => d.stopFan('fan9'), /no sensor "fan9-speed" \(sensors: cpu-temperature, /);
  });

  it('both PSUs failed, then one back: the other keeps its failure', () => {
    const { d } = setup();
    d.failPsu('psu1');
    d.failPsu('psu2');
    d.clearFault('fail-psu:psu1');
    const h = health(d);
    assert.deepEqual([h['psu1-state'], h['psu2-state'], h['psu2-voltage'], h['psu2-current']], ['ok', 'fail', 0, 0]);
  });

  it('btrfs errors: counters jump and keep rising, about says so; clearing zeroes them', () => {
    const { d, clock } = setup();
    const before = snapshot(d);
    d.btrfsErrors();
    const fs = (): Json => (JSON.parse(d.answer(STORAGE_COMMANDS.btrfs.json)) as Json[])[0]!;
    assert.deepEqual(
      ['write-errors', 'read-errors', 'corruption-errors', 'flush-errors'].map((k) => fs()[k]),
      [3, 12, 2, 0],
    );
    assert.match(String(fs()['about']), /^device storage-pool has errors: write 3, read 12/);
    clock.now += 60_000;
    assert.deepEqual([fs()['read-errors'], fs()['corruption-errors']], [18, 5]);
    const [t] = readTerse(d.answer(STORAGE_COMMANDS.btrfs.text), 1);
    assert.equal(t!.props['read-errors'], '18');
    assert.notEqual(t!.props['about'], '');
    d.clearFault('btrfs-errors:storage-pool');
    assert.deepEqual([fs()['read-errors'], fs()['about']], [0, '']);
    clock.now -= 60_000;
    assert.deepEqual(snapshot(d), before);
    assert.throws(() => d.btrfsErrors('nope'), /no btrfs file system "nope" \(labels: storage-pool\)/);
  });

  it('fill a pool: free falls linearly to the target, use rises, in JSON and terse; clearing frees it', () => {
    const { d, clock } = setup();
    const before = snapshot(d);
    const size = Number(disk(d, 'storage-pool')['size']);
    const free0 = Number(disk(d, 'storage-pool')['free']);
    const id = d.fillPool('storage-pool', { usedRatio: 0.95, overMs: 60_000 });
    assert.equal(id, 'fill-pool:storage-pool');
    assert.equal(Number(disk(d, 'storage-pool')['free']), free0, 'filling starts from the free space it had');
    clock.now += 30_000;
    const target = Math.round(size * 0.05);
    assert.equal(Number(disk(d, 'storage-pool')['free']), Math.round(free0 + (target - free0) / 2), 'half way after half the time');
    clock.now += 60_000;
    assert.equal(Number(disk(d, 'storage-pool')['free']), target, 'then it stays at the target');
    assert.equal(disk(d, 'storage-pool')['use'], 95);
    assert.equal(terseOf(d, 'storage-pool').props['use'], '95%');
    assert.equal(terseOf(d, 'storage-pool').props['free'], String(target));
    assert.deepEqual(d.faults().map((f) => f.id), [id]);
    assert.equal(d.clearFault(id), true);
    clock.now -= 90_000;
    assert.deepEqual(snapshot(d), before);
    assert.throws(() => d.fillPool('nvme1'), /nvme1/);
    assert.throws(() => d.fillPool('storage-pool', { usedRatio: 1.5 }), /usedRatio: expected a number from 0 to 1: value was 1.5/);
  });

  it('a pulled array member shows btrfs devs with missing only when the btrfs device itself goes', () => {
    const { d } = setup();
    d.pullDrive('nvme1', { useSpare: false });
    const [fs] = JSON.parse(d.answer(STORAGE_COMMANDS.btrfs.json)) as Json[];
    assert.equal(fs!['devs'], 'storage-pool', 'btrfs sits on the md array, which is still there');
  });

  it('flap a link: link-downs rise, running toggles with time; clearing brings it up and keeps the count', () => {
    const { d, clock } = setup();
    const start = iface(d, 'sfp28-1');
    assert.deepEqual([start['running'], start['link-downs']], [true, 1]);
    d.flapLink('sfp28-1', { periodMs: 10_000 });
    const t0 = clock.now;
    let i = iface(d, 'sfp28-1');
    assert.deepEqual([i['running'], i['link-downs']], [false, 2]);
    const stamp = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
    assert.equal(i['last-link-down-time'], stamp(t0));
    clock.now += 10_000;
    i = iface(d, 'sfp28-1');
    assert.deepEqual([i['running'], i['link-downs'], i['last-link-up-time']], [true, 2, stamp(t0 + 10_000)]);
    clock.now += 10_000;
    i = iface(d, 'sfp28-1');
    assert.deepEqual([i['running'], i['link-downs']], [false, 3]);
    const text = d.answer(STORAGE_COMMANDS.interfaces.text);
    assert.match(text, /\r\n 6 {5}name="sfp28-1" /, 'no R flag while down');
    clock.now += 5_000;
    d.clearFault('flap-link:sfp28-1');
    i = iface(d, 'sfp28-1');
    assert.deepEqual([i['running'], i['link-downs'], i['last-link-up-time']], [true, 3, stamp(clock.now)]);
    clock.now += 60_000;
    assert.equal(iface(d, 'sfp28-1')['link-downs'], 3, 'a counter: it never goes back');
    assert.throws(() => d.flapLink('eth9'), /no interface "eth9" \(interfaces: ether1, /);
  });

  it('faults survive a reboot; counters restart', () => {
    const { d } = setup();
    d.failDrive('nvme13');
    d.reboot();
    assert.equal(disk(d, 'mirror')['state'], 'clean, degraded');
  });
});

describe('garbage output', () => {
  it('spaces: the real answer with a run of spaces, exactly 2 MiB by default; clearing restores it', () => {
    const { d } = setup();
    const real = d.answer(STORAGE_COMMANDS.disks.text);
    d.garbage(STORAGE_COMMANDS.disks.text, 'spaces');
    const out = d.answerBytes(STORAGE_COMMANDS.disks.text) as Buffer;
    assert.equal(out.length, TWO_MIB);
    const text = out.toString('latin1');
    assert.ok(text.startsWith(real.slice(0, real.indexOf('=') + 1) + ' '.repeat(1000)));
    assert.ok(/ {2000000}/.test(text), 'a run of two million spaces');
    assert.equal(d.answer(STORAGE_COMMANDS.disks.json), d.answer(STORAGE_COMMANDS.disks.json), 'other commands untouched');
    assert.ok(d.answer(STORAGE_COMMANDS.disks.json).startsWith('[{'));
    d.clearFault(`garbage:${STORAGE_COMMANDS.disks.text}`);
    assert.equal(d.answer(STORAGE_COMMANDS.disks.text), real);
  });

  it('quote: an opening quote never closed', () => {
    const { d } = setup();
    d.garbage(STORAGE_COMMANDS.disks.json, 'quote', { bytes: 4096 });
    const out = d.answer(STORAGE_COMMANDS.disks.json);
    assert.equal(out.length, 4096);
    assert.equal(out.split('"').length - 1, 1, 'exactly one quote');
    assert.ok(out.startsWith('[{"'));
    assert.throws(() => JSON.parse(out));
  });

  it('random: seeded bytes (any byte value), the same for the same seed', () => {
    const { d } = setup();
    d.garbage(/^\/system health print/, 'random', { bytes: 65_536, seed: 7 });
    const a = d.answerBytes(STORAGE_COMMANDS.health.text) as Buffer;
    const b = d.answerBytes('/system health print') as Buffer;
    assert.equal(a.length, 65_536);
    assert.deepEqual(a, b);
    assert.equal(new Set(a).size, 256, 'every byte value occurs');
    assert.ok(!a.equals(Buffer.from(a.toString('utf8'), 'utf8')), 'not valid UTF-8');
  });

  it('huge: the real answer repeated to the size asked for', () => {
    const { d } = setup();
    const real = d.answer(STORAGE_COMMANDS.health.text);
    d.garbage(STORAGE_COMMANDS.health.text, 'huge', { bytes: TWO_MIB + 1 });
    const out = d.answer(STORAGE_COMMANDS.health.text);
    assert.equal(out.length, TWO_MIB + 1, 'one byte over the default output cap');
    assert.ok(out.startsWith(real + real));
  });

  it('refuses sizes and kinds it does not know, naming the value', () => {
    const { d } = setup();
    assert.throws(() => d.garbage('/disk print terse', 'spaces', { bytes: 0 }), /garbage bytes: expected a whole number from 1 to 16777216: value was 0/);
    assert.throws(() => d.garbage('/disk print terse', 'zeros' as 'spaces'), /garbage kind: expected one of random, spaces, quote, huge: value was "zeros"/);
  });
});
