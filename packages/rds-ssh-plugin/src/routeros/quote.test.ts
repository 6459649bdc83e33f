import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '@rds-agent/core';
import { assertSlotName, quoteRouterOsValue } from './quote.js';

test('quoteRouterOsValue: bare when only [A-Za-z0-9._-]', () => {
  assert.equal(quoteRouterOsValue('raid10'), 'raid10');
  assert.equal(quoteRouterOsValue('vm-storage_1.img'), 'vm-storage_1.img');
});

test('quoteRouterOsValue: quotes anything else, escaping \\ first, then " and $', () => {
  assert.equal(quoteRouterOsValue('a b'), '"a b"');
  assert.equal(quoteRouterOsValue('/raid10/x.img'), '"/raid10/x.img"');
  assert.equal(quoteRouterOsValue('say "hi"'), '"say \\"hi\\""');
  assert.equal(quoteRouterOsValue('$x'), '"\\$x"');
  assert.equal(quoteRouterOsValue('a\\"b'), '"a\\\\\\"b"');
  assert.equal(quoteRouterOsValue('x;/system reboot'), '"x;/system reboot"');
  assert.equal(quoteRouterOsValue('[:put 1]'), '"[:put 1]"');
});

test('quoteRouterOsValue: empty is "" and control characters are refused', () => {
  assert.equal(quoteRouterOsValue(''), '""');
  for (const bad of ['a\nb', 'a\rb', 'a\0', '\t']) {
    assert.throws(() => quoteRouterOsValue(bad), (e: { code?: string }) => e.code === ErrorCode.COMMAND);
  }
});

test('assertSlotName accepts slot names and refuses injection', () => {
  for (const ok of ['nvme1', 'raid10-m0', 'storage-pool', 'A-1']) assert.equal(assertSlotName(ok), ok);
  for (const bad of ['', 'a b', 'a;b', 'x"', 'raid_10', '../x', 'a\n', 'x'.repeat(65), '$(reboot)']) {
    assert.throws(() => assertSlotName(bad), (e: { code?: string; retryable?: boolean }) => e.code === ErrorCode.COMMAND && e.retryable === false, bad);
  }
});
