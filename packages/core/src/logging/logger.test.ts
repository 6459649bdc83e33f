import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonLogLine } from './json-log-line.js';
import { createLogger, type Logger } from './logger.js';

/** A logger writing into an array, every line checked for a key twice. */
function capture(level: Parameters<typeof createLogger>[0] = 'trace'): { logger: Logger; lines: string[]; parsed: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const logger = createLogger(level, {}, { write: (line: string) => void lines.push(line.trimEnd()) });
  return { logger, lines, parsed: () => lines.map((l) => parseJsonLogLine(l)) };
}

describe('createLogger', () => {
  it('writes the level as its name, for every level', () => {
    const { logger, parsed } = capture('trace');
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) logger[level]('m');
    assert.deepEqual(
      parsed().map((l) => l['level']),
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal'],
    );
  });

  it('writes a key a child is bound to once, when the call site passes it again', () => {
    const { logger, lines, parsed } = capture();
    const target = logger.child({ target: 'rds-1' });
    target.warn({ target: 'rds-1', reason: 'network' }, 'connection lost');
    logger.child({ exporter: 'prometheus' }).info({ exporter: 'prometheus', url: 'http://127.0.0.1:9464/metrics' }, 'listening');
    const [lost, listening] = parsed();
    assert.equal(lines[0]!.split('"target"').length - 1, 1, lines[0]);
    assert.deepEqual({ ...lost, time: 0 }, { level: 'warn', time: 0, name: 'rds-agent', target: 'rds-1', reason: 'network', msg: 'connection lost' });
    assert.equal(listening!['exporter'], 'prometheus');
    assert.equal(listening!['url'], 'http://127.0.0.1:9464/metrics');
  });

  it('keeps the bound value when a call site passes another one under the same key', () => {
    const { logger, parsed } = capture();
    logger.child({ component: 'metrics-hub' }).error({ component: 'prometheus', err: 'boom' }, 'failed');
    assert.equal(parsed()[0]!['component'], 'metrics-hub');
  });

  it('keeps a key once through children of children, and a grandchild adds its own keys', () => {
    const { logger, parsed } = capture();
    logger.child({ target: 'rds-1' }).child({ target: 'rds-1', component: 'telemetry' }).info({ target: 'rds-1', input: 'system' }, 'm');
    const [line] = parsed();
    assert.equal(line!['target'], 'rds-1');
    assert.equal(line!['component'], 'telemetry');
    assert.equal(line!['input'], 'system');
  });

  it('never writes the line keys (level, time, name, msg) twice, whatever a call site passes', () => {
    const { logger, parsed } = capture();
    logger.info({ level: 'bogus', time: 1, name: 'other', msg: 'field' }, 'message');
    logger.info({ msg: 'the only message' });
    const [first, second] = parsed();
    assert.equal(first!['level'], 'info');
    assert.equal(first!['name'], 'rds-agent');
    assert.equal(first!['msg'], 'message');
    assert.equal(second!['msg'], 'the only message');
  });

  it("leaves the call site's object as it was", () => {
    const { logger } = capture();
    const fields = Object.freeze({ target: 'rds-1', reason: 'x' });
    logger.child({ target: 'rds-1' }).warn(fields, 'm');
    assert.deepEqual(fields, { target: 'rds-1', reason: 'x' });
  });

  it('still redacts secrets and logs errors passed as the object', () => {
    const { logger, parsed } = capture();
    logger.child({ target: 'rds-1' }).error({ password: 'hunter2', nested: { passphrase: 'p' } }, 'm');
    logger.child({ target: 'rds-1' }).error(new Error('boom') as unknown as object, 'with an error');
    const [redacted, error] = parsed();
    assert.equal(redacted!['password'], '[redacted]');
    assert.deepEqual(redacted!['nested'], { passphrase: '[redacted]' });
    assert.equal((error!['err'] as { message: string }).message, 'boom');
  });
});
