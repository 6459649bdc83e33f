import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  findRouterOsError,
  parseAsValue,
  parseDiskTraffic,
  parseKeyValuePrint,
  parsePrintDetail,
  parseRouterOsDuration,
  parseSize,
  trafficSlots,
} from '../routeros/index.js';
import { RouterOsDevice } from './routeros-device.js';

// The simulator is only useful if what it prints is what the transport's parsers were built for
// (captured RouterOS output): every built-in answer must round-trip through them.
describe('simulator output through the rds-ssh parsers', () => {
  const device = new RouterOsDevice({ identity: 'parse-me' }, () => 0);

  it('/system identity print and /system resource print', () => {
    assert.deepEqual(parseKeyValuePrint(device.answer('/system identity print')), { name: 'parse-me' });
    const res = parseKeyValuePrint(device.answer('/system resource print'));
    assert.equal(res['board-name'], 'RDS2216-2XG-4S+4XS-2XQ');
    assert.equal(res['architecture-name'], 'arm64');
    assert.equal(parseSize(res['total-memory']!), 32 * 1024 ** 3);
    assert.equal(parseRouterOsDuration(res['uptime']!), ((15 * 24 + 3) * 3600 + 17 * 60 + 42) * 1000);
    assert.equal(findRouterOsError(device.answer('/system resource print')), undefined);
  });

  it(':put [/system resource print as-value]', () => {
    const [rec] = parseAsValue(device.answer(':put [/system resource print as-value]'));
    assert.equal(rec?.['board-name'], 'RDS2216-2XG-4S+4XS-2XQ');
    assert.equal(rec?.['free-memory'], '29956775936');
    assert.equal(rec?.['cpu-load'], '3');
  });

  it('/disk print detail: every disk, flags and wrapped properties', () => {
    const items = parsePrintDetail(device.answer('/disk print detail'));
    assert.deepEqual(
      items.map((i) => i.properties['slot']),
      device.disks.map((d) => d.slot),
    );
    const pool = items.find((i) => i.properties['slot'] === 'storage-pool')!;
    assert.equal(pool.flags, 'BMn');
    assert.equal(pool.properties['type'], 'raid');
    assert.equal(pool.properties['size'], '7 681 576 992 768');
    assert.equal(pool.properties['state'], 'clean');
    const file = items.find((i) => i.properties['type'] === 'file')!;
    assert.equal(file.properties['nvme-tcp-server-nqn'], 'nqn.2026-09.com.mikrotik:rds2216.vm-storage-001');
    assert.equal(file.properties['file-offset'], '0');
    // A value split mid-token by the 80-column wrap is glued back whole.
    const pvc = items.find((i) => i.properties['slot']?.startsWith('pvc-'))!;
    assert.equal(pvc.properties['model'], '/storage-pool/volumes/pvc-3f9c2a7e-5b1d-4e8a-9c6f-2d7b8e1a4c3f.img');
    assert.equal(pvc.properties['nvme-tcp-server-nqn'], 'nqn.2026-09.com.mikrotik:rds2216.pvc-3f9c2a7e-5b1d-4e8a-9c6f-2d7b8e1a4c3f');
  });

  it('/disk print detail: the slots the transport discovers (block devices only)', () => {
    assert.deepEqual(trafficSlots(parsePrintDetail(device.answer('/disk print detail'))), [
      ...Array.from({ length: 13 }, (_, i) => `nvme${i + 1}`),
      'storage-pool',
      'mirror',
      'vm-storage-001',
      'pvc-3f9c2a7e-5b1d-4e8a-9c6f-2d7b8e1a4c3f',
      'iscsi-lun-001',
    ]);
  });

  it('/disk monitor-traffic <slot> once', () => {
    const t = parseDiskTraffic(device.answer('/disk monitor-traffic storage-pool once'));
    assert.equal(t.slot, 'storage-pool');
    assert.ok(t.values['write-bytes']! > 515_659_673_600);
    assert.equal(t.values['write-rate'], 12_800_000);
    assert.equal(t.values['flush-time'], 0);
  });

  it('errors are recognised as RouterOS errors', () => {
    assert.equal(findRouterOsError(device.answer('/foo bar')), 'bad command name foo (line 1 column 2)');
    assert.equal(findRouterOsError(device.answer('/disk monitor-traffic nvme99 once')), 'no such item');
  });
});
