import 'reflect-metadata';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { CliIo } from './cli-io.js';
import { runCli } from './run-cli.js';
import { VERSION } from '../version.js';

function captureIo(): CliIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, env: {}, onSignal: () => () => undefined, out: () => out, err: () => err };
}

describe('runCli dispatch', () => {
  it('prints the version', async () => {
    const io = captureIo();
    assert.equal(await runCli(['--version'], io), 0);
    assert.equal(io.out(), `${VERSION}\n`);
  });

  it('`help <command>` is `<command> --help`', async () => {
    const io = captureIo();
    assert.equal(await runCli(['help', 'keyscan'], io), 0);
    assert.match(io.out(), /^Usage: rds-agent keyscan/);
  });

  it('a config error is exit 2 with one line per issue and no stack', async () => {
    const io = captureIo();
    assert.equal(await runCli(['validate', '-c', '/nonexistent/rds-agent.yaml'], io), 2);
    assert.match(io.err(), /^rds-agent: invalid configuration in \/nonexistent\/rds-agent\.yaml \(1 problem\):\n {2}\(file\): cannot read config file/);
    assert.doesNotMatch(io.err(), /\n\s+at /);
  });
});
