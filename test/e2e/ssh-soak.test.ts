/**
 * Real OpenSSH e2e, scenario 8: 200 loss/recovery cycles against one sshd. Proves that
 * close-before-reconnect holds (sshd never shows more than one session for the target) and that
 * the agent leaks nothing (its sockets and timers return to the count before the monitor started).
 * Needs root and /usr/sbin/sshd (`apt-get install -y openssh-server`); fails loudly without them.
 */
import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitForCondition } from '@rds-agent/core/testing';
import { connectionState, handleCounts, sshTarget, sshdPeer, useTestSshd } from '../support/ssh-harness.js';

const CYCLES = 200;

const peer = useTestSshd();

test(`scenario 8: ${CYCLES} loss/recovery cycles leave at most one sshd session and no leaked handles`, { timeout: 180_000 }, async (ctx) => {
  const before = handleCounts();
  const t = sshTarget({
    ...sshdPeer(peer.sshd),
    // A probe passes in every cycle before the kill, so each connection is a proven one (its loss
    // restarts the strategy) and the probe's exec channels are part of what must not leak.
    monitor: { probeInterval: 200, firstAttemptJitter: 10 },
  });
  // Sample sshd's view continuously, not just between cycles: a leak shows up mid-reconnect.
  let maxSessions = 0;
  let samples = 0;
  const sampler = setInterval(() => {
    samples += 1;
    maxSessions = Math.max(maxSessions, peer.sshd.sessionCount());
  }, 25);
  try {
    t.monitor.start();
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      await t.recorder.waitFor((r) => r.eventsOf('recovered').length === cycle, {
        timeoutMs: 10_000,
        description: `recovery #${cycle}`,
      });
      await t.transport.run(':put 1'); // the post-login sshd process now exists
      const since = t.recorder.eventsOf('recovered').at(-1)!.at;
      await t.recorder.waitFor((r) => r.eventsOf('probe').some((p) => p.outcome === 'ok' && p.at >= since), {
        timeoutMs: 10_000,
        description: `a passing probe in cycle #${cycle}`,
      });
      maxSessions = Math.max(maxSessions, peer.sshd.sessionCount());
      // Right after a probe: the next one is 200 ms away, so only the transport's onLost explains the detection.
      peer.sshd.killSessions('all', 'SIGKILL');
      await t.recorder.waitFor((r) => r.eventsOf('disconnected').length === cycle, {
        timeoutMs: 10_000,
        description: `loss #${cycle}`,
      });
    }
    await t.recorder.waitFor((r) => r.eventsOf('recovered').length === CYCLES + 1, { timeoutMs: 10_000, description: 'final recovery' });
  } finally {
    clearInterval(sampler);
    await t.stop();
  }

  // Measurements, not assertions (no speed claims): printed as TAP diagnostics.
  const outages = t.recorder.eventsOf('recovered').slice(1).map((r) => r.outageMs).sort((a, b) => a - b);
  const pct = (q: number): number => outages[Math.min(outages.length - 1, Math.floor(q * outages.length))]!;
  ctx.diagnostic(`outage ms (loss detected -> connected): p50 ${pct(0.5)}, p95 ${pct(0.95)}, max ${pct(1)}; sshd sampled ${samples} times`);
  assert.ok(samples > CYCLES, `sampled sshd ${samples} times`);
  assert.equal(maxSessions, 1, 'sshd never saw two sessions from the target at once');
  const lost = t.recorder.eventsOf('disconnected');
  assert.equal(lost.length, CYCLES);
  assert.ok(lost.every((d) => d.detectedBy === 'transport' && d.reason === 'network'));
  assert.equal(t.recorder.value('rds_disconnects_total', { target: t.target, reason: 'network' }), CYCLES);
  assert.equal(t.recorder.value('rds_reconnect_total', { target: t.target, status: 'success' }), CYCLES + 1);
  assert.equal(t.recorder.histogram('rds_reconnect_duration_seconds', { target: t.target }).count, CYCLES + 1);
  assert.equal(connectionState(t), 0);

  await peer.sshd.waitForSessions(0);
  // Closed sockets and cleared timers leave the handle list asynchronously: wait, bounded.
  await waitForCondition(
    () => {
      const now = handleCounts();
      return now.sockets <= before.sockets && now.timers <= before.timers;
    },
    { timeoutMs: 5_000, description: 'handles back to the start count' },
  ).catch(() => undefined);
  assert.deepEqual(handleCounts(), before, 'TCPSocketWrap and Timeout handles are back to the start count');
});
