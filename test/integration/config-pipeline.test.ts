import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, tempDir } from '../support/agent-cli.js';

// One config pipeline: whatever `validate` accepts, `run` runs. Each case here was seen passing
// `validate` and then misbehaving at run time (or crashing `validate`); each must now exit 2,
// name the key, the value and what was expected, and print no stack trace.

describe('config pipeline: what validate accepts, run runs', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let key: string;

  before(async () => {
    tmp = await tempDir();
    key = join(tmp.dir, 'id');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    await writeFile(key, privateKey, { mode: 0o600 });
  });
  after(async () => tmp.cleanup());

  const target = (extra = ''): string =>
    `targets:\n  - name: rds-1\n    transport: rds-ssh\n    options:\n      host: 127.0.0.1\n      username: monitor\n      privateKeyFile: ${JSON.stringify(key)}\n      insecureSkipHostKeyCheck: true\n${extra}`;

  async function validate(text: string, args: string[] = []) {
    const file = join(tmp.dir, `c-${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, text);
    const r = await runCli(['validate', '-c', file, ...args], { timeoutMs: 10_000 });
    assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
    return r;
  }

  async function rejects(text: string, key: string | RegExp, message: RegExp, args: string[] = []): Promise<void> {
    const r = await validate(text, args);
    assert.equal(r.code, 2, `exit 2 expected\n${r.stdout}${r.stderr}`);
    const keyPattern = typeof key === 'string' ? new RegExp(`^\\s+${key.replace(/[.[\]]/g, '\\$&')}: `, 'm') : key;
    assert.match(r.stderr, keyPattern);
    assert.match(r.stderr, message);
  }

  it('refuses zero probe, connect and probe-timeout durations, naming the key and the range', async () => {
    for (const k of ['probeInterval', 'probeTimeout', 'connectTimeout']) {
      await rejects(`${target()}monitor:\n  ${k}: 0\n`, `monitor.${k}`, /must be a duration from \d+ ?ms to .*: value was 0/);
    }
    await rejects(target('    monitor:\n      probeInterval: 0\n'), 'targets[0].monitor.probeInterval', /must be a duration from/);
  });

  it('refuses durations above the timer limit (Node would fire them at once)', async () => {
    await rejects(`${target()}monitor:\n  probeInterval: "99999999999999h"\n`, 'monitor.probeInterval', /at most|to 24\.8d|2147483647/);
    await rejects(`${target()}monitor:\n  probeInterval: 1e308\n`, 'monitor.probeInterval', /to 24\.8d|2147483647/);
    await rejects(`${target()}shutdownTimeout: "30d"\n`, 'shutdownTimeout', /to 24\.8d|2147483647/);
  });

  it('checks cross-field rules: a probe timeout longer than the probe interval', async () => {
    await rejects(`${target()}monitor:\n  probeInterval: 5s\n  probeTimeout: 10s\n`, 'monitor.probeTimeout', /at most probeInterval/);
    await rejects(target('    monitor:\n      probeTimeout: 6s\n'), 'targets[0].monitor.probeTimeout', /at most probeInterval/);
  });

  it('reads ports strictly: no parseInt of "1e400ms" or "2e3"', async () => {
    await rejects(`${target()}exporters:\n  prometheus:\n    port: "1e400ms"\n`, 'exporters.prometheus.port', /port.*value was "1e400ms"/);
    await rejects(target(), 'exporters.prometheus.port', /value was "2e3"/, ['--set', 'exporters.prometheus.port=2e3']);
    await rejects(target(), 'exporters.prometheus.port', /value was "notaport"/, ['--set', 'exporters.prometheus.port=notaport']);
  });

  it('reads ${file:...} from regular files only, up to a size cap, naming the key', async () => {
    await rejects(target().replace('username: monitor', 'username: "${file:/dev/zero}"'), 'targets[0].options.username', /not a regular file/);
    const big = join(tmp.dir, 'big');
    await writeFile(big, 'x'.repeat(2 * 1024 * 1024));
    await rejects(target().replace('username: monitor', `username: "\${file:${big}}"`), 'targets[0].options.username', /larger than/);
  });

  it('refuses a recursive YAML alias and absurd nesting with exit 2, not a stack overflow', async () => {
    await rejects(`${target()}x: &m [ *m ]\n`, /^\s+\(file\): /m, /alias|recursive|nest/i);
    await rejects(`${target()}deep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, /^\s+\(file\): /m, /nest|deep/i);
    await rejects(`${target()}deep: ${'{a: '.repeat(200)}1${'}'.repeat(200)}\n`, /^\s+\(file\): /m, /nest|deep/i);
  });

  it('never shows an internal TypeError as a validation message', async () => {
    const r = await validate(target('      telemetryDisks: {nested: {a: 1}}\n'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /targets\[0\]\.options\.telemetryDisks: .*list/);
    assert.doesNotMatch(r.stderr, /Cannot read properties|TypeError|undefined \(reading/);
  });

  it('--set reaches list items, and a bad one fails naming the key', async () => {
    const file = join(tmp.dir, 'set.yaml');
    await writeFile(file, target());
    const printed = await runCli(['print-config', '-c', file, '--set', 'targets[0].monitor.probeInterval=7s', '--set', 'targets[0].options.port=2222']);
    assert.equal(printed.code, 0, printed.stderr);
    assert.match(printed.stdout, /probeInterval: 7000/);
    assert.match(printed.stdout, /port: 2222/);
    await rejects(target(), 'targets[0].monitor.probeInterval', /must be a duration/, ['--set', 'targets[0].monitor.probeInterval=soon']);
    await rejects(target(), /targets\[3\]/, /no target|no such|out of range/, ['--set', 'targets[3].monitor.probeInterval=7s']);
  });

  it('accepts compound durations such as 1m30s; a bare number is milliseconds', async () => {
    const file = join(tmp.dir, 'compound.yaml');
    await writeFile(file, `${target()}monitor:\n  probeInterval: 1m30s\n  probeTimeout: "1500"\n`);
    const r = await runCli(['print-config', '-c', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /probeInterval: 90000/);
    assert.match(r.stdout, /probeTimeout: 1500/);
  });
});
