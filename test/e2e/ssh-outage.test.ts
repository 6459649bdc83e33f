/**
 * Real OpenSSH e2e: outages and permanent errors.
 * - scenario 4: sshd is down for a while -> attempts follow the backoff strategy; recovery on return;
 * - scenario 5: the host key changed -> `host-key-mismatch`, never marked connected, credentials never accepted;
 * - scenario 6: the key was removed from authorized_keys -> `auth`, retried no faster than maxDelayMs.
 * Needs root and /usr/sbin/sshd (`apt-get install -y openssh-server`); fails loudly without them.
 */
import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AttemptEvent, BackoffEvent, MonitorEvent } from '@rds-agent/core/host';
import { withinRealTime } from '@rds-agent/core/testing';
import { connectionState, fastBackoff, useTestSshd, useSshTargets } from '../support/ssh-harness.js';

const peer = useTestSshd();
const target = useSshTargets(peer);

/** Failed attempts and the backoff decision that followed each, in order, from `events`. */
function failuresWithBackoff(events: readonly MonitorEvent[]): Array<{ attempt: AttemptEvent; backoff: BackoffEvent | undefined }> {
  const out: Array<{ attempt: AttemptEvent; backoff: BackoffEvent | undefined }> = [];
  events.forEach((e, i) => {
    if (e.type !== 'attempt' || e.outcome !== 'failure') return;
    const next = events.slice(i + 1).find((n) => n.type === 'backoff' || n.type === 'attempt');
    out.push({ attempt: e, backoff: next?.type === 'backoff' ? next : undefined });
  });
  return out;
}

test('scenario 4: while sshd is down, attempts follow the backoff strategy; recovery when it returns', async () => {
  // Exponential 100 ms -> 1 s, x2, no jitter: waits 100, 200, 400, 800, 1000, 1000 ...
  const t = target({ monitor: { probeInterval: 500, firstAttemptJitter: 20 } });
  t.monitor.start();
  await withinRealTime(t.monitor.whenState('connected'), 10_000, 'the first connection');
  // A connection that passed a probe is a healthy one: its loss starts the strategy afresh. (A peer
  // that drops a connection before it proves itself keeps backing off: the monitor's unit tests.)
  // The outage starts right after a probe, so the next one is 500 ms away and only onLost explains
  // the detection.
  await t.recorder.waitFor((r) => r.eventsOf('probe').some((p) => p.outcome === 'ok'), { timeoutMs: 10_000, description: 'a passing probe' });
  await peer.sshd.waitForSessions(1);
  const mark = t.recorder.events.length;

  await peer.sshd.stopListener();
  peer.sshd.killSessions('all', 'SIGKILL');
  await t.recorder.waitFor((r) => failuresWithBackoff(r.events.slice(mark)).length >= 6, {
    timeoutMs: 15_000,
    description: 'six failed attempts while sshd is down',
  });
  await peer.sshd.startListener();
  await t.recorder.waitFor((r) => r.eventsOf('recovered').length === 2, { timeoutMs: 10_000, description: 'recovery' });

  const outage = t.recorder.events.slice(mark);
  const lost = outage.find((e) => e.type === 'disconnected');
  assert.equal(lost?.type === 'disconnected' && lost.detectedBy, 'transport');
  const firstWait = outage.find((e): e is BackoffEvent => e.type === 'backoff')!;
  assert.ok(firstWait.delayMs <= 20, `first attempt after a loss waits only the jitter window (${firstWait.delayMs} ms)`);

  const failures = failuresWithBackoff(outage);
  assert.ok(failures.length >= 6);
  assert.deepEqual(
    failures.map((f) => f.attempt.attempt),
    failures.map((_, i) => i + 1),
    'attempts are numbered 1..n within the outage',
  );
  assert.ok(failures.every((f) => f.attempt.error?.reason === 'refused' && f.attempt.error.retryable));
  const expected = [100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000, 1000];
  const delays = failures.map((f) => f.backoff?.delayMs).filter((d): d is number => d !== undefined);
  assert.deepEqual(delays, expected.slice(0, delays.length), 'waits follow the strategy exactly');
  // Real time honoured each wait: the next attempt ended no sooner than the wait after the previous one.
  const attempts = outage.filter((e): e is AttemptEvent => e.type === 'attempt');
  for (let i = 1; i < attempts.length; i++) {
    const wait = failures[i - 1]!.backoff!.delayMs;
    assert.ok(attempts[i]!.at - attempts[i - 1]!.at >= wait - 5, `attempt ${i + 1} came ${attempts[i]!.at - attempts[i - 1]!.at} ms after, wait was ${wait}`);
  }

  const failuresCount = failures.length;
  assert.equal(t.recorder.value('rds_reconnect_total', { target: t.target, status: 'failure' }), failuresCount);
  assert.equal(t.recorder.value('rds_connect_errors_total', { target: t.target, reason: 'refused' }), failuresCount);
  assert.equal(t.recorder.value('rds_reconnect_total', { target: t.target, status: 'success' }), 2);
  assert.equal(t.recorder.value('rds_backoff_delay_seconds', { target: t.target }), 0);
  const recovered = t.recorder.eventsOf('recovered')[1]!;
  assert.equal(recovered.attempts, failuresCount + 1);
  assert.equal(connectionState(t), 1);
});

test('scenario 5: a changed host key -> host-key-mismatch, never connected, credentials never accepted', async () => {
  const pinned = peer.sshd.hostKeyFingerprint;
  const changed = await peer.sshd.changeHostKey();
  assert.notEqual(changed, pinned);
  const logBefore = readFileSync(peer.sshd.logFile, 'utf8').length;
  const backoff = fastBackoff();
  const t = target({ hostKeyFingerprints: [pinned], backoff, monitor: { probeInterval: 60_000 } });
  t.monitor.start();
  await t.recorder.waitFor((r) => r.eventsOf('attempt').length >= 2, { timeoutMs: 10_000, description: 'two attempts' });

  const attempts = t.recorder.eventsOf('attempt');
  assert.ok(attempts.every((a) => a.outcome === 'failure' && a.error?.reason === 'host-key-mismatch' && a.error.retryable === false));
  assert.equal(attempts[0]!.error?.code, 'RDS_AGENT_ERR_HOST_KEY_MISMATCH');
  assert.ok(!t.recorder.eventsOf('state-changed').some((s) => s.to === 'connected'), 'never marked connected');
  assert.equal(t.monitor.state, 'disconnected');
  assert.equal(connectionState(t), 0);
  assert.equal(t.recorder.value('rds_connect_errors_total', { target: t.target, reason: 'host-key-mismatch' }), attempts.length);
  // Permanent: the wait is the strategy's slowest, never its fast start.
  assert.ok(t.recorder.eventsOf('backoff').every((b) => b.delayMs >= backoff.maxDelayMs));
  // The handshake stopped at the host key: sshd never saw a login from the impostor-wary client.
  const log = readFileSync(peer.sshd.logFile, 'utf8').slice(logBefore);
  assert.doesNotMatch(log, /Accepted publickey/);
  assert.equal(peer.sshd.sessionCount(), 0);
});

test('scenario 6: a key removed from authorized_keys -> auth failure, retried no faster than maxDelayMs, recovery when restored', async () => {
  const backoff = fastBackoff(); // maxDelayMs 1000
  const t = target({ backoff, monitor: { probeInterval: 60_000, firstAttemptJitter: 20 } });
  t.monitor.start();
  await withinRealTime(t.monitor.whenState('connected'), 10_000, 'the first connection');
  await t.transport.run(':put 1');
  await peer.sshd.waitForSessions(1);
  const mark = t.recorder.events.length;

  peer.sshd.revokeKey();
  peer.sshd.killSessions('all', 'SIGKILL');
  await t.recorder.waitFor((r) => failuresWithBackoff(r.events.slice(mark)).length >= 3, {
    timeoutMs: 15_000,
    description: 'three auth failures',
  });
  const failures = failuresWithBackoff(t.recorder.events.slice(mark));
  assert.ok(failures.every((f) => f.attempt.error?.reason === 'auth' && f.attempt.error.retryable === false));
  assert.equal(failures[0]!.attempt.error?.code, 'RDS_AGENT_ERR_AUTH');
  for (const f of failures) {
    if (f.backoff) assert.ok(f.backoff.delayMs >= backoff.maxDelayMs, `auth retry waited ${f.backoff.delayMs} ms`);
  }
  const attempts = t.recorder.events.slice(mark).filter((e): e is AttemptEvent => e.type === 'attempt');
  for (let i = 1; i < attempts.length; i++) {
    assert.ok(attempts[i]!.at - attempts[i - 1]!.at >= backoff.maxDelayMs - 5, 'attempts spaced by at least maxDelayMs');
  }
  assert.equal(t.monitor.state, 'disconnected');
  assert.equal(connectionState(t), 0);
  assert.ok((t.recorder.value('rds_connect_errors_total', { target: t.target, reason: 'auth' }) ?? 0) >= 3);

  peer.sshd.authorizeKey();
  await t.recorder.waitFor((r) => r.eventsOf('recovered').length === 2, { timeoutMs: 10_000, description: 'recovery after restoring the key' });
  assert.equal(connectionState(t), 1);
});
