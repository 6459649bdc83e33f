import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAsValue } from './as-value.js';
import { parseKeyValuePrint } from './print.js';
import { parsePrintDetail, parseProperties } from './print-detail.js';
import { parseSystemResource } from './system-resource.js';

// Defects of the text parsers found while hardening them: each test failed before the fix.

test('as-value: a key named like an Object.prototype member does not start a new record', () => {
  const records = parseAsValue('.id=*1;constructor=a;name=x;toString=b');
  assert.equal(records.length, 1);
  assert.equal(records[0]!['name'], 'x');
});

test('system resource: a CPU load over 100 % is dropped, not clamped to 1', () => {
  assert.equal(parseSystemResource('  cpu-load: 250%\r\n').cpuLoad, undefined);
});

test('system resource: free memory above total memory is dropped (1.1e32 bytes against 2 GiB)', () => {
  const r = parseSystemResource('  free-memory: 110000000000000000000000000000000\r\n  total-memory: 2048.0MiB\r\n');
  assert.equal(r.totalMemoryBytes, 2 * 1024 ** 3);
  assert.equal(r.freeMemoryBytes, undefined);
});

test('print detail: the NVMe/TCP secrets are dropped at parse time', () => {
  const [item] = parsePrintDetail(
    '31 Bt type=file slot="vm1" nvme-tcp-export=yes nvme-tcp-server-password="hunter2" nvme-tcp-server-secret=s3cr3t nvme-tcp-server-port=4420\r\n',
  );
  assert.ok(item);
  assert.equal(item.properties['nvme-tcp-server-port'], '4420');
  assert.ok(!('nvme-tcp-server-password' in item.properties));
  assert.ok(!('nvme-tcp-server-secret' in item.properties));
  assert.ok(!JSON.stringify(item).includes('hunter2') && !JSON.stringify(item).includes('s3cr3t'));
});

test('key: value print and properties drop fields that name a password or secret', () => {
  assert.deepEqual(parseKeyValuePrint('  name: x\r\n  password: hunter2\r\n'), { name: 'x' });
  assert.deepEqual(parseProperties('name=x secret="y"'), { name: 'x' });
  assert.deepEqual(parseAsValue('.id=*1;name=x;password=hunter2'), [{ '.id': '*1', name: 'x' }]);
});
