import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toYaml } from './to-yaml.js';

describe('toYaml', () => {
  it('writes nested maps and lists in block style, strings always quoted', () => {
    assert.equal(
      toYaml({ a: 1, b: 'no', c: [{ name: 'x', opts: { port: 22 } }, 'y'], d: [], e: {}, f: null, g: true }),
      ['a: 1', 'b: "no"', 'c:', '  - name: "x"', '    opts:', '      port: 22', '  - "y"', 'd: []', 'e: {}', 'f: null', 'g: true', ''].join('\n'),
    );
  });

  it('round-trips through JSON-compatible YAML (quoted keys and escapes)', () => {
    const out = toYaml({ 'a b': 'line\n"two"' });
    assert.equal(out, '"a b": "line\\n\\"two\\""\n');
  });
});
