import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TelemetryReading } from '@rds-agent/core';
import { capturingLogger, FakeRouterOs, modernRds, newSession, rejectedOf, signal, textRds, valueOf } from './fake-router-os.test.support.js';
import { createDrivesInput, SMART_INFO_PART } from './drives.js';
import { createExportsInput } from './exports.js';
import { BTRFS_COMMANDS, BTRFS_PART, createFilesystemsInput } from './filesystems.js';
import { createRaidInput, raidStateOf } from './raid.js';
import { DISK_LISTING_JSON_COMMAND, DISK_LISTING_TEXT_COMMAND, JSON_PROBE_COMMAND, MAX_RECORDS } from './routeros-session.js';
import * as S from './testdata/samples.js';

const raidOf = async (device: FakeRouterOs): Promise<TelemetryReading> => createRaidInput().collect(newSession(device), signal());

/** The RDS2216 text listing with `edit` applied to the line of `slot`. */
function withLine(slot: string, edit: (line: string) => string): string {
  return S.DISK_TERSE_RDS2216.split('\r\n')
    .map((l) => (new RegExp(`slot="?${slot}"? `).test(l) ? edit(l) : l))
    .join('\r\n');
}

for (const [form, device] of [
  ['text', textRds],
  ['JSON', modernRds],
] as const) {
  test(`raid (${form}): each array's state set, members, spares and per-member failed flags`, async () => {
    const r = await raidOf(device());
    const pool = { slot: 'storage-pool' };
    assert.deepEqual(
      r.samples.filter((s) => s.metric === 'raidState' && s.labels?.['slot'] === 'storage-pool').map((s) => [s.labels!['state'], s.value]),
      [
        ['clean', 1],
        ['degraded', 0],
        ['rebuilding', 0],
        ['other', 0],
      ],
    );
    assert.equal(valueOf(r, 'raidDevices', pool), 10);
    assert.equal(valueOf(r, 'raidMembers', pool), 11);
    assert.equal(valueOf(r, 'raidMembersSpare', pool), 1);
    assert.equal(valueOf(r, 'raidMembersInSync', pool), 10);
    assert.equal(valueOf(r, 'raidMembersFailed', pool), 0);
    assert.equal(valueOf(r, 'raidMemberFailed', { slot: 'nvme3', array: 'storage-pool' }), 0);
    assert.equal(valueOf(r, 'raidRebuildProgress', pool), undefined);
    assert.equal(valueOf(r, 'raidState', { slot: 'mirror', state: 'clean' }), 1);
    assert.equal(valueOf(r, 'raidMembers', { slot: 'mirror' }), 2);
    assert.equal(r.rejected, undefined);
  });

  test(`drives (${form}): presence, model and serial, SMART values; the last-seen drive of an emptied bay`, async () => {
    const r = await createDrivesInput().collect(newSession(device()), signal());
    const nvme1 = { slot: 'nvme1' };
    assert.equal(valueOf(r, 'drivePresent', nvme1), 1);
    assert.equal(valueOf(r, 'driveInfo', { slot: 'nvme1', model: 'U.2 SSD 4TG2-P', serial: 'S3Z9NX0N414501L' }), 1);
    assert.equal(valueOf(r, 'driveTemperature', nvme1), 34);
    assert.equal(valueOf(r, 'driveEnduranceUsed', nvme1), 0.01);
    assert.equal(valueOf(r, 'driveAvailableSpare', nvme1), 1);
    assert.equal(valueOf(r, 'driveAvailableSpareThreshold', nvme1), 0.1);
    assert.equal(valueOf(r, 'driveUnsafeShutdowns', nvme1), 101);
    assert.equal(valueOf(r, 'driveMediaErrors', nvme1), 0);
    assert.equal(valueOf(r, 'drivePowerOn', nvme1), 4203 * 3600);
    assert.deepEqual(
      r.samples.filter((s) => s.metric === 'driveCriticalWarning' && s.labels?.['slot'] === 'nvme1').map((s) => [s.labels!['bit'], s.value]),
      [
        ['spare', 0],
        ['temperature', 0],
        ['reliability', 0],
        ['read_only', 0],
        ['volatile_backup', 0],
      ],
    );
    for (let n = 14; n <= 20; n++) assert.equal(valueOf(r, 'drivePresent', { slot: `nvme${n}` }), 0, `nvme${n} is empty`);
    assert.equal(valueOf(r, 'driveLastSeenInfo', { slot: 'nvme17', model: 'U.2 SSD 4TG2-P', serial: 'S3Z9NX0N414517L' }), 1);
    assert.equal(r.samples.filter((s) => s.metric === 'drivePresent').length, 20);
    assert.equal(r.samples.filter((s) => s.metric === 'driveTemperature' && s.labels?.['slot'] === 'nvme14').length, 0);
    assert.equal(r.rejected, undefined);
  });

  test(`filesystems (${form}): size, free and inodes per mount; btrfs errors, missing devices, scrub`, async () => {
    const r = await createFilesystemsInput().collect(newSession(device()), signal());
    const pool = { filesystem: 'storage-pool', slot: 'storage-pool', type: 'btrfs' };
    const mirror = { filesystem: 'mirror', slot: 'mirror', type: 'xfs' };
    assert.equal(valueOf(r, 'filesystemSize', pool), 30_726_047_858_688);
    assert.equal(valueOf(r, 'filesystemFree', pool), 25_092_461_232_128);
    assert.equal(valueOf(r, 'filesystemSize', mirror), 3_840_620_707_840);
    assert.equal(valueOf(r, 'filesystemInodes', mirror), 375_060_992);
    assert.equal(valueOf(r, 'filesystemInodesFree', mirror), 375_060_940);
    assert.equal(valueOf(r, 'filesystemReadOnly', mirror), 0);
    assert.equal(r.samples.filter((s) => s.metric === 'filesystemSize').length, 2, 'file disks and members have no mounted filesystem');
    assert.equal(valueOf(r, 'btrfsDeviceErrors', { filesystem: 'storage', type: 'corruption' }), 0);
    assert.equal(valueOf(r, 'btrfsDevicesMissing', { filesystem: 'storage' }), 0);
    assert.equal(valueOf(r, 'btrfsErrorsReported', { filesystem: 'storage' }), 0);
    assert.equal(valueOf(r, 'btrfsScrubRunning', { filesystem: 'storage' }), 0);
    const backup = { filesystem: 'backup' };
    assert.equal(valueOf(r, 'btrfsDeviceErrors', { ...backup, type: 'write' }), 12);
    assert.equal(valueOf(r, 'btrfsDeviceErrors', { ...backup, type: 'read' }), 3);
    assert.equal(valueOf(r, 'btrfsDeviceErrors', { ...backup, type: 'corruption' }), 2);
    assert.equal(valueOf(r, 'btrfsDevicesMissing', backup), 1);
    assert.equal(valueOf(r, 'btrfsScrubRunning', backup), 1);
    assert.equal(valueOf(r, 'btrfsBalanceRunning', backup), 0);
    assert.equal(valueOf(r, 'btrfsErrorsReported', backup), 1);
    assert.equal(r.rejected, undefined);
  });

  test(`exports (${form}): enabled per slot and protocol`, async () => {
    const r = await createExportsInput().collect(newSession(device()), signal());
    assert.equal(valueOf(r, 'exportEnabled', { slot: 'vm-storage-001', protocol: 'nvme-tcp' }), 1);
    assert.equal(valueOf(r, 'exportEnabled', { slot: 'vm-storage-001', protocol: 'iscsi' }), 0);
    assert.equal(valueOf(r, 'exportEnabled', { slot: 'iscsi-lun1', protocol: 'iscsi' }), 1);
    assert.equal(valueOf(r, 'exportEnabled', { slot: 'storage-pool', protocol: 'nfs' }), 1);
    assert.equal(valueOf(r, 'exportEnabled', { slot: 'mirror', protocol: 'smb' }), 1);
    assert.equal(valueOf(r, 'exportEnabled', { slot: 'nvme1', protocol: 'nvme-tcp' }), 0);
    assert.ok(!r.samples.some((s) => s.labels?.['slot'] === 'nvme14'), 'empty bays export nothing');
  });
}

test('raid: a failed member makes the array degraded and names the member', async () => {
  const device = textRds().set(
    DISK_LISTING_TEXT_COMMAND,
    withLine('nvme3', (l) => l.replace(' Br ', ' Brf').replace('raid-member-failed=no', 'raid-member-failed=yes').replace('"0:in_sync"', '"0:faulty"')),
  );
  const r = await raidOf(device);
  assert.equal(valueOf(r, 'raidState', { slot: 'storage-pool', state: 'degraded' }), 1);
  assert.equal(valueOf(r, 'raidState', { slot: 'storage-pool', state: 'clean' }), 0);
  assert.equal(valueOf(r, 'raidMembersFailed', { slot: 'storage-pool' }), 1);
  assert.equal(valueOf(r, 'raidMembersInSync', { slot: 'storage-pool' }), 9);
  assert.equal(valueOf(r, 'raidMemberFailed', { slot: 'nvme3', array: 'storage-pool' }), 1);
  assert.equal(valueOf(r, 'raidState', { slot: 'mirror', state: 'clean' }), 1, 'the other array is fine');
});

test('raid: a rebuild onto the spare reports rebuilding and its progress', async () => {
  const device = textRds().set(
    DISK_LISTING_TEXT_COMMAND,
    withLine('storage-pool', (l) => l.replace('state="clean"', 'state="clean, degraded, recovering = 37.5%"')),
  );
  const r = await raidOf(device);
  assert.equal(valueOf(r, 'raidState', { slot: 'storage-pool', state: 'rebuilding' }), 1);
  assert.equal(valueOf(r, 'raidRebuildProgress', { slot: 'storage-pool' }), 0.375);
});

test('raid state words: clean, degraded, rebuilding, other (older raid-state= too)', () => {
  assert.deepEqual(raidStateOf('clean', false), { state: 'clean', recognised: true });
  assert.deepEqual(raidStateOf('clean', true), { state: 'degraded', recognised: true });
  assert.deepEqual(raidStateOf('clean, degraded', false), { state: 'degraded', recognised: true });
  assert.deepEqual(raidStateOf('clean, sync:repair, resync = 12%', false), { state: 'rebuilding', progress: 0.12, recognised: true });
  assert.deepEqual(raidStateOf('active, recovering', false), { state: 'rebuilding', recognised: true });
  assert.deepEqual(raidStateOf('clean, recovering = 250%', false), { state: 'rebuilding', recognised: true }, 'an impossible progress is left out');
  assert.deepEqual(raidStateOf('weird', false), { state: 'other', recognised: false });
  assert.deepEqual(raidStateOf(undefined, false), { state: 'other', recognised: false });
});

test('raid: older field names (raid-state=) and an unknown state (other, counted)', async () => {
  const older = await raidOf(textRds().set(DISK_LISTING_TEXT_COMMAND, withLine('mirror', (l) => l.replace('state="clean"', 'raid-state=clean'))));
  assert.equal(valueOf(older, 'raidState', { slot: 'mirror', state: 'clean' }), 1);
  const odd = await raidOf(textRds().set(DISK_LISTING_TEXT_COMMAND, withLine('mirror', (l) => l.replace('state="clean"', 'state="frobnicated"'))));
  assert.equal(valueOf(odd, 'raidState', { slot: 'mirror', state: 'other' }), 1);
  assert.deepEqual(rejectedOf(odd), { unrecognised: 1 });
});

test('raid, captured RDS listing (print detail, nested RAID10): both levels are arrays', async () => {
  const device = textRds().set(DISK_LISTING_TEXT_COMMAND, S.DISK_DETAIL_RAID10);
  const r = await raidOf(device);
  assert.equal(valueOf(r, 'raidState', { slot: 'raid10', state: 'clean' }), 1);
  assert.equal(valueOf(r, 'raidDevices', { slot: 'raid10' }), 4);
  assert.equal(valueOf(r, 'raidMembers', { slot: 'raid10' }), 1, 'the listing holds one of its mirrors');
  assert.equal(valueOf(r, 'raidMembersInSync', { slot: 'raid10' }), 1);
  assert.equal(valueOf(r, 'raidState', { slot: 'raid10-m0', state: 'clean' }), 1);
  const fs = await createFilesystemsInput().collect(newSession(device), signal());
  assert.equal(valueOf(fs, 'filesystemSize', { filesystem: 'raid10', slot: 'raid10', type: 'xfs' }), 16_003_143_565_312);
  assert.equal(valueOf(fs, 'filesystemFree', { filesystem: 'raid10', slot: 'raid10', type: 'xfs' }), 14_789_895_307_264);
  assert.equal(valueOf(fs, 'filesystemInodesFree', { filesystem: 'raid10', slot: 'raid10', type: 'xfs' }), 1_562_806_652);
});

test('drives: smart-info fills in what the listing lacks; without it (older RouterOS) only that part is off', async () => {
  const listing = withLine('nvme1', (l) => l.replace(/ temperature=.* power-on-time=\S+/, ''));
  const device = textRds().set(DISK_LISTING_TEXT_COMMAND, listing);
  const r = await createDrivesInput().collect(newSession(device), signal());
  assert.ok(device.commands.includes('/disk smart-info nvme1'));
  assert.equal(device.commands.filter((c) => c.startsWith('/disk smart-info')).length, 1, 'only the drive without SMART fields');
  assert.equal(valueOf(r, 'driveTemperature', { slot: 'nvme1' }), 33);
  assert.equal(valueOf(r, 'driveUnsafeShutdowns', { slot: 'nvme1' }), 105);
  assert.equal(valueOf(r, 'drivePowerOn', { slot: 'nvme1' }), 4203 * 3600);
  assert.equal(valueOf(r, 'driveSmartPassed', { slot: 'nvme1' }), 1);
  assert.equal(valueOf(r, 'driveEnduranceUsed', { slot: 'nvme1' }), 0);

  const logger = capturingLogger();
  const old = textRds().set(DISK_LISTING_TEXT_COMMAND, listing).set('/disk smart-info nvme1', S.BAD_COMMAND_SMART_INFO);
  const session = newSession(old, { logger });
  const first = await createDrivesInput().collect(session, signal());
  assert.equal(valueOf(first, 'drivePresent', { slot: 'nvme1' }), 1);
  assert.equal(valueOf(first, 'driveTemperature', { slot: 'nvme1' }), undefined);
  assert.equal(valueOf(first, 'driveTemperature', { slot: 'nvme2' }), 35, 'the listing values still count');
  assert.ok(session.disabledReason(SMART_INFO_PART));
  await createDrivesInput().collect(session, signal());
  assert.equal(old.count('/disk smart-info nvme1'), 1, 'not asked again on this connection');
  assert.equal(logger.lines.filter((l) => /smart-info disabled for this connection/.test(l.msg)).length, 1);
});

test('drives: critical warning bits, implausible SMART values dropped and counted', async () => {
  const device = textRds().set(
    DISK_LISTING_TEXT_COMMAND,
    withLine('nvme2', (l) => l.replace('critical-warning=0x00', 'critical-warning=0x0a').replace('temperature=35C', 'temperature=900C').replace('available-spare=100%', 'available-spare=180%')),
  );
  const r = await createDrivesInput().collect(newSession(device), signal());
  assert.equal(valueOf(r, 'driveCriticalWarning', { slot: 'nvme2', bit: 'temperature' }), 1);
  assert.equal(valueOf(r, 'driveCriticalWarning', { slot: 'nvme2', bit: 'read_only' }), 1);
  assert.equal(valueOf(r, 'driveCriticalWarning', { slot: 'nvme2', bit: 'spare' }), 0);
  assert.equal(valueOf(r, 'driveTemperature', { slot: 'nvme2' }), undefined);
  assert.equal(valueOf(r, 'driveAvailableSpare', { slot: 'nvme2' }), undefined);
  assert.deepEqual(rejectedOf(r), { implausible: 2 });
});

test('drives: the series cap drops whole drives in bay order and stops asking smart-info', async () => {
  const r = await createDrivesInput(30).collect(newSession(textRds()), signal());
  const slots = [...new Set(r.samples.map((s) => s.labels!['slot']))];
  assert.deepEqual(slots, ['nvme1', 'nvme2']);
  assert.ok(r.samples.length <= 30);
  assert.ok((rejectedOf(r)['cap'] ?? 0) > 0);
});

test('filesystems: free above size is dropped; a device without the btrfs command keeps capacity', async () => {
  const logger = capturingLogger();
  const device = textRds()
    .set(DISK_LISTING_TEXT_COMMAND, withLine('mirror', (l) => l.replace('free=3 421 300 928 512', 'free=9 999 999 999 999 999')))
    .set(BTRFS_COMMANDS.text, S.BAD_COMMAND_BTRFS);
  const session = newSession(device, { logger });
  const r = await createFilesystemsInput().collect(session, signal());
  assert.equal(valueOf(r, 'filesystemFree', { filesystem: 'mirror', slot: 'mirror', type: 'xfs' }), undefined);
  assert.equal(valueOf(r, 'filesystemSize', { filesystem: 'mirror', slot: 'mirror', type: 'xfs' }), 3_840_620_707_840);
  assert.equal(valueOf(r, 'filesystemSize', { filesystem: 'storage-pool', slot: 'storage-pool', type: 'btrfs' }), 30_726_047_858_688);
  assert.ok(!r.samples.some((s) => s.metric.startsWith('btrfs')));
  assert.deepEqual(rejectedOf(r), { implausible: 1 });
  assert.ok(session.disabledReason(BTRFS_PART));
  await createFilesystemsInput().collect(session, signal());
  assert.equal(device.count(BTRFS_COMMANDS.text), 1);
});

test('filesystems: no btrfs on the device, no btrfs command', async () => {
  const device = textRds().set(DISK_LISTING_TEXT_COMMAND, S.DISK_DETAIL_RAID10);
  await createFilesystemsInput().collect(newSession(device), signal());
  assert.ok(!device.commands.includes(BTRFS_COMMANDS.text));
});

test('JSON listing: empty bays without an empty flag, a list where a number belongs is counted', async () => {
  // Whether as-value prints `empty` is unverified: a hardware item with no size and no model is an empty bay too.
  const json = S.DISK_JSON_RDS2216.replace('"unsafe-shutdowns":101', '"unsafe-shutdowns":[101]').replace(/,"empty":true/g, '');
  assert.ok(!json.includes('"empty"'));
  const device = modernRds().set(DISK_LISTING_JSON_COMMAND, json);
  const r = await createDrivesInput().collect(newSession(device), signal());
  assert.equal(valueOf(r, 'driveUnsafeShutdowns', { slot: 'nvme1' }), undefined);
  assert.equal(valueOf(r, 'drivePresent', { slot: 'nvme20' }), 0);
  assert.equal(valueOf(r, 'drivePresent', { slot: 'nvme1' }), 1);
  assert.equal(valueOf(r, 'driveLastSeenInfo', { slot: 'nvme17', model: 'U.2 SSD 4TG2-P', serial: 'S3Z9NX0N414517L' }), 1);
  assert.deepEqual(rejectedOf(r), { unparsable: 1 });
  assert.deepEqual(device.commands, [JSON_PROBE_COMMAND, ':put [:serialize to=json [/system package print as-value]]', DISK_LISTING_JSON_COMMAND]);
});

test('a listing that is not a listing fails the run (COMMAND); an empty one is an empty reading', async () => {
  await assert.rejects(raidOf(textRds().set(DISK_LISTING_TEXT_COMMAND, 'random \u0001 bytes "unbalanced\r\n')), { code: 'RDS_AGENT_ERR_COMMAND' });
  await assert.rejects(raidOf(modernRds().set(DISK_LISTING_JSON_COMMAND, '[{"slot": "x"')), { code: 'RDS_AGENT_ERR_COMMAND' });
  const empty = await raidOf(textRds().set(DISK_LISTING_TEXT_COMMAND, 'Flags: B - BLOCK-DEVICE\r\n\r\n'));
  assert.deepEqual(empty.samples, []);
});

test('a /disk listing whose items have no slot is not a /disk listing: every storage input fails (COMMAND)', async () => {
  // What a device that stalls mid-line prints: an item's start, then 2 MiB of spaces (or nothing more).
  const head = ' 0 B r type=';
  for (const answer of [head + ' '.repeat(2 * 1024 * 1024 - head.length), ' 0 Br type=hardware model="U.2"\r\n']) {
    const device = textRds().set(DISK_LISTING_TEXT_COMMAND, answer);
    const session = newSession(device);
    for (const input of [createRaidInput(), createDrivesInput(), createFilesystemsInput(), createExportsInput()]) {
      await assert.rejects(input.collect(session, signal()), (e: Error & { code?: string }) => e.code === 'RDS_AGENT_ERR_COMMAND' && /no item has a slot/.test(e.message), input.name);
    }
  }
  // One item without a slot among proper ones: the others are read, that one is counted.
  const mixed = S.DISK_TERSE_RDS2216.replace(/\r\n$/, '') + '\r\n 99 B   type=hardware model="U.2"\r\n';
  const r = await createDrivesInput().collect(newSession(textRds().set(DISK_LISTING_TEXT_COMMAND, mixed)), signal());
  assert.equal(valueOf(r, 'drivePresent', { slot: 'nvme1' }), 1);
  assert.equal(rejectedOf(r)['unparsable'], 1);
});

test('a 2 MiB listing is parsed a slice at a time: the event loop keeps running meanwhile', async () => {
  // 1000 drives of 2 KB each (a long model text): under the record cap, so all of it is parsed.
  const item = (i: number): string => ` ${i} Br   type=hardware slot=nvme${i} model="${'M'.repeat(1900)}" serial="S${i}" size=3 840 755 982 336 temperature=34C\r\n`;
  let big = 'Flags: B - BLOCK-DEVICE\r\n';
  for (let i = 1; i <= 1000; i++) big += item(i);
  assert.ok(big.length > 1.9 * 1024 * 1024);
  const device = textRds().set(DISK_LISTING_TEXT_COMMAND, big);
  let ticks = 0;
  let running = true;
  const tick = (): void => {
    ticks++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const r = await createDrivesInput(100_000).collect(newSession(device), signal());
  running = false;
  assert.ok(ticks >= 20, `the loop ran ${ticks} times during the parse`);
  assert.equal(r.samples.filter((s) => s.metric === 'drivePresent').length, 1000);
  // A 1900-character model is no label: counted, and the drive still reported.
  assert.deepEqual(rejectedOf(r), { 'invalid-name': 1000 });
});

test('a listing of more records than any RDS menu holds is cut at MAX_RECORDS, the rest not parsed', async () => {
  const item = (i: number): string => ` ${i} Br   type=hardware slot=nvme${i} model="U.2" serial="S${i}" size=1 temperature=34C\r\n`;
  let big = 'Flags: B - BLOCK-DEVICE\r\n';
  for (let i = 1; big.length < 2 * 1024 * 1024; i++) big += item(i);
  const r = await createDrivesInput(100_000).collect(newSession(textRds().set(DISK_LISTING_TEXT_COMMAND, big)), signal());
  assert.equal(r.samples.filter((s) => s.metric === 'drivePresent').length, MAX_RECORDS);
  assert.equal(rejectedOf(r)['cap'], 1);
});
