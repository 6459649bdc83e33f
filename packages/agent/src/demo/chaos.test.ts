import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { FakeClock } from '@rds-agent/core/testing';
import { startRdsSimulator, type RdsSimulator } from '@rds-agent/rds-ssh-plugin/testing';
import { CHAOS_SCRIPT, Chaos } from './chaos.js';

// The demo's chaos script against a real simulator, on a FakeClock that also drives the device's
// time: what `npm run demo -- --chaos` shows at each second, without waiting for any of it. The
// simulator's own tests prove its SSH answers are these device answers byte for byte.

type Json = Record<string, unknown>;
const DISK_JSON = ':put [:serialize to=json [/disk print detail as-value]]';
const HEALTH_JSON = ':put [:serialize to=json [/system health print as-value]]';

const arrayState = (sim: RdsSimulator, slot: string): unknown => (JSON.parse(sim.device.answer(DISK_JSON)) as Json[]).find((d) => d['slot'] === slot)!['state'];
const sensor = (sim: RdsSimulator, name: string): unknown => (JSON.parse(sim.device.answer(HEALTH_JSON)) as Json[]).find((r) => r['name'] === name)!['value'];

/** Resolves 'open' or the connect error code: is the simulator's port accepting? */
function probePort(sim: RdsSimulator): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(sim.port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve('open');
    });
    sock.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

async function setup(): Promise<{ sim: RdsSimulator; clock: FakeClock; chaos: Chaos; labels: string[] }> {
  const clock = new FakeClock(Date.UTC(2026, 9, 1, 8));
  const sim = await startRdsSimulator({ now: () => clock.now() });
  const labels: string[] = [];
  const chaos = new Chaos(sim, (l) => labels.push(l), clock);
  return { sim, clock, chaos, labels };
}

describe('demo chaos', () => {
  it('shows a degraded array at 6 s and a stopped fan at 18 s', async () => {
    const { sim, clock, chaos, labels } = await setup();
    try {
      chaos.start();
      await clock.tickAsync(5_999);
      assert.equal(arrayState(sim, 'mirror'), 'clean');
      await clock.tickAsync(1);
      await chaos.idle();
      assert.equal(arrayState(sim, 'mirror'), 'clean, degraded');
      assert.match(sim.device.answer(DISK_JSON), /"raid-member-failed":true,[^}]*"slot":"nvme13"/);
      await clock.tickAsync(12_000);
      await chaos.idle();
      assert.equal(sensor(sim, 'fan2-speed'), 0);
      assert.match(sim.device.answer('/system health print terse'), / name=fan2-speed value=0 type=RPM\r\n/);
      assert.deepEqual(labels, [CHAOS_SCRIPT[0]!.label, CHAOS_SCRIPT[1]!.label, CHAOS_SCRIPT[2]!.label]);
      await chaos.stop();
      assert.deepEqual(sim.device.faults(), [], 'stop() leaves the device healthy');
      assert.equal(arrayState(sim, 'mirror'), 'clean');
    } finally {
      await chaos.stop();
      await sim.close();
    }
  });

  it('keeps the connection faults at 12, 24, 44, 56 and 71 s', () => {
    let t = 0;
    const at: Record<string, number> = {};
    for (const step of CHAOS_SCRIPT) {
      t += step.afterSeconds;
      at[step.label] = t;
    }
    const when = (re: RegExp): number[] => Object.entries(at).filter(([l]) => re.test(l)).map(([, s]) => s);
    assert.deepEqual(when(/^dropped every connection/), [12]);
    assert.deepEqual(when(/^device down/), [24]);
    assert.deepEqual(when(/^device back/), [44]);
    assert.deepEqual(when(/^device hung/), [56]);
    assert.deepEqual(when(/^device answers again/), [71]);
    assert.ok(when(/degraded/)[0]! <= 60 && when(/fan2 stopped/)[0]! <= 60, 'storage faults within the first minute');
  });

  it('one whole loop: every step applies, the rebuild progresses, and it ends healthy', async () => {
    const { sim, clock, chaos } = await setup();
    try {
      chaos.start();
      const seen: Record<string, unknown> = {};
      for (const [i, step] of CHAOS_SCRIPT.entries()) {
        await clock.tickAsync(step.afterSeconds * 1000);
        await chaos.idle();
        assert.equal(chaos.stepsApplied, i + 1, step.label);
        if (/^device down/.test(step.label)) assert.equal(await probePort(sim), 'ECONNREFUSED');
        if (/"mirror" rebuilding/.test(step.label)) seen['rebuild'] = arrayState(sim, 'mirror');
        if (/^device back/.test(step.label)) seen['rebuild 10 s later'] = arrayState(sim, 'mirror');
        if (/psu2 failed/.test(step.label)) seen['psu2'] = sensor(sim, 'psu2-state');
        if (/CPU at 95/.test(step.label)) seen['cpu'] = sensor(sim, 'cpu-temperature');
        if (/hot spare nvme11 takes over/.test(step.label)) seen['pool'] = arrayState(sim, 'storage-pool');
        if (/btrfs errors/.test(step.label)) seen['about'] = (JSON.parse(sim.device.answer(':put [:serialize to=json [/disk btrfs filesystem print detail as-value]]')) as Json[])[0]!['about'] !== '';
        if (/flapping/.test(step.label)) seen['flap'] = (JSON.parse(sim.device.answer(':put [:serialize to=json [/interface print stats-detail as-value]]')) as Json[]).find((x) => x['name'] === 'sfp28-1')!['running'];
        if (/2 MiB of spaces/.test(step.label)) seen['garbage'] = sim.device.answer('/disk print terse').length;
      }
      assert.deepEqual(seen, {
        rebuild: 'clean, degraded, recovering = 0.0%',
        'rebuild 10 s later': 'clean, degraded, recovering = 25.0%',
        psu2: 'fail',
        cpu: 95,
        pool: 'clean, degraded, recovering = 0.0%',
        about: true,
        flap: false,
        garbage: 2 * 1024 * 1024,
      });
      assert.deepEqual(sim.device.faults(), [], 'the last step clears everything');
      assert.equal(arrayState(sim, 'storage-pool'), 'clean');
      assert.equal(await probePort(sim), 'open', 'connections accepted again');
      // The loop starts over.
      await clock.tickAsync(CHAOS_SCRIPT[0]!.afterSeconds * 1000);
      await chaos.idle();
      assert.equal(arrayState(sim, 'mirror'), 'clean, degraded');
    } finally {
      await chaos.stop();
      await sim.close();
    }
  });

  it('stop() before the first fault, and twice, is safe', async () => {
    const { sim, chaos, clock } = await setup();
    chaos.start();
    await chaos.stop();
    await chaos.stop();
    assert.equal(clock.pendingTimers(), 0, 'no timer left behind');
    await sim.close();
  });
});
