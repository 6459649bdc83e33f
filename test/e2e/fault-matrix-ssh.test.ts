/**
 * The SSH fault matrix against real OpenSSH: `rds-agent run` as a child process monitors one target
 * on a private sshd (directly, or through a misbehaving TCP front for banner faults). For each fault
 * it checks what an operator sees: the state and `lastError` in `/status`, the
 * `rds_disconnects_total` / `rds_connect_errors_total` series by reason, the recovery once the fault
 * is removed, and that the process survives and stops cleanly.
 *
 * The expected reason of every fault is read from the "What each fault is reported as" table of the
 * rds-ssh README, so the documentation and the measurement cannot drift apart; the last test checks
 * that every row of that table was measured here.
 *
 * Needs root and /usr/sbin/sshd (`apt-get install -y openssh-server`); fails loudly without them.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { LogEvent } from '@rds-agent/core';
import { REPO_ROOT, tempDir } from '../support/agent-cli.js';
import {
  FAULT_SETTINGS,
  PROMETHEUS_ON_ANY_PORT,
  assertSurvivesAndStops,
  nonZero,
  scrape,
  seriesBy,
  seriesValue,
  sshTargetYaml,
  startAgent,
  targetStatus,
  waitForMetrics,
  waitForTarget,
  type RunningAgent,
  type SshLogin,
  type TargetStatusView,
} from '../support/fault-agent.js';
import { FaultTcpServer } from '../support/fault-tcp-server.js';
import { isAlive, signalPids, TestSshd, waitUntil } from '../support/sshd.js';
import { useTestSshd } from '../support/ssh-harness.js';

const TARGET = 'rds';
const peer = useTestSshd();
let tmp: Awaited<ReturnType<typeof tempDir>>;
const agents: RunningAgent[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

before(async () => {
  tmp = await tempDir('rds-fault-matrix-');
});
afterEach(async () => {
  for (const a of agents.splice(0)) a.process.kill();
  for (const c of cleanups.splice(0).reverse()) await c();
  const sshd = peer.sshd;
  if (sshd.pid) signalPids([sshd.pid], 'SIGCONT');
  sshd.killSessions('all', 'SIGCONT');
  sshd.killSessions('all', 'SIGKILL');
  sshd.authorizeKey();
  sshd.hangCommands(false);
  await sshd.restoreHostKey();
  await sshd.startListener();
});
after(async () => {
  await tmp?.cleanup();
});

// --- the README's table ----------------------------------------------------------------------

const README = join(REPO_ROOT, 'packages', 'rds-ssh-plugin', 'README.md');
const measured = new Set<string>();

/** Rows of the rds-ssh README's "What each fault is reported as" table: `fault|seen as` -> reason. */
function faultTable(): Map<string, string> {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('### What each fault is reported as');
  assert.ok(start >= 0, 'the rds-ssh README has a "What each fault is reported as" table');
  const rows = new Map<string, string>();
  for (const line of text.slice(start).split('\n').slice(1)) {
    if (!line.startsWith('|')) {
      if (rows.size > 0) break; // the end of the table
      continue;
    }
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || cells[1] === 'fault' || cells[1]!.startsWith('---')) continue;
    rows.set(`${cells[1]}|${cells[2]}`, cells[3]!.replace(/`/g, ''));
  }
  return rows;
}

/** The reason the README documents for `fault`, seen as a `loss`, a failed `connect`, or `none` (handled, nothing lost). */
function documented(fault: string, seenAs: 'loss' | 'connect' | 'none'): string {
  const key = `${fault}|${seenAs}`;
  const reason = faultTable().get(key);
  assert.ok(reason, `the rds-ssh README documents "${fault}" (seen as ${seenAs})`);
  measured.add(key);
  return reason;
}

const codeOf = (reason: string): string => `RDS_AGENT_ERR_${reason.toUpperCase().replace(/-/g, '_')}`;

// --- helpers ---------------------------------------------------------------------------------

function loginTo(sshd: TestSshd, via?: { host: string; port: number }): SshLogin {
  return { host: via?.host ?? sshd.host, port: via?.port ?? sshd.port, user: sshd.user, keyFile: sshd.clientKeyFile, fingerprints: [sshd.hostKeyFingerprint] };
}

async function agentOn(name: string, login: SshLogin, options: { transport?: string[]; settings?: string } = {}): Promise<RunningAgent> {
  const config = `${options.settings ?? FAULT_SETTINGS}targets:\n${sshTargetYaml(TARGET, login, options.transport)}${PROMETHEUS_ON_ANY_PORT}`;
  const agent = await startAgent(tmp.dir, name, config);
  agents.push(agent);
  return agent;
}

/** Loss and connect-error counts by reason, and successful connects, from one scrape. */
interface Counts {
  readonly losses: Record<string, number>;
  readonly connectErrors: Record<string, number>;
  readonly connects: number;
}

function counts(text: string): Counts {
  return {
    losses: seriesBy(text, 'rds_disconnects_total', 'reason', { target: TARGET }),
    connectErrors: seriesBy(text, 'rds_connect_errors_total', 'reason', { target: TARGET }),
    connects: seriesValue(text, 'rds_reconnect_total', { target: TARGET, status: 'success' }) ?? 0,
  };
}

/** What grew between two snapshots, by reason (zero growth left out). */
function grown(before: Record<string, number>, now: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(now)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

const total = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

async function connected(a: RunningAgent): Promise<Counts> {
  await waitForTarget(a.url, TARGET, (s) => s.state === 'connected', { description: `${TARGET} connected` });
  return counts(await scrape(a.url));
}

/**
 * Waits until, since `since`, at least `losses` connections were lost and `connectErrors` attempts
 * failed, and (unless `down: false`) the target is down; returns the growth and the status then.
 */
async function whileFaulted(a: RunningAgent, since: Counts, want: { losses?: number; connectErrors?: number; down?: boolean }): Promise<{ losses: Record<string, number>; connectErrors: Record<string, number>; status: TargetStatusView; state: number | undefined }> {
  const text = await waitForMetrics(
    a.url,
    (t) => {
      const c = counts(t);
      return total(grown(since.losses, c.losses)) >= (want.losses ?? 0) && total(grown(since.connectErrors, c.connectErrors)) >= (want.connectErrors ?? 0) && (want.down === false || seriesValue(t, 'rds_connection_state', { target: TARGET }) === 0);
    },
    { timeoutMs: 20_000, description: `${want.losses ?? 0} loss(es) and ${want.connectErrors ?? 0} failed connect(s)` },
  );
  const c = counts(text);
  const status = (await targetStatus(a.url, TARGET))!;
  return { losses: grown(since.losses, c.losses), connectErrors: grown(since.connectErrors, c.connectErrors), status, state: seriesValue(text, 'rds_connection_state', { target: TARGET }) };
}

/** The fault is gone: the target connects again, `rds_connection_state` is 1 and one more connect succeeded. */
async function recovers(a: RunningAgent, since: Counts): Promise<Counts> {
  const text = await waitForMetrics(a.url, (t) => counts(t).connects > since.connects && seriesValue(t, 'rds_connection_state', { target: TARGET }) === 1, {
    timeoutMs: 20_000,
    description: `a successful connect after the ${since.connects} before`,
  });
  const status = (await targetStatus(a.url, TARGET))!;
  assert.equal(status.state, 'connected');
  assert.equal(status.reason, 'connected');
  return counts(text);
}

/** The status shows the target down because of `reason`. */
function assertDownBecause(status: TargetStatusView, reason: string): void {
  assert.notEqual(status.state, 'connected', 'the target is down');
  assert.equal(status.lastError?.reason, reason, `lastError: ${JSON.stringify(status.lastError)}`);
  assert.equal(status.lastError?.code, codeOf(reason));
}

// --- the peer's processes --------------------------------------------------------------------

test('sshd and its session processes killed: loss (network), refused while down, recovery', async () => {
  const sshd = peer.sshd;
  const a = await agentOn('killed', loginTo(sshd));
  const before = await connected(a);
  await sshd.waitForSessions(1);
  await sshd.stopListener();
  assert.equal(sshd.killSessions('all', 'SIGKILL').length, 2);

  const seen = await whileFaulted(a, before, { losses: 1, connectErrors: 2 });
  assert.deepEqual(seen.losses, { [documented('sshd and its session processes killed', 'loss')]: 1 });
  assert.deepEqual(Object.keys(seen.connectErrors), [documented('nothing listening', 'connect')]);
  assertDownBecause(seen.status, 'refused');

  await sshd.startListener();
  await recovers(a, before);
  await sshd.waitForSessions(1);
  await assertSurvivesAndStops(a.process);
});

test('nothing listening at start: connect errors (refused), recovery when sshd starts', async () => {
  const sshd = peer.sshd;
  await sshd.stopListener();
  const a = await agentOn('refused', loginTo(sshd));
  const seen = await whileFaulted(a, { losses: {}, connectErrors: {}, connects: 0 }, { connectErrors: 2 });
  const reason = documented('nothing listening', 'connect');
  assert.deepEqual(Object.keys(seen.connectErrors), [reason]);
  assert.deepEqual(seen.losses, {});
  assertDownBecause(seen.status, reason);
  assert.equal(seen.state, 0);

  await sshd.startListener();
  await recovers(a, { losses: {}, connectErrors: {}, connects: 0 });
  await assertSurvivesAndStops(a.process);
});

test('peer hung (listener and sessions SIGSTOPped): loss (timeout), connects time out, recovery after SIGCONT', async () => {
  const sshd = peer.sshd;
  const a = await agentOn('hung', loginTo(sshd));
  const before = await connected(a);
  await sshd.waitForSessions(1);
  const frozen = [sshd.pid!, ...sshd.sessionProcesses().map((p) => p.pid)];
  cleanups.push(() => void signalPids(frozen, 'SIGCONT'));
  assert.equal(signalPids(frozen, 'SIGSTOP').length, 3);

  const seen = await whileFaulted(a, before, { losses: 1, connectErrors: 1 });
  assert.deepEqual(seen.losses, { [documented('peer hung (every sshd process stopped)', 'loss')]: 1 });
  const reason = documented('peer hung (every sshd process stopped)', 'connect');
  assert.deepEqual(Object.keys(seen.connectErrors), [reason]);
  assertDownBecause(seen.status, reason);

  signalPids(frozen, 'SIGCONT');
  await recovers(a, before);
  // Thawed, the old session finds its client gone and exits: nothing leaks on the server.
  await waitUntil(() => frozen.slice(1).every((pid) => !isAlive(pid)), 10_000, 'the thawed session processes to exit');
  await sshd.waitForSessions(1);
  await assertSurvivesAndStops(a.process);
});

test('privileged monitor killed, three times: each loss is reported as documented, then recovery', async () => {
  const sshd = peer.sshd;
  const a = await agentOn('priv', loginTo(sshd));
  let since = await connected(a);
  const reason = documented('privileged monitor killed', 'loss');
  for (let trial = 1; trial <= 3; trial++) {
    await sshd.waitForSessions(1);
    const logFrom = readFileSync(sshd.logFile, 'utf8').length;
    assert.equal(sshd.killSessions('priv', 'SIGKILL').length, 1, `trial ${trial}: one [priv] monitor killed`);
    const text = await waitForMetrics(a.url, (t) => total(grown(since.losses, counts(t).losses)) >= 1, { description: `trial ${trial}: the loss` });
    assert.deepEqual(grown(since.losses, counts(text).losses), { [reason]: 1 }, `trial ${trial}`);
    // The probe's exec is what hit the dead monitor.
    await waitUntil(() => /mm_request_send: write: Broken pipe/.test(readFileSync(sshd.logFile, 'utf8').slice(logFrom)), 5_000, 'sshd to log the dead monitor');
    since = await recovers(a, since);
    const status = (await targetStatus(a.url, TARGET))!;
    assert.equal(status.lastError?.code, codeOf(reason), `trial ${trial}: lastError ${JSON.stringify(status.lastError)}`);
  }
  await assertSurvivesAndStops(a.process);
});

test('commands stall behind a live sshd, keepalive mode: keepalive probes pass until the command probe times out', async () => {
  const sshd = peer.sshd;
  const a = await agentOn('half-dead', loginTo(sshd), { transport: ['keepaliveInterval: 500ms', 'commandProbeInterval: 4s'] });
  await connected(a);
  const status = await waitForTarget(a.url, TARGET, (s) => s.probeMode !== null, { description: 'a first probe' });
  assert.equal(status.probeMode, 'keepalive+command', 'OpenSSH answers keepalives');
  const before = counts(await scrape(a.url));
  const okBefore = seriesValue(await scrape(a.url), 'rds_probes_total', { target: TARGET, result: 'ok' }) ?? 0;
  sshd.hangCommands(true);

  const text = await waitForMetrics(a.url, (t) => total(grown(before.losses, counts(t).losses)) >= 1, { description: 'the loss' });
  assert.deepEqual(grown(before.losses, counts(text).losses), { [documented('commands stall, keepalive mode', 'loss')]: 1 });
  // The half-dead session passed keepalive probes first: only a command could tell.
  const okMeanwhile = (seriesValue(text, 'rds_probes_total', { target: TARGET, result: 'ok' }) ?? 0) - okBefore;
  assert.ok(okMeanwhile >= 2, `${okMeanwhile} keepalive probes passed on the half-dead session`);

  sshd.hangCommands(false);
  await recovers(a, before);
  await assertSurvivesAndStops(a.process);
});

// --- the banner ------------------------------------------------------------------------------

/** A misbehaving TCP front for the shared sshd, stopped after the test. */
async function front(): Promise<FaultTcpServer> {
  const f = await FaultTcpServer.start({ host: peer.sshd.host, port: peer.sshd.port });
  cleanups.push(() => f.stop());
  return f;
}

test('TCP accepted, no banner: connects time out, recovery when the banner comes', async () => {
  const f = await front();
  f.mode = { kind: 'silent' };
  const a = await agentOn('no-banner', loginTo(peer.sshd, f));
  const none: Counts = { losses: {}, connectErrors: {}, connects: 0 };
  const seen = await whileFaulted(a, none, { connectErrors: 2 });
  const reason = documented('TCP accepted, no banner', 'connect');
  assert.deepEqual(Object.keys(seen.connectErrors), [reason]);
  assertDownBecause(seen.status, reason);
  assert.ok(f.accepted >= 2, 'every attempt reached the front');

  f.mode = { kind: 'proxy' };
  await recovers(a, none);
  await assertSurvivesAndStops(a.process);
});

test('banner later than connectTimeout: connects time out; a banner late but within it connects', async () => {
  const f = await front();
  f.mode = { kind: 'slow-banner', delayMs: 3_000 }; // connectTimeout is 2 s
  const a = await agentOn('slow-banner', loginTo(peer.sshd, f));
  const none: Counts = { losses: {}, connectErrors: {}, connects: 0 };
  const seen = await whileFaulted(a, none, { connectErrors: 2 });
  const reason = documented('banner later than connectTimeout', 'connect');
  assert.deepEqual(Object.keys(seen.connectErrors), [reason]);
  assertDownBecause(seen.status, reason);

  f.mode = { kind: 'slow-banner', delayMs: 300 };
  await recovers(a, none);
  await assertSurvivesAndStops(a.process);
});

test('garbage banner (an SSH-1.5 server, then binary noise): connect errors as documented, never unknown; recovery', async () => {
  const f = await front();
  f.mode = { kind: 'garbage', bytes: 'SSH-1.5-OpenSSH_2.5\r\n', then: 'hold' };
  const a = await agentOn('garbage-banner', loginTo(peer.sshd, f));
  const reason = documented('garbage banner', 'connect');
  const none: Counts = { losses: {}, connectErrors: {}, connects: 0 };
  const ssh1 = await whileFaulted(a, none, { connectErrors: 2 });
  assert.deepEqual(ssh1.connectErrors, { [reason]: ssh1.connectErrors[reason]! }, `SSH-1.5: ${JSON.stringify(ssh1.connectErrors)}`);
  assertDownBecause(ssh1.status, reason);
  assert.match(ssh1.status.lastError!.message, /Invalid identification string/);

  // A TLS alert (a TLS server on the SSH port): bytes with a CR not followed by LF.
  f.mode = { kind: 'garbage', bytes: Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x0d, 0x28]), then: 'hold' };
  const mark = counts(await scrape(a.url));
  const noise = await whileFaulted(a, mark, { connectErrors: 2 });
  assert.deepEqual(Object.keys(noise.connectErrors), [reason], `binary noise: ${JSON.stringify(noise.connectErrors)}`);
  assert.match((await targetStatus(a.url, TARGET))!.lastError!.message, /Invalid header: expected newline/);
  assert.equal(seriesValue(await scrape(a.url), 'rds_connect_errors_total', { target: TARGET, reason: 'unknown' }), undefined, 'no unknown reason');

  f.mode = { kind: 'proxy' };
  await recovers(a, none);
  await assertSurvivesAndStops(a.process);
});

// --- sshd limits -----------------------------------------------------------------------------

/** Opens an unauthenticated connection that sshd counts against MaxStartups (it got its banner). */
async function holdStartup(sshd: TestSshd): Promise<net.Socket> {
  for (let i = 0; i < 50; i++) {
    const socket = net.connect(sshd.port, sshd.host);
    socket.on('error', () => undefined);
    const first = await new Promise<string>((resolve) => {
      socket.once('data', (d: Buffer) => resolve(d.toString('latin1')));
      socket.once('close', () => resolve(''));
    });
    if (first.startsWith('SSH-2.0-')) return socket;
    socket.destroy();
    // A connection sshd has not reaped yet still counts (its banner check, a dropped attempt).
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('could not hold an unauthenticated sshd connection');
}

/** What sshd answers a new connection with, up to its close. */
function firstWords(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text));
    setTimeout(() => socket.destroy(), 2_000).unref();
  });
}

test('MaxStartups full: reconnects are dropped as documented; recovery when the startups end', async () => {
  const sshd = await TestSshd.start({ maxStartups: '1' });
  cleanups.push(() => sshd.stop());
  const a = await agentOn('max-startups', loginTo(sshd));
  const before = await connected(a);
  await sshd.waitForSessions(1);
  const held = await holdStartup(sshd);
  cleanups.push(() => void held.destroy());
  assert.equal(await firstWords(sshd.port), 'Exceeded MaxStartups\r\n', 'sshd is full');
  sshd.killSessions('all', 'SIGKILL');

  const seen = await whileFaulted(a, before, { losses: 1, connectErrors: 2 });
  const reason = documented('MaxStartups full', 'connect');
  assert.deepEqual(Object.keys(seen.connectErrors), [reason]);
  assertDownBecause(seen.status, reason);
  // A FIN after the text, or an RST when sshd closes before it read the client's own banner.
  assert.match(seen.status.lastError!.message, /Connection lost before handshake|read ECONNRESET/);

  held.destroy();
  await recovers(a, before);
  await assertSurvivesAndStops(a.process);
});

test('MaxSessions 1: back-to-back commands wait for the slot sshd frees late; no loss, readings flow', async () => {
  const sshd = await TestSshd.start({ maxSessions: 1 });
  cleanups.push(() => sshd.stop());
  const settings = FAULT_SETTINGS.replace('telemetryInterval: 0', 'telemetryInterval: 2s\n  telemetryTimeout: 2s');
  const a = await agentOn('max-sessions', loginTo(sshd), { settings, transport: ['telemetryDisks: [storage-pool, nvme1]', 'inputs: { traffic: { interval: 2s, timeout: 2s } }'] });
  const before = await connected(a);
  documented('MaxSessions 1', 'none');
  // Each traffic run is two commands back to back (one per slot), and the probes run between them;
  // sshd refuses a channel opened before it processed the close of the last one. Six runs.
  const calls = (): number => Number(readFileSync(join(sshd.dir, 'state', 'calls'), 'utf8'));
  const mark = calls();
  await waitUntil(() => calls() >= mark + 12, 30_000, 'six traffic runs');
  const text = await scrape(a.url);
  const now = counts(text);
  assert.deepEqual(grown(before.losses, now.losses), {}, 'no loss');
  assert.equal(now.connects, before.connects, 'no reconnect');
  // Only the commands this sshd does not know (`bad command name`) may fail.
  const errors = nonZero(seriesBy(text, 'rds_telemetry_errors_total', 'reason', { target: TARGET }));
  assert.deepEqual(Object.keys(errors).filter((r) => r !== 'unsupported'), [], JSON.stringify(errors));
  assert.ok((seriesValue(text, 'rds_disk_read_bytes_total', { target: TARGET, slot: 'nvme1' }) ?? 0) > 0, 'disk traffic read');
  const status = (await targetStatus(a.url, TARGET))!;
  assert.equal(status.state, 'connected');
  await assertSurvivesAndStops(a.process);
});

// --- credentials and names -------------------------------------------------------------------

test('client key not authorized: connect errors (auth) at the slowest backoff; recovery when it is again', async () => {
  const sshd = peer.sshd;
  const a = await agentOn('auth', loginTo(sshd));
  const before = await connected(a);
  await sshd.waitForSessions(1);
  sshd.revokeKey();
  sshd.killSessions('all', 'SIGKILL');
  const seen = await whileFaulted(a, before, { losses: 1, connectErrors: 2 });
  const reason = documented('client key not authorized', 'connect');
  assert.deepEqual(Object.keys(seen.connectErrors), [reason]);
  assertDownBecause(seen.status, reason);

  sshd.authorizeKey();
  await recovers(a, before);
  await assertSurvivesAndStops(a.process);
});

test('host key changed: connect errors (host-key-mismatch) and a security log line; recovery when the key is back', async () => {
  const sshd = peer.sshd;
  const a = await agentOn('host-key', loginTo(sshd));
  const before = await connected(a);
  await sshd.waitForSessions(1);
  const logFrom = readFileSync(sshd.logFile, 'utf8').length;
  await sshd.changeHostKey();
  sshd.killSessions('all', 'SIGKILL');
  const seen = await whileFaulted(a, before, { losses: 1, connectErrors: 2 });
  const reason = documented('host key changed', 'connect');
  assert.deepEqual(Object.keys(seen.connectErrors), [reason]);
  assertDownBecause(seen.status, reason);
  assert.ok(a.process.logs.some((l) => l['event'] === LogEvent.hostKeyMismatch && l.target === TARGET), 'the host-key-mismatch security event is logged');
  assert.doesNotMatch(readFileSync(sshd.logFile, 'utf8').slice(logFrom), /Accepted publickey/, 'the agent never authenticated to the impostor');

  await sshd.restoreHostKey();
  await recovers(a, before);
  await assertSurvivesAndStops(a.process);
});

test('host name does not resolve: connect errors (network); recovery after a reload with a name that does', async () => {
  const sshd = peer.sshd;
  const good = loginTo(sshd);
  const a = await agentOn('dns', { ...good, host: 'rds-e2e.invalid' });
  const none: Counts = { losses: {}, connectErrors: {}, connects: 0 };
  const seen = await whileFaulted(a, none, { connectErrors: 2 });
  const reason = documented('host name does not resolve', 'connect');
  assert.deepEqual(Object.keys(seen.connectErrors), [reason]);
  assertDownBecause(seen.status, reason);
  assert.match(seen.status.lastError!.message, /ENOTFOUND|EAI_AGAIN/);

  await writeFile(a.file, `${FAULT_SETTINGS}targets:\n${sshTargetYaml(TARGET, good)}${PROMETHEUS_ON_ANY_PORT}`);
  const mark = a.process.logs.length;
  a.process.signal('SIGHUP');
  const reloaded = await a.process.waitForLog((l) => l.msg === 'config reloaded', { from: mark, description: 'the reload' });
  assert.deepEqual(reloaded['changed'], [TARGET]);
  await recovers(a, none);
  // The counts of the failed name carried over the reload.
  assert.ok((seriesValue(await scrape(a.url), 'rds_connect_errors_total', { target: TARGET, reason }) ?? 0) >= 2);
  await assertSurvivesAndStops(a.process);
});

test('every fault of the README table was measured by this file', () => {
  assert.deepEqual([...faultTable().keys()].filter((k) => !measured.has(k)), []);
});
