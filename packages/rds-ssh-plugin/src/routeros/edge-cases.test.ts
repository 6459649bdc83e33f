import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAsValue } from './as-value.js';
import { findRouterOsError, isUnsupportedCommandError } from './error-text.js';
import { healthFromRows, parseHealthText } from './health.js';
import { parseJsonRecords } from './json-records.js';
import { Rejections } from './plausibility.js';
import { parseKeyValuePrint } from './print.js';
import { parsePrintDetail, parseProperties } from './print-detail.js';
import { parseSmartInfo } from './smart-info.js';
import { parseCelsius, parseCount, parseCriticalWarning } from './values.js';

const MIB = 1024 * 1024;

test('properties: a run of spaces, no "=", unbalanced quotes, escapes', () => {
  assert.deepEqual(parseProperties(`a=${' '.repeat(100_000)}x b=1`), { a: 'x', b: '1' });
  assert.deepEqual(parseProperties('just some words, no assignment'), {});
  assert.deepEqual(parseProperties('a="x b=1'), { a: '"x', b: '1' }, 'no closing quote: read unquoted');
  assert.deepEqual(parseProperties('a="say \\"hi\\" \\\\ \\$x" b=2'), { a: 'say "hi" \\ $x', b: '2' });
  assert.deepEqual(parseProperties('a="x"junk b=2'), { a: 'x', b: '2' }, 'text after a closing quote is ignored');
  assert.deepEqual(parseProperties('=x a= b=""'), { a: '', b: '' });
  assert.deepEqual(parseProperties('X=1 9a=2 a-b=3'), { 'a-b': '3' }, 'keys are [a-z][a-z0-9-]*');
  assert.deepEqual(parseProperties('constructor=1 toString=2'), { constructor: '1 toString=2' }, 'toString is no RouterOS key (upper case)');
  const many = parseProperties(Array.from({ length: 10_000 }, (_, i) => `k${i}="v ${i}"`).join(' '));
  assert.equal(Object.keys(many).length, 10_000);
  assert.equal(many['k9999'], 'v 9999');
});

test('print detail: the captured /disk print table has no items; noise is not an item start', () => {
  const table = `Flags: B - BLOCK-DEVICE; M, F - FORMATTING; o - TCG-OPAL-SELF-ENCRYPTION-SUPPORTED (inactive)\r
Columns: SLOT, MODEL, SERIAL, INTERFACE, SIZE, FREE, FS, RAID-MASTER\r
#     SLOT   MODEL                  SERIAL           INTERFACE                   SIZE             FREE  FS    RAID\r
0 BMo sata1  Samsung SSD 860 2.5in  S3Z9NX0N414510L  SATA 6.0 Gbps  1 000 204 886 016  983 351 111 680  ext4  none\r
`;
  assert.deepEqual(parsePrintDetail(table), []);
  assert.deepEqual(parsePrintDetail(`1234567890123 type=x\r\n`), [], 'an item number that long is noise');
  assert.deepEqual(parsePrintDetail(` 0 ${'A '.repeat(40)}type=x\r\n`), [], 'more flags than any menu has');
  assert.deepEqual(parsePrintDetail(`    0 type=x\r\n`), [], 'four spaces: a continuation, not an item');
  const [item] = parsePrintDetail(' 7 X  R name=a\r\n');
  assert.deepEqual(item, { index: 7, flags: 'XR', properties: { name: 'a' } });
});

test('print detail: deep wrapping (one character per continuation line) is joined in linear time', () => {
  const value = 'x'.repeat(20_000);
  const wrapped = ` 0 B type=file slot="s" model="${value.split('').join('\r\n               ')}" size=1\r\n`;
  const [item] = parsePrintDetail(wrapped);
  assert.equal(item?.properties['model'], value);
  assert.equal(item?.properties['size'], '1');
});

test('key: value print: no space after the colon is no field; inner runs of spaces are kept', () => {
  assert.deepEqual(parseKeyValuePrint('12:30:01 system,info log line\r\n  name: a\r\n  board-name: A   B  \r\n  empty:\r\n'), { name: 'a', 'board-name': 'A   B', empty: '' });
  assert.deepEqual(parseKeyValuePrint(`${' '.repeat(MIB)}x\r\n`), {});
  assert.deepEqual(parseKeyValuePrint(`  k: ${'a '.repeat(1000)}b\r\n`), { k: `${'a '.repeat(1000)}b` });
});

test('as-value: fragments, empty keys, overlong keys', () => {
  assert.deepEqual(parseAsValue(';;;=x;a=1;;b=2'), [{ a: '1;', b: '2' }]);
  assert.deepEqual(parseAsValue(`${'k'.repeat(100)}=1;a=2`), [{ a: '2' }]);
});

test('error lines: unsupported commands are told apart from refusals', () => {
  for (const line of ['bad command name smart-info (line 1 column 7)', 'no such command prefix', 'expected end of command (line 1 column 17)', 'expected command name (line 1 column 8)']) {
    assert.equal(isUnsupportedCommandError(line), true, line);
  }
  for (const line of ['failure: no such item', 'not enough permissions (9)', 'syntax error (line 1 column 8)', 'no such item']) {
    assert.equal(isUnsupportedCommandError(line), false, line);
  }
  assert.equal(findRouterOsError(`failure: ${'x'.repeat(1000)}\r\n`)!.length, 200, 'cut to 200 characters');
});

test('JSON records: shapes, types, pollution, depth', () => {
  assert.deepEqual(parseJsonRecords('{"a":1,"b":true,"c":"x","d":null}'), [{ a: '1', b: 'true', c: 'x' }]);
  assert.deepEqual(parseJsonRecords('[{"a":1},2,"x",{"b":2}]'), [{ a: '1' }, { b: '2' }]);
  assert.deepEqual(parseJsonRecords('[]'), []);
  assert.equal(parseJsonRecords('[1,2]'), undefined, 'a list of no records is no listing');
  assert.equal(parseJsonRecords('"x"'), undefined);
  assert.equal(parseJsonRecords(''), undefined);
  assert.equal(parseJsonRecords('{"a":'), undefined);
  const polluted = parseJsonRecords('{"__proto__":{"polluted":1},"constructor":"c","a":1}')!;
  assert.deepEqual(polluted, [{ constructor: 'c', a: '1' }]);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.equal(parseJsonRecords(`${'['.repeat(MIB)}${']'.repeat(MIB)}`), undefined, 'nesting beyond any RouterOS answer is refused before parsing');
  assert.deepEqual(parseJsonRecords('[{"devs":["nvme1","missing"],"slot":["x"]}]'), [{ devs: 'nvme1,missing' }], 'lists only where RouterOS prints lists');
  assert.deepEqual(parseJsonRecords('{"a":\r\n1}\r\n'), [{ a: '1' }], 'a wrapped line is joined');
});

test('health: table rows, a mix of fractional and x10-looking values is not scaled', () => {
  const r = new Rejections();
  const h = healthFromRows(
    [
      { name: 'cpu-temperature', value: '43.5', type: 'C' },
      { name: 'board-temperature', value: '430', type: 'C' },
    ],
    r,
  );
  assert.equal(h.scaledByTen, false);
  assert.deepEqual(h.temperaturesCelsius, [{ sensor: 'cpu-temperature', value: 43.5 }]);
  assert.equal(r.count('implausible'), 1);
  // No temperature row: a voltage above 400 is dV.
  assert.deepEqual(healthFromRows([{ name: 'psu1-voltage', value: '2300', type: 'V' }]).voltagesVolts, [{ sensor: 'psu1-voltage', value: 230 }]);
  // Types inferred from names when the device prints none.
  const inferred = healthFromRows([
    { name: 'cpu-temperature', value: '50' },
    { name: 'fan1-speed', value: '100' },
    { name: 'psu1-state', value: 'ok' },
  ]);
  assert.deepEqual([inferred.temperaturesCelsius.length, inferred.fansRpm.length, inferred.psus.length], [1, 1, 1]);
  assert.deepEqual(parseHealthText(' 0  cpu-temperature  43  C  extra  words\r\n'), [], 'not the 3 or 4 columns of the table');
});

test('smart-info: row numbers in front, comma separators, FAILED, garbage values counted', () => {
  const r = new Rejections();
  const s = parseSmartInfo(' 3 Temperature:   412 Celsius\r\n 4 Power On Hours:  12,345\r\nSMART overall-health self-assessment test result: FAILED!\r\nAvailable Spare: lots\r\n', r);
  assert.deepEqual(s, { passed: false, powerOnHours: 12_345 });
  assert.deepEqual(r.list(), [
    { reason: 'implausible', count: 1 },
    { reason: 'unparsable', count: 1 },
  ]);
  assert.deepEqual(parseSmartInfo(''), {});
});

test('value grammars: counts, Celsius, critical warning', () => {
  assert.equal(parseCount('4,203'), 4203);
  assert.equal(parseCount('1 562 806 656'), 1_562_806_656);
  assert.equal(parseCount('12,34'), undefined);
  assert.equal(parseCount('1,234 567'), undefined, 'one separator style per number');
  assert.equal(parseCount('99999999999999999999'), undefined, 'beyond 2^53');
  assert.equal(parseCelsius('33 Celsius'), 33);
  assert.equal(parseCelsius('34C'), 34);
  assert.equal(parseCelsius('-5'), -5);
  assert.equal(parseCelsius('hot'), undefined);
  assert.equal(parseCriticalWarning('0x00'), 0);
  assert.equal(parseCriticalWarning('0x1f'), 31);
  assert.equal(parseCriticalWarning('temperature,read-only'), 0x0a);
  assert.equal(parseCriticalWarning('none'), 0);
  assert.equal(parseCriticalWarning('256'), undefined);
  assert.equal(parseCriticalWarning('constructor'), undefined);
});

test('2 MiB of hostile output: every parser returns (no throw, nothing kept from noise)', () => {
  const inputs = [' '.repeat(2 * MIB), '"'.repeat(2 * MIB), '='.repeat(2 * MIB), 'a=" '.repeat(MIB / 2), ';'.repeat(2 * MIB), 'x\r\n'.repeat(MIB)];
  for (const text of inputs) {
    assert.deepEqual(parsePrintDetail(text), []);
    assert.ok(Object.keys(parseProperties(text)).length <= 1);
    assert.deepEqual(parseKeyValuePrint(text), {});
    assert.ok(Array.isArray(parseAsValue(text)));
    assert.equal(parseJsonRecords(text), undefined);
    assert.deepEqual(parseSmartInfo(text), {});
    assert.deepEqual(parseHealthText(text), []);
    assert.equal(findRouterOsError(text), undefined);
  }
});

test('slices: cut at line ends, between items only in items mode; joined they give the text back', async () => {
  const { slices } = await import('./slices.js');
  const listing = Array.from({ length: 400 }, (_, i) => `${String(i).padStart(3)} B  type=file slot=s${i} model="m"\r\n               size=1 file-size=1\r\n`).join('');
  const pieces = slices(listing, 'items', 1000);
  assert.ok(pieces.length > 10);
  assert.equal(pieces.join(''), listing);
  for (const p of pieces) assert.match(p, /^ {0,3}\d+ /, 'every piece starts at an item');
  assert.deepEqual(
    pieces.flatMap((p) => parsePrintDetail(p)),
    parsePrintDetail(listing),
  );
  const kv = '  a: 1\r\n'.repeat(1000);
  const lines = slices(kv, 'lines', 100);
  assert.equal(lines.join(''), kv);
  assert.ok(lines.every((p) => p.endsWith('\n')));
  assert.deepEqual(slices('short', 'items', 1000), ['short']);
  const oneItem = ` 0 B model="${'x\r\n      '.repeat(500)}"\r\n`;
  assert.deepEqual(slices(oneItem, 'items', 100), [oneItem], 'an item longer than a slice stays whole');
  // A wrapped item whose raw text is long but whose content is short is kept whole, and kept.
  const wrapped = ` 0 B type=file model="${'x\r\n      '.repeat(40_000)}"\r\n 1 B type=file slot=after\r\n`;
  assert.deepEqual(
    slices(wrapped, 'items').flatMap((p) => parsePrintDetail(p)),
    parsePrintDetail(wrapped),
  );
  assert.equal(parsePrintDetail(wrapped)[0]!.properties['model'], 'x'.repeat(40_000));
});

test('slices: an item longer than any real one is cut, so no piece holds the event loop for long', async () => {
  const { slices, MAX_ITEM_SPAN_CHARS } = await import('./slices.js');
  // 2 MiB of one item, one character per line: the worst case of the parser bench.
  const monster = ` 0 B type=file slot=a model="${'x\r\n'.repeat(700_000)}"\r\n 1 B type=file slot=after\r\n`;
  const pieces = slices(monster, 'items');
  assert.ok(pieces.length >= 4, `${pieces.length} pieces`);
  assert.equal(pieces.join(''), monster);
  for (const p of pieces) assert.ok(p.length <= MAX_ITEM_SPAN_CHARS + 64, `a piece of ${p.length} chars`);
  // Parsed piece by piece nothing throws, and the item after the monster is still read whole.
  const items = pieces.flatMap((p) => parsePrintDetail(p));
  assert.deepEqual(items.at(-1)!.properties, { type: 'file', slot: 'after' });
  // Up to the bound an item stays whole (the test above keeps a 360 KB wrapped one).
  const big = ` 0 B type=file model="${'x\r\n      '.repeat(40_000)}"\r\n`;
  assert.deepEqual(slices(big, 'items'), [big]);
});
