/**
 * Real OpenSSH e2e, scenario 1: the rds-ssh transport connects to a private sshd (RouterOS-like
 * ForceCommand), the monitor probes it, and commands run through the transport.
 * Needs root and /usr/sbin/sshd (`apt-get install -y openssh-server`); fails loudly without them.
 */
import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDiskTraffic, parsePrintDetail } from '@rds-agent/rds-ssh-plugin';
import { connectionState, sshTarget, sshdPeer, useTestSshd } from '../support/ssh-harness.js';

const peer = useTestSshd({ identity: 'rds-e2e-1' });

test('connects to real OpenSSH, passes probes, and runs RouterOS commands', async () => {
  const t = sshTarget({
    ...sshdPeer(peer.sshd),
    monitor: { probeInterval: 200 },
  });
  try {
    t.monitor.start();
    await t.recorder.waitFor((r) => r.eventsOf('probe').filter((p) => p.outcome === 'ok').length >= 2, {
      timeoutMs: 10_000,
      description: 'connected and two passing probes',
    });
    assert.equal(t.monitor.state, 'connected');
    assert.equal(connectionState(t), 1);
    assert.equal(t.recorder.value('rds_reconnect_total', { target: t.target, status: 'success' }), 1);
    assert.equal(t.recorder.value('rds_reconnect_total', { target: t.target, status: 'failure' }) ?? 0, 0);
    assert.ok(t.recorder.histogram('rds_probe_duration_seconds', { target: t.target }).count >= 2);
    assert.equal(t.recorder.eventsOf('recovered').length, 1);
    assert.equal(
      t.recorder.value('rds_target_info', {
        target: t.target,
        transport: 'rds-ssh',
        host: peer.sshd.host,
        port: String(peer.sshd.port),
        host_key_verification: 'pinned',
        probe_mode: 'command',
      }),
      1,
    );

    // sshd's forced command printed CRLF, as RouterOS does; the transport hands back LF text.
    assert.equal(await t.transport.run('/system identity print'), '  name: rds-e2e-1\n\n');
    const resource = await t.transport.run('/system resource print');
    assert.match(resource, /board-name: RDS2216-2XG-4S\+4XS-2XQ/);
    const first = parseDiskTraffic(await t.transport.run('/disk monitor-traffic storage-pool once'));
    const second = parseDiskTraffic(await t.transport.run('/disk monitor-traffic storage-pool once'));
    assert.equal(first.slot, 'storage-pool');
    assert.ok(second.values['write-bytes']! > first.values['write-bytes']!, 'counters grow');
    const disks = parsePrintDetail(await t.transport.run('/disk print detail'));
    assert.deepEqual(
      disks.map((d) => d.properties['slot']),
      ['nvme1', 'storage-pool'],
    );
    // An unknown command is UNSUPPORTED (the device does not know it), a refusal COMMAND; neither is a loss.
    await assert.rejects(t.transport.run('/foo bar'), (err: { code?: string }) => err.code === 'RDS_AGENT_ERR_UNSUPPORTED');

    // One kept connection: every probe and command shared it.
    await peer.sshd.waitForSessions(1);
    assert.equal(peer.sshd.sessionCount(), 1);
  } finally {
    await t.stop();
  }
  await peer.sshd.waitForSessions(0);
  assert.equal(t.monitor.state, 'stopped');
  assert.equal(connectionState(t), 0);
});
