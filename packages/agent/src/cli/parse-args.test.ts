import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandArgs, parseDurationFlag, parseSetFlags, requireConfigPath } from './parse-args.js';
import { UsageError } from './usage-error.js';
import { parseHostPort } from './commands/keyscan.js';

describe('CLI argument helpers', () => {
  it('--set key=value pairs keep "=" in values; a pair without "=" is a usage error', () => {
    assert.deepEqual(parseSetFlags(['a.b=1', 'c=x=y', 'a.b=2']), { 'a.b': '2', c: 'x=y' });
    assert.throws(() => parseSetFlags(['novalue']), UsageError);
    assert.throws(() => parseSetFlags(['=x']), UsageError);
  });

  it('unknown flags become UsageErrors, common flags are always accepted', () => {
    assert.throws(() => parseCommandArgs(['--nope'], {}), UsageError);
    const { values } = parseCommandArgs(['--debug', '-c', 'f.yaml'], { config: { type: 'string', short: 'c' } });
    assert.equal(values.debug, true);
    assert.equal(values.config, 'f.yaml');
  });

  it('the config path comes from -c or RDS_AGENT_CONFIG', () => {
    assert.equal(requireConfigPath('a.yaml', { RDS_AGENT_CONFIG: 'b.yaml' }), 'a.yaml');
    assert.equal(requireConfigPath(undefined, { RDS_AGENT_CONFIG: 'b.yaml' }), 'b.yaml');
    assert.throws(() => requireConfigPath(undefined, {}), UsageError);
  });

  it('durations: ms, s, m, h, bare numbers are ms; zero and garbage are rejected', () => {
    assert.equal(parseDurationFlag('i', '500ms', 1), 500);
    assert.equal(parseDurationFlag('i', '2s', 1), 2000);
    assert.equal(parseDurationFlag('i', '1.5m', 1), 90_000);
    assert.equal(parseDurationFlag('i', '250', 1), 250);
    assert.equal(parseDurationFlag('i', undefined, 7), 7);
    assert.throws(() => parseDurationFlag('i', '0s', 1), UsageError);
    assert.throws(() => parseDurationFlag('i', 'soon', 1), UsageError);
  });

  it('host[:port] parsing for keyscan, IPv6 included', () => {
    assert.deepEqual(parseHostPort('rds.example'), { host: 'rds.example', port: 22 });
    assert.deepEqual(parseHostPort('10.0.0.1:2222'), { host: '10.0.0.1', port: 2222 });
    assert.deepEqual(parseHostPort('[fe80::1]:2022'), { host: 'fe80::1', port: 2022 });
    assert.deepEqual(parseHostPort('fe80::1'), { host: 'fe80::1', port: 22 });
    assert.throws(() => parseHostPort('h:0'), UsageError);
    assert.throws(() => parseHostPort('h:http'), UsageError);
  });
});
