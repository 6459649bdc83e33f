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
import { sshTarget, sshdPeer, useTestSshd } from '../support/ssh-harness.js';

const peer = useTestSshd();

test('collects system and disk telemetry from real OpenSSH on the monitored connection', async () => {
  const t = sshTarget({ ...sshdPeer(peer.sshd), monitor: { probeInterval: 60_000 } });
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
    await t.recorder.waitFor((r) => r.eventsOf('telemetry').filter((e) => e.outcome === 'ok').length >= 2, {
      timeoutMs: 15_000,
      description: 'two telemetry collections',
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
    const seen = t.recorder.eventsOf('telemetry').length;
    await t.recorder.waitFor((r) => r.eventsOf('telemetry').length > seen, { timeoutMs: 5000, description: 'another collection' });
    assert.ok(t.recorder.value('rds_disk_write_bytes_total', { ...target, slot: 'storage-pool' })! > before, 'the counter grows with the device total');
    assert.equal(t.recorder.value('rds_telemetry_errors_total', { ...target, reason: 'command' }) ?? 0, 0);
    // Everything ran on the one monitored connection.
    assert.equal(peer.sshd.sessionCount(), 1);
    assert.equal(t.recorder.eventsOf('recovered').length, 1);
  } finally {
    await collector.stop();
    await t.stop();
  }
  await peer.sshd.waitForSessions(0);
});
