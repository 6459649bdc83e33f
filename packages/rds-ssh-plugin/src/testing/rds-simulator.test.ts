import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { ConnectConfig } from 'ssh2';
import { startRdsSimulator, type RdsSimulator, type RdsSimulatorOptions } from './rds-simulator.js';
import { fingerprintOfBlob, generateKeyPair } from './host-keys.js';

const { Client } = ssh2;
type SshClient = InstanceType<typeof Client>;

// Raw ssh2 clients on purpose: these tests pin the simulator's behaviour, not the transport's.

const sims: RdsSimulator[] = [];
const clients: SshClient[] = [];

async function sim(options: RdsSimulatorOptions = {}): Promise<RdsSimulator> {
  const s = await startRdsSimulator(options);
  sims.push(s);
  return s;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sims.splice(0)) await s.close();
});

/** Connects a raw client; rejects with the client's error. */
function connect(s: RdsSimulator, extra: Partial<ConnectConfig> = {}): Promise<SshClient> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    clients.push(c);
    c.once('ready', () => resolve(c));
    c.on('error', reject); // stays attached: a late second error must not crash the run
    c.connect({ ...s.clientConfig(), readyTimeout: 5000, ...extra });
  });
}

interface ExecResult {
  stdout: string;
  code: number | null | undefined;
}

function exec(c: SshClient, command: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    c.exec(command, (err, stream) => {
      if (err) {
        reject(err);
        return;
      }
      let stdout = '';
      let code: number | null | undefined;
      stream.on('data', (d: Buffer) => (stdout += d.toString()));
      stream.on('exit', (c: number | null) => (code = c));
      stream.on('close', () => resolve({ stdout, code }));
    });
  });
}

/** Resolves with the first event, or with 'timeout' after `ms` (for asserting that nothing happens). */
function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout;
  const t = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Polls `cond` until true; bounded so a broken simulator fails instead of hanging. */
async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function closed(c: SshClient): Promise<'closed'> {
  return new Promise((resolve) => c.once('close', () => resolve('closed')));
}

describe('RdsSimulator: protocol surface', () => {
  it('binds 127.0.0.1 on a random port and announces SSH-2.0-ROSSSH', async () => {
    const s = await sim();
    assert.equal(s.host, '127.0.0.1');
    assert.ok(s.port > 0);
    const banner = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(s.port, '127.0.0.1');
      let buf = '';
      sock.on('data', (d) => {
        buf += d.toString('latin1');
        const eol = buf.indexOf('\r\n');
        if (eol >= 0) {
          sock.destroy();
          resolve(buf.slice(0, eol));
        }
      });
      sock.on('error', reject);
    });
    assert.equal(banner, 'SSH-2.0-ROSSSH');
  });

  it('reports the host-key fingerprint the client sees (and ssh-keygen prints)', async () => {
    const s = await sim();
    let seen = '';
    await connect(s, {
      hostVerifier: (key: Buffer) => {
        seen = fingerprintOfBlob(key);
        return true;
      },
    });
    assert.match(s.hostKeyFingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.equal(seen, s.hostKeyFingerprint);
    let keygen = true;
    try {
      execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
    } catch (err) {
      keygen = (err as NodeJS.ErrnoException).code !== 'ENOENT';
    }
    if (keygen) {
      const dir = mkdtempSync(join(tmpdir(), 'rds-sim-'));
      try {
        writeFileSync(join(dir, 'k'), s.hostKey, { mode: 0o600 });
        const pub = execFileSync('ssh-keygen', ['-y', '-f', join(dir, 'k')]).toString();
        writeFileSync(join(dir, 'k.pub'), pub);
        const line = execFileSync('ssh-keygen', ['-lf', join(dir, 'k.pub')]).toString();
        assert.equal(line.split(' ')[1], s.hostKeyFingerprint);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('accepts the generated client key and rejects another key', async () => {
    const s = await sim();
    assert.ok(s.clientPrivateKey);
    await connect(s);
    const other = generateKeyPair();
    await assert.rejects(connect(s, { privateKey: other.private }), /All configured authentication methods failed/);
  });

  it('supports password users and an rsa host key', async () => {
    const s = await sim({ users: [{ username: 'monitor', password: 's3cret' }], hostKeyType: 'rsa' });
    assert.equal(s.clientPrivateKey, undefined);
    const c = await connect(s, { username: 'monitor', password: 's3cret' });
    assert.equal((await exec(c, ':put 1')).stdout, '1\r\n');
    await assert.rejects(connect(s, { username: 'monitor', password: 'wrong' }), /authentication methods failed/);
    await assert.rejects(connect(s, { username: 'admin', password: 's3cret' }), /authentication methods failed/);
  });

  it('answers /system identity print with exact RouterOS text and exit 0', async () => {
    const s = await sim({ device: { identity: 'rds-lab-1' } });
    const c = await connect(s);
    assert.deepEqual(await exec(c, '/system identity print'), { stdout: '  name: rds-lab-1\r\n\r\n', code: 0 });
    assert.deepEqual(await exec(c, ':put 1'), { stdout: '1\r\n', code: 0 });
  });

  it('answers unknown commands with bad command name on stdout, exit 0', async () => {
    const s = await sim();
    const c = await connect(s);
    assert.deepEqual(await exec(c, '/foo bar'), { stdout: 'bad command name foo (line 1 column 2)\r\n', code: 0 });
  });

  it('rejects shell and pty requests', async () => {
    const s = await sim();
    const c = await connect(s);
    await assert.rejects(
      new Promise((resolve, reject) => c.shell((err, stream) => (err ? reject(err) : resolve(stream)))),
      /Unable to (request a pseudo-terminal|open shell)/,
    );
  });

  it('uses custom command handlers, including a missing exit-status and a hang', async () => {
    const s = await sim();
    s.setCommandHandler('/system health print', () => 'Columns: NAME, VALUE, TYPE\r\n');
    s.setCommandHandler(/^\/system reboot/, () => ({ stdout: '', exitCode: null }));
    s.setCommandHandler('/disk monitor-traffic nvme1', () => ({ hang: true }));
    const c = await connect(s);
    assert.deepEqual(await exec(c, '/system health print'), { stdout: 'Columns: NAME, VALUE, TYPE\r\n', code: 0 });
    assert.deepEqual(await exec(c, '/system reboot'), { stdout: '', code: undefined });
    assert.equal(await within(exec(c, '/disk monitor-traffic nvme1'), 300), 'timeout');
    s.setCommandHandler('/system health print', undefined);
    assert.match((await exec(c, '/system health print')).stdout, /^Columns: NAME, VALUE, TYPE\r\n # {2}NAME +VALUE +TYPE\r\n 0 {2}cpu-temperature /, 'the device model answers again');
  });
});

describe('RdsSimulator: fault injection', () => {
  it('refuseConnections: new clients get ECONNREFUSED, open ones keep working, then it listens again', async () => {
    const s = await sim();
    const port = s.port;
    const open = await connect(s);
    await s.refuseConnections(true);
    await assert.rejects(connect(s), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
    assert.equal((await exec(open, ':put 1')).stdout, '1\r\n');
    await s.refuseConnections(false);
    assert.equal(s.port, port);
    await connect(s);
  });

  it("refuseConnections 'reset': new sockets are accepted and destroyed at once", async () => {
    const s = await sim();
    await s.refuseConnections(true, 'reset');
    await assert.rejects(connect(s), /Connection lost before handshake|ECONNRESET|socket hang up/);
    assert.equal(s.totalConnections, 0, 'never handed to SSH');
    await s.refuseConnections(false);
    await connect(s);
  });

  it('dropAllConnections: the client sees end and close, counters go to 0', async () => {
    const s = await sim();
    const c = await connect(s);
    let ended = false;
    c.on('end', () => (ended = true));
    const gone = closed(c);
    assert.equal(s.openConnections, 1);
    assert.equal(s.dropAllConnections(), 1);
    await gone;
    assert.ok(ended, 'client saw end');
    await until(() => s.openConnections === 0, 'connection count 0');
  });

  it('rebootDevice: connections drop, uptime and disk counters restart from zero', async () => {
    const s = await sim();
    const c = await connect(s);
    const gone = closed(c);
    assert.equal(s.rebootDevice(), 1);
    await gone;
    const c2 = await connect(s);
    assert.match((await exec(c2, '/system resource print')).stdout, / uptime: \d+s\r\n/);
    assert.match((await exec(c2, '/disk monitor-traffic storage-pool once')).stdout, /write-bytes: +\d{1,3}(?: \d{3}){0,2}\r\n/);
  });

  it('hangNewConnections: TCP is accepted but the handshake times out', async () => {
    const s = await sim();
    s.hangNewConnections(true);
    await assert.rejects(connect(s, { readyTimeout: 300 }), /Timed out while waiting for handshake/);
    assert.equal(s.totalConnections, 1);
    s.hangNewConnections(false);
    await connect(s);
  });

  it('freeze: an open connection answers nothing until thawed, then everything queued', async () => {
    const s = await sim();
    const c = await connect(s);
    s.freeze(true);
    const pending = exec(c, '/system identity print');
    assert.equal(await within(pending, 400), 'timeout');
    assert.equal(s.totalCommands, 0, 'the exec request was not even read');
    s.freeze(false);
    assert.equal((await pending).stdout, '  name: mikrotik-sim\r\n\r\n');
  });

  it('freeze: keepalives go unanswered, so a keepalive client gives up', async () => {
    const s = await sim();
    const c = await connect(s, { keepaliveInterval: 100, keepaliveCountMax: 2 });
    const err = new Promise<Error>((resolve) => c.once('error', resolve));
    s.freeze(true);
    assert.match((await err).message, /Keepalive timeout/);
  });

  it('setLatency: answers come no sooner than the latency', async () => {
    const s = await sim();
    const c = await connect(s);
    s.setLatency(250);
    const t0 = performance.now();
    assert.equal((await exec(c, ':put 1')).stdout, '1\r\n');
    assert.ok(performance.now() - t0 >= 245, 'answer was delayed');
  });

  it('rejectAuth: valid credentials fail until switched off', async () => {
    const s = await sim();
    s.rejectAuth(true);
    await assert.rejects(connect(s), (err: Error & { level?: string }) => err.level === 'client-authentication');
    s.rejectAuth(false);
    await connect(s);
  });

  it('changeHostKey: new connections see the new key, open ones keep the old', async () => {
    const s = await sim();
    const before = s.hostKeyFingerprint;
    const open = await connect(s);
    const after = s.changeHostKey();
    assert.notEqual(after, before);
    assert.equal(s.hostKeyFingerprint, after);
    let seen = '';
    await connect(s, { hostVerifier: (k: Buffer) => ((seen = fingerprintOfBlob(k)), true) });
    assert.equal(seen, after);
    await assert.rejects(
      connect(s, { hostVerifier: (k: Buffer) => fingerprintOfBlob(k) === before }),
      /Host denied/,
    );
    assert.equal((await exec(open, ':put 1')).stdout, '1\r\n');
  });

  for (const mode of ['failure', 'success'] as const) {
    it(`keepalive mode '${mode}': an idle keepalive client stays up`, async () => {
      const s = await sim({ keepaliveMode: mode === 'failure' ? 'ignore' : 'failure' });
      s.setKeepaliveMode(mode);
      const c = await connect(s, { keepaliveInterval: 100, keepaliveCountMax: 3 });
      const errored = new Promise<Error>((resolve) => c.once('error', resolve));
      // 8 intervals: a client whose pings go unanswered gives up after 4.
      assert.equal(await within(errored, 800), 'timeout');
      assert.equal((await exec(c, ':put 1')).stdout, '1\r\n');
    });
  }

  it("keepalive mode 'ignore': an idle keepalive client errors with Keepalive timeout", async () => {
    const s = await sim();
    s.setKeepaliveMode('ignore');
    const c = await connect(s, { keepaliveInterval: 50, keepaliveCountMax: 2 });
    const err = await new Promise<Error>((resolve) => c.once('error', resolve));
    assert.match(err.message, /Keepalive timeout/);
    await closed(c);
  });

  it('failExec: exec fails with Unable to exec while the connection and keepalives stay up', async () => {
    const s = await sim();
    const c = await connect(s, { keepaliveInterval: 50, keepaliveCountMax: 2 });
    const errored = new Promise<Error>((resolve) => c.once('error', resolve));
    s.failExec(true);
    await assert.rejects(exec(c, ':put 1'), /Unable to exec/);
    assert.equal(await within(errored, 400), 'timeout');
    assert.equal(s.openConnections, 1);
    s.failExec(false);
    assert.equal((await exec(c, ':put 1')).stdout, '1\r\n');
  });

  it('failExec with dropConnection: the refusal is followed by a closed connection (OpenSSH 9.2)', async () => {
    const s = await sim();
    const c = await connect(s);
    const gone = closed(c);
    s.failExec(true, { dropConnection: true });
    await assert.rejects(exec(c, ':put 1'), /Unable to exec/);
    await gone;
    await until(() => s.openConnections === 0, 'connection closed');
  });

  it('setMaxSessions: channels past the cap are refused, per connection and in total', async () => {
    const s = await sim();
    s.setCommandHandler('/hang', () => ({ hang: true }));
    s.setMaxSessions(2);
    const c = await connect(s);
    void exec(c, '/hang').catch(() => undefined);
    void exec(c, '/hang').catch(() => undefined);
    await until(() => s.openSessions === 2, 'two sessions');
    await assert.rejects(exec(c, ':put 1'), /Channel open failure/);
    s.setMaxSessions(Infinity);
    s.setMaxSessions(3, 'total');
    const other = await connect(s);
    assert.equal((await exec(other, ':put 1')).stdout, '1\r\n');
    void exec(other, '/hang').catch(() => undefined);
    await until(() => s.openSessions === 3, 'three sessions');
    await assert.rejects(exec(other, ':put 1'), /Channel open failure/);
    assert.equal(s.peakSessionsPerConnection, 2);
  });

  it('counts connections, sessions and commands, and returns to 0 when clients close', async () => {
    const s = await sim();
    const a = await connect(s);
    const b = await connect(s);
    await Promise.all([exec(a, ':put 1'), exec(a, ':put 1'), exec(b, '/system identity print')]);
    assert.equal(s.openConnections, 2);
    assert.equal(s.totalConnections, 2);
    assert.equal(s.totalCommands, 3);
    const infos = s.connections();
    assert.deepEqual(
      infos.map((i) => [i.state, i.username, i.commands]).sort(),
      [
        ['authenticated', 'admin', 1],
        ['authenticated', 'admin', 2],
      ],
    );
    assert.ok(s.peakSessionsPerConnection >= 1 && s.peakSessionsPerConnection <= 2);
    await until(() => s.openSessions === 0, 'sessions closed after exec');
    a.end();
    b.end();
    await until(() => s.openConnections === 0, 'connections closed');
    assert.equal(s.openSessions, 0);
  });

  it('close() destroys open connections and is idempotent', async () => {
    const s = await sim();
    const c = await connect(s);
    const gone = closed(c);
    await s.close();
    await s.close();
    await gone;
    assert.equal(s.openConnections, 0);
    await assert.rejects(connect(s), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
  });
});

/** exec that keeps stdout as bytes (for garbage that is not text). */
function execBytes(c: SshClient, command: string): Promise<{ stdout: Buffer; code: number | null | undefined }> {
  return new Promise((resolve, reject) => {
    c.exec(command, (err, stream) => {
      if (err) {
        reject(err);
        return;
      }
      const chunks: Buffer[] = [];
      let code: number | null | undefined;
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('exit', (c: number | null) => (code = c));
      stream.on('close', () => resolve({ stdout: Buffer.concat(chunks), code }));
    });
  });
}

describe('RdsSimulator: the storage device over SSH', () => {
  const DISK_JSON = ':put [:serialize to=json [/disk print detail as-value]]';

  it('answers the JSON and text forms byte for byte as the device model does', async () => {
    const now = Date.UTC(2026, 9, 1);
    const s = await sim({ now: () => now });
    const c = await connect(s);
    for (const command of [':put [:serialize to=json 1]', DISK_JSON, '/disk print terse', '/system health print terse', '/disk smart-info nvme1']) {
      const r = await exec(c, command);
      assert.equal(r.code, 0, command);
      assert.equal(r.stdout, s.device.answer(command), command);
    }
    assert.equal((JSON.parse((await exec(c, DISK_JSON)).stdout) as unknown[]).length, 25);
  });

  it('device faults change what clients read, and clearing restores it; a rebuild follows the injected clock', async () => {
    let now = Date.UTC(2026, 9, 1);
    const s = await sim({ now: () => now });
    const c = await connect(s);
    const state = async (slot: string): Promise<unknown> =>
      (JSON.parse((await exec(c, DISK_JSON)).stdout) as Array<Record<string, unknown>>).find((d) => d['slot'] === slot)!['state'];
    const healthy = (await exec(c, DISK_JSON)).stdout;
    s.device.failDrive('nvme12');
    assert.equal(await state('mirror'), 'clean, degraded');
    assert.equal((await exec(c, '/disk print count-only where raid-member-failed')).stdout, '1\r\n');
    s.device.startRebuild('mirror', { durationMs: 60_000 });
    now += 15_000;
    assert.equal(await state('mirror'), 'clean, degraded, recovering = 25.0%');
    s.device.clearAllFaults();
    now -= 15_000; // back to the instant of the healthy read: drives age with time
    assert.equal((await exec(c, DISK_JSON)).stdout, healthy, 'the same bytes as before the faults');
    s.device.stopFan('fan1');
    assert.match((await exec(c, '/system health print terse')).stdout, / name=fan1-speed value=0 type=RPM\r\n/);
  });

  it('variants over SSH: an old RouterOS answers the probe with an error line and exit 0', async () => {
    const s = await sim({ device: { variant: 'routeros-7.14' } });
    const c = await connect(s);
    assert.deepEqual(await exec(c, ':put [:serialize to=json 1]'), { stdout: 'bad command name serialize (line 1 column 7)\r\n', code: 0 });
    const noRose = await sim({ device: { variant: 'no-rose-storage' } });
    const c2 = await connect(noRose);
    assert.deepEqual(await exec(c2, '/disk btrfs filesystem print terse'), { stdout: 'bad command name btrfs (line 1 column 7)\r\n', code: 0 });
  });

  it('garbage arrives exactly: 2 MiB of spaces, and random bytes that are not text', async () => {
    const s = await sim();
    const c = await connect(s);
    s.device.garbage('/disk print terse', 'spaces');
    const big = await execBytes(c, '/disk print terse');
    assert.equal(big.code, 0);
    assert.equal(big.stdout.length, 2 * 1024 * 1024);
    assert.ok(big.stdout.subarray(1000, 2_000_000).every((b) => b === 0x20));
    s.device.garbage(DISK_JSON, 'random', { bytes: 10_000, seed: 3 });
    const noise = await execBytes(c, DISK_JSON);
    assert.deepEqual(noise.stdout, s.device.answerBytes(DISK_JSON));
    assert.ok(noise.stdout.some((b) => b >= 0x80), 'bytes beyond ASCII arrive unchanged');
    s.device.clearAllFaults();
    assert.ok((await exec(c, '/disk print terse')).stdout.startsWith(' 0 '));
  });
});

after(async () => {
  for (const s of sims.splice(0)) await s.close();
});
