import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CliIo } from '../cli-io.js';
import { runCli } from '../run-cli.js';

/** A `/status` document recorded from the exporter (see output/status-rows.test.ts). */
const RECORDED = readFileSync(join(fileURLToPath(new URL('.', import.meta.url)), '../../../src/output/testdata/status-document.json'), 'utf8');

function captureIo(): CliIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, env: {}, onSignal: () => () => undefined, out: () => out, err: () => err };
}

describe('rds-agent status against a recorded /status document', () => {
  let server: Server;
  let url: string;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url !== '/status') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(RECORDED);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('prints the table with ages read against the agent clock (generatedAt), not the local one', async () => {
    const io = captureIo();
    assert.equal(await runCli(['status', '--url', url], io), 0, io.err());
    const lines = io.out().trimEnd().split('\n');
    assert.equal(lines[0], `rds-agent 0.2.0 at ${url}, up 3900s, ready (1/3 connected, rule: any)`);
    assert.match(lines[1]!, /^TARGET +TRANSPORT +STATE +DOWN\/UP SINCE +ATTEMPTS +LAST ATTEMPT +NEXT TRY +LATENCY +ADDRESS +LAST ERROR$/);
    assert.match(lines[2]!, /^rds-backup +rds-ssh +disconnected \(refused\) +down 09:47:30Z \(12m30s\) +28 +failed 28s ago +in 2s +- +10\.20\.0\.12:2222 +refused: /);
    assert.match(lines[4]!, /^rds-primary +rds-ssh +connected +up 09:20:22Z \(39m38s\) +0 +ok 39m38s ago +- +2\.4 ms +10\.20\.0\.11:22 /);
  });

  it('--json prints the document as served, byte for byte', async () => {
    const io = captureIo();
    assert.equal(await runCli(['status', '--url', url, '--json'], io), 0, io.err());
    assert.equal(io.out(), RECORDED);
  });
});
