/**
 * Configured secrets never reach what the agent shows: every log line of `rds-agent run` at debug,
 * `/metrics`, `/status`, the landing page, `print-config`, `validate` and `check` output, and the
 * OTLP request bodies. Each kind of secret gets its own random value (an SSH password file, a key
 * passphrase file, OTLP header values from the config, a `${file:}` and the environment, basic-auth
 * hashes and the passwords that match them), each is proven to be in use (the logins work, the
 * header reaches the collector, the hash admits its password), and wrong values are tried too, so
 * the error paths are covered. The passwords the simulated device prints in `/disk print detail`
 * are looked for too. The scanner first proves it finds a planted leak.
 *
 * Peers: the RDS simulator and an OTLP receiver in this process; no root needed.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '@rds-agent/exporter-prometheus';
import { startRdsSimulator, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import { AgentProcess, runCli, tempDir, type CliResult } from '../support/agent-cli.js';
import { waitForMetrics, waitForTarget } from '../support/fault-agent.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';
import { findLeaks, type Secret } from '../support/secret-scan.js';

/** A fresh secret: a recognisable prefix (for messages) and 32 random hex digits. */
const secret = (prefix: string): string => `${prefix}-${randomBytes(16).toString('hex')}`;

const S = {
  password: secret('sshpw'),
  wrongPassword: secret('wrongsshpw'),
  passphrase: secret('keypp'),
  wrongPassphrase: secret('wrongkeypp'),
  headerFromFile: secret('otlptoken'),
  headerInline: secret('otlpinline'),
  headerFromEnv: secret('otlpenv'),
  promPassword: secret('prompw'),
  promSha256Password: secret('promshapw'),
  wrongPromPassword: secret('wrongprompw'),
  plainPasswordAsHash: secret('plainhash'),
};

describe('secrets never reach logs, pages, command output or OTLP bodies', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let sim: RdsSimulator;
  let receiver: OtlpReceiver;
  let bcryptHash: string;
  let sha256Hash: string;
  let configFile: string;
  // The same config plus a target whose passphrase file holds the wrong passphrase: refused by validate and run.
  let wrongPassphraseConfig: string;
  let secrets: Secret[];
  const env = { OTEL_EXPORTER_OTLP_HEADERS: `x-env-key=${S.headerFromEnv}` };
  /** Everything the agent showed, by where it came from. */
  const shown: Record<string, string> = {};

  before(async () => {
    tmp = await tempDir('rds-secrets-');
    const keyFile = join(tmp.dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', S.passphrase, '-C', 'rds-secrets', '-f', keyFile]);
    sim = await startRdsSimulator({
      users: [
        { username: 'bykey', publicKey: readFileSync(`${keyFile}.pub`, 'utf8') },
        { username: 'bypassword', password: S.password },
      ],
    });
    receiver = await OtlpReceiver.start();
    bcryptHash = await hashPassword(S.promPassword, 8);
    sha256Hash = `sha256:${createHash('sha256').update(S.promSha256Password).digest('hex')}`;
    const file = async (name: string, text: string): Promise<string> => {
      const path = join(tmp.dir, name);
      await writeFile(path, `${text}\n`, { mode: 0o600 });
      return path;
    };
    const files = {
      password: await file('password', S.password),
      wrongPassword: await file('wrong-password', S.wrongPassword),
      passphrase: await file('passphrase', S.passphrase),
      wrongPassphrase: await file('wrong-passphrase', S.wrongPassphrase),
      token: await file('otlp-token', S.headerFromFile),
    };
    const target = (name: string, user: string, lines: string[]): string =>
      [
        `  - name: ${name}`,
        '    transport: rds-ssh',
        '    options:',
        '      host: 127.0.0.1',
        `      port: ${sim.port}`,
        `      username: ${user}`,
        `      hostKeyFingerprints: [${JSON.stringify(sim.hostKeyFingerprint)}]`,
        ...lines.map((l) => `      ${l}`),
        '',
      ].join('\n');
    configFile = join(tmp.dir, 'secrets.yaml');
    await writeFile(
      configFile,
      `logLevel: debug
logFormat: json
shutdownTimeout: 5s
monitor:
  probeInterval: 500ms
  probeTimeout: 500ms
  connectTimeout: 3s
  firstAttemptJitter: 0
  telemetryInterval: 1s
  telemetryTimeout: 1s
backoff:
  strategy: exponential
  initialInterval: 100ms
  maxInterval: 500ms
  randomizationFactor: 0
targets:
${target('by-key', 'bykey', [`privateKeyFile: ${JSON.stringify(keyFile)}`, `passphraseFile: ${JSON.stringify(files.passphrase)}`, `passwordFile: ${JSON.stringify(files.wrongPassword)}`])}${target('by-password', 'bypassword', [`passwordFile: ${JSON.stringify(files.password)}`])}${target('wrong-password', 'bypassword', [`passwordFile: ${JSON.stringify(files.wrongPassword)}`])}exporters:
  prometheus:
    enabled: true
    host: 127.0.0.1
    port: 0
    defaultMetrics: false
    basicAuth:
      users:
        prom: ${JSON.stringify(bcryptHash)}
        prom2: ${JSON.stringify(sha256Hash)}
      failureDelay: 300ms
  otel:
    enabled: true
    endpoint: ${receiver.httpUrl}
    exportInterval: 300ms
    exportTimeout: 250ms
    headers:
      authorization: "Bearer \${file:${files.token}}"
      x-inline-key: ${S.headerInline}
`,
    );
    wrongPassphraseConfig = join(tmp.dir, 'wrong-passphrase.yaml');
    await writeFile(
      wrongPassphraseConfig,
      readFileSync(configFile, 'utf8').replace('\ntargets:\n', `\ntargets:\n${target('wrong-passphrase', 'bykey', [`privateKeyFile: ${JSON.stringify(keyFile)}`, `passphraseFile: ${JSON.stringify(files.wrongPassphrase)}`])}`),
    );
    secrets = [
      { kind: 'SSH password file', value: S.password },
      { kind: 'wrong SSH password file', value: S.wrongPassword },
      { kind: 'key passphrase file', value: S.passphrase },
      { kind: 'wrong key passphrase file', value: S.wrongPassphrase },
      { kind: 'OTLP header from ${file:}', value: S.headerFromFile },
      { kind: 'OTLP header in the config', value: S.headerInline },
      { kind: 'OTLP header from OTEL_EXPORTER_OTLP_HEADERS', value: S.headerFromEnv },
      { kind: 'basic-auth bcrypt hash', value: bcryptHash },
      { kind: 'basic-auth sha256 hash', value: sha256Hash.slice('sha256:'.length) },
      { kind: 'basic-auth password (bcrypt user)', value: S.promPassword, basicAuthUser: 'prom' },
      { kind: 'basic-auth password (sha256 user)', value: S.promSha256Password, basicAuthUser: 'prom2' },
      { kind: 'wrong basic-auth password', value: S.wrongPromPassword, basicAuthUser: 'prom' },
      { kind: 'plain password where a hash belongs', value: S.plainPasswordAsHash },
      // Not configured, but printed by the device (`/disk print detail`, which telemetry reads).
      ...sim.device.secrets().map((value) => ({ kind: 'a password the device prints', value, wholeOnly: true })),
    ];
  });
  after(async () => {
    await receiver?.stop();
    await sim?.close();
    await tmp?.cleanup();
  });

  it('the scanner finds a planted leak of every kind, whole, in pieces or base64, and nothing in clean text', () => {
    assert.deepEqual(findLeaks({ clean: 'level=30 msg="connected" target=by-key reason=connected [redacted]' }, secrets), []);
    for (const s of secrets) {
      const planted = {
        whole: JSON.stringify({ level: 20, msg: 'oops', value: s.value }),
        piece: `... ${s.value.slice(3, 3 + 14)} ...`,
        base64: `x ${Buffer.from(s.value).toString('base64')} y`,
      };
      assert.deepEqual(
        findLeaks(planted, [s]).map((l) => l.where),
        s.wholeOnly ? ['whole', 'base64'] : ['whole', 'piece', 'base64'],
        s.kind,
      );
    }
    const basic = secrets.find((s) => s.basicAuthUser === 'prom')!;
    const header = `authorization: Basic ${Buffer.from(`prom:${basic.value}`).toString('base64')}`;
    assert.deepEqual(findLeaks({ header }, [basic]), [{ kind: basic.kind, where: 'header', form: 'basic-auth header' }]);
  });

  it('validate, print-config and check show none of them', async () => {
    const outputs: Record<string, CliResult> = {
      validate: await runCli(['validate', '-c', configFile], { env }),
      'print-config': await runCli(['print-config', '-c', configFile], { env }),
      'print-config --json': await runCli(['print-config', '-c', configFile, '--json'], { env }),
      check: await runCli(['check', '-c', configFile], { env, timeoutMs: 30_000 }),
    };
    assert.equal(outputs['validate']!.code, 0, outputs['validate']!.stderr);
    assert.equal(outputs['print-config']!.code, 0, outputs['print-config']!.stderr);
    assert.match(outputs['print-config']!.stdout, /\[redacted\]/, 'print-config does show that something was redacted');
    // check: the two good logins connect, the wrong password fails (exit 1), with its error shown.
    assert.equal(outputs['check']!.code, 1, outputs['check']!.stdout + outputs['check']!.stderr);
    assert.match(outputs['check']!.stdout, /by-key/);
    // A plain password where a hash belongs is refused without being echoed.
    const plain = join(tmp.dir, 'plain-hash.yaml');
    await writeFile(plain, readFileSync(configFile, 'utf8').replace(JSON.stringify(bcryptHash), JSON.stringify(S.plainPasswordAsHash)));
    outputs['validate (plain password as hash)'] = await runCli(['validate', '-c', plain], { env });
    assert.equal(outputs['validate (plain password as hash)']!.code, 2);
    assert.match(outputs['validate (plain password as hash)']!.stderr, /basicAuth\.users\.prom/);
    // A passphrase that does not decrypt the key is refused before anything starts, named, not echoed.
    for (const command of ['validate', 'run'] as const) {
      const r = await runCli([command, '-c', wrongPassphraseConfig], { env, timeoutMs: 30_000 });
      assert.equal(r.code, 2, `${command}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /^ {2}targets\[0\]\.options\.passphraseFile: the passphrase does not decrypt /m);
      outputs[`${command} (wrong passphrase)`] = r;
    }
    for (const [name, r] of Object.entries(outputs)) shown[name] = r.stdout + r.stderr;
    assert.deepEqual(findLeaks(shown, secrets), []);
  });

  it('rds-agent run at debug: logs, /metrics, /status, the landing page and OTLP bodies show none of them', async () => {
    const agent = new AgentProcess(['run', '-c', configFile], env);
    try {
      const url = await agent.prometheusUrl(15_000);
      const auth = (user: string, password: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
      const good = auth('prom', S.promPassword);
      const get = async (path: string, headers: Record<string, string> = good): Promise<{ status: number; text: string }> => {
        const res = await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(5000) });
        return { status: res.status, text: await res.text() };
      };
      // Each secret in use: both logins connect, the wrong ones fail, the header reaches the collector.
      const as = { headers: good };
      await waitForTarget(url, 'by-key', (s) => s.state === 'connected', { ...as, description: 'the passphrase-protected key logs in' });
      await waitForTarget(url, 'by-password', (s) => s.state === 'connected', { ...as, description: 'the password logs in' });
      await waitForTarget(url, 'wrong-password', (s) => s.lastError?.code === 'RDS_AGENT_ERR_AUTH', { ...as, description: 'the wrong password fails' });
      const headers = (e: { headers: Readonly<Record<string, string>> }): boolean =>
        e.headers['authorization'] === `Bearer ${S.headerFromFile}` && e.headers['x-inline-key'] === S.headerInline && e.headers['x-env-key'] === S.headerFromEnv;
      await receiver.waitFor(headers, 10_000);
      await waitForMetrics(url, (t) => /rds_system_uptime_seconds\{target="by-key"/.test(t), { ...as, description: 'telemetry from by-key' });
      // Wrong and missing credentials are refused; the sha256 user is admitted.
      assert.equal((await get('/metrics', auth('prom', S.wrongPromPassword))).status, 401);
      assert.equal((await get('/metrics', {})).status, 401);
      assert.equal((await get('/metrics', auth('prom2', S.promSha256Password))).status, 200);
      // A reload logs what it changed.
      const mark = agent.logs.length;
      agent.signal('SIGHUP');
      await agent.waitForLog((l) => l.msg === 'config reloaded', { from: mark, description: 'the reload' });

      for (const path of ['/metrics', '/status', '/', '/readyz', '/healthz']) {
        const page = await get(path);
        assert.ok(page.status < 500, `${path} answered ${page.status}`);
        shown[`GET ${path}`] = page.text;
      }
      shown['GET /metrics (OpenMetrics)'] = await fetch(`${url}/metrics`, { headers: { ...good, accept: 'application/openmetrics-text; version=1.0.0' } }).then((r) => r.text());
      agent.signal('SIGTERM');
      assert.equal((await agent.waitForExit(15_000)).code, 0, agent.stderr);
      assert.ok(agent.logs.some((l) => l.level === 'debug'), 'debug lines were logged');
      shown['run: stdout (every log line)'] = agent.stdout;
      shown['run: stderr'] = agent.stderr;
      shown['OTLP request bodies'] = JSON.stringify(receiver.received.map((e) => e.request));
      assert.ok(receiver.received.length >= 2, 'several exports were received');
      assert.deepEqual(findLeaks(shown, secrets), []);
    } finally {
      agent.kill();
    }
  });
});
