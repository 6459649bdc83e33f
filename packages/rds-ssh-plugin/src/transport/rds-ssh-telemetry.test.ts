import 'reflect-metadata';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, TransportError, isTelemetrySource, type Logger, type TelemetrySample } from '@rds-agent/core';
import { SystemClock } from '@rds-agent/core/testing';
import { generateKeyPair, startRdsSimulator, type RdsSimulator } from '../testing/index.js';
import type { RdsSshConfig } from '../config.js';
import { simTargetConfig } from './sim-target.test.support.js';
import { RdsSshTransport } from './rds-ssh-transport.js';

// collect() against the simulator over real ssh2. The device's clock is pinned so uptime and the
// time part of the traffic counters are exact; expected numbers are read from the raw text the
// simulator sent, with regexes of this file (not the parsers under test).

const MIB = 1024 ** 2;
const UPTIME_MS = ((9 * 24 + 3) * 3600 + 4 * 60 + 5) * 1000; // 1w2d3h4m5s
// The simulated RDS2216: 13 populated bays (empty ones are not block devices), 2 arrays, 3 file disks.
const ALL_SLOTS = [...Array.from({ length: 13 }, (_, i) => `nvme${i + 1}`), 'storage-pool', 'mirror', 'vm-storage-001', 'pvc-3f9c2a7e-5b1d-4e8a-9c6f-2d7b8e1a4c3f', 'iscsi-lun-001'];

let sim: RdsSimulator;
let dir: string;
let keyFile: string;
const open: RdsSshTransport[] = [];
let commands: string[] = [];
/** Raw `monitor-traffic` answers by slot, as the simulator sent them. */
const rawTraffic = new Map<string, string>();
const debugLines: string[] = [];

function logger(): Logger {
  const noop = (): void => undefined;
  const l: Logger = {
    trace: noop,
    debug: (obj: object | string, msg?: string) => void debugLines.push(typeof obj === 'string' ? obj : `${msg ?? ''} ${JSON.stringify(obj)}`),
    info: noop,
    warn: noop,
    error: noop,
    fatal: noop,
    child: () => l,
  };
  return l;
}

function make(options: Partial<RdsSshConfig> = {}): RdsSshTransport {
  const config: RdsSshConfig = simTargetConfig(sim, keyFile, options);
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
  sim.setCommandHandler(/^\/disk monitor-traffic \S+ once$/, (ctx) => {
    const out = ctx.device.answer(ctx.command);
    rawTraffic.set(ctx.command.split(' ')[2]!, out);
    return out;
  });
});

after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  rawTraffic.clear();
  debugLines.length = 0;
  sim.setLatency(0);
});

afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  await waitFor('simulator connections to close', () => sim.openConnections === 0);
});

describe('collect()', () => {
  test('is a TelemetrySource: system resource and every discovered slot, values as the device printed them', async () => {
    const t = await connected();
    assert.ok(isTelemetrySource(t));
    const connections = sim.totalConnections;
    const samples = await t.collect(new AbortController().signal);

    const system = samples.filter((s) => s.metric.startsWith('system'));
    assert.deepEqual(system, [
      { metric: 'systemUptime', value: UPTIME_MS / 1000 },
      { metric: 'systemCpuLoad', value: 0.42 },
      { metric: 'systemMemoryFree', value: 100 * MIB },
      { metric: 'systemMemoryTotal', value: 512 * MIB },
      { metric: 'systemInfo', labels: { version: '7.19.4 (stable)', board: 'RDS2216-2XG-4S+4XS-2XQ', architecture: 'arm64' }, value: 1 },
    ]);
    assert.deepEqual(slotsOf(samples), ALL_SLOTS);
    for (const slot of ALL_SLOTS) {
      const raw = rawTraffic.get(slot)!;
      const value = (metric: string): number | undefined => samples.find((s) => s.metric === metric && s.labels?.['slot'] === slot)?.value;
      assert.equal(value('diskReadBytes'), rawNumber(raw, 'read-bytes'), slot);
      assert.equal(value('diskWriteBytes'), rawNumber(raw, 'write-bytes'), slot);
      assert.equal(value('diskReadOps'), rawNumber(raw, 'read-ops'), slot);
      assert.equal(value('diskWriteOps'), rawNumber(raw, 'write-ops'), slot);
    }
    assert.ok(rawNumber(rawTraffic.get('storage-pool')!, 'write-bytes') > 515_659_673_600, 'a real counter, thousands separators and all');
    assert.equal(samples.length, 5 + 4 * ALL_SLOTS.length);

    assert.equal(sim.totalConnections, connections, 'the kept connection, no new one');
    assert.deepEqual(commands, ['/system resource print', '/disk print detail', ...ALL_SLOTS.map((s) => `/disk monitor-traffic ${s} once`)]);
    assert.equal((await t.run(':put 1')).trim(), '1', 'the connection is still usable');
  });

  test('discovers slots once per connection; counters grow between collections', async () => {
    const t = await connected();
    const first = await t.collect(new AbortController().signal);
    const second = await t.collect(new AbortController().signal);
    assert.equal(commands.filter((c) => c === '/disk print detail').length, 1);
    const total = (s: readonly TelemetrySample[]): number =>
      s.find((x) => x.metric === 'diskWriteBytes' && x.labels?.['slot'] === 'storage-pool')!.value;
    assert.ok(total(second) > total(first));
    // A new connection discovers again (the device's disks may have changed while it was away).
    await t.connect(new AbortController().signal);
    commands = [];
    await t.collect(new AbortController().signal);
    assert.equal(commands.filter((c) => c === '/disk print detail').length, 1);
  });

  test('explicit telemetryDisks: only those slots, no discovery', async () => {
    const t = await connected({ telemetryDisks: ['storage-pool', 'nvme2'] });
    const samples = await t.collect(new AbortController().signal);
    assert.deepEqual(slotsOf(samples), ['storage-pool', 'nvme2']);
    assert.ok(!commands.includes('/disk print detail'));
    assert.deepEqual(commands, ['/system resource print', '/disk monitor-traffic storage-pool once', '/disk monitor-traffic nvme2 once']);
  });

  test('telemetryMaxDisks caps the slots read per collection', async () => {
    const t = await connected({ telemetryMaxDisks: 2 });
    const samples = await t.collect(new AbortController().signal);
    assert.deepEqual(slotsOf(samples), ['nvme1', 'nvme2']);
    assert.equal(commands.filter((c) => c.startsWith('/disk monitor-traffic')).length, 2);
  });

  test('a slot the device refuses is skipped (logged at debug); the rest is returned', async () => {
    sim.setCommandHandler('/disk monitor-traffic nvme2 once', () => 'no such item\r\n');
    try {
      const t = await connected();
      const samples = await t.collect(new AbortController().signal);
      assert.deepEqual(slotsOf(samples), ALL_SLOTS.filter((s) => s !== 'nvme2'));
      assert.ok(samples.some((s) => s.metric === 'systemUptime'));
      assert.ok(debugLines.some((l) => /disk nvme2 skipped/.test(l) && l.includes(ErrorCode.COMMAND)), debugLines.join('\n'));
    } finally {
      sim.setCommandHandler('/disk monitor-traffic nvme2 once', undefined);
    }
  });

  test('an invalid slot name is never sent to the device', async () => {
    const t = await connected({ telemetryDisks: ['x;/system/reboot', 'nvme1'] });
    const samples = await t.collect(new AbortController().signal);
    assert.deepEqual(slotsOf(samples), ['nvme1']);
    assert.ok(!commands.some((c) => c.includes('reboot')), commands.join('\n'));
  });

  test('refused system resource: the disk counters still count', async () => {
    sim.setCommandHandler('/system resource print', () => 'not enough permissions (9)\r\n');
    try {
      const t = await connected({ telemetryDisks: ['nvme1'] });
      const samples = await t.collect(new AbortController().signal);
      assert.deepEqual(
        samples.map((s) => s.metric),
        ['diskReadBytes', 'diskWriteBytes', 'diskReadOps', 'diskWriteOps'],
      );
    } finally {
      sim.setCommandHandler('/system resource print', undefined);
    }
  });

  test('nothing readable -> rejects with the first error (COMMAND); the connection stays up', async () => {
    sim.setCommandHandler('/system resource print', () => 'not enough permissions (9)\r\n');
    sim.setCommandHandler('/disk print detail', () => 'bad command name disk (line 1 column 2)\r\n');
    try {
      const t = await connected();
      await assert.rejects(t.collect(new AbortController().signal), (e: unknown) => isCode(ErrorCode.COMMAND)(e) && /not enough permissions/.test((e as Error).message));
      assert.equal((await t.run(':put 1')).trim(), '1');
      // Unrecognised output (no fields at all) is a failed read too, not an empty success.
      sim.setCommandHandler('/system resource print', () => '\r\n');
      await assert.rejects(t.collect(new AbortController().signal), isCode(ErrorCode.COMMAND));
    } finally {
      sim.setCommandHandler('/system resource print', undefined);
      sim.setCommandHandler('/disk print detail', undefined);
    }
  });

  test('an aborted signal rejects promptly (ABORTED, or its TransportError reason) and leaves no channel open', async () => {
    sim.setCommandHandler('/disk monitor-traffic nvme3 once', () => ({ hang: true }));
    try {
      const t = await connected();
      const ctrl = new AbortController();
      const p = t.collect(ctrl.signal);
      await waitFor('the hung slot is being read', () => commands.includes('/disk monitor-traffic nvme3 once') && sim.openSessions === 1);
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
      sim.setCommandHandler('/disk monitor-traffic nvme3 once', undefined);
    }
  });

  test('commands run one at a time', async () => {
    sim.setLatency(10);
    const t = await connected({ maxChannels: 4 });
    await t.collect(new AbortController().signal);
    assert.equal(sim.connections()[0]!.peakSessions, 1);
  });

  test('a dropped connection rejects with a connection-class error, not COMMAND', async () => {
    sim.setCommandHandler('/disk monitor-traffic nvme1 once', () => ({ hang: true }));
    try {
      const t = await connected();
      const p = t.collect(new AbortController().signal);
      await waitFor('reading nvme1', () => sim.openSessions === 1 && commands.includes('/disk monitor-traffic nvme1 once'));
      sim.dropAllConnections();
      await assert.rejects(p, (e: unknown) => e instanceof TransportError && e.code !== ErrorCode.COMMAND && e.code !== ErrorCode.ABORTED);
    } finally {
      sim.setCommandHandler('/disk monitor-traffic nvme1 once', undefined);
    }
  });

  test('before connect -> NOT_CONNECTED', async () => {
    const t = make();
    await assert.rejects(t.collect(new AbortController().signal), isCode(ErrorCode.NOT_CONNECTED));
  });
});
