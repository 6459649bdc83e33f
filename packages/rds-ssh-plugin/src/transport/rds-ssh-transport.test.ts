import 'reflect-metadata';
import { after, before, beforeEach, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import ssh2 from 'ssh2';
import { ErrorCode, LogEvent, TransportError, type Logger, type TransportContext } from '@rds-agent/core';
import { FakeClock, SystemClock } from '@rds-agent/core/testing';
import { generateKeyPair, startRdsSimulator, type RdsSimulator } from '../testing/index.js';
import type { RdsSshConfig } from '../config.js';
import { simTargetConfig } from './sim-target.test.support.js';
import { keyscan } from '../host-key/keyscan.js';
import { RdsSshTransport } from './rds-ssh-transport.js';

// ---- helpers (kept in this file on purpose) ------------------------------------------------------

interface LogLine {
  level: string;
  obj: Record<string, unknown>;
  msg: string | undefined;
  /** Keys the call site passed although the logger is bound to them (each key must appear once per line). */
  repeated: string[];
}

function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const make = (bindings: Record<string, unknown>): Logger & { lines: LogLine[] } => {
    const log =
      (level: string) =>
      (obj: object | string, msg?: string): void => {
        lines.push(
          typeof obj === 'string'
            ? { level, obj: { ...bindings }, msg: obj, repeated: [] }
            : { level, obj: { ...bindings, ...obj }, msg, repeated: Object.keys(obj).filter((k) => Object.hasOwn(bindings, k)) },
        );
      };
    return {
      lines,
      trace: log('trace'),
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      fatal: log('fatal'),
      child: (b) => make({ ...bindings, ...b }),
    };
  };
  return make({});
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Bounded real-time poll for a condition on a real peer (the simulator's sockets). */
async function waitFor(what: string, cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = performance.now();
  while (!cond()) {
    if (performance.now() - start > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

const isCode =
  (code: string, retryable?: boolean) =>
  (e: unknown): boolean => {
    assert.ok(e instanceof TransportError, `expected a TransportError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (retryable !== undefined) assert.equal(e.retryable, retryable);
    return true;
  };


// ---- fixture ----------------------------------------------------------------------------------------

let sim: RdsSimulator;
let dir: string;
let keyFile: string;
let client: { private: string; public: string };
const open: RdsSshTransport[] = [];
const loggers: ReturnType<typeof recordingLogger>[] = [];

function make(options: Partial<RdsSshConfig> = {}, ctx: Partial<TransportContext> = {}): { t: RdsSshTransport; logger: ReturnType<typeof recordingLogger> } {
  const logger = recordingLogger();
  loggers.push(logger);
  const config: RdsSshConfig = simTargetConfig(sim, keyFile, options);
  const t = new RdsSshTransport(config, {
    target: 'rds-test',
    // Bound to the target, as the agent's target assembly does.
    logger: logger.child({ target: 'rds-test' }),
    clock: new SystemClock(),
    random: { next: () => 0.5 },
    ...ctx,
  });
  open.push(t);
  return { t, logger };
}

const signal = (): AbortSignal => new AbortController().signal;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rds-ssh-test-'));
  client = generateKeyPair();
  sim = await startRdsSimulator({ hostKey: generateKeyPair().private, users: [{ username: 'admin', publicKey: client.public }] });
  keyFile = join(dir, 'id_ed25519');
  writeFileSync(keyFile, client.private, { mode: 0o600 });
});

after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  sim.setKeepaliveMode('failure');
  sim.rejectAuth(false);
  sim.failExec(false);
  sim.hangNewConnections(false);
  sim.setLatency(0);
});

afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  const repeated = loggers.splice(0).flatMap((l) => l.lines.filter((line) => line.repeated.length > 0).map((line) => `${line.msg}: ${line.repeated.join(', ')}`));
  assert.deepEqual(repeated, [], 'no log call repeats a key its logger is bound to');
  sim.freeze(false);
  await waitFor('simulator connections to close', () => sim.openConnections === 0);
});

// ---- connect, host keys, errors ----------------------------------------------------------------------

describe('connect and host-key verification', () => {
  test('connects with a pinned key, probes with a command, runs a command, describes itself', async () => {
    const { t } = make();
    await t.connect(signal());
    assert.equal(sim.connections().filter((c) => c.state === 'authenticated').length, 1);
    const r = await t.probe(signal());
    assert.equal(r.mode, 'command');
    assert.equal(typeof r.latencyMs, 'number');
    const out = await t.run('/system identity print');
    assert.ok(!out.includes('\r'), 'CRLF normalised');
    assert.match(out, /^\s*name: \S+\n/);
    assert.deepEqual(t.describe(), { host: '127.0.0.1', port: String(sim.port), host_key_verification: 'pinned', probe_mode: 'command' });
  });

  test('host key mismatch: never authenticates, permanent error, security event logged', async () => {
    const wrong = 'SHA256:' + 'x'.repeat(43);
    const { t, logger } = make({ hostKeyFingerprints: [wrong] });
    const commandsBefore = sim.totalCommands;
    await assert.rejects(t.connect(signal()), isCode(ErrorCode.HOST_KEY_MISMATCH, false));
    assert.equal(sim.totalCommands, commandsBefore);
    assert.ok(sim.connections().every((c) => c.state !== 'authenticated'), 'no authenticated session');
    const event = logger.lines.find((l) => l.level === 'error' && l.obj['event'] === LogEvent.hostKeyMismatch);
    assert.ok(event, 'security event logged');
    assert.deepEqual(event.obj['expected'], [wrong]);
    assert.equal(event.obj['presented'], sim.hostKeyFingerprint);
    assert.equal(event.obj['target'], 'rds-test');
  });

  test('a host key that changes after the first connect is refused on reconnect', async () => {
    const original = sim.hostKey;
    const { t } = make();
    await t.connect(signal());
    sim.changeHostKey(generateKeyPair().private);
    try {
      await assert.rejects(t.connect(signal()), isCode(ErrorCode.HOST_KEY_MISMATCH, false));
    } finally {
      sim.changeHostKey(original);
    }
  });

  test('knownHostsFile pins the key of [host]:port', async () => {
    const kh = join(dir, 'known_hosts');
    // Built from the simulator's private host key, independently of keyscan.
    const parsed = ssh2.utils.parseKey(sim.hostKey);
    assert.ok(!(parsed instanceof Error));
    const key = Array.isArray(parsed) ? parsed[0]! : parsed;
    const pub = `${key.type} ${key.getPublicSSH().toString('base64')}`;
    writeFileSync(kh, `# test\n[127.0.0.1]:${sim.port} ${pub}\n`);
    const { t } = make({ hostKeyFingerprints: [], knownHostsFile: kh });
    await t.connect(signal());
    await t.close();
    writeFileSync(kh, `127.0.0.1 ${pub}\n`); // port 22 entry: does not match this port
    await assert.rejects(t.connect(signal()), isCode(ErrorCode.HOST_KEY_MISMATCH, false));
  });

  test('insecureSkipHostKeyCheck connects to any key, warns loudly, describes disabled', async () => {
    const { t, logger } = make({ hostKeyFingerprints: [], insecureSkipHostKeyCheck: true });
    await t.connect(signal());
    assert.equal(t.describe()['host_key_verification'], 'disabled');
    const warnings = logger.lines.filter((l) => l.level === 'warn' && /HOST KEY VERIFICATION IS DISABLED/.test(l.msg ?? ''));
    assert.deepEqual(warnings.map((l) => [l.obj['event'], l.obj['target']]), [[LogEvent.hostKeyCheckDisabled, 'rds-test']]);
    await t.close();
    await t.connect(signal());
    assert.equal(logger.lines.filter((l) => l.obj['event'] === LogEvent.hostKeyCheckDisabled).length, 1, 'once per transport, not per connect');
  });

  test('rejected credentials are a permanent AUTH error', async () => {
    sim.rejectAuth(true);
    const { t } = make();
    await assert.rejects(t.connect(signal()), isCode(ErrorCode.AUTH, false));
  });

  test('a missing key file is a permanent AUTH error naming the file; a world-readable one is warned about', async () => {
    const { t } = make({ privateKeyFile: join(dir, 'nope') });
    await assert.rejects(t.connect(signal()), (e: unknown) => isCode(ErrorCode.AUTH, false)(e) && /nope/.test((e as Error).message));
    const loose = join(dir, 'loose_key');
    writeFileSync(loose, client.private);
    chmodSync(loose, 0o644);
    const { t: t2, logger } = make({ privateKeyFile: loose });
    await t2.connect(signal());
    const warn = logger.lines.find((l) => l.level === 'warn' && l.obj['file'] === loose);
    assert.ok(warn, 'warning names the file');
    assert.equal(warn.obj['event'], LogEvent.credentialFileReadable);
    assert.ok(!JSON.stringify(logger.lines).includes('PRIVATE KEY'), 'key material never logged');
  });

  test('password from passwordFile (first line), and as fallback after a key the server does not accept', async () => {
    const pwSim = await startRdsSimulator({ hostKey: generateKeyPair().private, users: [{ username: 'pw', password: 's3cret' }] });
    try {
      const pwFile = join(dir, 'password');
      writeFileSync(pwFile, 's3cret\nignored second line\n', { mode: 0o600 });
      const base = { port: pwSim.port, username: 'pw', hostKeyFingerprints: [pwSim.hostKeyFingerprint] };
      const { t, logger } = make({ ...base, privateKeyFile: null, passwordFile: pwFile });
      await t.connect(signal());
      assert.equal((await t.run(':put 1')).trim(), '1');
      assert.ok(!JSON.stringify(logger.lines).includes('s3cret'), 'password never logged');
      await t.close();
      const { t: both } = make({ ...base, privateKeyFile: keyFile, passwordFile: pwFile });
      await both.connect(signal());
      await both.close();
      writeFileSync(pwFile, 'wrong\n');
      const { t: bad } = make({ ...base, privateKeyFile: null, passwordFile: pwFile });
      await assert.rejects(bad.connect(signal()), isCode(ErrorCode.AUTH, false));
    } finally {
      await pwSim.close();
    }
  });

  test('nothing listening is REFUSED', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const { t } = make({ port });
    await assert.rejects(t.connect(signal()), isCode(ErrorCode.REFUSED, true));
  });

  test('connect deadline (connectTimeout, on the injected clock) -> TIMEOUT and nothing left open', async () => {
    sim.hangNewConnections(true);
    const baseline = tcpHandles();
    const clock = new FakeClock(1_000_000);
    const { t } = make({ connectTimeout: 5000 }, { clock });
    let outcome: unknown;
    const p = t.connect(signal()).then(
      () => (outcome = 'connected'),
      (e: unknown) => (outcome = e),
    );
    await waitFor('the hung TCP connection', () => sim.openConnections === 1);
    await clock.tickAsync(4999);
    assert.equal(outcome, undefined, 'still connecting at t=4999');
    await clock.tickAsync(1);
    await p;
    isCode(ErrorCode.TIMEOUT)(outcome);
    // A hung server never reads, so only the client side can prove the socket is gone.
    await waitFor('client socket destroyed', () => tcpHandles() <= baseline);
    assert.equal(clock.pendingTimers(), 0, 'no sleeping timer left');
    sim.dropAllConnections();
  });

  test('connect honours its AbortSignal and close() during a pending connect', async () => {
    sim.hangNewConnections(true);
    const baseline = tcpHandles();
    const { t } = make();
    const ctrl = new AbortController();
    const p = t.connect(ctrl.signal);
    await waitFor('the hung TCP connection', () => sim.openConnections === 1);
    ctrl.abort();
    await assert.rejects(p, isCode(ErrorCode.ABORTED));
    await waitFor('client socket destroyed', () => tcpHandles() <= baseline + 1); // +1: the simulator's end
    sim.dropAllConnections();
    await waitFor('simulator side closed', () => sim.openConnections === 0 && tcpHandles() <= baseline);

    const p2 = t.connect(signal());
    await waitFor('the hung TCP connection', () => sim.openConnections === 1);
    await t.close();
    await assert.rejects(p2, isCode(ErrorCode.ABORTED));
    await waitFor('client socket destroyed', () => tcpHandles() <= baseline + 1);
    sim.dropAllConnections();
  });
});

// ---- lifecycle -----------------------------------------------------------------------------------------

describe('lifecycle and loss', () => {
  test('close() is idempotent and safe before connect; close never fires onLost', async () => {
    const { t } = make();
    await t.close();
    await t.close();
    let lost = 0;
    t.onLost(() => lost++);
    await t.connect(signal());
    await t.close();
    await t.close();
    await waitFor('closed on the server', () => sim.openConnections === 0);
    await flush();
    assert.equal(lost, 0);
    await assert.rejects(t.probe(signal()), isCode(ErrorCode.NOT_CONNECTED));
    await assert.rejects(t.run(':put 1'), isCode(ErrorCode.NOT_CONNECTED));
  });

  test('close-before-reconnect: repeated connects leave one session and no sockets behind', async () => {
    const before = tcpHandles();
    const { t } = make();
    for (let i = 0; i < 5; i++) {
      await t.connect(signal());
      await t.probe(signal());
    }
    await waitFor('old sessions closed on the server', () => sim.openConnections === 1);
    await t.close();
    await waitFor('all sessions closed', () => sim.openConnections === 0);
    await waitFor('client sockets released', () => tcpHandles() <= before);
  });

  test('onLost fires once, immediately, when the server drops the connection', async () => {
    const { t } = make();
    const errors: TransportError[] = [];
    const unsubscribeOther = t.onLost(() => assert.fail('unsubscribed listener called'));
    unsubscribeOther();
    t.onLost((e) => errors.push(e));
    await t.connect(signal());
    sim.dropAllConnections();
    await waitFor('loss reported', () => errors.length > 0);
    await flush();
    assert.equal(errors.length, 1, 'reported once although ssh2 emits end and close');
    assert.equal(errors[0]!.code, ErrorCode.NETWORK);
    await assert.rejects(t.probe(signal()), isCode(ErrorCode.NOT_CONNECTED));
    // The next connection is watched again.
    await t.connect(signal());
    sim.dropAllConnections();
    await waitFor('second loss reported', () => errors.length === 2);
  });
});

// ---- probes ----------------------------------------------------------------------------------------------

describe('probe', () => {
  test('exec refused while the connection stays up (OpenSSH without its monitor) -> UNHEALTHY', async () => {
    const { t } = make();
    await t.connect(signal());
    sim.failExec(true);
    await assert.rejects(t.probe(signal()), isCode(ErrorCode.UNHEALTHY, true));
  });

  test('RouterOS error text on stdout with exit 0 fails the probe', async () => {
    const { t } = make();
    await t.connect(signal());
    sim.setCommandHandler(':put 1', () => 'not enough permissions (9)\r\n');
    try {
      await assert.rejects(t.probe(signal()), isCode(ErrorCode.UNHEALTHY));
    } finally {
      sim.setCommandHandler(':put 1', undefined);
    }
  });

  test('a hung peer: the probe rejects with TIMEOUT when its deadline aborts it', async () => {
    const { t } = make();
    await t.connect(signal());
    sim.freeze(true);
    const ctrl = new AbortController();
    const p = t.probe(ctrl.signal);
    await flush();
    ctrl.abort();
    await assert.rejects(p, isCode(ErrorCode.TIMEOUT, true));
  });

  test('keepalive mode: keepalive round-trips, a command every commandProbeInterval', async () => {
    const clock = new FakeClock(1_000_000);
    const { t } = make({ keepaliveInterval: 10_000, commandProbeInterval: 60_000 }, { clock });
    await t.connect(signal());
    assert.equal(t.describe()['probe_mode'], 'keepalive+command');
    const commands = sim.totalCommands;
    const r = await t.probe(signal());
    assert.equal(r.mode, 'keepalive+command');
    assert.equal(sim.totalCommands, commands, 'a keepalive probe runs no command');
    await clock.tickAsync(60_000);
    await t.probe(signal());
    assert.equal(sim.totalCommands, commands + 1, 'a command probe once commandProbeInterval passed');
    await t.probe(signal());
    assert.equal(sim.totalCommands, commands + 1);
  });

  test('keepalive mode: a SUCCESS reply proves liveness too', async () => {
    sim.setKeepaliveMode('success');
    const { t } = make({ keepaliveInterval: 10_000 }, { clock: new FakeClock(1_000_000) });
    await t.connect(signal());
    assert.equal(t.describe()['probe_mode'], 'keepalive+command');
    await t.probe(signal());
  });

  test('keepalive mode falls back to command probes when the peer ignores keepalives', async () => {
    sim.setKeepaliveMode('ignore');
    const { t, logger } = make({ keepaliveInterval: 10_000 }, { clock: new FakeClock(1_000_000) });
    await t.connect(signal());
    assert.equal(t.describe()['probe_mode'], 'command');
    assert.ok(logger.lines.some((l) => l.level === 'warn' && /keepalive/.test(l.msg ?? '')));
    const commands = sim.totalCommands;
    assert.equal((await t.probe(signal())).mode, 'command');
    assert.equal(sim.totalCommands, commands + 1);
  });

  test('keepalive mode: exec refused still fails the command probe although keepalives are answered', async () => {
    const clock = new FakeClock(1_000_000);
    const { t } = make({ keepaliveInterval: 10_000, commandProbeInterval: 60_000 }, { clock });
    await t.connect(signal());
    sim.failExec(true);
    await t.probe(signal()); // keepalive probe: the SSH layer is alive
    await clock.tickAsync(60_000);
    await assert.rejects(t.probe(signal()), isCode(ErrorCode.UNHEALTHY));
  });

  test('keepalives between probes: 3 unanswered in a row = hung peer -> onLost(TIMEOUT)', async () => {
    const clock = new FakeClock(1_000_000);
    const { t } = make({ keepaliveInterval: 10_000 }, { clock });
    const errors: TransportError[] = [];
    t.onLost((e) => errors.push(e));
    await t.connect(signal());
    await clock.tickAsync(10_000); // ping 1
    await t.probe(signal()); // a keepalive probe: answered in order, so ping 1 was answered too
    sim.freeze(true);
    await clock.tickAsync(10_000); // ping 2 (previous answered)
    await clock.tickAsync(10_000); // missed 1
    await clock.tickAsync(10_000); // missed 2
    assert.equal(errors.length, 0);
    await clock.tickAsync(10_000); // missed 3
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, ErrorCode.TIMEOUT);
    assert.match(errors[0]!.message, /Keepalive timeout/);
    assert.equal(clock.pendingTimers(), 0, 'the keepalive loop stopped');
  });
});

// ---- command runner -------------------------------------------------------------------------------------

describe('run', () => {
  test('RouterOS error text, stderr and a missing exit status are COMMAND errors; an unknown command is UNSUPPORTED; the connection stays usable', async () => {
    const { t } = make();
    await t.connect(signal());
    // The device does not know the command (an older RouterOS, a package not installed): not a refusal of this call only.
    await assert.rejects(t.run('/bogus'), (e: unknown) => isCode(ErrorCode.UNSUPPORTED)(e) && /bad command name/.test((e as Error).message));
    sim.setCommandHandler('/x arg', () => 'expected end of command (line 1 column 9)\r\n');
    sim.setCommandHandler('/x stderr', () => ({ stdout: '', stderr: 'oops', exitCode: 1 }));
    sim.setCommandHandler('/x noexit', () => ({ stdout: 'partial\r\n', exitCode: null }));
    sim.setCommandHandler('/x later', () => ({ stdout: '  name: a\r\nfailure: not allowed by device-mode (/system/scheduler/add; line 1)\r\n' }));
    try {
      await assert.rejects(t.run('/x stderr'), isCode(ErrorCode.COMMAND));
      await assert.rejects(t.run('/x noexit'), isCode(ErrorCode.COMMAND));
      await assert.rejects(t.run('/x later'), (e: unknown) => isCode(ErrorCode.COMMAND)(e) && /device-mode/.test((e as Error).message));
      await assert.rejects(t.run('/x arg'), isCode(ErrorCode.UNSUPPORTED));
    } finally {
      for (const c of ['/x stderr', '/x noexit', '/x later', '/x arg']) sim.setCommandHandler(c, undefined);
    }
    assert.equal((await t.run(':put 1')).trim(), '1');
  });

  test('output over maxOutputBytes fails with COMMAND and closes the channel', async () => {
    const { t } = make({ maxOutputBytes: 1024 });
    await t.connect(signal());
    sim.setCommandHandler('/big', () => 'x'.repeat(4096));
    try {
      await assert.rejects(t.run('/big'), (e: unknown) => isCode(ErrorCode.COMMAND)(e) && /maxOutputBytes/.test((e as Error).message));
      await waitFor('channel closed', () => sim.openSessions === 0);
      assert.equal((await t.run(':put 1')).trim(), '1');
    } finally {
      sim.setCommandHandler('/big', undefined);
    }
  });

  test('a command past its timeout fails with TIMEOUT and its channel is closed', async () => {
    const clock = new FakeClock(1_000_000);
    const { t } = make({}, { clock });
    await t.connect(signal());
    sim.setCommandHandler('/disk monitor-traffic storage-pool', () => ({ hang: true }));
    try {
      const p = t.run('/disk monitor-traffic storage-pool', { timeoutMs: 2000 });
      const rejected = assert.rejects(p, isCode(ErrorCode.TIMEOUT));
      await waitFor('session open', () => sim.openSessions === 1);
      await clock.tickAsync(1999);
      assert.equal(sim.openSessions, 1);
      await clock.tickAsync(1);
      await rejected;
      await waitFor('channel closed', () => sim.openSessions === 0);
      const ctrl = new AbortController();
      const p2 = t.run('/disk monitor-traffic storage-pool', { signal: ctrl.signal });
      await waitFor('session open', () => sim.openSessions === 1);
      ctrl.abort();
      await assert.rejects(p2, isCode(ErrorCode.ABORTED));
      await waitFor('channel closed', () => sim.openSessions === 0);
      assert.equal(clock.pendingTimers(), 0, 'no timer left');
    } finally {
      sim.setCommandHandler('/disk monitor-traffic storage-pool', undefined);
    }
  });

  test('at most maxChannels exec channels are open at once', async () => {
    sim.setLatency(20);
    const { t } = make({ maxChannels: 2 });
    await t.connect(signal());
    const peakBefore = sim.peakSessionsPerConnection;
    assert.ok(peakBefore <= 2);
    const outs = await Promise.all(Array.from({ length: 6 }, () => t.run(':put 1')));
    assert.deepEqual(
      outs.map((o) => o.trim()),
      ['1', '1', '1', '1', '1', '1'],
    );
    const info = sim.connections()[0]!;
    assert.equal(info.peakSessions, 2);
  });

  test('a probe does not queue behind slow commands holding every channel', async () => {
    const { t } = make({ maxChannels: 1 });
    await t.connect(signal());
    sim.setCommandHandler('/slow', () => ({ hang: true }));
    try {
      const ctrl = new AbortController();
      const slow = t.run('/slow', { signal: ctrl.signal });
      const queued = t.run(':put 1', { signal: ctrl.signal });
      const settled = Promise.allSettled([slow, queued]);
      await waitFor('the slow command holds the only channel', () => sim.openSessions === 1);
      const r = await t.probe(AbortSignal.timeout(2000));
      assert.equal(r.mode, 'command');
      ctrl.abort();
      const outcomes = await settled;
      assert.ok(outcomes.every((o) => o.status === 'rejected'));
    } finally {
      sim.setCommandHandler('/slow', undefined);
    }
  });

  test('a dropped connection fails a running command with a connection error', async () => {
    const { t } = make();
    await t.connect(signal());
    sim.setCommandHandler('/slow', () => ({ hang: true }));
    try {
      const p = t.run('/slow');
      await waitFor('session open', () => sim.openSessions === 1);
      sim.dropAllConnections();
      await assert.rejects(p, (e: unknown) => e instanceof TransportError && e.code !== ErrorCode.COMMAND);
    } finally {
      sim.setCommandHandler('/slow', undefined);
    }
  });
});

test('keyscan returns the host key without authenticating', async () => {
  const commands = sim.totalCommands;
  const keys = await keyscan('127.0.0.1', sim.port, { clock: new SystemClock(), timeoutMs: 5000 });
  assert.deepEqual(keys, [{ type: 'ssh-ed25519', fingerprint: sim.hostKeyFingerprint }]);
  assert.equal(sim.totalCommands, commands);
  await waitFor('keyscan connection closed', () => sim.openConnections === 0);
});
