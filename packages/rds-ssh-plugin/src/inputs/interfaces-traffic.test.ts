import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '@rds-agent/core';
import { modernRds, newSession, rejectedOf, signal, textRds, valueOf } from './fake-router-os.test.support.js';
import { createInterfacesInput, INTERFACE_COMMANDS } from './interfaces.js';
import { DISK_LISTING_TEXT_COMMAND } from './routeros-session.js';
import { createTrafficInput, trafficSlotsOf } from './traffic.js';
import { recordsFromJson, recordsFromText } from './device-record.js';
import * as S from './testdata/samples.js';

test('interfaces, text (exec-wrapped stats-detail): running and disabled flags, counters with separators', async () => {
  const r = await createInterfacesInput().collect(newSession(textRds()), signal());
  const ether1 = { interface: 'ether1' };
  assert.equal(valueOf(r, 'interfaceRunning', ether1), 1);
  assert.equal(valueOf(r, 'interfaceDisabled', ether1), 0);
  assert.equal(valueOf(r, 'interfaceLinkDowns', ether1), 2);
  assert.equal(valueOf(r, 'interfaceRxBytes', ether1), 205_164_277);
  assert.equal(valueOf(r, 'interfaceTxBytes', ether1), 147_887_338);
  assert.equal(valueOf(r, 'interfaceRxDrops', ether1), 0);
  assert.equal(valueOf(r, 'interfaceTxErrors', ether1), 0);
  assert.equal(valueOf(r, 'interfaceRunning', { interface: 'ether2' }), 0);
  assert.equal(valueOf(r, 'interfaceDisabled', { interface: 'ether2' }), 1);
  const slave = { interface: 'sfp28-1' };
  assert.equal(valueOf(r, 'interfaceRxBytes', slave), 91_238_412_907);
  assert.equal(valueOf(r, 'interfaceRxDrops', slave), undefined, 'a bridge slave prints no drop counters');
  assert.equal(valueOf(r, 'interfaceRxDrops', { interface: 'bridge1' }), 5);
  assert.equal(r.rejected, undefined);
});

test('interfaces, JSON: booleans and raw counters', async () => {
  const r = await createInterfacesInput().collect(newSession(modernRds()), signal());
  assert.equal(valueOf(r, 'interfaceRunning', { interface: 'ether1' }), 1);
  assert.equal(valueOf(r, 'interfaceDisabled', { interface: 'ether2' }), 1);
  assert.equal(valueOf(r, 'interfaceRunning', { interface: 'ether2' }), 0);
  assert.equal(valueOf(r, 'interfaceTxBytes', { interface: 'sfp28-1' }), 88_120_004_113);
});

test('interfaces: negative or fractional counters and unusable names are dropped and counted; the cap counts', async () => {
  const device = textRds().set(
    INTERFACE_COMMANDS.text,
    S.crlf(` 0 R name="ether1" link-downs=-1 rx-byte=1.5 tx-byte=10\n 1 R name="${'x'.repeat(100)}" rx-byte=1\n 2 R name="bad\u0007name" rx-byte=1\n`),
  );
  const r = await createInterfacesInput().collect(newSession(device), signal());
  assert.deepEqual(r.samples, [
    { metric: 'interfaceRunning', labels: { interface: 'ether1' }, value: 1 },
    { metric: 'interfaceDisabled', labels: { interface: 'ether1' }, value: 0 },
    { metric: 'interfaceTxBytes', labels: { interface: 'ether1' }, value: 10 },
  ]);
  assert.deepEqual(rejectedOf(r), { implausible: 2, 'invalid-name': 2 });
  const capped = await createInterfacesInput(9).collect(newSession(textRds()), signal());
  assert.deepEqual([...new Set(capped.samples.map((s) => s.labels!['interface']))], ['ether1']);
  // ether2 and bridge1: running, disabled and 7 counters; the slave sfp28-1 prints 3 counters.
  assert.equal(rejectedOf(capped)['cap'], 9 + 5 + 9);
});

test('traffic: slots discovered from the listing (block devices, arrays, file disks; no empty bays), once per session', () => {
  const text = trafficSlotsOf(recordsFromText(S.DISK_TERSE_RDS2216)!);
  const expected = [...Array.from({ length: 13 }, (_, i) => `nvme${i + 1}`), 'storage-pool', 'mirror', 'vm-storage-001', 'iscsi-lun1'];
  assert.deepEqual(text, expected);
  assert.deepEqual(trafficSlotsOf(recordsFromJson(S.DISK_JSON_RDS2216)!), expected);
  assert.deepEqual(trafficSlotsOf(recordsFromText(S.DISK_DETAIL_RAID10)!), ['raid10', 'raid10-m0']);
});

test('traffic: the captured monitor-traffic answer; discovery once per session; counters only', async () => {
  const device = textRds();
  const session = newSession(device);
  const r = await createTrafficInput({ maxDisks: 32 }).collect(session, signal());
  assert.equal(valueOf(r, 'diskReadBytes', { slot: 'storage-pool' }), 33_131_503_616);
  assert.equal(valueOf(r, 'diskWriteBytes', { slot: 'storage-pool' }), 515_659_673_600);
  assert.equal(valueOf(r, 'diskReadOps', { slot: 'storage-pool' }), 243_401);
  assert.equal(valueOf(r, 'diskWriteOps', { slot: 'storage-pool' }), 17_667_231);
  assert.equal(r.samples.length, 4 * 17);
  await createTrafficInput({ maxDisks: 32 }).collect(session, signal());
  assert.equal(device.count(DISK_LISTING_TEXT_COMMAND), 1);
});

test('traffic: a refused slot is counted and skipped; none readable fails the run', async () => {
  const device = textRds().set('/disk monitor-traffic nvme2 once', 'no such item\r\n');
  const r = await createTrafficInput({ disks: ['nvme1', 'nvme2'], maxDisks: 32 }).collect(newSession(device), signal());
  assert.deepEqual([...new Set(r.samples.map((s) => s.labels!['slot']))], ['nvme1']);
  assert.deepEqual(rejectedOf(r), { refused: 1 });
  await assert.rejects(createTrafficInput({ disks: ['nvme2'], maxDisks: 32 }).collect(newSession(device), signal()), { code: ErrorCode.COMMAND });
  // Garbage instead of counters: counted, and a failed run when it is all there is.
  const garbage = textRds().set('/disk monitor-traffic nvme1 once', '   \r\n####\r\n');
  await assert.rejects(createTrafficInput({ disks: ['nvme1'], maxDisks: 32 }).collect(newSession(garbage), signal()), { code: ErrorCode.COMMAND });
});
