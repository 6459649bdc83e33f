import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExponentialBackoff } from '../backoff/exponential.js';
import type { Random } from '../clock/random.js';
import { silentLogger } from '../logging/logger.js';
import { Metrics } from '../metrics/catalog.js';
import { MetricsHub } from '../metrics/metrics-hub.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeTransport } from '../testing/fake-transport.js';
import { RecordingExporter } from '../testing/recording-exporter.js';
import { SequenceRandom } from '../testing/sequence-random.js';
import { createConnectionMonitor } from './create-connection-monitor.js';
import { FIRST_ATTEMPT_FLOOR, pickFirstAttemptDelay } from './first-attempt-delay.js';
import { DEFAULT_MONITOR_SETTINGS } from './monitor-settings.js';

const T = 'rds1';
const target = { target: T };

describe('pickFirstAttemptDelay (pure)', () => {
  it('matches the worked table', () => {
    assert.equal(pickFirstAttemptDelay(12_000, 0), 1500);
    assert.equal(pickFirstAttemptDelay(12_000, 0.5), 6750);
    assert.equal(pickFirstAttemptDelay(12_000, 0.9999), 11_999);
    assert.equal(pickFirstAttemptDelay(1000, 0.25), 344);
    assert.equal(pickFirstAttemptDelay(0, 0.7), 0);
  });

  it('stays in [window/8, window] and is uniform over it', () => {
    const window = 12_000;
    for (let i = 0; i < 1000; i++) {
      const draw = i / 1000;
      const delay = pickFirstAttemptDelay(window, draw);
      assert.ok(delay >= window * FIRST_ATTEMPT_FLOOR && delay <= window, `draw ${draw} gave ${delay}`);
      assert.ok(Math.abs(delay - (1500 + 10_500 * draw)) <= 0.5 + 1e-9, `draw ${draw}: ${delay} is the draw mapped linearly, rounded`);
    }
  });

  it('waits nothing for a window of 0 or one that is not a positive number', () => {
    for (const window of [0, -5, Number.NaN]) assert.equal(pickFirstAttemptDelay(window, 0.5), 0);
  });
});

/** A monitor with the shipped monitor settings (no override) on a FakeClock, hub + recorder attached. */
function withDefaults(random: Random) {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  const hub = new MetricsHub(silentLogger(), 'test', undefined, { targetInfoLabels: [] });
  const rec = new RecordingExporter();
  rec.attach(hub);
  const backoff = new ExponentialBackoff({}, { clock, random });
  const monitor = createConnectionMonitor({ target: T, transport, backoff, clock, random, events: hub, transportType: 'fake' });
  return { clock, transport, monitor, rec };
}

describe('ConnectionMonitor: the default first-attempt delay', () => {
  it('ships a 12 s window: first attempts after a loss fall in [1.5 s, 12 s]', () => {
    assert.equal(DEFAULT_MONITOR_SETTINGS.firstAttemptJitter, 12_000);
  });

  it('changes state and rds_connection_state at the instant of detection, then waits the draw', async (t) => {
    const random = new SequenceRandom([0.5]);
    const { clock, transport, monitor, rec } = withDefaults(random);
    t.after(() => monitor.stop());
    monitor.start();
    await clock.tickToAsync(6000); // past the first (passing) probe: a healthy connection is lost
    assert.equal(rec.value(Metrics.connectionState, target), 1);
    transport.reportLoss();
    // Synchronously, at the same fake instant, before any wait.
    assert.equal(clock.now(), 6000);
    assert.equal(monitor.state, 'disconnected');
    assert.equal(rec.value(Metrics.connectionState, target), 0);
    assert.deepEqual(
      rec.eventsOf('state-changed').at(-1),
      { type: 'state-changed', target: T, at: 6000, from: 'connected', to: 'disconnected', reason: 'network' },
    );
    assert.equal(rec.value(Metrics.disconnects, { target: T, reason: 'network' }), 1);
    await clock.flush();
    const backoff = rec.eventsOf('backoff').at(-1)!;
    assert.deepEqual([backoff.at, backoff.delayMs, backoff.nextAttemptAt], [6000, 6750, 12_750]);
    await clock.tickToAsync(12_749);
    assert.equal(transport.connectCalls, 1, 'no attempt before the drawn instant');
    assert.equal(rec.value(Metrics.connectionState, target), 0);
    await clock.tickToAsync(12_750);
    assert.equal(transport.connectCalls, 2);
    assert.equal(monitor.state, 'connected');
    assert.equal(rec.value(Metrics.connectionState, target), 1);
    assert.equal(rec.histogram(Metrics.reconnectDuration, target).values.at(-1), 6.75);
  });

  it('never makes the first attempt sooner than window/8 after the loss (draw 0)', async (t) => {
    const { clock, transport, monitor } = withDefaults(new SequenceRandom([0]));
    t.after(() => monitor.stop());
    monitor.start();
    await clock.tickToAsync(6000);
    transport.reportLoss();
    await clock.tickToAsync(7499);
    assert.equal(transport.connectCalls, 1);
    assert.equal(monitor.state, 'disconnected');
    await clock.tickToAsync(7500);
    assert.equal(transport.connectCalls, 2);
    assert.equal(monitor.state, 'connected');
  });

  it('changes state at the probe that notices a silent loss, then waits the draw', async (t) => {
    const { clock, transport, monitor, rec } = withDefaults(new SequenceRandom([0.9999]));
    t.after(() => monitor.stop());
    monitor.start();
    await clock.tickToAsync(6000);
    transport.setConnected(false); // no onLost: the probe at t = 10 s notices
    await clock.tickToAsync(9999);
    assert.equal(monitor.state, 'connected');
    await clock.tickToAsync(10_000);
    assert.equal(monitor.state, 'disconnected');
    assert.equal(rec.value(Metrics.connectionState, target), 0);
    assert.equal(rec.eventsOf('disconnected').at(-1)!.at, 10_000);
    await clock.tickToAsync(10_000 + 11_998);
    assert.equal(transport.connectCalls, 1);
    await clock.tickToAsync(10_000 + 11_999);
    assert.equal(transport.connectCalls, 2);
    assert.equal(monitor.state, 'connected');
  });
});
