/**
 * Real OpenSSH e2e: device telemetry over the kept connection. A TelemetryCollector (real time,
 * short interval) reads the RouterOS-like answers of the private sshd through the rds-ssh
 * transport; the values reach the metrics through the MetricsHub, counters grow, and no second
 * SSH session is ever opened for it.
 * Needs root and /usr/sbin/sshd (`apt-get install -y openssh-server`); fails loudly without them.
 */
import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetryCollector, silentLogger } from '@rds-agent/core/host';
import { withinRealTime } from '@rds-agent/core/testing';
import { INPUT_NAMES, RDS_SSH_DEFAULTS, type RdsSshConfig } from '@rds-agent/rds-ssh-plugin';
import { sshTarget, sshdPeer, useTestSshd } from '../support/ssh-harness.js';

const peer = useTestSshd();

test('collects system and disk telemetry from real OpenSSH on the monitored connection', async () => {
  // Each input keeps its own interval (the collector's intervalMs is for collect()-only transports).
  const inputs = Object.fromEntries(INPUT_NAMES.map((n) => [n, { ...RDS_SSH_DEFAULTS.inputs[n], interval: 300, timeout: 5000 }])) as RdsSshConfig['inputs'];
  const t = sshTarget({ ...sshdPeer(peer.sshd), monitor: { probeInterval: 60_000 }, transport: { inputs } });
  const collector = new TelemetryCollector({
    target: t.target,
    source: t.transport,
    connection: t.monitor,
    clock: t.clock,
    events: t.hub,
    logger: silentLogger(),
    intervalMs: 300,
    timeoutMs: 5000,
  });
  try {
    t.monitor.start();
    collector.start();
    await withinRealTime(t.monitor.whenState('connected'), 10_000, 'the first connection');
    // Each input runs on its own schedule and reports its own event: wait for two reads of each
    // input asserted here (system reads after the JSON probe, its refused JSON form and its text form).
    const okRuns = (input: string): number => t.recorder.eventsOf('telemetry').filter((e) => e.input === input && e.outcome === 'ok').length;
    await t.recorder.waitFor(() => okRuns('system') >= 2 && okRuns('traffic') >= 2, {
      timeoutMs: 15_000,
      description: 'two system and two traffic collections',
    });
    const target = { target: t.target };
    assert.equal(t.recorder.value('rds_system_cpu_load_ratio', target), 0.03);
    assert.equal(t.recorder.value('rds_system_memory_total_bytes', target), 32 * 2 ** 30);
    assert.ok((t.recorder.value('rds_system_uptime_seconds', target) ?? 0) >= 1_313_862);
    assert.equal(t.recorder.value('rds_system_info', { ...target, version: '7.19.4 (stable)', board: 'RDS2216-2XG-4S+4XS-2XQ', architecture: 'arm64' }), 1);
    // Both slots of /disk print detail were discovered and read; totals come from the device.
    for (const slot of ['nvme1', 'storage-pool']) {
      const written = t.recorder.value('rds_disk_write_bytes_total', { ...target, slot }) ?? 0;
      assert.ok(written >= 515_659_673_600, `${slot}: ${written}`);
    }
    const before = t.recorder.value('rds_disk_write_bytes_total', { ...target, slot: 'storage-pool' })!;
    const seen = okRuns('traffic');
    await t.recorder.waitFor(() => okRuns('traffic') > seen, { timeoutMs: 5000, description: 'another traffic collection' });
    assert.ok(t.recorder.value('rds_disk_write_bytes_total', { ...target, slot: 'storage-pool' })! > before, 'the counter grows with the device total');
    // No input failed (the ones this sshd does not answer are disabled as unsupported, not failed).
    for (const input of INPUT_NAMES) assert.equal(t.recorder.value('rds_telemetry_errors_total', { ...target, input, reason: 'command' }) ?? 0, 0, input);
    assert.deepEqual(t.recorder.eventsOf('telemetry').filter((e) => e.outcome === 'failed').map((e) => `${e.input}: ${e.reason} ${e.message}`), []);
    // Everything ran on the one monitored connection.
    assert.equal(peer.sshd.sessionCount(), 1);
    assert.equal(t.recorder.eventsOf('recovered').length, 1);
  } finally {
    await collector.stop();
    await t.stop();
  }
  await peer.sshd.waitForSessions(0);
});
