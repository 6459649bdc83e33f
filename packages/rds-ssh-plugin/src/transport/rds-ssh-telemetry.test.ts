import 'reflect-metadata';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, TransportError, isTelemetrySource, type Logger, type TelemetrySample } from '@rds-agent/core';
import { SystemClock } from '@rds-agent/core/testing';
import { generateKeyPair, startRdsSimulator, type CommandContext, type RdsSimulator } from '../testing/index.js';
import { RDS_SSH_DEFAULTS, type RdsSshConfig } from '../config.js';
import { INPUT_DEFAULTS, INPUT_NAMES, type InputName } from '../inputs/input-settings.js';
import { JSON_PROBE_COMMAND, DISK_LISTING_JSON_COMMAND, DISK_LISTING_TEXT_COMMAND } from '../inputs/routeros-session.js';
import { SYSTEM_COMMANDS } from '../inputs/system.js';
import { simTargetConfig } from './sim-target.test.support.js';
import { RdsSshTransport } from './rds-ssh-transport.js';

// Telemetry against the simulator over real ssh2. The device's clock is pinned so uptime and the
// time part of the traffic counters are exact; expected numbers are read from the raw text the
// simulator sent, with regexes of this file (not the parsers under test).

const MIB = 1024 ** 2;
const UPTIME_MS = ((9 * 24 + 3) * 3600 + 4 * 60 + 5) * 1000; // 1w2d3h4m5s

let sim: RdsSimulator;
let dir: string;
let keyFile: string;
const open: RdsSshTransport[] = [];
let commands: string[] = [];
/** Raw answers by command, as the simulator sent them. */
const raw = new Map<string, string>();
const debugLines: string[] = [];
const infoLines: string[] = [];
/** Does this simulator speak `:serialize to=json`? The command forms the inputs pick follow it. */
let json = false;
/** The slots the simulator's /disk listing offers for traffic, read with this file's own regex. */
let listedSlots: string[] = [];

function logger(): Logger {
  const noop = (): void => undefined;
  const line = (into: string[]) => (obj: object | string, msg?: string) => void into.push(typeof obj === 'string' ? obj : `${msg ?? ''} ${JSON.stringify(obj)}`);
  const l: Logger = { trace: noop, debug: line(debugLines), info: line(infoLines), warn: noop, error: noop, fatal: noop, child: () => l };
  return l;
}

/** Only `enabled` inputs run: the transport tests use what every simulator answers (system, traffic). */
function onlyInputs(enabled: readonly InputName[], patch: Partial<Record<InputName, Partial<(typeof INPUT_DEFAULTS)[InputName]>>> = {}): RdsSshConfig['inputs'] {
  return Object.fromEntries(INPUT_NAMES.map((n) => [n, { ...INPUT_DEFAULTS[n], enabled: enabled.includes(n), ...patch[n] }])) as RdsSshConfig['inputs'];
}

function make(options: Partial<RdsSshConfig> = {}): RdsSshTransport {
  const config: RdsSshConfig = simTargetConfig(sim, keyFile, { inputs: onlyInputs(['system', 'traffic']), ...options });
  const t = new RdsSshTransport(config, { target: 'rds-test', logger: logger(), clock: new SystemClock(), random: { next: () => 0.5 } });
  open.push(t);
  return t;
}

async function connected(options: Partial<RdsSshConfig> = {}): Promise<RdsSshTransport> {
  const t = make(options);
  await t.connect(new AbortController().signal);
  commands = [];
  return t;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = performance.now();
  while (!cond()) {
    if (performance.now() - start > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const isCode =
  (code: string) =>
  (e: unknown): boolean => {
    assert.ok(e instanceof TransportError, `expected a TransportError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return true;
  };

const rawNumber = (text: string, key: string): number => {
  const m = new RegExp(`^ *${key}: +([\\d ]+?)\\s*$`, 'm').exec(text.replace(/\r/g, ''));
  assert.ok(m, `${key} in ${text}`);
  return Number(m[1]!.replace(/ /g, ''));
};

const slotsOf = (samples: readonly TelemetrySample[]): string[] => [
  ...new Set(samples.filter((s) => s.metric === 'diskWriteBytes').map((s) => s.labels!['slot']!)),
];

const listingCommand = (): string => (json ? DISK_LISTING_JSON_COMMAND : DISK_LISTING_TEXT_COMMAND);
const systemCommand = (): string => (json ? SYSTEM_COMMANDS.json : SYSTEM_COMMANDS.text);
const trafficCommands = (slots: readonly string[]): string[] => slots.map((s) => `/disk monitor-traffic ${s} once`);

/**
 * A simulator that does not print `/disk print terse` yet gets its `detail` listing as a stand-in
 * (the parser reads both); one that prints it answers for itself.
 */
function standInListing(ctx: CommandContext): string {
  const own = ctx.device.answer(ctx.command);
  return /^bad command name/.test(own) ? ctx.device.answer('/disk print detail') : own;
}

/** Records what the simulator answers to `command` (its own answer, or a stand-in). */
function recordAnswer(match: string | RegExp, answer: (ctx: CommandContext) => string = (ctx) => ctx.device.answer(ctx.command)): void {
  sim.setCommandHandler(match, (ctx) => {
    const out = answer(ctx);
    raw.set(ctx.command, out);
    return out;
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rds-ssh-telemetry-'));
  const client = generateKeyPair();
  sim = await startRdsSimulator({
    users: [{ username: 'admin', publicKey: client.public }],
    now: () => 1_000_000, // pinned: uptime is exactly initialUptimeMs
    device: {
      version: '7.19.4 (stable)',
      boardName: 'RDS2216-2XG-4S+4XS-2XQ',
      cpuLoad: 42,
      totalMemoryBytes: 512 * MIB,
      freeMemoryBytes: 100 * MIB,
      initialUptimeMs: UPTIME_MS,
    },
  });
  keyFile = join(dir, 'id_ed25519');
  writeFileSync(keyFile, client.private, { mode: 0o600 });
  sim.on('command', (c) => commands.push(c));
  json = sim.device.answer(JSON_PROBE_COMMAND).trim() === '1';
  const text = standInListing({ command: DISK_LISTING_TEXT_COMMAND, device: sim.device, connectionId: 0, username: 'admin' });
  // This file's own reading of the listing: items with flag B, or type raid / file, keep their slot.
  listedSlots = [];
  for (const m of text.replace(/\r?\n {3,}/g, ' ').matchAll(/^ *\d+ ([A-Za-z ]*?)\s*type=(\S+) slot="?([A-Za-z0-9-]+)"?/gm)) {
    if ((m[1]!.includes('B') || m[2] === 'raid' || m[2] === 'file') && !listedSlots.includes(m[3]!)) listedSlots.push(m[3]!);
  }
  assert.ok(listedSlots.length >= 3, `the simulator lists disks: ${text}`);
  sim.setCommandHandler(DISK_LISTING_TEXT_COMMAND, standInListing);
});

after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  raw.clear();
  debugLines.length = 0;
  infoLines.length = 0;
  sim.setLatency(0);
  sim.setMaxSessions(Number.POSITIVE_INFINITY);
  recordAnswer(systemCommand());
  recordAnswer(/^\/disk monitor-traffic \S+ once$/);
});

afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  await waitFor('simulator connections to close', () => sim.openConnections === 0);
});

describe('telemetryInputs()', () => {
  test('the enabled inputs in order, with their interval and timeout, the same objects every call', () => {
    const t = make({ inputs: onlyInputs(['system', 'raid', 'traffic'], { raid: { interval: 45_000, timeout: 7000 } }) });
    const inputs = t.telemetryInputs();
    assert.deepEqual(
      inputs.map((i) => [i.name, i.intervalMs, i.timeoutMs]),
      [
        ['system', 60_000, 10_000],
        ['raid', 45_000, 7000],
        ['traffic', 60_000, 10_000],
      ],
    );
    assert.equal(t.telemetryInputs(), inputs);
    assert.equal(t.telemetryInputs()[0], inputs[0]);
    assert.ok(Object.isFrozen(inputs) && Object.isFrozen(inputs[0]));
    const all = make({ inputs: RDS_SSH_DEFAULTS.inputs });
    assert.deepEqual(
      all.telemetryInputs().map((i) => i.name),
      [...INPUT_NAMES],
    );
  });

  test('before connect every input rejects NOT_CONNECTED', async () => {
    const t = make({ inputs: RDS_SSH_DEFAULTS.inputs });
    for (const input of t.telemetryInputs()) await assert.rejects(input.collect(new AbortController().signal), isCode(ErrorCode.NOT_CONNECTED));
  });

  test('system and traffic: values as the device printed them, bytes read, on the kept connection', async () => {
    const t = await connected();
    const connections = sim.totalConnections;
    const [system, traffic] = t.telemetryInputs();
    const s = await system!.collect(new AbortController().signal);
    assert.deepEqual(s.samples, [
      { metric: 'systemUptime', value: UPTIME_MS / 1000 },
      { metric: 'systemCpuLoad', value: 0.42 },
      { metric: 'systemMemoryFree', value: 100 * MIB },
      { metric: 'systemMemoryTotal', value: 512 * MIB },
      { metric: 'systemInfo', labels: { version: '7.19.4 (stable)', board: 'RDS2216-2XG-4S+4XS-2XQ', architecture: 'arm64' }, value: 1 },
    ]);
    const systemBytes = Buffer.byteLength(raw.get(systemCommand())!.replace(/\r/g, ''));
    assert.ok(s.bytesRead >= systemBytes && s.bytesRead <= systemBytes + 200, `${s.bytesRead} bytes: the answer plus the JSON probe`);
    assert.equal(s.rejected, undefined);

    const r = await traffic!.collect(new AbortController().signal);
    assert.deepEqual(slotsOf(r.samples), listedSlots);
    for (const slot of listedSlots) {
      const text = raw.get(`/disk monitor-traffic ${slot} once`)!;
      const value = (metric: string): number | undefined => r.samples.find((x) => x.metric === metric && x.labels?.['slot'] === slot)?.value;
      assert.equal(value('diskReadBytes'), rawNumber(text, 'read-bytes'), slot);
      assert.equal(value('diskWriteBytes'), rawNumber(text, 'write-bytes'), slot);
      assert.equal(value('diskReadOps'), rawNumber(text, 'read-ops'), slot);
      assert.equal(value('diskWriteOps'), rawNumber(text, 'write-ops'), slot);
    }
    const trafficBytes = listedSlots.reduce((sum, slot) => sum + Buffer.byteLength(raw.get(`/disk monitor-traffic ${slot} once`)!.replace(/\r/g, '')), 0);
    assert.ok(r.bytesRead > trafficBytes, 'the answers and the /disk listing');
    assert.equal(sim.totalConnections, connections, 'the kept connection, no new one');
    assert.deepEqual(commands, [JSON_PROBE_COMMAND, systemCommand(), listingCommand(), ...trafficCommands(listedSlots)]);
  });

  test('two inputs at once on a device that allows one session: both succeed, one after the other', async () => {
    const t = await connected();
    sim.setMaxSessions(1);
    sim.setLatency(30);
    const [system, traffic] = t.telemetryInputs();
    let lost = 0;
    t.onLost(() => void lost++);
    const [a, b] = await Promise.all([system!.collect(new AbortController().signal), traffic!.collect(new AbortController().signal)]);
    assert.equal(a.samples.length, 5);
    assert.deepEqual(slotsOf(b.samples), listedSlots);
    assert.equal(lost, 0);
    assert.equal(sim.connections()[0]!.peakSessions, 1);
    assert.equal((await t.run(':put 1')).trim(), '1');
  });
});

describe('collect() (every enabled input once)', () => {
  test('is a TelemetrySource: system resource and every discovered slot, one connection', async () => {
    const t = await connected();
    assert.ok(isTelemetrySource(t));
    const connections = sim.totalConnections;
    const samples = await t.collect(new AbortController().signal);
    assert.deepEqual(
      samples.filter((s) => s.metric.startsWith('system')).map((s) => s.metric),
      ['systemUptime', 'systemCpuLoad', 'systemMemoryFree', 'systemMemoryTotal', 'systemInfo'],
    );
    assert.deepEqual(slotsOf(samples), listedSlots);
    assert.equal(samples.length, 5 + 4 * listedSlots.length);
    assert.equal(sim.totalConnections, connections);
    assert.deepEqual(commands, [JSON_PROBE_COMMAND, systemCommand(), listingCommand(), ...trafficCommands(listedSlots)]);
    assert.equal((await t.run(':put 1')).trim(), '1', 'the connection is still usable');
  });

  test('probes the device and discovers slots once per connection; counters grow between collections', async () => {
    const t = await connected();
    const first = await t.collect(new AbortController().signal);
    const second = await t.collect(new AbortController().signal);
    assert.equal(commands.filter((c) => c === listingCommand()).length, 1);
    assert.equal(commands.filter((c) => c === JSON_PROBE_COMMAND).length, 1);
    const total = (s: readonly TelemetrySample[]): number => s.find((x) => x.metric === 'diskWriteBytes' && x.labels?.['slot'] === listedSlots[0])!.value;
    assert.ok(total(second) > total(first));
    // A new connection probes and discovers again (the device may have changed while it was away).
    await t.connect(new AbortController().signal);
    commands = [];
    await t.collect(new AbortController().signal);
    assert.equal(commands.filter((c) => c === listingCommand()).length, 1);
    assert.equal(commands.filter((c) => c === JSON_PROBE_COMMAND).length, 1);
  });

  test('explicit telemetryDisks: only those slots, no discovery', async () => {
    const t = await connected({ telemetryDisks: [listedSlots[1]!, listedSlots[0]!] });
    const samples = await t.collect(new AbortController().signal);
    assert.deepEqual(slotsOf(samples), [listedSlots[1], listedSlots[0]]);
    assert.ok(!commands.includes(listingCommand()));
    assert.deepEqual(commands, [JSON_PROBE_COMMAND, systemCommand(), ...trafficCommands([listedSlots[1]!, listedSlots[0]!])]);
  });

  test('telemetryMaxDisks caps the slots read per run; the dropped series are counted', async () => {
    const t = await connected({ telemetryMaxDisks: 2 });
    const samples = await t.collect(new AbortController().signal);
    assert.deepEqual(slotsOf(samples), listedSlots.slice(0, 2));
    assert.equal(commands.filter((c) => c.startsWith('/disk monitor-traffic')).length, 2);
    const traffic = t.telemetryInputs().find((i) => i.name === 'traffic')!;
    const r = await traffic.collect(new AbortController().signal);
    assert.deepEqual(r.rejected, [{ reason: 'cap', count: 4 * (listedSlots.length - 2) }]);
  });

  test('a slot the device refuses is skipped (logged at debug, counted refused); the rest is returned', async () => {
    const refused = listedSlots[1]!;
    sim.setCommandHandler(`/disk monitor-traffic ${refused} once`, () => 'no such item\r\n');
    try {
      const t = await connected();
      const samples = await t.collect(new AbortController().signal);
      assert.deepEqual(slotsOf(samples), listedSlots.filter((s) => s !== refused));
      assert.ok(samples.some((s) => s.metric === 'systemUptime'));
      assert.ok(debugLines.some((l) => l.includes(`disk ${refused} skipped`) && l.includes(ErrorCode.COMMAND)), debugLines.join('\n'));
      const r = await t.telemetryInputs().find((i) => i.name === 'traffic')!.collect(new AbortController().signal);
      assert.deepEqual(r.rejected, [{ reason: 'refused', count: 1 }]);
    } finally {
      sim.setCommandHandler(`/disk monitor-traffic ${refused} once`, undefined);
    }
  });

  test('an invalid slot name is never sent to the device', async () => {
    const t = await connected({ telemetryDisks: ['x;/system/reboot', listedSlots[0]!] });
    const samples = await t.collect(new AbortController().signal);
    assert.deepEqual(slotsOf(samples), [listedSlots[0]]);
    assert.ok(!commands.some((c) => c.includes('reboot')), commands.join('\n'));
  });

  test('refused system resource: the disk counters still count', async () => {
    sim.setCommandHandler(systemCommand(), () => 'not enough permissions (9)\r\n');
    try {
      const t = await connected({ telemetryDisks: [listedSlots[0]!] });
      const samples = await t.collect(new AbortController().signal);
      assert.deepEqual(
        samples.map((s) => s.metric),
        ['diskReadBytes', 'diskWriteBytes', 'diskReadOps', 'diskWriteOps'],
      );
      assert.ok(debugLines.some((l) => /system skipped/.test(l)));
    } finally {
      sim.setCommandHandler(systemCommand(), undefined);
    }
  });

  test('nothing readable -> rejects with the first error (COMMAND); the connection stays up', async () => {
    sim.setCommandHandler(systemCommand(), () => 'not enough permissions (9)\r\n');
    sim.setCommandHandler(DISK_LISTING_TEXT_COMMAND, () => 'failure: not allowed by device-mode\r\n');
    sim.setCommandHandler(DISK_LISTING_JSON_COMMAND, () => 'failure: not allowed by device-mode\r\n');
    try {
      const t = await connected();
      await assert.rejects(t.collect(new AbortController().signal), (e: unknown) => isCode(ErrorCode.COMMAND)(e) && /not enough permissions/.test((e as Error).message));
      assert.equal((await t.run(':put 1')).trim(), '1');
      // Unrecognised output (no fields at all) is a failed read too, not an empty success.
      sim.setCommandHandler(systemCommand(), () => '\r\n');
      await assert.rejects(t.collect(new AbortController().signal), isCode(ErrorCode.COMMAND));
    } finally {
      sim.setCommandHandler(systemCommand(), undefined);
      sim.setCommandHandler(DISK_LISTING_JSON_COMMAND, undefined);
      sim.setCommandHandler(DISK_LISTING_TEXT_COMMAND, standInListing);
    }
  });

  test('an aborted signal rejects promptly (ABORTED, or its TransportError reason) and leaves no channel open', async () => {
    const hung = `/disk monitor-traffic ${listedSlots[2]} once`;
    sim.setCommandHandler(hung, () => ({ hang: true }));
    try {
      const t = await connected();
      const ctrl = new AbortController();
      const p = t.collect(ctrl.signal);
      await waitFor('the hung slot is being read', () => commands.includes(hung) && sim.openSessions === 1);
      const started = performance.now();
      ctrl.abort();
      await assert.rejects(p, isCode(ErrorCode.ABORTED));
      assert.ok(performance.now() - started < 500, 'promptly');
      await waitFor('channel closed', () => sim.openSessions === 0);

      // The agent's collection deadline aborts with a TIMEOUT reason: that code comes back.
      const ctrl2 = new AbortController();
      const p2 = t.collect(ctrl2.signal);
      await waitFor('hung again', () => sim.openSessions === 1);
      ctrl2.abort(new TransportError(ErrorCode.TIMEOUT, 'telemetry deadline'));
      await assert.rejects(p2, isCode(ErrorCode.TIMEOUT));
      await waitFor('channel closed', () => sim.openSessions === 0);

      // Already aborted: nothing is sent.
      commands = [];
      const gone = new AbortController();
      gone.abort();
      await assert.rejects(t.collect(gone.signal), isCode(ErrorCode.ABORTED));
      assert.deepEqual(commands, []);
      assert.equal((await t.run(':put 1')).trim(), '1', 'no channel slot leaked');
      assert.equal((await t.run(':put 1')).trim(), '1');
    } finally {
      sim.setCommandHandler(hung, undefined);
      recordAnswer(/^\/disk monitor-traffic \S+ once$/);
    }
  });

  test('an input past its own timeout is skipped; the others still report', async () => {
    const hung = `/disk monitor-traffic ${listedSlots[0]} once`;
    sim.setCommandHandler(hung, () => ({ hang: true }));
    try {
      const t = await connected({ inputs: onlyInputs(['system', 'traffic'], { traffic: { timeout: 200 } }) });
      const samples = await t.collect(new AbortController().signal);
      assert.equal(samples.length, 5, 'system only');
      assert.ok(debugLines.some((l) => /traffic skipped/.test(l) && l.includes(ErrorCode.TIMEOUT)), debugLines.join('\n'));
      await waitFor('channel closed', () => sim.openSessions === 0);
    } finally {
      sim.setCommandHandler(hung, undefined);
      recordAnswer(/^\/disk monitor-traffic \S+ once$/);
    }
  });

  test('commands run one at a time', async () => {
    sim.setLatency(10);
    const t = await connected({ maxChannels: 4 });
    await t.collect(new AbortController().signal);
    assert.equal(sim.connections()[0]!.peakSessions, 1);
  });

  test('a dropped connection rejects with a connection-class error, not COMMAND', async () => {
    const hung = `/disk monitor-traffic ${listedSlots[0]} once`;
    sim.setCommandHandler(hung, () => ({ hang: true }));
    try {
      const t = await connected();
      const p = t.collect(new AbortController().signal);
      await waitFor('reading the first slot', () => sim.openSessions === 1 && commands.includes(hung));
      sim.dropAllConnections();
      await assert.rejects(p, (e: unknown) => e instanceof TransportError && e.code !== ErrorCode.COMMAND && e.code !== ErrorCode.ABORTED);
    } finally {
      sim.setCommandHandler(hung, undefined);
      recordAnswer(/^\/disk monitor-traffic \S+ once$/);
    }
  });

  test('before connect -> NOT_CONNECTED', async () => {
    const t = make();
    await assert.rejects(t.collect(new AbortController().signal), isCode(ErrorCode.NOT_CONNECTED));
  });

  test('every default input against this simulator: what it does not answer is skipped, never a loss', async () => {
    const t = await connected({ inputs: RDS_SSH_DEFAULTS.inputs });
    let lost = 0;
    t.onLost(() => void lost++);
    const first = await t.collect(new AbortController().signal);
    assert.ok(first.some((s) => s.metric === 'systemUptime'));
    assert.deepEqual(slotsOf(first), listedSlots);
    const second = await t.collect(new AbortController().signal);
    assert.ok(second.length > 0);
    assert.equal(lost, 0);
    // An input the device does not know is logged once per connection and not asked again.
    for (const line of infoLines) assert.ok(!/hunter2|secret=/.test(line));
    const disabled = infoLines.filter((l) => /disabled for this connection/.test(l));
    assert.equal(disabled.length, new Set(disabled).size, 'one line per input');
    const unknown = commands.filter((c) => /^bad command name/.test(sim.device.answer(c)) && c !== JSON_PROBE_COMMAND);
    for (const c of new Set(unknown)) assert.equal(unknown.filter((x) => x === c).length, 1, `${c} asked once`);
    assert.equal((await t.run(':put 1')).trim(), '1');
  });
});
