import 'reflect-metadata';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prepareConfig, silentLogger } from '@rds-agent/core/host';
import { ConfigError } from '@rds-agent/core';
import { BUILTIN_PLUGINS } from '@rds-agent/agent';
import { startRdsSimulator, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import { FAST_SETTINGS, REPO_ROOT, runCli, simTarget, tempDir, writeClientKey, writeUnusedKey } from '../support/agent-cli.js';

const SAMPLES = ['packages/agent/examples/prometheus-only.yaml', 'packages/agent/examples/otel-only.yaml', 'packages/agent/examples/both.yaml', 'deploy/config/config.yaml'];

describe('rds-agent CLI: version and help', () => {
  it('--version prints the package version, exit 0', async () => {
    const r = await runCli(['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+/);
  });

  it('--help lists every command; no command is a usage error', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const c of ['run', 'validate', 'check', 'status', 'keyscan', 'print-config', 'demo']) assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
    assert.equal((await runCli([])).code, 2);
  });

  it('every command has --help (exit 0) and rejects unknown flags (exit 2, no stack)', async () => {
    for (const c of ['run', 'validate', 'check', 'status', 'keyscan', 'print-config', 'demo']) {
      const help = await runCli([c, '--help']);
      assert.equal(help.code, 0, c);
      assert.match(help.stdout, new RegExp(`^Usage: rds-agent ${c}`), c);
      const bad = await runCli([c, '--no-such-flag']);
      assert.equal(bad.code, 2, c);
      assert.match(bad.stderr, /--no-such-flag/);
      assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace without --debug');
    }
  });

  it('an unknown command exits 2', async () => {
    const r = await runCli(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
  });
});

describe('rds-agent validate and print-config', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => (tmp = await tempDir()));
  after(() => tmp.cleanup());

  it('every sample config is valid; the only problems are the key and secret files this machine lacks', async () => {
    for (const file of SAMPLES) {
      const { config } = await prepareConfig({ file: join(REPO_ROOT, file), builtins: BUILTIN_PLUGINS, logger: silentLogger(), env: {}, checkFiles: false });
      assert.ok(config.targets.length >= 2, `${file} shows several targets`);
      await assert.rejects(prepareConfig({ file: join(REPO_ROOT, file), builtins: BUILTIN_PLUGINS, logger: silentLogger(), env: {} }), (err: unknown) => {
        assert.ok(err instanceof ConfigError, String(err));
        for (const issue of err.issues) assert.match(`${issue.key}: ${issue.message}`, /^targets\[\d+\]\.options\.(privateKeyFile|passwordFile|knownHostsFile): cannot read "\/etc\/rds-agent\/[^"]+": no such file \(ENOENT\)$/);
        return true;
      });
    }
  });

  it('validate: names every file the config points at that cannot be read; with them in place, exit 0 and a summary', async () => {
    const missing = await runCli(['validate', '-c', 'packages/agent/examples/both.yaml']);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /^ {2}targets\[0\]\.options\.privateKeyFile: cannot read "\/etc\/rds-agent\/keys\/rds": no such file \(ENOENT\)$/m);
    const key = await writeUnusedKey(tmp.dir, 'rds-key');
    const r = await runCli(['validate', '-c', 'packages/agent/examples/both.yaml', '--set', `targets[0].options.privateKeyFile=${key}`, '--set', `targets[1].options.privateKeyFile=${key}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^config OK: 2 targets \(rds-1\/rds-ssh, rds-2\/rds-ssh\), exporters: prometheus, otel/);
  });

  it('validate: an invalid config exits 2 and prints every issue with its key and value', async () => {
    const file = join(tmp.dir, 'broken.yaml');
    await writeFile(
      file,
      `logLevel: loud
monitor:
  probeInterval: soon
targets:
  - name: "bad name!"
    transport: rds-ssh
    options:
      host: 10.0.0.1
      port: 70000
      privateKeyFile: /k
      hostKeyFingerprints: ["SHA256:short"]
  - name: t2
    transport: carrier-pigeon
exporters:
  prometheus:
    enabled: maybe
    prot: 9100
`,
    );
    const r = await runCli(['validate', '-c', file]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const expectKeys = [
      'logLevel',
      'monitor.probeInterval',
      'targets[0].name',
      'targets[0].options.port',
      'targets[1].transport',
      'exporters.prometheus.enabled',
      'exporters.prometheus.prot',
    ];
    for (const key of expectKeys) assert.match(r.stderr, new RegExp(`^  ${key.replace(/[[\].]/g, '\\$&')}: `, 'm'), `issue for ${key} in:\n${r.stderr}`);
    assert.match(r.stderr, /loud/, 'the offending value is quoted');
    assert.match(r.stderr, /carrier-pigeon/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('validate: a missing file and a missing -c are errors (exit 2)', async () => {
    const missing = await runCli(['validate', '-c', join(tmp.dir, 'nope.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /ENOENT/);
    const none = await runCli(['validate']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /-c\/--config/);
  });

  it('print-config: shows the effective config (env, --set, inherited defaults) with secrets redacted', async () => {
    const file = join(tmp.dir, 'secret.yaml');
    const secretFile = join(tmp.dir, 'super-secret-password-file');
    await writeFile(secretFile, 'hunter2\n', { mode: 0o600 });
    await writeFile(
      file,
      `monitor:
  probeInterval: 7s
targets:
  - name: r1
    transport: rds-ssh
    options:
      host: 10.1.1.1
      passwordFile: ${secretFile}
      insecureSkipHostKeyCheck: true
exporters:
  prometheus:
    enabled: true
    basicAuth:
      users:
        ops: "sha256:${'a'.repeat(64)}"
  otel:
    enabled: true
    endpoint: http://127.0.0.1:4318/v1/metrics
    headers:
      authorization: "Bearer \${env:TEST_OTLP_TOKEN}"
`,
    );
    const r = await runCli(['print-config', '-c', file, '--set', 'exporters.prometheus.port=9999'], { env: { TEST_OTLP_TOKEN: 'tok-123456', RDS_AGENT_LOG_LEVEL: 'debug' } });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /super-secret-password-file/);
    assert.doesNotMatch(r.stdout, /tok-123456/);
    assert.doesNotMatch(r.stdout, /a{64}/);
    assert.match(r.stdout, /passwordFile: "\[redacted\]"/);
    assert.match(r.stdout, /port: 9999/, '--set applies');
    assert.match(r.stdout, /logLevel: "debug"/, 'RDS_AGENT_* env applies');
    assert.match(r.stdout, /probeInterval: 7000/, 'the target inherits the top-level monitor settings');
    const json = await runCli(['print-config', '-c', file, '--json'], { env: { TEST_OTLP_TOKEN: 'tok-123456' } });
    assert.equal(json.code, 0);
    const parsed = JSON.parse(json.stdout) as { targets: { monitor: { probeInterval: number } }[]; exporters: Record<string, { enabled: boolean }> };
    assert.equal(parsed.targets[0]!.monitor.probeInterval, 7000);
    assert.equal(parsed.exporters['otel']!.enabled, true);
  });
});

describe('rds-agent keyscan and check (against the RDS simulator)', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let up: RdsSimulator;
  let down: RdsSimulator;
  let upKey: string;
  let downKey: string;
  before(async () => {
    tmp = await tempDir();
    up = await startRdsSimulator();
    down = await startRdsSimulator();
    upKey = await writeClientKey(tmp.dir, 'up', up);
    downKey = await writeClientKey(tmp.dir, 'down', down);
  });
  after(async () => {
    await up.close();
    await down.close();
    await tmp.cleanup();
  });

  it('keyscan prints the fingerprint as a config line', async () => {
    const r = await runCli(['keyscan', `127.0.0.1:${up.port}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(`hostKeyFingerprints: ["${up.hostKeyFingerprint}"]`), r.stdout);
    assert.match(r.stdout, /ssh-ed25519/);
    assert.equal(up.openConnections, 0, 'keyscan leaves no connection open');
  });

  it('keyscan of a closed port exits 1; a malformed address exits 2', async () => {
    const closed = await startRdsSimulator();
    const port = closed.port;
    await closed.close();
    const r = await runCli(['keyscan', `127.0.0.1:${port}`, '--timeout', '3s']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refused|ECONNREFUSED/i);
    assert.equal((await runCli(['keyscan', '127.0.0.1:99999'])).code, 2);
  });

  it('check: all targets up -> exit 0 with a table (latency, pinned host key); one down -> exit 1 with its error', async () => {
    const file = join(tmp.dir, 'check.yaml');
    await writeFile(file, `${FAST_SETTINGS}targets:\n${simTarget('up-1', up, upKey)}${simTarget('down-1', down, downKey)}`);
    const ok = await runCli(['check', '-c', file]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^up-1\s+rds-ssh\s+up\s+[\d.]+ ms\s+[\d.]+ ms\s+SHA256:\S+ \(pinned\)/m);
    assert.match(ok.stdout, /^2\/2 targets up$/m);
    await down.refuseConnections(true);
    const bad = await runCli(['check', '-c', file, '--json']);
    assert.equal(bad.code, 1);
    const result = JSON.parse(bad.stdout) as { up: number; targets: { target: string; state: string; error: { reason: string } | null }[] };
    assert.equal(result.up, 1);
    const d = result.targets.find((t) => t.target === 'down-1')!;
    assert.equal(d.state, 'down');
    assert.equal(d.error?.reason, 'refused');
    await down.refuseConnections(false);
    assert.equal(up.openConnections, 0, 'check closes every session');
  });

  it('check runs every telemetry input once and prints what it read; a failing input fails the check and says why', async () => {
    const file = join(tmp.dir, 'check-inputs.yaml');
    await writeFile(file, `${FAST_SETTINGS}targets:\n${simTarget('up-1', up, upKey)}`);
    const ok = await runCli(['check', '-c', file]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const lines = ok.stdout.split('\n').filter((l) => /^ {2}[a-z]+ (ok|failed|unsupported) /.test(l));
    for (const input of ['system', 'health', 'raid', 'drives', 'filesystems', 'exports', 'interfaces', 'traffic']) {
      assert.ok(lines.some((l) => new RegExp(`^  ${input} ok \\([\\d.]+ ms\\): \\d+ samples`).test(l)), `${input} in:\n${lines.join('\n')}`);
    }
    assert.match(ok.stdout, /^ {4}raidState\{slot="storage-pool",state="clean"\} 1$/m, 'the samples, telegraf --test style');
    assert.doesNotMatch(ok.stdout, /password|secret/i, 'never a secret the device printed');

    const fault = up.device.garbage(/\/system health/, 'random');
    try {
      const bad = await runCli(['check', '-c', file, '--json']);
      assert.equal(bad.code, 1, bad.stdout + bad.stderr);
      assert.match(bad.stderr, /telemetry input\(s\) failed: up-1\/health/);
      const result = JSON.parse(bad.stdout) as { targets: { state: string; inputs: { input: string; outcome: string; error: { reason: string } | null }[] }[] };
      assert.equal(result.targets[0]!.state, 'up', 'the connection is fine');
      const health = result.targets[0]!.inputs.find((i) => i.input === 'health')!;
      assert.equal(health.outcome, 'failed');
      assert.ok(health.error?.reason, 'says why');
    } finally {
      up.device.clearFault(fault);
    }
  });

  it('check on an older RouterOS shows the inputs it lacks as unsupported, and passes', async () => {
    const old = await startRdsSimulator({ device: { variant: 'no-rose-storage' } });
    try {
      const key = await writeClientKey(tmp.dir, 'old', old);
      const file = join(tmp.dir, 'check-old.yaml');
      await writeFile(file, `${FAST_SETTINGS}targets:\n${simTarget('old-1', old, key)}`);
      const r = await runCli(['check', '-c', file]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^ {2}raid unsupported /m);
      assert.match(r.stdout, /^ {2}system ok /m);
    } finally {
      await old.close();
    }
  });
});
