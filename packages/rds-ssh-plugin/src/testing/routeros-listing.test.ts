import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonRosValue, quoteRouterOs, rawRosValue, renderRosValue, ros, wrapDetailItem } from './routeros-format.js';
import { itemId, renderAsValue, renderDetail, renderJson, renderSingleton, renderTable, renderTerse, type FlagDef, type ListItem } from './routeros-listing.js';

const LEGEND: FlagDef[] = [
  { letter: 'X', name: 'DISABLED' },
  { letter: 'B', name: 'BLOCK-DEVICE' },
  { letter: 'M', name: 'MOUNTED' },
  { letter: 'r', name: 'RAID-MEMBER' },
];

const ITEMS: ListItem[] = [
  { flags: 'Br', props: [['slot', ros.str('nvme1')], ['size', ros.counter(960_197_124_096)], ['model', ros.str('U.2 SSD')], ['fs', ros.unset()]] },
  { flags: 'BM', props: [['slot', ros.str('pool')], ['size', ros.counter(1_000)], ['state', ros.str('clean, degraded')], ['mounted', ros.bool(true)]], hidden: [['block-device', ros.bool(true)]] },
];

describe('typed values per form', () => {
  it('strings: quoted in detail, quoted only when needed in terse, bare in print', () => {
    assert.deepEqual(
      (['detail', 'terse', 'print'] as const).map((f) => [renderRosValue(ros.str('nvme1'), f), renderRosValue(ros.str('a b'), f), renderRosValue(ros.str(''), f), renderRosValue(ros.str('0:in_sync'), f)]),
      [
        ['"nvme1"', '"a b"', '""', '"0:in_sync"'],
        ['nvme1', '"a b"', '""', '"0:in_sync"'],
        ['nvme1', 'a b', '', '0:in_sync'],
      ],
    );
    assert.equal(quoteRouterOs('a "b" $c \\d'), '"a \\"b\\" \\$c \\\\d"');
  });

  it('counters group thousands except in terse; raw and JSON values are plain numbers', () => {
    const v = ros.counter(16_003_143_565_312);
    assert.deepEqual([renderRosValue(v, 'detail'), renderRosValue(v, 'terse'), renderRosValue(v, 'terse', true), rawRosValue(v), jsonRosValue(v)], [
      '16 003 143 565 312',
      '16003143565312',
      '16 003 143 565 312',
      '16003143565312',
      16_003_143_565_312,
    ]);
    assert.equal(renderRosValue(ros.num(4420), 'detail'), '4420', 'ports are never grouped');
  });

  it('booleans, durations, units, sizes, unset', () => {
    assert.deepEqual([renderRosValue(ros.bool(true), 'detail'), rawRosValue(ros.bool(false)), jsonRosValue(ros.bool(true))], ['yes', 'false', true]);
    const day = ros.duration(((15 * 24 + 3) * 3600 + 17 * 60 + 42) * 1000);
    assert.deepEqual([renderRosValue(day, 'terse'), rawRosValue(day), jsonRosValue(day)], ['2w1d3h17m42s', '2w1d03:17:42', '2w1d03:17:42']);
    assert.deepEqual([renderRosValue(ros.unit(3, '%'), 'print'), jsonRosValue(ros.unit(3, '%'))], ['3%', 3]);
    assert.deepEqual([renderRosValue(ros.size(1024 ** 4), 'detail'), rawRosValue(ros.size(1024 ** 4))], ['1024.0GiB', String(1024 ** 4)]);
    assert.deepEqual([renderRosValue(ros.unset(), 'detail'), rawRosValue(ros.unset()), jsonRosValue(ros.unset())], ['-', undefined, undefined]);
  });

  it('JSON turns number-like strings into numbers unless told not to', () => {
    assert.deepEqual([jsonRosValue(ros.str('7.15')), jsonRosValue(ros.str('0012')), jsonRosValue(ros.str('7.24.1')), jsonRosValue(ros.word('6')), jsonRosValue(ros.str('7.15'), false)], [7.15, '0012', '7.24.1', 6, '7.15']);
  });
});

describe('listings', () => {
  it('detail: legend of present flags, positional flag columns, blank line between items', () => {
    assert.equal(
      renderDetail(ITEMS, LEGEND),
      'Flags: B - BLOCK-DEVICE; M - MOUNTED; r - RAID-MEMBER\r\n' +
        ' 0 B r slot="nvme1" size=960 197 124 096 model="U.2 SSD" fs=-\r\n' +
        '\r\n' +
        ' 1 BM  slot="pool" size=1 000 state="clean, degraded" mounted=yes\r\n' +
        '\r\n',
    );
  });

  it('detail wraps at 80 columns at token boundaries, continuation indented to the head', () => {
    const tokens = Array.from({ length: 12 }, (_, i) => `key-${i}="value-${i}"`);
    const lines = wrapDetailItem(' 0 B ', tokens).split('\r\n').slice(0, -1);
    assert.ok(lines.length > 1 && lines.every((l) => l.length <= 80));
    assert.ok(lines.slice(1).every((l) => /^ {5}key-\d+=/.test(l)));
    assert.deepEqual(lines.join(' ').split(/ +/).filter(Boolean).slice(2), tokens);
  });

  it('a token longer than a line is split mid-token, never before a space or a key=', () => {
    const long = `file-path=/a/${'b'.repeat(70)}/c-d=e.img`;
    const out = wrapDetailItem(' 0 B ', ['type=file', long, 'x=1']);
    const lines = out.split('\r\n').slice(0, -1);
    assert.ok(lines.every((l) => l.length <= 80), out);
    assert.equal(lines.map((l) => l.slice(5)).join(''), `type=file ${long} x=1`, 'continuations glue back exactly');
    for (const l of lines.slice(1)) assert.ok(!/^ {5}( |c-d=)/.test(l), l);
  });

  it('terse: one line per item, no legend, raw counters', () => {
    assert.equal(renderTerse(ITEMS, LEGEND), ' 0 B r slot=nvme1 size=960197124096 model="U.2 SSD" fs=-\r\n 1 BM  slot=pool size=1000 state="clean, degraded" mounted=yes\r\n\r\n');
    assert.match(renderTerse(ITEMS, LEGEND, { legend: true }), /^Flags: B - BLOCK-DEVICE;/);
    assert.equal(renderTerse([{ flags: '', props: [['name', ros.str('routeros')]] }], [{ letter: 'X', name: 'DISABLED' }]), ' 0   name=routeros\r\n\r\n', 'one blank flag column');
  });

  it('tables: Columns line, padded cells, right-aligned numbers, columns over 80 dropped', () => {
    const table = renderTable(ITEMS, LEGEND, [
      { header: 'SLOT', prop: 'slot' },
      { header: 'SIZE', prop: 'size', align: 'right' },
      { header: 'MODEL', prop: 'model' },
    ]);
    assert.equal(
      table,
      'Flags: B - BLOCK-DEVICE; M - MOUNTED; r - RAID-MEMBER\r\n' +
        'Columns: SLOT, SIZE, MODEL\r\n' +
        // SLOT is 5 wide (nvme1), SIZE 15 and right-aligned, two spaces between cells.
        ` #     SLOT ${' '.repeat(2 + 11)}SIZE  MODEL  \r\n` +
        ' 0 B r nvme1  960 197 124 096  U.2 SSD\r\n' +
        ' 1 BM  pool             1 000         \r\n' +
        '\r\n',
    );
    const wide = renderTable(ITEMS, LEGEND, [
      { header: 'SLOT', prop: 'slot' },
      { header: 'A'.repeat(40), prop: 'model' },
      { header: 'B'.repeat(40), prop: 'model' },
    ]);
    assert.match(wide, /\r\nColumns: SLOT, A{40}\r\n/);
    assert.ok(wide.split('\r\n').every((l) => l.length <= 80));
  });

  it('singletons, as-value and JSON', () => {
    assert.equal(renderSingleton([['name', ros.str('x')], ['cpu-load', ros.unit(3, '%')]]), '      name: x\r\n  cpu-load: 3%\r\n\r\n');
    assert.equal(renderAsValue({ items: ITEMS }), '.id=*1;model=U.2 SSD;size=960197124096;slot=nvme1;.id=*2;block-device=true;mounted=true;size=1000;slot=pool;state=clean, degraded');
    assert.deepEqual(JSON.parse(renderJson({ items: ITEMS })), [
      { '.id': '*1', model: 'U.2 SSD', size: 960_197_124_096, slot: 'nvme1' },
      { '.id': '*2', 'block-device': true, mounted: true, size: 1000, slot: 'pool', state: 'clean, degraded' },
    ]);
    assert.equal(renderJson({ singleton: [['b', ros.num(1)], ['a', ros.str('x')]] }), '{"a":"x","b":1}');
    assert.deepEqual([itemId(0), itemId(25)], ['*1', '*1A']);
  });
});
