import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogLineError, parseJsonLogLine } from './json-log-line.js';

const rejects = (line: string, message: RegExp, key?: string) => () =>
  assert.throws(
    () => parseJsonLogLine(line),
    (err: unknown) => err instanceof LogLineError && message.test(err.message) && err.line === line && err.key === key,
  );

describe('parseJsonLogLine', () => {
  it('returns the object of a line whose keys are each there once', () => {
    assert.deepEqual(parseJsonLogLine('{"level":"info","target":"rds-1","nested":{"target":"x"},"list":[{"a":1},{"a":2}],"msg":"a \\"target\\": b"}'), {
      level: 'info',
      target: 'rds-1',
      nested: { target: 'x' },
      list: [{ a: 1 }, { a: 2 }],
      msg: 'a "target": b',
    });
  });

  it('rejects a key repeated at the top level, naming it and quoting the line', rejects('{"level":"info","exporter":"prometheus","exporter":"prometheus","msg":"m"}', /the key "exporter" twice: \{"level":"info","exporter"/, 'exporter'));

  it('rejects a key repeated inside a nested object, with its path', rejects('{"err":{"code":"E","code":"F"},"msg":"m"}', /the key "err\.code" twice/, 'err.code'));

  it('rejects a key repeated inside an object in an array', rejects('{"list":[{"a":1},{"b":1,"b":2}]}', /the key "list\[\]\.b" twice/, 'list[].b'));

  it('compares keys after unescaping them', rejects('{"target":"a","\\u0074arget":"b"}', /the key "target" twice/, 'target'));

  it('is not fooled by keys inside string values or by strings with escaped quotes', () => {
    assert.deepEqual(parseJsonLogLine('{"msg":"{\\"msg\\":1}","x":"\\\\","msg2":"msg"}'), { msg: '{"msg":1}', x: '\\', msg2: 'msg' });
  });

  it('rejects a line that is JSON but not an object', rejects('["level","level"]', /not a JSON object/));

  it('lets JSON.parse report a line that is not JSON', () => {
    assert.throws(() => parseJsonLogLine('level=info msg=x'), SyntaxError);
  });
});
