import 'reflect-metadata';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { MetricsHub, StatusStore, SystemClock, silentLogger } from '@rds-agent/core/host';
import { PROMETHEUS_EXPORTER_DEFAULTS, prometheusExporterDefinition, type PrometheusExporter } from '@rds-agent/exporter-prometheus';
import type { CliIo, CliStdin } from './cli-io.js';
import { runCli } from './run-cli.js';

function io(stdin: CliStdin): CliIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, stdin, env: {}, onSignal: () => () => undefined, out: () => out, err: () => err };
}

/** A pipe holding `text`, as `rds-agent hash-password < file` sees it. */
function piped(text: string): CliStdin {
  const stdin = new PassThrough();
  stdin.end(text);
  return stdin;
}

/** A terminal: raw-mode switches are recorded; the test types into it. */
function terminal(): PassThrough & { isTTY: boolean; rawModes: boolean[]; setRawMode(mode: boolean): void } {
  const tty = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[] });
  return Object.assign(tty, { setRawMode: (mode: boolean) => void tty.rawModes.push(mode) });
}

/** Whether the metrics endpoint, configured with `hash` for user "prom", lets `password` in. */
async function endpointAccepts(hash: string, password: string): Promise<boolean> {
  const hub = new MetricsHub(silentLogger(), '1.0.0');
  const config = { ...PROMETHEUS_EXPORTER_DEFAULTS, port: 0, defaultMetrics: false, basicAuth: { ...PROMETHEUS_EXPORTER_DEFAULTS.basicAuth, users: { prom: hash }, failureDelay: 0 } };
  const exporter = prometheusExporterDefinition.create(config, {
    name: 'prometheus',
    logger: silentLogger(),
    clock: new SystemClock(),
    metrics: hub,
    status: new StatusStore(),
    version: '1.0.0',
    shutdownTimeoutMs: 5000,
    catalog: hub.catalog,
  }) as PrometheusExporter;
  await exporter.start(AbortSignal.timeout(5000));
  try {
    const authorization = `Basic ${Buffer.from(`prom:${password}`).toString('base64')}`;
    const status = await new Promise<number>((resolve, reject) => {
      request(`${exporter.url}/healthz`, { headers: { authorization }, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });
    return status === 200;
  } finally {
    await exporter.shutdown();
  }
}

describe('rds-agent hash-password', () => {
  it('prints a bcrypt hash of the piped password (trailing newline dropped) that the metrics endpoint accepts', async () => {
    const cli = io(piped('correct horse battery\n'));
    assert.equal(await runCli(['hash-password', '--cost', '8'], cli), 0, cli.err());
    const hash = cli.out().trim();
    assert.match(hash, /^\$2b\$08\$[./A-Za-z0-9]{53}$/);
    assert.equal(cli.out(), `${hash}\n`, 'nothing but the hash on stdout');
    assert.equal(await endpointAccepts(hash, 'correct horse battery'), true);
    assert.equal(await endpointAccepts(hash, 'correct horse battery\n'), false);
  });

  it('uses cost 10 by default', async () => {
    const cli = io(piped('s3cret'));
    assert.equal(await runCli(['hash-password'], cli), 0, cli.err());
    assert.match(cli.out(), /^\$2b\$10\$/);
  });

  it('accepts 72 bytes and refuses 73 (bcrypt would ignore the rest) with a clear message', async () => {
    const ok = io(piped('p'.repeat(72)));
    assert.equal(await runCli(['hash-password', '--cost', '8'], ok), 0, ok.err());
    const long = io(piped(`${'p'.repeat(71)}é`)); // 73 bytes in UTF-8
    assert.equal(await runCli(['hash-password', '--cost', '8'], long), 2);
    assert.equal(long.out(), '');
    assert.match(long.err(), /^rds-agent: the password is 73 bytes; bcrypt uses only the first 72, so any password sharing them would be accepted too: use at most 72 bytes/);
  });

  it('refuses an empty password and a cost outside 8-14', async () => {
    const empty = io(piped('\n'));
    assert.equal(await runCli(['hash-password'], empty), 2);
    assert.match(empty.err(), /the password is empty/);
    for (const cost of ['4', '15', 'ten']) {
      const bad = io(piped('s3cret'));
      assert.equal(await runCli(['hash-password', '--cost', cost], bad), 2, cost);
      assert.match(bad.err(), /--cost expects a whole number from 8 to 14/);
    }
  });

  it('asks twice at a terminal without echoing, in raw mode, and restores the terminal', async () => {
    const tty = terminal();
    const cli = io(tty);
    const running = runCli(['hash-password', '--cost', '8'], cli);
    tty.write('s3crex\u007ft\r'); // a typo, Backspace, Enter
    await new Promise((resolve) => setImmediate(resolve));
    tty.write('s3cret\r');
    assert.equal(await running, 0, cli.err());
    assert.match(cli.out(), /^\$2b\$08\$/);
    assert.equal(cli.err(), 'Password: \nRepeat password: \n', 'prompts only: the password is never echoed');
    assert.deepEqual(tty.rawModes, [true, false, true, false]);
    assert.equal(await endpointAccepts(cli.out().trim(), 's3cret'), true);
  });

  it('refuses when the two passwords typed differ', async () => {
    const tty = terminal();
    const cli = io(tty);
    const running = runCli(['hash-password', '--cost', '8'], cli);
    tty.write('one\r');
    await new Promise((resolve) => setImmediate(resolve));
    tty.write('two\r');
    assert.equal(await running, 2);
    assert.equal(cli.out(), '');
    assert.match(cli.err(), /the two passwords differ/);
  });
});
