import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKeyValuePrint } from './print.js';
import { parsePrintDetail } from './print-detail.js';
import { parseAsValue } from './as-value.js';
import { parseDiskTraffic } from './disk-traffic.js';
import { parseRate, parseRouterOsBoolean, parseRouterOsDuration, parseRouterOsNumber, parseSize } from './values.js';
import { findRouterOsError } from './error-text.js';
import { parseSystemResource } from './system-resource.js';
import { trafficSlots } from './disk-slots.js';
import { systemSamples } from '../inputs/system.js';
import { diskSamples } from '../inputs/traffic.js';

const crlf = (s: string): string => s.replace(/\n/g, '\r\n');

// Captured outputs copied from /work/shared/reference/routeros.md (exec output uses CRLF).
const IDENTITY = '  name: mikrotik-sim\r\n\r\n';

const RESOURCE = crlf(`                   uptime: 1m58s
                  version: 7.16 (stable)
               build-time: 2024-09-20 13:00:27
         factory-software: 7.1
              free-memory: 178.1MiB
             total-memory: 384.0MiB
                      cpu: QEMU
                cpu-count: 1
            cpu-frequency: 4192MHz
                 cpu-load: 0%
           free-hdd-space: 71.2MiB
          total-hdd-space: 89.2MiB
  write-sect-since-reboot: 296
         write-sect-total: 296
        architecture-name: x86_64
               board-name: CHR QEMU Standard PC (i440FX + PIIX, 1996)
                 platform: MikroTik

`);

const MONITOR_TRAFFIC = crlf(`                  slot:    storage-pool
              read-ops:         243 401
   read-ops-per-second:               0
            read-bytes:  33 131 503 616
             read-rate:            0bps
           read-merges:               0
             read-time:             0ms
             write-ops:      17 667 231
  write-ops-per-second:              76
           write-bytes: 515 659 673 600
            write-rate:        12.8Mbps
          write-merges:               0
            write-time:             0ms
         in-flight-ops:               0
           active-time:             0ms
             wait-time:             0ms
           discard-ops:               0
         discard-bytes:               0
        discard-merges:               0
          discard-time:             0ms
             flush-ops:               0
            flush-time:             0ms
`);

const DISK_DETAIL_RAID = crlf(`Flags: B - BLOCK-DEVICE; M - MOUNTED; r - RAID-MEMBER
26 BM  type=raid slot="raid10" slot-default="" parent="" fs-label="ocp-storage" fs-uuid="40437dbc-…" fs=xfs model="RAID0 striped" size=16 003 143 565 312 free=14 789 895 307 264 total-inodes=1 562 806 656
       free-inodes=1 562 806 652 use=8% mount-point="raid10" mount-filesystem=yes mount-read-only=no compress=no sector-size=512 raid-type=0 raid-device-count=4 raid-max-component-size=none raid-chunk-size=256K raid-master=none
       state="clean" raid-uuid="eadca0af-…" nvme-tcp-export=no iscsi-export=no nfs-sharing=no smb-sharing=no media-sharing=no media-interface=none swap=no

27 B r type=raid slot="raid10-m0" model="RAID1 mirrored" size=4 000 786 153 472 raid-master=raid10 raid-role=0 raid-member-failed=no raid-member-state="0:in_sync" state="clean"
`);

const DISK_DETAIL_FILE = crlf(`Flags: B - BLOCK-DEVICE; t - NVME-TCP-EXPORT
31 Bt type=file slot="vm-storage-001" slot-default="" parent="" fs=- model="/raid10/vm-storage-001.img" size=1 099 511 627 776 mount-filesystem=no mount-read-only=no compress=no sector-size=512 raid-master=none nvme-tcp-export=yes
      nvme-tcp-server-port=4420 nvme-tcp-server-nqn="nqn.2026-09.com.mikrotik:rds2216.vm-storage-001" nvme-tcp-server-allow-host-name="" iscsi-export=no nfs-sharing=no smb-sharing=no media-sharing=no media-interface=none swap=no
      file-path=/raid10/vm-storage-001.img file-size=1024.0GiB file-offset=0
`);

// [constructed] the same item as exec prints it: ~80 columns, 15-space continuation indent, one
// token (the model path) split mid-token, plus a comment line.
const DISK_DETAIL_EXEC_WRAPPED = crlf(`Flags: B - BLOCK-DEVICE; t - NVME-TCP-EXPORT
 ;;; vm disk
31 Bt type=file slot="vm-storage-001" slot-default="" parent="" fs=-
               model="/raid10/vm-stor
               age-001.img" size=1 099 511 627 776 mount-filesystem=no
               nvme-tcp-export=yes file-size=1024.0GiB

`);

test('singleton print: /system identity print', () => {
  assert.deepEqual(parseKeyValuePrint(IDENTITY), { name: 'mikrotik-sim' });
});

test('singleton print: /system resource print keeps values with colons and spaces', () => {
  const r = parseKeyValuePrint(RESOURCE);
  assert.equal(Object.keys(r).length, 17);
  assert.equal(r['uptime'], '1m58s');
  assert.equal(r['version'], '7.16 (stable)');
  assert.equal(r['build-time'], '2024-09-20 13:00:27');
  assert.equal(r['board-name'], 'CHR QEMU Standard PC (i440FX + PIIX, 1996)');
  assert.equal(parseSize(r['free-memory']!), Math.round(178.1 * 1024 ** 2));
  assert.equal(parseSize(r['total-memory']!), 384 * 1024 ** 2);
  assert.equal(parseRouterOsNumber(r['cpu-load']!), 0);
  assert.equal(parseRouterOsNumber(r['write-sect-total']!), 296);
  assert.equal(parseRouterOsDuration(r['uptime']!), 118_000);
});

test('disk monitor-traffic once: counters with space separators, rates, times', () => {
  const t = parseDiskTraffic(MONITOR_TRAFFIC);
  assert.equal(t.slot, 'storage-pool');
  assert.equal(Object.keys(t.values).length, 21);
  assert.equal(t.values['read-ops'], 243_401);
  assert.equal(t.values['read-bytes'], 33_131_503_616);
  assert.equal(t.values['write-ops'], 17_667_231);
  assert.equal(t.values['write-bytes'], 515_659_673_600);
  assert.equal(t.values['write-ops-per-second'], 76);
  assert.equal(t.values['write-rate'], 12_800_000);
  assert.equal(t.values['read-rate'], 0);
  assert.equal(t.values['flush-time'], 0);
});

test('print detail: RAID items, flags, wrapped lines, quoted strings, thousands separators', () => {
  const items = parsePrintDetail(DISK_DETAIL_RAID);
  assert.equal(items.length, 2);
  const [raid, member] = items as [NonNullable<(typeof items)[0]>, NonNullable<(typeof items)[0]>];
  assert.equal(raid.index, 26);
  assert.equal(raid.flags, 'BM');
  assert.equal(raid.properties['slot'], 'raid10');
  assert.equal(raid.properties['slot-default'], '');
  assert.equal(raid.properties['model'], 'RAID0 striped');
  assert.equal(raid.properties['fs'], 'xfs');
  assert.equal(parseRouterOsNumber(raid.properties['size']!), 16_003_143_565_312);
  assert.equal(parseRouterOsNumber(raid.properties['free']!), 14_789_895_307_264);
  assert.equal(parseRouterOsNumber(raid.properties['free-inodes']!), 1_562_806_652);
  assert.equal(raid.properties['use'], '8%');
  assert.equal(raid.properties['state'], 'clean');
  assert.equal(raid.properties['swap'], 'no');
  assert.equal(parseRouterOsBoolean(raid.properties['mount-filesystem']!), true);
  assert.equal(member.index, 27);
  assert.equal(member.flags, 'Br');
  assert.equal(member.properties['raid-master'], 'raid10');
  assert.equal(member.properties['raid-member-state'], '0:in_sync');
});

test('print detail: file-backed NVMe/TCP export', () => {
  const [item] = parsePrintDetail(DISK_DETAIL_FILE);
  assert.ok(item);
  assert.equal(item.flags, 'Bt');
  assert.equal(item.properties['fs'], '-');
  assert.equal(item.properties['nvme-tcp-server-nqn'], 'nqn.2026-09.com.mikrotik:rds2216.vm-storage-001');
  assert.equal(item.properties['nvme-tcp-server-port'], '4420');
  assert.equal(item.properties['file-path'], '/raid10/vm-storage-001.img');
  assert.equal(parseSize(item.properties['file-size']!), 1024 ** 4);
  assert.equal(parseSize(item.properties['size']!), 1_099_511_627_776);
});

test('print detail: exec wrapping at 80 columns, mid-token split, comment', () => {
  const [item] = parsePrintDetail(DISK_DETAIL_EXEC_WRAPPED);
  assert.ok(item);
  assert.equal(item.comment, 'vm disk');
  assert.equal(item.properties['model'], '/raid10/vm-storage-001.img');
  assert.equal(parseRouterOsNumber(item.properties['size']!), 1_099_511_627_776);
  assert.equal(item.properties['nvme-tcp-export'], 'yes');
  assert.equal(item.properties['file-size'], '1024.0GiB');
});

test('print detail: no match prints only the Flags header', () => {
  assert.deepEqual(parsePrintDetail('Flags: B - BLOCK-DEVICE\r\n\r\n'), []);
  assert.deepEqual(parsePrintDetail(''), []);
});

test('system resource: captured CHR output in base units; samples for the catalog', () => {
  const r = parseSystemResource(RESOURCE);
  assert.deepEqual(r, {
    uptimeMs: 118_000,
    cpuLoad: 0,
    freeMemoryBytes: Math.round(178.1 * 1024 ** 2),
    totalMemoryBytes: 384 * 1024 ** 2,
    version: '7.16 (stable)',
    boardName: 'CHR QEMU Standard PC (i440FX + PIIX, 1996)',
    architecture: 'x86_64',
  });
  assert.deepEqual(systemSamples(r), [
    { metric: 'systemUptime', value: 118 },
    { metric: 'systemCpuLoad', value: 0 },
    { metric: 'systemMemoryFree', value: Math.round(178.1 * 1024 ** 2) },
    { metric: 'systemMemoryTotal', value: 384 * 1024 ** 2 },
    { metric: 'systemInfo', labels: { version: '7.16 (stable)', board: 'CHR QEMU Standard PC (i440FX + PIIX, 1996)', architecture: 'x86_64' }, value: 1 },
  ]);
});

test('system resource: percent to ratio, week-day uptime, missing and unparsable fields left out', () => {
  const r = parseSystemResource(crlf('  uptime: 1w2d3h4m5s\n  cpu-load: 3%\n  free-memory: lots\n  version: \n'));
  assert.equal(r.uptimeMs, ((9 * 24 + 3) * 3600 + 4 * 60 + 5) * 1000);
  assert.equal(r.cpuLoad, 0.03);
  assert.equal(r.freeMemoryBytes, undefined);
  assert.ok(!('freeMemoryBytes' in r) && !('version' in r) && !('boardName' in r));
  assert.deepEqual(systemSamples(r), [
    { metric: 'systemUptime', value: 788_645 },
    { metric: 'systemCpuLoad', value: 0.03 },
  ]);
  assert.equal(parseSystemResource(crlf('  cpu-load: 100%\n')).cpuLoad, 1);
  assert.deepEqual(parseSystemResource('bad command name system (line 1 column 2)\r\n'), {});
  assert.deepEqual(systemSamples({}), []);
});

test('disk traffic samples: the four cumulative counters, labelled with the slot', () => {
  assert.deepEqual(diskSamples('storage-pool', parseDiskTraffic(MONITOR_TRAFFIC)), [
    { metric: 'diskReadBytes', labels: { slot: 'storage-pool' }, value: 33_131_503_616 },
    { metric: 'diskWriteBytes', labels: { slot: 'storage-pool' }, value: 515_659_673_600 },
    { metric: 'diskReadOps', labels: { slot: 'storage-pool' }, value: 243_401 },
    { metric: 'diskWriteOps', labels: { slot: 'storage-pool' }, value: 17_667_231 },
  ]);
  assert.deepEqual(diskSamples('x', parseDiskTraffic('no such item\r\n')), []);
});

test('trafficSlots: block devices, RAID and file disks with a usable slot, in listing order', () => {
  assert.deepEqual(trafficSlots(parsePrintDetail(DISK_DETAIL_RAID)), ['raid10', 'raid10-m0']);
  assert.deepEqual(trafficSlots(parsePrintDetail(DISK_DETAIL_FILE)), ['vm-storage-001']);
  assert.deepEqual(trafficSlots(parsePrintDetail(DISK_DETAIL_EXEC_WRAPPED)), ['vm-storage-001']);
  const constructed = crlf(`Flags: E - EMPTY; B - BLOCK-DEVICE
 0 E   type=hardware slot="nvme5" slot-default="nvme5"
 1     type=partition slot="" parent="nvme1"
 2 B   type=hardware slot="nvme1" slot-default="nvme1"
 3 B   type=hardware slot="odd_name" slot-default=""
 4     type=raid slot="pool"
 5     type=file slot="img-1"
 6 B   type=hardware slot="nvme1"
`);
  assert.deepEqual(trafficSlots(parsePrintDetail(constructed)), ['nvme1', 'pool', 'img-1']);
  assert.deepEqual(trafficSlots([]), []);
});

test(':put [... as-value]: one record, and several records split at .id', () => {
  const [r] = parseAsValue('architecture-name=arm64;board-name=RDS2216-2XG-4S+4XS-2XQ;cpu-load=3;free-memory=29956775936;uptime=2w1d03:17:42;version=7.19.4 (stable)\r\n');
  assert.ok(r);
  assert.equal(r['board-name'], 'RDS2216-2XG-4S+4XS-2XQ');
  assert.equal(r['version'], '7.19.4 (stable)');
  assert.equal(parseRouterOsNumber(r['free-memory']!), 29_956_775_936);
  assert.equal(parseRouterOsDuration(r['uptime']!), ((14 + 1) * 24 + 3) * 3_600_000 + 17 * 60_000 + 42_000);
  const many = parseAsValue('.id=*1;disabled=false;name=ether1;running=true;rx-byte=79740110494;.id=*2;disabled=true;name=ether2;running=false;rx-byte=0');
  assert.equal(many.length, 2);
  assert.equal(many[1]!['name'], 'ether2');
  assert.equal(many[0]!['rx-byte'], '79740110494');
  assert.deepEqual(parseAsValue(''), []);
  // A ';' inside a value is not escaped by RouterOS; the fragment is kept with the value.
  assert.equal(parseAsValue('.id=*1;comment=a;b;name=x')[0]!['comment'], 'a;b');
});

test('value parsers: sizes', () => {
  assert.equal(parseSize('1956'), 1956);
  assert.equal(parseSize('3472.0KiB'), 3472 * 1024);
  assert.equal(parseSize('15.3MiB'), Math.round(15.3 * 1024 ** 2));
  assert.equal(parseSize('1024.0MiB'), 1024 ** 3);
  assert.equal(parseSize('1024.0GiB'), 1024 ** 4);
  assert.equal(parseSize('16 003 143 565 312'), 16_003_143_565_312);
  assert.equal(parseSize('none'), undefined);
  assert.equal(parseSize('-'), undefined);
  assert.equal(parseSize('12XB'), undefined);
});

test('value parsers: rates are bits per second with SI prefixes', () => {
  assert.equal(parseRate('0bps'), 0);
  assert.equal(parseRate('500kbps'), 500_000);
  assert.equal(parseRate('12.8Mbps'), 12_800_000);
  assert.equal(parseRate('1.5Gbps'), 1_500_000_000);
  assert.equal(parseRate('12.8MB'), undefined);
});

test('value parsers: durations in both grammars, ms/us before m/s', () => {
  assert.equal(parseRouterOsDuration('1w2d3h4m5s'), 604_800_000 + 2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5000);
  assert.equal(parseRouterOsDuration('4w22h3m'), 4 * 604_800_000 + 22 * 3_600_000 + 3 * 60_000);
  assert.equal(parseRouterOsDuration('450ms'), 450);
  assert.equal(parseRouterOsDuration('107us'), 0.107);
  assert.equal(parseRouterOsDuration('1m58s'), 118_000);
  assert.equal(parseRouterOsDuration('1w3d15:41:57'), 10 * 86_400_000 + 15 * 3_600_000 + 41 * 60_000 + 57_000);
  assert.equal(parseRouterOsDuration('00:00:00.100'), 100);
  assert.equal(parseRouterOsDuration('0ms'), 0);
  assert.equal(parseRouterOsDuration('soon'), undefined);
  assert.equal(parseRouterOsDuration('5x'), undefined);
});

test('value parsers: numbers with separators and percent; booleans', () => {
  assert.equal(parseRouterOsNumber('1 562 806 656'), 1_562_806_656);
  assert.equal(parseRouterOsNumber('3%'), 3);
  assert.equal(parseRouterOsNumber('50.8'), 50.8);
  assert.equal(parseRouterOsNumber('12 34'), undefined);
  assert.equal(parseRouterOsNumber('none'), undefined);
  assert.equal(parseRouterOsBoolean('yes'), true);
  assert.equal(parseRouterOsBoolean('false'), false);
  assert.equal(parseRouterOsBoolean('maybe'), undefined);
});

test('RouterOS error grammar: every captured error string is found, on any line', () => {
  for (const line of [
    'bad command name foo (line 1 column 2)',
    'expected end of command (line 1 column 9)',
    'syntax error (line 1 column 10)',
    'expected command name (line 1 column 8)',
    'no such item',
    'failure: no such item',
    'bad parameter detail (line 1 column 27)',
    'input does not match any value of interface',
    'invalid value for argument from',
    'interrupted',
    'failure: not allowed by device-mode (/system/scheduler/add; line 1)',
    'not enough permissions (9)',
  ]) {
    assert.equal(findRouterOsError(`  name: x\r\n${line}\r\n\r\n`), line, line);
  }
  assert.equal(findRouterOsError(RESOURCE), undefined);
  assert.equal(findRouterOsError('1\r\n'), undefined);
});
