import 'reflect-metadata';
import { after, afterEach, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, TransportError } from '@rds-agent/core';
import { SystemClock, silentLogger } from '@rds-agent/core/testing';
import { generateKeyPair, startRdsSimulator, type RdsSimulator } from '../testing/index.js';
import { INPUT_DEFAULTS, INPUT_NAMES } from '../inputs/input-settings.js';
import { SYSTEM_COMMANDS } from '../inputs/system.js';
import type { RdsSshConfig } from '../config.js';
import { simTargetConfig } from './sim-target.test.support.js';
import { RdsSshTransport } from './rds-ssh-transport.js';

// A device that allows one session at a time (sshd `MaxSessions 1`, a RouterOS with max-sessions
// used up): the liveness probe must never fail because telemetry holds that session. Before this
// was fixed, a probe during a telemetry command got `Channel open failure` -> UNHEALTHY -> a loss.

let sim: RdsSimulator;
let dir: string;
let keyFile: string;
const open: RdsSshTransport[] = [];
/** Telemetry answers wait for the test to let them go: no sleeps decide the ordering. */
let release: (() => void) | undefined;

const onlySystem = Object.fromEntries(INPUT_NAMES.map((n) => [n, { ...INPUT_DEFAULTS[n], enabled: n === 'system' }])) as RdsSshConfig['inputs'];

async function connected(): Promise<{ t: RdsSshTransport; losses: TransportError[] }> {
  const t = new RdsSshTransport(simTargetConfig(sim, keyFile, { inputs: onlySystem }), {
    target: 'rds-test',
    logger: silentLogger(),
    clock: new SystemClock(),
    random: { next: () => 0.5 },
  });
  open.push(t);
  await t.connect(new AbortController().signal);
  const losses: TransportError[] = [];
  t.onLost((e) => void losses.push(e));
  return { t, losses };
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = performance.now();
  while (!cond()) {
    if (performance.now() - start > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rds-ssh-priority-'));
  const client = generateKeyPair();
  sim = await startRdsSimulator({ users: [{ username: 'admin', publicKey: client.public }] });
  keyFile = join(dir, 'id_ed25519');
  writeFileSync(keyFile, client.private, { mode: 0o600 });
});

after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  // Both forms of the system command wait for the test (each answered in its own form); the JSON probe answers at once.
  for (const command of [SYSTEM_COMMANDS.text, SYSTEM_COMMANDS.json]) {
    sim.setCommandHandler(command, (ctx) => new Promise<string>((resolve) => (release = () => resolve(ctx.device.answer(command)))));
  }
});

afterEach(async () => {
  release?.();
  release = undefined;
  for (const t of open.splice(0)) await t.close();
  sim.setMaxSessions(Number.POSITIVE_INFINITY);
  await waitFor('simulator connections to close', () => sim.openConnections === 0);
});

test('a probe while telemetry holds the only session waits for it and succeeds: no UNHEALTHY, no loss', async () => {
  const { t, losses } = await connected();
  sim.setMaxSessions(1);
  const telemetry = t.telemetryInputs()[0]!.collect(new AbortController().signal);
  await waitFor('telemetry holds the session', () => release !== undefined && sim.openSessions === 1);
  const probe = t.probe(AbortSignal.timeout(3000));
  // The probe was refused a channel and now waits; telemetry finishes, the probe gets the channel.
  await new Promise((r) => setTimeout(r, 50));
  release!();
  const result = await probe;
  assert.equal(result.mode, 'command');
  const reading = await telemetry;
  assert.equal(reading.samples.find((s) => s.metric === 'systemCpuLoad')?.value, 0.03);
  assert.deepEqual(losses, []);
  assert.equal(sim.connections()[0]!.peakSessions, 1, 'never more than the device allows');
});

test('a probe held back by telemetry that does not finish preempts it (telemetry skips a round)', async () => {
  const { t, losses } = await connected();
  sim.setMaxSessions(1);
  // Settled as a value: it rejects while the test still awaits the probe.
  const telemetry = t.telemetryInputs()[0]!.collect(new AbortController().signal).then(
    () => undefined,
    (e: unknown) => e,
  );
  await waitFor('telemetry holds the session', () => release !== undefined && sim.openSessions === 1);
  const started = performance.now();
  const result = await t.probe(AbortSignal.timeout(3000));
  assert.equal(result.mode, 'command');
  assert.ok(performance.now() - started < 2500, 'well within the probe deadline');
  const e = await telemetry;
  assert.ok(e instanceof TransportError && e.code === ErrorCode.ABORTED && /preempted/.test(e.message), String(e));
  assert.deepEqual(losses, []);
  // The next telemetry round runs normally.
  release = undefined;
  const next = t.telemetryInputs()[0]!.collect(new AbortController().signal);
  await waitFor('the next round asks', () => release !== undefined && sim.openSessions === 1);
  release!();
  assert.ok((await next).samples.length > 0);
});

test('telemetry that starts while a probe waits goes after the probe', async () => {
  const { t, losses } = await connected();
  sim.setMaxSessions(1);
  const first = t.telemetryInputs()[0]!.collect(new AbortController().signal);
  await waitFor('telemetry holds the session', () => release !== undefined && sim.openSessions === 1);
  const firstRelease = release!;
  release = undefined;
  const order: string[] = [];
  sim.on('command', (c: string) => order.push(c));
  const probe = t.probe(AbortSignal.timeout(3000)).then(() => order.push('probe done'));
  await new Promise((r) => setTimeout(r, 50));
  const second = t.run(':put 2');
  firstRelease();
  await probe;
  assert.equal((await second).trim(), '2');
  await first;
  assert.deepEqual(order.slice(0, 2), [':put 1', 'probe done']);
  assert.deepEqual(losses, []);
});

test('a channel refused with nothing else open is still UNHEALTHY (the session cannot run commands)', async () => {
  const { t } = await connected();
  sim.setMaxSessions(0);
  await assert.rejects(t.probe(AbortSignal.timeout(3000)), (e: unknown) => e instanceof TransportError && e.code === ErrorCode.UNHEALTHY && /Channel open failure/.test(e.message));
});

test('a device that frees a closed session late (sshd MaxSessions 1): back-to-back commands are retried, not a loss', async () => {
  const { t, losses } = await connected();
  // sshd frees a slot only once it processed our close: the next channel, opened at once, is refused.
  sim.setMaxSessions(1, 'connection', { releaseDelayMs: 30 });
  for (let i = 0; i < 10; i++) assert.equal((await t.run(`:put ${i}`)).trim(), String(i));
  assert.equal((await t.probe(AbortSignal.timeout(3000))).mode, 'command');
  assert.deepEqual(losses, []);
  assert.equal(sim.connections()[0]!.peakSessions, 1);
});

test('a refusal that outlasts the retries after a close is UNHEALTHY again', async () => {
  const { t } = await connected();
  await t.run(':put 1');
  sim.setMaxSessions(0);
  await assert.rejects(t.run(':put 2'), (e: unknown) => e instanceof TransportError && e.code === ErrorCode.UNHEALTHY && /Channel open failure/.test(e.message));
});
