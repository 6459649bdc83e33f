import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createLogger, type MonitorEvent } from '@rds-agent/core/host';
import { FakeClock, RecordingExporter, loadTestConfig, waitForCondition } from '@rds-agent/core/testing';
import { INPUT_NAMES } from '@rds-agent/rds-ssh-plugin';
import { startRdsSimulator, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_PLUGINS } from '../builtins.js';
import { VERSION } from '../version.js';
import { CHAOS_SCRIPT } from './chaos.js';

// The storage steps of the demo's chaos script, applied in order to a simulator the whole agent
// (built-in plugins, real config, SSH) reads on one FakeClock: after each, one input interval, and
// the series an alert would use shows the fault. The connection steps are the monitor's (their
// metrics have their own tests); every other step MUST have an expectation here, so a storage step
// added to the script without one fails this test.

const T = 'rds-b';
const INTERVAL_MS = 10_000;
const POOL_FS = { filesystem: 'storage-pool', slot: 'storage-pool', type: 'btrfs' };
const CONNECTION_STEP = /^(dropped every connection|device down|device back|device hung|device answers again)/;

type Expect = (m: Metrics) => void;
interface Metrics {
  value(metric: string, labels?: Record<string, string>): number | undefined;
  /** The value just before this step's interval. */
  before(metric: string, labels?: Record<string, string>): number | undefined;
}

const clean = (m: Metrics, slot: string): void => {
  assert.equal(m.value('rds_raid_state', { slot, state: 'clean' }), 1, `${slot} clean`);
  assert.equal(m.value('rds_raid_members_failed', { slot }), 0, `${slot} no failed member`);
};

const EXPECTATIONS: readonly (readonly [RegExp, Expect])[] = [
  [/nvme13 failed: RAID1 "mirror" degraded/, (m) => {
    assert.equal(m.value('rds_raid_state', { slot: 'mirror', state: 'degraded' }), 1);
    assert.equal(m.value('rds_raid_member_failed', { slot: 'nvme13', array: 'mirror' }), 1);
  }],
  [/^fan2 stopped/, (m) => assert.equal(m.value('rds_health_fan_speed_rpm', { sensor: 'fan2-speed' }), 0)],
  [/"mirror" rebuilding/, (m) => {
    assert.equal(m.value('rds_raid_state', { slot: 'mirror', state: 'rebuilding' }), 1);
    assert.equal(m.value('rds_raid_rebuild_progress_ratio', { slot: 'mirror' }), 0.25, '10 s into a 40 s rebuild');
  }],
  [/psu2 failed/, (m) => assert.equal(m.value('rds_health_psu_state', { sensor: 'psu2-state', state: 'fail' }), 1)],
  [/CPU at 95 C/, (m) => assert.equal(m.value('rds_health_temperature_celsius', { sensor: 'cpu-temperature' }), 95)],
  [/fan2 spinning, psu2 back, CPU cooled/, (m) => {
    assert.ok((m.value('rds_health_fan_speed_rpm', { sensor: 'fan2-speed' }) ?? 0) > 1000, 'fan2 spinning');
    assert.equal(m.value('rds_health_psu_state', { sensor: 'psu2-state', state: 'ok' }), 1);
    assert.equal(m.value('rds_health_temperature_celsius', { sensor: 'cpu-temperature' }), 43);
  }],
  [/hot spare nvme11 takes over/, (m) => {
    assert.equal(m.value('rds_raid_state', { slot: 'storage-pool', state: 'rebuilding' }), 1);
    assert.equal(m.value('rds_raid_members_spare', { slot: 'storage-pool' }), 0);
  }],
  [/btrfs errors on storage-pool/, (m) => {
    assert.equal(m.value('rds_btrfs_errors_reported', { filesystem: 'storage-pool' }), 1);
    assert.ok((m.value('rds_btrfs_device_errors_total', { filesystem: 'storage-pool', type: 'read' }) ?? 0) > 0);
  }],
  [/sfp28-1 flapping/, (m) => {
    assert.ok((m.value('rds_interface_link_downs_total', { interface: 'sfp28-1' }) ?? 0) > (m.before('rds_interface_link_downs_total', { interface: 'sfp28-1' }) ?? 0), 'link-downs rose');
  }],
  [/nvme9 pulled/, (m) => {
    assert.equal(m.value('rds_drive_present', { slot: 'nvme9' }), 0);
    assert.equal(m.value('rds_raid_member_failed', { slot: 'nvme9', array: 'storage-pool' }), undefined);
  }],
  [/storage-pool filling up/, (m) => {
    const before = m.before('rds_filesystem_free_bytes', POOL_FS)!;
    const size = m.value('rds_filesystem_size_bytes', POOL_FS)!;
    assert.ok(before / size > 0.5, `a roomy pool first: ${before} of ${size} free`);
    assert.equal(m.value('rds_filesystem_free_bytes', POOL_FS), Math.round(before + (Math.round(size * 0.05) - before) / 2), 'half-way to 95 % used, 10 s into 20 s');
  }],
  [/2 MiB of spaces/, (m) => {
    // The JSON listing with 2 MiB of spaces after its first `:` is still valid JSON: read whole, in
    // linear time, to the same values; nothing refused, nothing dropped.
    const bytes = (f: 'value' | 'before'): number => ['raid', 'drives', 'filesystems', 'exports'].reduce((sum, input) => sum + (m[f]('rds_telemetry_read_bytes_total', { input }) ?? 0), 0);
    assert.ok(bytes('value') - bytes('before') >= 2 * 1024 * 1024, `the 2 MiB listing was read: ${bytes('value') - bytes('before')} bytes`);
    for (const input of ['raid', 'drives', 'filesystems', 'exports']) {
      assert.equal(m.value('rds_telemetry_errors_total', { input, reason: 'command' }) ?? 0, m.before('rds_telemetry_errors_total', { input, reason: 'command' }) ?? 0, `${input}: no error`);
    }
    // The spare's 45 s rebuild is done by now; nvme9 is still out: degraded, read through the spaces.
    assert.equal(m.value('rds_raid_state', { slot: 'storage-pool', state: 'degraded' }), 1);
    assert.equal(m.value('rds_drive_present', { slot: 'nvme9' }), 0);
    assert.equal(m.value('rds_connection_state'), 1);
  }],
  [/storage healthy again/, (m) => {
    clean(m, 'mirror');
    clean(m, 'storage-pool');
    assert.equal(m.value('rds_drive_present', { slot: 'nvme9' }), 1);
    assert.equal(m.value('rds_btrfs_errors_reported', { filesystem: 'storage-pool' }), 0);
    assert.ok(m.value('rds_filesystem_free_bytes', POOL_FS)! / m.value('rds_filesystem_size_bytes', POOL_FS)! > 0.5, 'the pool emptied again');
  }],
];

describe('demo chaos: the storage faults reach the metrics', () => {
  it('each storage step of the script shows in the series an alert would use, and the last clears them', async () => {
    const clock = new FakeClock(Date.UTC(2026, 9, 1, 8));
    const dir = await mkdtemp(join(tmpdir(), 'rds-chaos-metrics-'));
    const sim: RdsSimulator = await startRdsSimulator({ now: () => clock.now() });
    const runs = new Map<string, number>();
    let agent: Agent | undefined;
    try {
      const keyFile = join(dir, 'client.key');
      await writeFile(keyFile, sim.clientPrivateKey ?? '', { mode: 0o600 });
      const inputs = INPUT_NAMES.map((n) => `        ${n}: { interval: ${INTERVAL_MS / 1000}s, timeout: 5s }`).join('\n');
      const yaml = `monitor:
  probeInterval: 1h
  probeTimeout: 10s
  firstAttemptJitter: 0
targets:
  - name: ${T}
    transport: rds-ssh
    options:
      host: 127.0.0.1
      port: ${sim.port}
      username: ${sim.username}
      privateKeyFile: ${JSON.stringify(keyFile)}
      hostKeyFingerprints: [${JSON.stringify(sim.hostKeyFingerprint)}]
      inputs:
${inputs}
`;
      const prepared = await loadTestConfig({ plugins: BUILTIN_PLUGINS, yaml });
      agent = new Agent({ config: prepared.config, registry: prepared.registry, logger: createLogger('error', {}, { write: () => undefined }), version: VERSION, clock });
      const recorder = new RecordingExporter();
      recorder.attach(agent.hub);
      const hub = agent.hub;
      hub.onEvent((e: MonitorEvent) => {
        if (e.type === 'telemetry' && e.outcome !== 'unsupported') runs.set(e.input, e.at);
      });
      const until = (check: () => boolean, description: string, flush = false): Promise<void> =>
        waitForCondition(
          () => {
            if (flush) void clock.flush();
            return check();
          },
          { timeoutMs: 10_000, pollMs: 10, description, subscribe: (wake) => hub.onEvent(() => wake()) },
        );
      await agent.start();
      await until(() => INPUT_NAMES.every((i) => runs.has(i)), 'every input run once', true);

      const read = (metric: string, labels: Record<string, string> = {}): number | undefined => recorder.value(metric, { target: T, ...labels });
      const storageSteps = CHAOS_SCRIPT.filter((s) => !CONNECTION_STEP.test(s.label));
      assert.ok(storageSteps.length >= 10, 'the script has its storage steps');
      for (const step of storageSteps) {
        const expectation = EXPECTATIONS.find(([re]) => re.test(step.label));
        assert.ok(expectation, `no metric expectation for the chaos step "${step.label}"`);
        const snapshot = new Map<string, number | undefined>();
        const before = (metric: string, labels: Record<string, string> = {}): number | undefined => snapshot.get(JSON.stringify([metric, labels]));
        // What `before` may ask for, read now (the recorder holds only current values).
        for (const [metric, labels] of [
          ['rds_interface_link_downs_total', { interface: 'sfp28-1' }],
          ['rds_filesystem_free_bytes', POOL_FS],
          ...['raid', 'drives', 'filesystems', 'exports'].map((input) => ['rds_telemetry_errors_total', { input, reason: 'command' }] as const),
          ...['raid', 'drives', 'filesystems', 'exports'].map((input) => ['rds_telemetry_read_bytes_total', { input }] as const),
        ] as const) snapshot.set(JSON.stringify([metric, labels]), read(metric, labels));
        await step.apply(sim);
        const at = await clock.tickAsync(INTERVAL_MS);
        await until(() => INPUT_NAMES.every((i) => runs.get(i) === at), `every input run after "${step.label}"`);
        try {
          expectation[1]({ value: read, before });
        } catch (err) {
          throw new Error(`after the chaos step "${step.label}": ${(err as Error).message}`, { cause: err });
        }
      }
      assert.deepEqual(sim.device.faults(), [], 'the last storage step clears every fault');
    } finally {
      await agent?.stop();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
