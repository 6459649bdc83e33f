/**
 * Real OpenSSH e2e: losing an established connection.
 * - scenario 2: the per-connection sshd processes are killed -> the transport reports the loss at
 *   once (no probe could explain it: probes are a minute apart); recovery once sshd listens again;
 * - scenario 3: the per-connection processes are SIGSTOPped (hung peer) -> the probe deadline
 *   catches it (reason timeout); recovery, and the stopped processes go away after SIGCONT;
 * - scenario 7: only the privileged monitor is killed (keepalives still answered, exec fails with
 *   `Unable to exec`) -> the target is reported unhealthy/lost and recovers;
 * - scenario 3b: the same hang in keepalive probe mode (OpenSSH answers keepalive@openssh.com).
 * Needs root and /usr/sbin/sshd (`apt-get install -y openssh-server`); fails loudly without them.
 */
import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withinRealTime } from '@rds-agent/core/testing';
import { isAlive, signalPids, waitUntil } from '../support/sshd.js';
import { connectionState, useTestSshd, type SshTarget, useSshTargets } from '../support/ssh-harness.js';

const peer = useTestSshd();
const target = useSshTargets(peer);

/** Starts the monitor and waits until connected with the post-login sshd process in place. */
async function connected(t: SshTarget): Promise<void> {
  t.monitor.start();
  await withinRealTime(t.monitor.whenState('connected'), 10_000, 'the first connection');
  // sshd swaps in the `@notty` process after login; one command guarantees it exists.
  await t.transport.run(':put 1');
  await peer.sshd.waitForSessions(1);
}

test('scenario 2: killed sshd session processes are reported by the transport at once, then recovery', async () => {
  // Probes a minute apart: only the transport's onLost can explain a prompt detection.
  const t = target({ monitor: { probeInterval: 60_000, probeTimeout: 5_000, firstAttemptJitter: 20 } });
  await connected(t);
  await peer.sshd.stopListener(); // sshd is "down": the reconnect attempts must fail until it is back
  const killedAt = Date.now();
  assert.equal(peer.sshd.killSessions('all', 'SIGKILL').length, 2);

  await t.recorder.waitFor((r) => r.eventsOf('disconnected').length === 1, { timeoutMs: 5_000, description: 'disconnected event' });
  const lost = t.recorder.eventsOf('disconnected')[0]!;
  assert.equal(lost.detectedBy, 'transport');
  assert.equal(lost.reason, 'network');
  assert.ok(lost.at - killedAt < 5_000, 'detected well before any probe was due');
  assert.equal(t.recorder.eventsOf('probe').length, 0, 'no probe ran');
  assert.equal(connectionState(t), 0);

  await t.recorder.waitFor((r) => r.eventsOf('attempt').filter((a) => a.outcome === 'failure').length >= 2, {
    timeoutMs: 10_000,
    description: 'failed attempts while sshd is down',
  });
  assert.ok(t.recorder.eventsOf('attempt').filter((a) => a.outcome === 'failure').every((a) => a.error?.reason === 'refused'));
  assert.equal(t.monitor.state, 'disconnected');

  await peer.sshd.startListener();
  await t.recorder.waitFor((r) => r.eventsOf('recovered').length === 2, { timeoutMs: 10_000, description: 'recovery' });
  assert.equal(t.monitor.state, 'connected');
  assert.equal(connectionState(t), 1);
  assert.equal(t.recorder.value('rds_disconnects_total', { target: t.target, reason: 'network' }), 1);
  assert.equal(t.recorder.value('rds_reconnect_total', { target: t.target, status: 'success' }), 2);
  assert.ok((t.recorder.value('rds_connect_errors_total', { target: t.target, reason: 'refused' }) ?? 0) >= 2);
  assert.equal(t.recorder.histogram('rds_reconnect_duration_seconds', { target: t.target }).count, 2);
  assert.equal(await t.transport.run(':put 1'), '1\n');
  await peer.sshd.waitForSessions(1);
});

test('scenario 3: SIGSTOPped session processes (hung peer) are caught by the probe deadline, then recovery', async () => {
  const t = target({ monitor: { probeInterval: 300, probeTimeout: 1_000, firstAttemptJitter: 20 } });
  await connected(t);
  const stopped = peer.sshd.sessionProcesses().map((p) => p.pid);
  assert.equal(signalPids(stopped, 'SIGSTOP').length, 2);
  try {
    await t.recorder.waitFor((r) => r.eventsOf('disconnected').length === 1, { timeoutMs: 10_000, description: 'hung peer detected' });
    const lost = t.recorder.eventsOf('disconnected')[0]!;
    assert.equal(lost.detectedBy, 'probe');
    assert.equal(lost.reason, 'timeout');
    const failedProbe = t.recorder.eventsOf('probe').find((p) => p.outcome === 'failed')!;
    assert.equal(failedProbe.reason, 'timeout');
    assert.ok(failedProbe.latencyMs >= 950, `the probe waited for its deadline (${failedProbe.latencyMs} ms)`);
    assert.equal(t.recorder.value('rds_disconnects_total', { target: t.target, reason: 'timeout' }), 1);

    // The listener is healthy, so the monitor reconnects beside the frozen session.
    await t.recorder.waitFor((r) => r.eventsOf('recovered').length === 2, { timeoutMs: 10_000, description: 'recovery' });
    assert.equal(connectionState(t), 1);
    assert.equal(await t.transport.run(':put 1'), '1\n');
  } finally {
    signalPids(stopped, 'SIGCONT');
  }
  // Thawed, the old processes find their client gone and exit: nothing leaks on the server.
  await waitUntil(() => stopped.every((pid) => !isAlive(pid)), 10_000, 'the thawed session processes to exit');
  await peer.sshd.waitForSessions(1);
});

test('scenario 7: only the privileged monitor is killed -> unhealthy target detected, then recovery', async () => {
  const t = target({ monitor: { probeInterval: 300, probeTimeout: 2_000, firstAttemptJitter: 20 } });
  await connected(t);
  const logFrom = readFileSync(peer.sshd.logFile, 'utf8').length;
  assert.equal(peer.sshd.killSessions('priv', 'SIGKILL').length, 1);
  // The connection itself is still up (keepalives would be answered); only exec is broken.
  await t.recorder.waitFor((r) => r.eventsOf('disconnected').length === 1, { timeoutMs: 10_000, description: 'unhealthy detected' });
  const lost = t.recorder.eventsOf('disconnected')[0]!;
  // OpenSSH 9.2 refuses the exec (`Unable to exec`) and then its session process exits
  // (`mm_request_send: Broken pipe`): whichever the monitor hears first names the loss.
  assert.ok(
    (lost.detectedBy === 'probe' && lost.reason === 'unhealthy') || (lost.detectedBy === 'transport' && lost.reason === 'network'),
    `detected as ${lost.detectedBy}/${lost.reason}`,
  );
  assert.notEqual(lost.reason, 'timeout', 'a refused exec is an answer, not a hang');
  // The probe's exec is what hit the dead monitor (sshd logs the broken monitor pipe).
  await waitUntil(() => /mm_request_send/.test(readFileSync(peer.sshd.logFile, 'utf8').slice(logFrom)), 5_000, 'sshd to log the dead monitor');
  await t.recorder.waitFor((r) => r.eventsOf('recovered').length === 2, { timeoutMs: 10_000, description: 'recovery' });
  assert.equal(connectionState(t), 1);
  assert.equal(await t.transport.run('/system identity print'), '  name: mikrotik-e2e\n\n');
  await peer.sshd.waitForSessions(1);
});

test('scenario 3b: in keepalive probe mode, OpenSSH answers keepalives and a SIGSTOPped session is still caught', async () => {
  const t = target({
    transport: { keepaliveInterval: 200, commandProbeInterval: 60_000 },
    monitor: { probeInterval: 300, probeTimeout: 1_000, firstAttemptJitter: 20 },
  });
  await connected(t);
  await t.recorder.waitFor((r) => r.eventsOf('probe').filter((p) => p.outcome === 'ok' && p.mode === 'keepalive+command').length >= 2, {
    timeoutMs: 5_000,
    description: 'keepalive probes passing',
  });
  assert.equal(
    t.recorder.value('rds_target_info', {
      target: t.target,
      transport: 'rds-ssh',
      host: peer.sshd.host,
      port: String(peer.sshd.port),
      host_key_verification: 'pinned',
      probe_mode: 'keepalive+command',
    }),
    1,
    'OpenSSH answers keepalive@openssh.com, so the cheap probe mode is in use',
  );
  assert.equal(peer.sshd.sessionCount(), 1);
  const stopped = peer.sshd.sessionProcesses().map((p) => p.pid);
  signalPids(stopped, 'SIGSTOP');
  try {
    await t.recorder.waitFor((r) => r.eventsOf('disconnected').length === 1, { timeoutMs: 10_000, description: 'hung peer detected' });
    const lost = t.recorder.eventsOf('disconnected')[0]!;
    assert.equal(lost.reason, 'timeout', `detected by ${lost.detectedBy}`);
    await t.recorder.waitFor((r) => r.eventsOf('recovered').length === 2, { timeoutMs: 10_000, description: 'recovery' });
    assert.equal(connectionState(t), 1);
  } finally {
    signalPids(stopped, 'SIGCONT');
  }
  await waitUntil(() => stopped.every((pid) => !isAlive(pid)), 10_000, 'the thawed session processes to exit');
  await peer.sshd.waitForSessions(1);
});
