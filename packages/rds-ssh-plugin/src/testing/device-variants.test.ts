import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouterOsDevice } from './routeros-device.js';
import { STORAGE_COMMANDS } from './storage-commands.js';
import { readDetail, readTerse } from './routeros-text.test.support.js';

type Json = Record<string, unknown>;
const NOW = Date.UTC(2026, 9, 1, 8, 0, 0);

/** Every JSON form of the contract. */
const JSON_FORMS = [
  STORAGE_COMMANDS.probe,
  STORAGE_COMMANDS.packages.json,
  STORAGE_COMMANDS.system.json,
  STORAGE_COMMANDS.health.json,
  STORAGE_COMMANDS.disks.json,
  STORAGE_COMMANDS.btrfs.json,
  STORAGE_COMMANDS.interfaces.json,
];

describe('variant routeros-7.14: no :serialize, no smart-info, older field names', () => {
  const d = new RouterOsDevice({ variant: 'routeros-7.14' }, () => NOW);

  it('the probe and every JSON form answer the same error line, exit 0 (stdout)', () => {
    for (const c of JSON_FORMS) assert.equal(d.answer(c), 'bad command name serialize (line 1 column 7)\r\n', c);
  });

  it('smart-info does not exist; the text forms still answer', () => {
    assert.equal(d.answer(STORAGE_COMMANDS.smartInfo('nvme1')), 'bad command name smart-info (line 1 column 7)\r\n');
    assert.deepEqual(
      readTerse(d.answer(STORAGE_COMMANDS.packages.text), 1).map((p) => [p.props['name'], p.props['version']]),
      [
        ['routeros', '7.14.3'],
        ['container', '7.14.3'],
        ['rose-storage', '7.14.3'],
      ],
    );
    assert.match(d.answer(STORAGE_COMMANDS.system.text), /\r\n +version: 7\.14\.3 \(stable\)\r\n/);
    assert.match(d.answer(STORAGE_COMMANDS.system.text), /\r\n +factory-software: 7\.15\r\n/);
    assert.equal(readTerse(d.answer(STORAGE_COMMANDS.health.text), 0)[0]!.props['name'], 'cpu-temperature');
    assert.equal(readDetail(d.answer(STORAGE_COMMANDS.interfaces.text), 3).items.length, 13);
    assert.equal(readTerse(d.answer(STORAGE_COMMANDS.btrfs.text), 1)[0]!.props['label'], 'storage-pool');
  });

  it('arrays print raid-state= and uuid=; drives carry no SMART fields in the listing', () => {
    const out = d.answer(STORAGE_COMMANDS.disks.text);
    const items = readTerse(out, 8);
    const pool = items.find((i) => i.props['slot'] === 'storage-pool')!;
    assert.equal(pool.props['raid-state'], 'clean');
    assert.equal(pool.props['state'], undefined);
    assert.equal(pool.props['uuid'], '6c1f0a52-8f3e-4d7b-9a21-3e5b7c9d1f40');
    assert.equal(pool.props['fs-uuid'], undefined);
    assert.equal(items[0]!.props['temperature'], undefined);
    assert.equal(items[0]!.props['raid-member-state'], '0:in_sync');
    assert.equal(d.answer(STORAGE_COMMANDS.failedMembers), '0\r\n');
  });

  it('faults still work (text forms only)', () => {
    const f = new RouterOsDevice({ variant: 'routeros-7.14' }, () => NOW);
    f.failDrive('nvme12');
    const mirror = readTerse(f.answer(STORAGE_COMMANDS.disks.text), 9).find((i) => i.props['slot'] === 'mirror')!;
    assert.equal(mirror.props['raid-state'], 'clean, degraded');
  });
});

describe('variant no-rose-storage: plain RouterOS disks, storage commands unknown', () => {
  const d = new RouterOsDevice({ variant: 'no-rose-storage' }, () => NOW);

  it('the package list has no rose-storage', () => {
    const names = (JSON.parse(d.answer(STORAGE_COMMANDS.packages.json)) as Json[]).map((p) => p['name']);
    assert.deepEqual(names, ['routeros', 'container']);
    assert.equal(d.answer(STORAGE_COMMANDS.probe), '1\r\n', ':serialize exists (7.24.1)');
  });

  it('storage-only commands answer bad command name, in both forms', () => {
    assert.equal(d.answer(STORAGE_COMMANDS.btrfs.text), 'bad command name btrfs (line 1 column 7)\r\n');
    assert.equal(d.answer(STORAGE_COMMANDS.btrfs.json), 'bad command name btrfs (line 1 column 33)\r\n');
    assert.equal(d.answer(STORAGE_COMMANDS.smartInfo('nvme1')), 'bad command name smart-info (line 1 column 7)\r\n');
    assert.equal(d.answer('/ip smb users print'), 'bad command name smb (line 1 column 5)\r\n');
  });

  it('/disk lists plain drives (no arrays, no exports, no RAID fields); traffic keeps working', () => {
    const disks = JSON.parse(d.answer(STORAGE_COMMANDS.disks.json)) as Json[];
    assert.equal(disks.length, 20);
    assert.ok(disks.every((x) => x['type'] === 'hardware'));
    for (const k of ['raid-master', 'raid-role', 'nvme-tcp-export', 'iscsi-export', 'nfs-sharing', 'smb-sharing', 'temperature']) {
      assert.ok(disks.every((x) => !(k in x)), k);
    }
    assert.equal(disks.filter((x) => x['block-device'] === true).length, 13);
    assert.match(d.answer(STORAGE_COMMANDS.traffic('nvme1')), /^ +slot: +nvme1\r\n/);
    assert.deepEqual(d.secrets(), [], 'no exports, no SMB: nothing secret printed');
  });

  it('the RAID fault needs an array', () => {
    const f = new RouterOsDevice({ variant: 'no-rose-storage' }, () => NOW);
    f.failDrive('nvme1');
    assert.equal((JSON.parse(f.answer(STORAGE_COMMANDS.disks.json)) as Json[])[0]!['critical-warning'], undefined, 'no SMART fields to show');
    assert.throws(() => f.startRebuild('storage-pool'), /no array in slot "storage-pool"/);
    assert.throws(() => f.btrfsErrors(), /no btrfs file system on this device/);
  });
});

describe('variant options', () => {
  it('capabilities can be overridden one by one', () => {
    const d = new RouterOsDevice({ capabilities: { smartInDiskListing: false } }, () => NOW);
    const nvme1 = (JSON.parse(d.answer(STORAGE_COMMANDS.disks.json)) as Json[])[0]!;
    assert.equal(nvme1['temperature'], undefined, 'drives input must fall back to smart-info');
    assert.match(d.answer(STORAGE_COMMANDS.smartInfo('nvme1')), /Temperature: +32 Celsius/);
  });

  it('an unknown variant is refused, naming the value', () => {
    assert.throws(() => new RouterOsDevice({ variant: 'rds9000' as 'rds2216' }), /device\.variant: expected one of rds2216, routeros-7\.14, no-rose-storage: value was "rds9000"/);
  });

  it('custom disks keep working as before (the SimulatedDisk list)', () => {
    const d = new RouterOsDevice(
      {
        disks: [
          { slot: 'nvme1', type: 'hardware', model: 'X', sizeBytes: 1000, raidMaster: 'pool' },
          { slot: 'nvme2', type: 'hardware', model: 'X', sizeBytes: 1000, raidMaster: 'pool' },
          { slot: 'pool', type: 'raid', model: 'RAID1 mirrored', raidLevel: '1', sizeBytes: 1000, freeBytes: 500 },
          { slot: 'img', type: 'file', model: '/pool/img.img', sizeBytes: 100 },
        ],
      },
      () => NOW,
    );
    const disks = JSON.parse(d.answer(STORAGE_COMMANDS.disks.json)) as Json[];
    assert.deepEqual(
      disks.map((x) => [x['slot'], x['raid-role'] ?? x['state'] ?? x['nvme-tcp-export']]),
      [
        ['nvme1', 0],
        ['nvme2', 1],
        ['pool', 'clean'],
        ['img', true],
      ],
    );
    d.failDrive('nvme2');
    assert.equal((JSON.parse(d.answer(STORAGE_COMMANDS.disks.json)) as Json[])[2]!['state'], 'clean, degraded');
  });
});
