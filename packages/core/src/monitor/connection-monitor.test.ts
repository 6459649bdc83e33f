import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExponentialBackoff, type ExponentialBackoffParams } from '../backoff/exponential.js';
import type { BackoffStrategy } from '../backoff/backoff.js';
import type { Random } from '../clock/random.js';
import { AgentError } from '../errors/agent-error.js';
import { ErrorCode } from '../errors/codes.js';
import { TransportError } from '../errors/transport-error.js';
import { createLogger, silentLogger } from '../logging/logger.js';
import { parseJsonLogLine } from '../logging/json-log-line.js';
import { LogEvent } from '../logging/log-event.js';
import { Metrics } from '../metrics/catalog.js';
import { MetricsHub } from '../metrics/metrics-hub.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeTransport } from '../testing/fake-transport.js';
import { FixedRandom } from '../testing/fixed-random.js';
import { RecordingExporter } from '../testing/recording-exporter.js';
import { SequenceRandom } from '../testing/sequence-random.js';
import type { Transport } from '../transport/transport.js';
import type { LoopLag } from '../clock/loop-lag.js';
import { Semaphore } from '../signals/semaphore.js';
import { ManualLoopLag } from '../testing/manual-loop-lag.js';
import { createConnectionMonitor } from './create-connection-monitor.js';
import { MIN_RETRY_DELAY_MS, type ConnectionMonitor } from './connection-monitor.js';
import type { MonitorSettings } from './monitor-settings.js';
import type { NamedReconnectHook, ReconnectInfo } from './reconnect-hook.js';

const T = 'rds1';
const target = { target: T };

interface SetupOptions {
  readonly options?: Partial<MonitorSettings>;
  readonly backoff?: Partial<ExponentialBackoffParams>;
  readonly strategy?: BackoffStrategy;
  readonly random?: Random;
  readonly hooks?: readonly NamedReconnectHook[];
  readonly transport?: Transport;
  readonly lag?: LoopLag;
  readonly connectGate?: Semaphore;
}

/** A monitor on a FakeClock (t = 0), FakeTransport, jitter off, hub + recorder attached. */
function setup(o: SetupOptions = {}) {
  const clock = new FakeClock();
  const fake = new FakeTransport({ labels: { host_key_verification: 'pinned', probe_mode: 'command' } });
  const transport = o.transport ?? fake;
  const random = o.random ?? new FixedRandom(0.5);
  const hub = new MetricsHub(silentLogger(), 'test', undefined, { targetInfoLabels: ['host_key_verification', 'probe_mode'] });
  const rec = new RecordingExporter();
  rec.attach(hub);
  const backoff = o.strategy ?? new ExponentialBackoff({ randomizationFactor: 0, ...o.backoff }, { clock, random });
  const monitor = createConnectionMonitor({
    target: T,
    transport,
    backoff,
    clock,
    random,
    events: hub,
    transportType: 'fake', settings: { firstAttemptJitter: 0, ...o.options },
    ...(o.hooks ? { hooks: o.hooks } : {}),
    ...(o.lag ? { lag: o.lag } : {}),
    ...(o.connectGate ? { connectGate: o.connectGate } : {}),
  });
  return { clock, transport: fake, monitor, rec, hub, backoff };
}

/** Advances the clock to absolute time `at`. */
async function to(clock: FakeClock, at: number): Promise<void> {
  await clock.tickToAsync(at);
}

/** Stops the monitor and checks nothing survives: no timer, no listener, transport closed. */
async function stopClean(env: { monitor: ConnectionMonitor; clock: FakeClock; transport: FakeTransport }): Promise<void> {
  await env.monitor.stop();
  assert.equal(env.monitor.state, 'stopped');
  assert.equal(env.transport.isConnected, false, 'transport closed');
  assert.equal(env.transport.openSessions, 0, 'no session left open');
  assert.equal(env.transport.calls.at(-1), 'close', 'close is the last call');
  assert.equal(env.transport.lostListeners, 0, 'onLost unsubscribed');
  assert.equal(env.clock.pendingTimers(), 0, 'no timer survives stop');
}

describe('ConnectionMonitor: construction', () => {
  it('fails without a transport, naming the target (reference: "client is required")', () => {
    const clock = new FakeClock();
    assert.throws(
      () =>
        createConnectionMonitor({
          target: T,
          transport: undefined as unknown as Transport,
          backoff: new ExponentialBackoff({}, { clock, random: new FixedRandom(0.5) }),
          clock,
          random: new FixedRandom(0.5),
          events: new RecordingExporter(),
        }),
      (err: unknown) => err instanceof AgentError && err.code === ErrorCode.CONFIG && /rds1.*transport is required/.test(err.message),
    );
  });

  it('rejects a zero probe interval (it would spin)', () => {
    assert.throws(() => setup({ options: { probeInterval: 0 } }), (err: unknown) => err instanceof AgentError && /probeInterval/.test(err.message));
  });

  it('starts idle and disconnected; the default probe interval is 5 s', async (t) => {
    const env = setup({ options: {} });
    const { clock, monitor, transport } = env;
    t.after(() => monitor.stop());
    assert.equal(monitor.state, 'idle');
    assert.equal(monitor.isConnected(), false);
    assert.equal(monitor.target, T);
    assert.equal(monitor.transport, transport);
    monitor.start();
    await clock.flush();
    assert.equal(monitor.isConnected(), true);
    await to(clock, 4999);
    assert.equal(transport.probeCalls, 0);
    await to(clock, 5000);
    assert.equal(transport.probeCalls, 1);
    await to(clock, 10_000);
    assert.equal(transport.probeCalls, 2);
  });

  it('keeps custom options: probe interval 2 s', async (t) => {
    const { clock, monitor, transport } = setup({ options: { probeInterval: 2000 } });
    t.after(() => monitor.stop());
    monitor.start();
    await to(clock, 1999);
    assert.equal(transport.probeCalls, 0);
    await to(clock, 2000);
    assert.equal(transport.probeCalls, 1);
  });

  it('start() twice is a no-op', async (t) => {
    const { clock, monitor, transport } = setup();
    t.after(() => monitor.stop());
    monitor.start();
    monitor.start();
    await clock.flush();
    assert.equal(transport.connectCalls, 1);
  });
});

describe('ConnectionMonitor: start-up and state', () => {
  it('emits target-info, then connecting -> connected, and isConnected follows the transport', async (t) => {
    const env = setup();
    const { clock, monitor, rec } = env;
    t.after(() => monitor.stop());
    monitor.start();
    assert.equal(monitor.state, 'connecting', 'the first attempt starts at once');
    await clock.flush();
    assert.equal(monitor.state, 'connected');
    assert.equal(monitor.isConnected(), true);
    assert.deepEqual(
      rec.events.map((e) => e.type),
      ['target-info', 'state-changed', 'attempt', 'recovered', 'state-changed'],
    );
    const info = rec.eventsOf('target-info')[0]!;
    assert.equal(info.transport, 'fake');
    assert.deepEqual(info.labels, { host_key_verification: 'pinned', probe_mode: 'command' });
    assert.equal(rec.value(Metrics.targetInfo, { target: T, transport: 'fake', host_key_verification: 'pinned', probe_mode: 'command' }), 1);
    assert.equal(rec.value(Metrics.connectionState, target), 1);
  });

  it('retries a target that is down at start-up (same loop as recovery)', async (t) => {
    const { clock, monitor, transport, rec } = setup();
    t.after(() => monitor.stop());
    transport.failNextConnects(2);
    monitor.start();
    await clock.flush();
    assert.equal(monitor.state, 'disconnected');
    assert.equal(rec.value(Metrics.connectionState, target), 0);
    await to(clock, 1000);
    assert.equal(monitor.state, 'disconnected');
    await to(clock, 3000);
    assert.equal(monitor.state, 'connected');
    const recovered = rec.eventsOf('recovered');
    assert.deepEqual(
      recovered.map((e) => [e.outageMs, e.attempts]),
      [[3000, 3]],
    );
  });

  it('does not apply first-attempt jitter at start-up', async (t) => {
    const { clock, monitor, transport } = setup({ options: { firstAttemptJitter: 1000 }, random: new FixedRandom(0.9) });
    t.after(() => monitor.stop());
    monitor.start();
    await clock.flush();
    assert.equal(transport.connectCalls, 1);
    assert.equal(monitor.state, 'connected');
  });

  it('makes attempts exactly at t = 0, 1 s, 3 s, 7 s, 15 s, 31 s, 47 s (jitter 0, first-attempt jitter 0)', async (t) => {
    const { clock, monitor, transport } = setup();
    t.after(() => monitor.stop());
    transport.failAllConnects();
    monitor.start();
    await clock.flush();
    assert.equal(transport.connectCalls, 1, '1 attempt at t=0');
    const schedule = [1000, 3000, 7000, 15_000, 31_000, 47_000, 63_000];
    for (const [i, at] of schedule.entries()) {
      await to(clock, at - 1);
      assert.equal(transport.connectCalls, i + 1, `still ${i + 1} at t=${at - 1}`);
      await to(clock, at);
      assert.equal(transport.connectCalls, i + 2, `${i + 2} at t=${at}`);
    }
  });

  it('keeps retrying failures (never gives up with maxElapsedTime 0)', async (t) => {
    const { clock, monitor, transport, rec } = setup();
    t.after(() => monitor.stop());
    transport.failAllConnects();
    monitor.start();
    await to(clock, 31_000 + 16_000 * 100);
    assert.equal(transport.connectCalls, 6 + 100);
    assert.equal(monitor.state, 'disconnected');
    assert.equal(rec.value(Metrics.reconnects, { target: T, status: 'failure' }), 106);
    assert.equal(rec.value(Metrics.reconnects, { target: T, status: 'success' }), 0);
    assert.equal(rec.value(Metrics.backoffDelay, target), 16);
  });

  it('reconnects with backoff after failures, then resets the strategy', async (t) => {
    const { clock, monitor, transport, rec } = setup();
    t.after(() => monitor.stop());
    monitor.start();
    await to(clock, 6000); // the first probe (t=5000) passed: a healthy connection
    transport.failNextConnects(3);
    transport.reportLoss();
    // attempts after the loss at 6000 (first at once), then +1 s, +2 s, +4 s
    await to(clock, 6000 + 7000 - 1);
    assert.equal(monitor.state, 'disconnected');
    await to(clock, 6000 + 7000);
    assert.equal(monitor.state, 'connected');
    assert.deepEqual(
      rec.eventsOf('recovered').map((e) => [e.outageMs, e.attempts]),
      [
        [0, 1],
        [7000, 4],
      ],
    );
    // The strategy was reset: the next outage starts from 1 s again.
    const lossAt = 20_000;
    await to(clock, lossAt);
    transport.failNextConnects(1);
    transport.reportLoss();
    await clock.flush();
    await to(clock, lossAt + 999);
    assert.equal(monitor.state, 'disconnected');
    await to(clock, lossAt + 1000);
    assert.equal(monitor.state, 'connected');
  });
});

describe('ConnectionMonitor: a peer that accepts and drops', () => {
  it('backs off as after failed attempts until a connection proves itself, then resets', async (t) => {
    const { clock, monitor, transport, rec } = setup();
    t.after(() => monitor.stop());
    monitor.start();
    // Every connection dies at once (accepted, then dropped): no probe ever passes.
    const flap = (): void => transport.reportLoss();
    const connects: number[] = [];
    for (let i = 0; i < 6; i++) {
      await clock.flush();
      if (monitor.state !== 'connected') await clock.nextAsync();
      assert.equal(monitor.state, 'connected');
      connects.push(clock.now());
      flap();
    }
    await clock.tickAsync(0);
    // Waits 1 s, 2 s, 4 s, 8 s, 16 s: the strategy's schedule, not a reconnect every first-attempt jitter.
    assert.deepEqual(connects, [0, 1000, 3000, 7000, 15_000, 31_000]);
    assert.deepEqual(rec.eventsOf('backoff').map((e) => e.delayMs), [1000, 2000, 4000, 8000, 16_000, 16_000]);
    assert.equal(rec.value(Metrics.reconnects, { target: T, status: 'failure' }), 0, 'no attempt failed');
    // Now the peer behaves: the connection passes a probe, and the next outage starts from scratch.
    await to(clock, 47_000);
    assert.equal(monitor.state, 'connected');
    await to(clock, 52_000); // probe passed at 52 000
    transport.failNextConnects(1);
    transport.reportLoss();
    await clock.flush();
    await to(clock, 52_999);
    assert.equal(monitor.state, 'disconnected');
    await to(clock, 53_000);
    assert.equal(monitor.state, 'connected', 'after a proven connection the first failed attempt waits 1 s again');
  });

  it('a connection that lived a whole probe interval counts as proven even if its first probe found it dead', async (t) => {
    const { clock, monitor, transport, rec } = setup();
    t.after(() => monitor.stop());
    monitor.start();
    await to(clock, 1000);
    transport.setConnected(false); // dies silently; the probe at 5000 notices
    await to(clock, 5000);
    assert.equal(monitor.state, 'connected', 'reconnected at once: first-attempt jitter only (0 here)');
    assert.deepEqual(rec.eventsOf('backoff').map((e) => e.delayMs), [0]);
  });
});

describe('ConnectionMonitor: loss detection', () => {
  it('detects a transport-reported loss at the same fake instant, and metrics change at detection', async (t) => {
    const { clock, monitor, transport, rec } = setup({ options: { firstAttemptJitter: 1000 } });
    t.after(() => monitor.stop());
    transport.failNextConnects(0);
    monitor.start();
    await to(clock, 1234);
    transport.hangConnects(true); // the reconnect will not complete: we look at the instant of detection
    transport.reportLoss();
    // synchronously, same instant, before any wait
    assert.equal(monitor.state, 'disconnected');
    assert.equal(monitor.isConnected(), false);
    assert.equal(clock.now(), 1234);
    const lost = rec.eventsOf('disconnected');
    assert.equal(lost.length, 1);
    assert.equal(lost[0]!.at, 1234);
    assert.equal(lost[0]!.detectedBy, 'transport');
    assert.equal(lost[0]!.reason, 'network');
    assert.equal(rec.value(Metrics.connectionState, target), 0);
    assert.equal(rec.value(Metrics.disconnects, { target: T, reason: 'network' }), 1);
    assert.equal(rec.value(Metrics.lastChange, target), 1.234);
  });

  it('detects a silent loss at the next probe (reference: the 5 s poll)', async (t) => {
    const { clock, monitor, transport, rec } = setup();
    t.after(() => monitor.stop());
    monitor.start();
    await to(clock, 1000);
    transport.setConnected(false); // no onLost: only a probe can notice
    await to(clock, 4999);
    assert.equal(monitor.state, 'connected');
    transport.hangConnects(true);
    await to(clock, 5000);
    assert.equal(monitor.state, 'connecting');
    const lost = rec.eventsOf('disconnected');
    assert.deepEqual(
      lost.map((e) => [e.at, e.reason, e.detectedBy]),
      [[5000, 'not-connected', 'probe']],
    );
    assert.equal(rec.eventsOf('probe').at(-1)!.outcome, 'failed');
  });

  it('detects a hung probe exactly at its deadline and aborts it', async (t) => {
    const { clock, monitor, transport, rec } = setup({ options: { probeInterval: 5000, probeTimeout: 3000 } });
    t.after(() => monitor.stop());
    monitor.start();
    await clock.flush();
    transport.hangProbes(true);
    transport.hangConnects(true);
    await to(clock, 5000);
    assert.equal(transport.probeCalls, 1, 'probe in flight');
    await to(clock, 7999);
    assert.equal(monitor.state, 'connected');
    assert.equal(transport.hangingCalls, 1);
    await to(clock, 8000);
    assert.notEqual(monitor.state, 'connected');
    assert.equal(transport.probeCalls, 1);
    assert.equal(transport.abortedCalls, 1, "the probe's signal was aborted at the deadline");
    assert.equal(transport.hangingCalls, 1, 'only the (hung) reconnect waits');
    const lost = rec.eventsOf('disconnected');
    assert.deepEqual(
      lost.map((e) => [e.at, e.reason, e.detectedBy]),
      [[8000, 'timeout', 'probe']],
    );
    const probe = rec.eventsOf('probe').at(-1)!;
    assert.deepEqual([probe.outcome, probe.reason, probe.latencyMs], ['failed', 'timeout', 3000]);
    assert.equal(rec.value(Metrics.disconnects, { target: T, reason: 'timeout' }), 1);
  });

  it('records successful probes with their latency and mode', async (t) => {
    const { clock, monitor, rec } = setup();
    t.after(() => monitor.stop());
    monitor.start();
    await to(clock, 10_000);
    const probes = rec.eventsOf('probe');
    assert.deepEqual(
      probes.map((p) => [p.at, p.outcome, p.mode]),
      [
        [5000, 'ok', 'fake'],
        [10_000, 'ok', 'fake'],
      ],
    );
    assert.equal(rec.histogram(Metrics.probeDuration, target).count, 2);
  });

  it('treats a connection-class command error as a loss and ignores device errors', async (t) => {
    const { clock, monitor, transport, rec } = setup();
    t.after(() => monitor.stop());
    monitor.start();
    await to(clock, 500);
    monitor.reportCommandError(new TransportError(ErrorCode.COMMAND, 'failure: not enough space'));
    monitor.reportCommandError(new Error('plain error'));
    monitor.reportCommandError(new TransportError(ErrorCode.ABORTED, 'caller gave up'));
    monitor.reportCommandError(new TransportError(ErrorCode.TIMEOUT, 'command outlived its own deadline'));
    assert.equal(monitor.state, 'connected', 'a slow command is not a dead connection: the probe judges hung peers');
    transport.hangConnects(true);
    monitor.reportCommandError(new TransportError(ErrorCode.NETWORK, 'channel open failed'));
    assert.equal(monitor.state, 'disconnected');
    assert.deepEqual(
      rec.eventsOf('disconnected').map((e) => [e.at, e.reason, e.detectedBy]),
      [[500, 'network', 'command']],
    );
  });

  it('run() fails fast while not connected and turns a connection error into a loss', async (t) => {
    const { clock, monitor, transport, rec } = setup();
    t.after(() => monitor.stop());
    await assert.rejects(monitor.run('/system/resource/print'), { code: ErrorCode.NOT_CONNECTED });
    assert.equal(transport.runCalls, 0, 'not even tried');
    monitor.start();
    await clock.flush();
    transport.setCommandResult('/system/resource/print', 'uptime: 1h');
    transport.setCommandResult('/disk/add', new TransportError(ErrorCode.COMMAND, 'failure: not enough space'));
    transport.setCommandResult('/disk/print', new TransportError(ErrorCode.NETWORK, 'channel closed'));
    assert.equal(await monitor.run('/system/resource/print'), 'uptime: 1h');
    await assert.rejects(monitor.run('/disk/add'), { code: ErrorCode.COMMAND });
    assert.equal(monitor.state, 'connected', 'a device error is not a loss');
    transport.hangConnects(true);
    await assert.rejects(monitor.run('/disk/print'), { code: ErrorCode.NETWORK });
    assert.deepEqual(
      rec.eventsOf('disconnected').map((e) => [e.reason, e.detectedBy]),
      [['network', 'command']],
    );
  });

  it('handles a loss once even when several paths report it', async (t) => {
    const { clock, monitor, transport, rec } = setup();
    t.after(() => monitor.stop());
    monitor.start();
    await to(clock, 4000);
    transport.hangConnects(true);
    monitor.reportCommandError(new TransportError(ErrorCode.NETWORK, 'channel failed'));
    transport.reportLoss();
    monitor.reportCommandError(new TransportError(ErrorCode.TIMEOUT, 'command timed out'));
    await to(clock, 6000);
    assert.equal(rec.eventsOf('disconnected').length, 1);
    assert.equal(rec.value(Metrics.disconnects, { target: T, reason: 'network' }), 1);
    assert.equal(rec.value(Metrics.disconnects, { target: T, reason: 'timeout' }), undefined);
  });

  it('waits a first-attempt jitter draw after a loss; state and metrics change at detection', async (t) => {
    const random = new SequenceRandom([0.25]);
    const { clock, monitor, transport, rec } = setup({ options: { firstAttemptJitter: 1000 }, random });
    t.after(() => monitor.stop());
    monitor.start();
    await to(clock, 6000); // past the first (passing) probe: a healthy connection is lost
    assert.equal(random.draws, 0, 'no draw at start-up (and none by a jitter-0 strategy)');
    transport.reportLoss();
    assert.equal(monitor.state, 'disconnected');
    assert.equal(rec.value(Metrics.connectionState, target), 0);
    await clock.flush();
    assert.equal(random.draws, 1);
    // Draw 0.25 in [window/8, window] = [125, 1000] ms: 125 + 875 * 0.25 = 343.75.
    const backoff = rec.eventsOf('backoff').at(-1)!;
    assert.deepEqual([backoff.at, backoff.delayMs, backoff.nextAttemptAt], [6000, 344, 6344]);
    assert.equal(rec.value(Metrics.backoffDelay, target), 0.344);
    await to(clock, 6343);
    assert.equal(transport.connectCalls, 1);
    await to(clock, 6344);
    assert.equal(transport.connectCalls, 2);
    assert.equal(monitor.state, 'connected');
    assert.equal(rec.histogram(Metrics.reconnectDuration, target).values.at(-1), 0.344);
  });

  it('draws nothing for the first attempt when firstAttemptJitter is 0', async (t) => {
    const random = new SequenceRandom([0.25]);
    const { clock, monitor, transport } = setup({ options: { firstAttemptJitter: 0 }, random });
    t.after(() => monitor.stop());
    monitor.start();
    await to(clock, 6000);
    transport.reportLoss();
    await clock.flush();
    assert.equal(random.draws, 0);
    assert.equal(transport.connectCalls, 2);
  });

  it('closes before every connect, never leaks a session, and unsubscribes onLost each cycle', async (t) => {
    const env = setup({ options: { probeInterval: 50 } }); // each connection proves itself before it is lost
    const { clock, monitor, transport } = env;
    t.after(() => monitor.stop());
    transport.failNextConnects(2);
    monitor.start();
    await to(clock, 3000);
    for (let i = 0; i < 3; i++) {
      await to(clock, clock.now() + 100);
      transport.reportLoss();
      await clock.flush();
      assert.equal(transport.lostListeners, 1);
    }
    await to(clock, clock.now() + 100);
    transport.setConnected(false); // silent loss: the peer keeps the session until we close it
    await to(clock, clock.now() + 5000);
    assert.equal(monitor.state, 'connected');
    for (const [i, call] of transport.calls.entries()) {
      if (call === 'connect') assert.equal(transport.calls[i - 1], 'close', `call ${i} (connect) follows a close: ${transport.calls.join(',')}`);
    }
    assert.equal(transport.connectsWithoutClose, 0);
    assert.equal(transport.maxOpenSessions, 1);
    await stopClean(env);
  });
});

describe('ConnectionMonitor: connect deadline, error classes, giving up', () => {
  it('aborts a hung connect at connectTimeout (reason timeout) and retries with backoff', async (t) => {
    const { clock, monitor, transport, rec } = setup({ options: { connectTimeout: 10_000 } });
    t.after(() => monitor.stop());
    transport.hangNextConnect();
    monitor.start();
    await to(clock, 9999);
    assert.equal(monitor.state, 'connecting');
    assert.equal(transport.hangingCalls, 1);
    await to(clock, 10_000);
    assert.equal(monitor.state, 'disconnected');
    assert.equal(transport.hangingCalls, 0);
    assert.equal(transport.abortedCalls, 1, "the connect's signal was aborted at the deadline");
    const attempt = rec.eventsOf('attempt')[0]!;
    assert.deepEqual([attempt.outcome, attempt.durationMs, attempt.error?.reason], ['failure', 10_000, 'timeout']);
    assert.equal(rec.value(Metrics.connectErrors, { target: T, reason: 'timeout' }), 1);
    await to(clock, 10_999);
    assert.equal(transport.connectCalls, 1);
    await to(clock, 11_000);
    assert.equal(transport.connectCalls, 2);
    assert.equal(monitor.state, 'connected');
  });

  for (const [code, reason] of [
    [ErrorCode.AUTH, 'auth'],
    [ErrorCode.HOST_KEY_MISMATCH, 'host-key-mismatch'],
  ] as const) {
    it(`reports ${reason} with its own reason and waits at least maxDelayMs before retrying`, async (t) => {
      const { clock, monitor, transport, rec, backoff } = setup();
      t.after(() => monitor.stop());
      assert.equal(backoff.maxDelayMs, 16_000);
      transport.failAllConnects(new TransportError(code, `${reason} failed`));
      monitor.start();
      await clock.flush();
      assert.equal(monitor.state, 'disconnected');
      assert.equal(rec.eventsOf('state-changed').at(-1)!.reason, reason);
      const attempt = rec.eventsOf('attempt')[0]!;
      assert.deepEqual(attempt.error, { code, reason, message: `${reason} failed`, retryable: false });
      assert.equal(rec.eventsOf('backoff')[0]!.delayMs, 16_000);
      await to(clock, 15_999);
      assert.equal(transport.connectCalls, 1);
      await to(clock, 16_000);
      assert.equal(transport.connectCalls, 2);
      await to(clock, 32_000);
      assert.equal(transport.connectCalls, 3);
      assert.equal(rec.value(Metrics.connectErrors, { target: T, reason }), 3);
    });
  }

  it('logs an auth failure as the security event auth_failed, on every attempt; other failures carry no event', async (t) => {
    const clock = new FakeClock();
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', {}, { write: (line: string) => void lines.push(parseJsonLogLine(line)) }).child(target);
    const transport = new FakeTransport();
    const monitor = createConnectionMonitor({
      target: T,
      transport,
      backoff: new ExponentialBackoff({ randomizationFactor: 0 }, { clock, random: new FixedRandom(0.5) }),
      clock,
      random: new FixedRandom(0.5),
      events: new RecordingExporter(),
      logger,
      settings: { firstAttemptJitter: 0 },
    });
    t.after(() => monitor.stop());
    transport.failAllConnects(new TransportError(ErrorCode.AUTH, 'All configured authentication methods failed'));
    monitor.start();
    await to(clock, 15_999);
    transport.failAllConnects(new TransportError(ErrorCode.REFUSED, 'connect ECONNREFUSED'));
    await to(clock, 16_000);
    const attempts = lines.filter((l) => String(l['msg']).startsWith('connection attempt'));
    assert.deepEqual(
      attempts.map((l) => [l['attempt'], l['code'], l['event'], l['level'], l['target']]),
      [
        [1, ErrorCode.AUTH, LogEvent.authFailed, 'error', T],
        [2, ErrorCode.REFUSED, undefined, 'warn', T],
      ],
    );
  });

  it('never retries faster than MIN_RETRY_DELAY_MS, even when the strategy says 0', async (t) => {
    const zero: BackoffStrategy = { next: () => 0, reset: () => undefined, maxDelayMs: 0 };
    const { clock, monitor, transport } = setup({ strategy: zero });
    t.after(() => monitor.stop());
    transport.failAllConnects();
    monitor.start();
    await to(clock, MIN_RETRY_DELAY_MS - 1);
    assert.equal(transport.connectCalls, 1);
    await to(clock, MIN_RETRY_DELAY_MS);
    assert.equal(transport.connectCalls, 2);
    await to(clock, 10 * MIN_RETRY_DELAY_MS);
    assert.equal(transport.connectCalls, 11);
  });

  it('wraps non-TransportErrors thrown by a transport and retries them', async (t) => {
    const fake = new FakeTransport();
    let throws = 1;
    const weird: Transport = {
      connect: async (signal) => {
        if (throws-- > 0) throw new Error('boom');
        return fake.connect(signal);
      },
      probe: (s) => fake.probe(s),
      close: () => fake.close(),
      onLost: (l) => fake.onLost(l),
    };
    const { clock, monitor, rec } = setup({ transport: weird });
    t.after(() => monitor.stop());
    monitor.start();
    await clock.flush();
    assert.deepEqual(rec.eventsOf('attempt')[0]!.error, { code: ErrorCode.UNKNOWN, reason: 'unknown', message: 'boom', retryable: true });
    await to(clock, 1000);
    assert.equal(monitor.state, 'connected');
    assert.deepEqual(rec.eventsOf('target-info')[0]!.labels, {}, 'a transport without describe() has no labels');
  });

  it('gives up on STOP (maxElapsedTime): state failed, reason gave-up, no hook, until reconnect()', async (t) => {
    const hookCalls: ReconnectInfo[] = [];
    const { clock, monitor, transport, rec } = setup({
      backoff: { maxElapsedTime: 5000 },
      hooks: [{ name: 'reconcile', hook: (info) => void hookCalls.push(info) }],
    });
    t.after(() => monitor.stop());
    transport.failAllConnects();
    monitor.start();
    // next() at 0 starts the budget; attempts at 0, 1000, 3000, 7000; at 7000 elapsed 7000 > 5000
    await to(clock, 6999);
    assert.equal(monitor.state, 'disconnected');
    await to(clock, 7000);
    assert.equal(monitor.state, 'failed');
    assert.equal(rec.eventsOf('state-changed').at(-1)!.reason, 'gave-up');
    assert.equal(transport.connectCalls, 4);
    await to(clock, 7000 + 3_600_000);
    assert.equal(transport.connectCalls, 4, 'no attempt after giving up');
    assert.equal(monitor.isConnected(), false);
    assert.equal(hookCalls.length, 0, 'OnReconnect never called');
    assert.equal(clock.pendingTimers(), 0, 'nothing scheduled while failed');

    // A manual reconnect after the operator fixed things works, and the strategy starts over.
    transport.clearFailures();
    await monitor.reconnect();
    assert.equal(monitor.state, 'connected');
    assert.equal(rec.eventsOf('state-changed').at(-1)!.reason, 'connected');
    assert.ok(rec.eventsOf('state-changed').some((e) => e.from === 'failed' && e.to === 'connecting' && e.reason === 'manual'));
  });
});

describe('ConnectionMonitor: manual reconnect', () => {
  it('reconnect() while connected closes and connects now, and resolves', async (t) => {
    const { clock, monitor, transport, rec } = setup();
    t.after(() => monitor.stop());
    monitor.start();
    await to(clock, 2000);
    transport.calls.length = 0;
    await monitor.reconnect();
    assert.equal(monitor.state, 'connected');
    assert.equal(clock.now(), 2000, 'no wait');
    assert.deepEqual(transport.calls, ['close', 'close', 'connect']);
    assert.deepEqual(
      rec.eventsOf('disconnected').map((e) => [e.reason, e.detectedBy]),
      [['manual', 'manual']],
    );
  });

  it('reconnect() while waiting skips the backoff wait', async (t) => {
    const { clock, monitor, transport } = setup();
    t.after(() => monitor.stop());
    transport.failNextConnects(2);
    monitor.start();
    await to(clock, 1500); // attempts at 0 and 1000 failed; next due at 3000
    assert.equal(transport.connectCalls, 2);
    await monitor.reconnect();
    assert.equal(clock.now(), 1500);
    assert.equal(monitor.state, 'connected');
    assert.equal(transport.connectCalls, 3);
  });

  it('reconnect() failure rejects with the TransportError, stays disconnected and carries on with backoff', async (t) => {
    const { clock, monitor, transport } = setup();
    t.after(() => monitor.stop());
    monitor.start();
    await to(clock, 2000);
    transport.failNextConnects(1, new TransportError(ErrorCode.REFUSED, 'refused'));
    await assert.rejects(monitor.reconnect(), (err: unknown) => err instanceof TransportError && err.code === ErrorCode.REFUSED);
    assert.equal(monitor.state, 'disconnected');
    assert.equal(monitor.isConnected(), false);
    await to(clock, 2999);
    assert.equal(transport.connectCalls, 2);
    await to(clock, 3000);
    assert.equal(transport.connectCalls, 3);
    assert.equal(monitor.state, 'connected');
  });

  it('reconnect() during an attempt joins it', async (t) => {
    const { clock, monitor, transport } = setup({ options: { connectTimeout: 10_000 } });
    t.after(() => monitor.stop());
    transport.hangNextConnect();
    monitor.start();
    await clock.flush();
    const joined = monitor.reconnect();
    await to(clock, 10_000);
    await assert.rejects(joined, (err: unknown) => err instanceof TransportError && err.code === ErrorCode.TIMEOUT);
    assert.equal(transport.connectCalls, 1);
  });

  it('reconnect() before start() starts the monitor; after stop() it rejects', async () => {
    const env = setup();
    await env.monitor.reconnect();
    assert.equal(env.monitor.state, 'connected');
    await stopClean(env);
    await assert.rejects(env.monitor.reconnect(), (err: unknown) => err instanceof TransportError && err.code === ErrorCode.ABORTED);
  });
});

describe('ConnectionMonitor: on-reconnect hooks', () => {
  it('runs hooks asynchronously after each connection with what they need to know', async (t) => {
    const calls: ReconnectInfo[] = [];
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const { clock, monitor, transport } = setup({
      hooks: [
        { name: 'record', hook: (info) => void calls.push(info) },
        { name: 'slow', hook: () => slow },
      ],
    });
    t.after(() => monitor.stop());
    transport.failNextConnects(1);
    monitor.start();
    await to(clock, 1000);
    assert.deepEqual(calls, [{ target: T, outageMs: 1000, attempts: 2, initial: true }]);
    await to(clock, 6500); // probe at 6000 passed
    transport.reportLoss();
    await clock.flush();
    assert.deepEqual(calls.at(-1), { target: T, outageMs: 0, attempts: 1, initial: false });
    // The slow hook never finished, yet probing goes on.
    await to(clock, 11_500);
    assert.equal(transport.probeCalls, 2);
    release();
  });

  it('a throwing or rejecting hook is logged and counted (hook-failed), never fatal', async (t) => {
    const { clock, monitor, transport, rec } = setup({
      hooks: [
        {
          name: 'throws',
          hook: () => {
            throw new Error('sync boom');
          },
        },
        { name: 'rejects', hook: async () => Promise.reject(new Error('async boom')) },
      ],
    });
    t.after(() => monitor.stop());
    monitor.start();
    await clock.flush();
    assert.equal(monitor.state, 'connected');
    assert.deepEqual(
      rec.eventsOf('hook-failed').map((e) => [e.hook, e.message]),
      [
        ['throws', 'sync boom'],
        ['rejects', 'async boom'],
      ],
    );
    assert.equal(rec.value(Metrics.hookErrors, target), 2);
    await to(clock, 5000);
    assert.equal(transport.probeCalls, 1);
    assert.equal(monitor.state, 'connected');
  });
});

describe('ConnectionMonitor: stop', () => {
  it('stop() before start() resolves, closes the transport, and is safe twice', async () => {
    const env = setup();
    await env.monitor.stop();
    await env.monitor.stop();
    assert.equal(env.monitor.state, 'stopped');
    assert.equal(env.transport.closeCalls, 1);
    env.monitor.start();
    assert.equal(env.transport.connectCalls, 0, 'a stopped monitor cannot be started');
  });

  it('stops promptly while connected (between probes)', async () => {
    const env = setup();
    env.monitor.start();
    await to(env.clock, 2500);
    await stopClean(env);
    const states = env.rec.eventsOf('state-changed');
    assert.deepEqual(
      [states.at(-1)!.from, states.at(-1)!.to, states.at(-1)!.reason],
      ['connected', 'stopped', 'stopped'],
    );
  });

  it('stops promptly mid-connect (hung connect)', async () => {
    const env = setup();
    env.transport.hangConnects(true);
    env.monitor.start();
    await to(env.clock, 3000);
    assert.equal(env.monitor.state, 'connecting');
    await stopClean(env);
    assert.equal(env.clock.now(), 3000);
    assert.equal(env.rec.eventsOf('attempt').length, 0, 'a stop is not a failed attempt');
  });

  it('stops promptly mid-wait (backoff)', async () => {
    const env = setup();
    env.transport.failAllConnects();
    env.monitor.start();
    await to(env.clock, 1500);
    assert.equal(env.monitor.state, 'disconnected');
    await stopClean(env);
    assert.equal(env.clock.now(), 1500);
  });

  it('stops promptly mid-probe (hung peer)', async () => {
    const env = setup();
    env.monitor.start();
    await env.clock.flush();
    env.transport.hangProbes(true);
    await to(env.clock, 6000);
    assert.equal(env.transport.probeCalls, 1);
    await stopClean(env);
    assert.equal(env.rec.eventsOf('disconnected').length, 0, 'a stop is not a loss');
  });

  it('stops promptly while failed, and rejects a pending reconnect()', async () => {
    const env = setup({ backoff: { maxElapsedTime: 1 } });
    env.transport.failAllConnects();
    env.monitor.start();
    await to(env.clock, 1000);
    assert.equal(env.monitor.state, 'failed');
    env.transport.hangConnects(true);
    const pending = env.monitor.reconnect();
    await env.clock.flush();
    await stopClean(env);
    await assert.rejects(pending, (err: unknown) => err instanceof TransportError && err.code === ErrorCode.ABORTED);
  });

  it('whenState() resolves on the state and rejects when the monitor stops first', async () => {
    const env = setup();
    env.transport.failAllConnects();
    const connected = env.monitor.whenState('connected');
    const disconnected = env.monitor.whenState(['disconnected', 'failed']);
    env.monitor.start();
    await env.clock.flush();
    assert.equal(await disconnected, 'disconnected');
    await env.monitor.stop();
    await assert.rejects(connected, TransportError);
  });
});

describe('ConnectionMonitor: metrics through the hub (reference names)', () => {
  it('maps an outage to rds_connection_state, rds_reconnect_total, rds_reconnect_duration_seconds, rds_disconnects_total', async (t) => {
    const { clock, monitor, transport, rec } = setup();
    t.after(() => monitor.stop());
    monitor.start();
    await clock.flush();
    assert.equal(rec.value('rds_connection_state', target), 1);
    assert.equal(rec.value('rds_reconnect_total', { target: T, status: 'success' }), 1);
    assert.equal(rec.value('rds_reconnect_total', { target: T, status: 'failure' }), 0, 'created at zero');

    await to(clock, 10_000);
    transport.failNextConnects(2);
    transport.reportLoss(new TransportError(ErrorCode.NETWORK, 'reset'));
    assert.equal(rec.value('rds_connection_state', target), 0);
    assert.equal(rec.value('rds_disconnects_total', { target: T, reason: 'network' }), 1);
    await to(clock, 10_000 + 1000);
    assert.equal(rec.value('rds_connection_state', target), 0);
    await to(clock, 10_000 + 3000);
    assert.equal(rec.value('rds_connection_state', target), 1);
    assert.equal(rec.value('rds_reconnect_total', { target: T, status: 'failure' }), 2);
    assert.equal(rec.value('rds_reconnect_total', { target: T, status: 'success' }), 2);
    assert.deepEqual(rec.histogram('rds_reconnect_duration_seconds', target), { count: 2, sum: 3, values: [0, 3] });
    assert.equal(rec.value('rds_backoff_delay_seconds', target), 0);
    assert.equal(rec.value('rds_connection_last_change_timestamp_seconds', target), 13);
  });

  it('re-emits target-info only when the transport labels changed after a connect', async (t) => {
    const { clock, monitor, transport, rec } = setup({ options: { probeInterval: 50 } });
    t.after(() => monitor.stop());
    monitor.start();
    await to(clock, 100);
    transport.reportLoss();
    await to(clock, 200);
    assert.equal(rec.eventsOf('target-info').length, 1);
    transport.setLabels({ host_key_verification: 'pinned', probe_mode: 'keepalive' });
    transport.reportLoss();
    await to(clock, 300);
    assert.equal(rec.eventsOf('target-info').length, 2);
    assert.equal(rec.value(Metrics.targetInfo, { target: T, transport: 'fake', host_key_verification: 'pinned', probe_mode: 'command' }), undefined);
    assert.equal(rec.value(Metrics.targetInfo, { target: T, transport: 'fake', host_key_verification: 'pinned', probe_mode: 'keepalive' }), 1);
  });
});

describe('ConnectionMonitor: a starved agent is not a hung device', () => {
  it('extends a probe deadline by the time the agent could not run; a live peer that answers late is kept', async (t) => {
    const lag = new ManualLoopLag();
    const { clock, monitor, transport, rec } = setup({ options: { probeInterval: 5000, probeTimeout: 3000 }, lag });
    t.after(() => monitor.stop());
    monitor.start();
    await clock.flush();
    transport.hangProbes(true);
    await to(clock, 5000); // probe sent
    lag.stall(5500, 2000); // the agent could not run for 2 s of the probe's 3 s
    await to(clock, 8000);
    assert.equal(monitor.state, 'connected', 'not declared hung at the plain deadline');
    assert.deepEqual(rec.eventsOf('deadline-extended').map((e) => [e.at, e.phase, e.stalledMs]), [[8000, 'probe', 2000]]);
    assert.equal(rec.value(Metrics.deadlineExtensions, { target: T, phase: 'probe' }), 1);
    transport.hangProbes(false);
    transport.answerHungCalls(); // the answer is read during the extension
    await to(clock, 9000);
    assert.equal(monitor.state, 'connected');
    assert.deepEqual(rec.eventsOf('disconnected'), []);
  });

  it('a live peer answering while the agent stays starved through the extension is kept', async (t) => {
    const lag = new ManualLoopLag();
    const { clock, monitor, transport, rec } = setup({ options: { probeInterval: 5000, probeTimeout: 3000 }, lag });
    t.after(() => monitor.stop());
    monitor.start();
    await clock.flush();
    transport.hangProbes(true);
    lag.stall(5500, 2000);
    lag.stall(8000, 2000); // starved through the whole first extension as well
    await to(clock, 10_500);
    assert.equal(monitor.state, 'connected', 'the agent could run for only 1 s of the probe so far');
    transport.hangProbes(false);
    transport.answerHungCalls();
    await to(clock, 11_000);
    assert.equal(monitor.state, 'connected');
    assert.deepEqual(rec.eventsOf('disconnected'), []);
    assert.deepEqual(rec.eventsOf('deadline-extended').map((e) => [e.at, e.stalledMs]), [[8000, 2000], [10_000, 2000]]);
  });

  it('still finds a hung device: at most probeInterval + probeTimeout + the measured delay (+ one confirming probe)', async (t) => {
    const lag = new ManualLoopLag();
    const { clock, monitor, transport, rec } = setup({ options: { probeInterval: 5000, probeTimeout: 3000 }, lag });
    t.after(() => monitor.stop());
    monitor.start();
    await clock.flush();
    transport.hangProbes(true);
    transport.hangConnects(true);
    lag.stall(5000, 1500);
    lag.stall(8000, 1500); // starved during the extension as well: extended by that too
    await to(clock, 11_000); // 5000 + 3000 + 1500 + 1500: the first probe times out
    assert.equal(monitor.state, 'connected', 'starved: confirmed by one more probe');
    assert.equal(rec.eventsOf('deadline-extended').length, 2);
    await to(clock, 13_999);
    assert.equal(monitor.state, 'connected');
    await to(clock, 14_000); // + 3000, the confirming probe unanswered on a free-running agent
    assert.notEqual(monitor.state, 'connected');
    assert.deepEqual(rec.eventsOf('disconnected').map((e) => [e.at, e.reason, e.detectedBy, e.code]), [[14_000, 'timeout', 'probe', ErrorCode.TIMEOUT]]);
  });

  it('a probe that timed out while the agent was starved is confirmed once before the session is torn down', async (t) => {
    const lag = new ManualLoopLag();
    const { clock, monitor, transport, rec } = setup({ options: { probeInterval: 5000, probeTimeout: 3000 }, lag });
    t.after(() => monitor.stop());
    monitor.start();
    await clock.flush();
    transport.hangProbes(true);
    lag.stall(6000, 500);
    await to(clock, 8500); // 5000 + 3000 + 500: timed out, but the agent was starved meanwhile
    assert.equal(monitor.state, 'connected', 'not torn down on a doubtful timeout');
    assert.equal(transport.probeCalls, 2, 'a confirming probe is sent at once');
    assert.deepEqual(rec.eventsOf('probe').map((e) => [e.at, e.outcome]), [[8500, 'failed']]);
    transport.hangProbes(false);
    transport.answerHungCalls();
    await to(clock, 9000);
    assert.equal(monitor.state, 'connected');
    assert.deepEqual(rec.eventsOf('disconnected'), []);
    assert.equal(transport.closeCalls, 1, 'only the close before the first connect');
  });

  it('a hung device is still found after the confirmation: probeInterval + probeTimeout + delay + probeTimeout', async (t) => {
    const lag = new ManualLoopLag();
    const { clock, monitor, transport, rec } = setup({ options: { probeInterval: 5000, probeTimeout: 3000 }, lag });
    t.after(() => monitor.stop());
    monitor.start();
    await clock.flush();
    transport.hangProbes(true);
    transport.hangConnects(true);
    lag.stall(6000, 500);
    await to(clock, 11_499);
    assert.equal(monitor.state, 'connected');
    await to(clock, 11_500); // 5000 + 3000 + 500 + 3000: the confirming probe found no answer either
    assert.notEqual(monitor.state, 'connected');
    assert.deepEqual(rec.eventsOf('disconnected').map((e) => [e.at, e.reason, e.detectedBy]), [[11_500, 'timeout', 'probe']]);
  });

  it('a free-running agent keeps the exact deadline', async (t) => {
    const lag = new ManualLoopLag();
    lag.stall(0, 10); // below the 20 ms noise floor
    const { clock, monitor, transport, rec } = setup({ options: { probeInterval: 5000, probeTimeout: 3000 }, lag });
    t.after(() => monitor.stop());
    monitor.start();
    await clock.flush();
    transport.hangProbes(true);
    transport.hangConnects(true);
    await to(clock, 8000);
    assert.notEqual(monitor.state, 'connected');
    assert.deepEqual(rec.eventsOf('deadline-extended'), []);
  });

  it('extends a connect deadline the same way', async (t) => {
    const lag = new ManualLoopLag();
    const { clock, monitor, transport, rec } = setup({ options: { connectTimeout: 10_000 }, lag });
    t.after(() => monitor.stop());
    transport.hangNextConnect();
    lag.stall(1000, 4000);
    monitor.start();
    await to(clock, 10_000);
    assert.equal(monitor.state, 'connecting');
    await to(clock, 14_000);
    assert.equal(monitor.state, 'disconnected');
    assert.equal(rec.eventsOf('attempt')[0]!.error?.reason, 'timeout');
    assert.equal(rec.eventsOf('deadline-extended')[0]!.phase, 'connect');
  });
});

describe('ConnectionMonitor: bounded handshakes', () => {
  it('waits for a handshake slot in connecting; the connect deadline starts when it holds one', async () => {
    const gate = new Semaphore(1);
    const clock = new FakeClock();
    const hub = new MetricsHub(silentLogger(), 'test');
    const rec = new RecordingExporter();
    rec.attach(hub);
    const make = (name: string, transport: FakeTransport) =>
      createConnectionMonitor({
        target: name,
        transport,
        backoff: new ExponentialBackoff({ randomizationFactor: 0 }, { clock, random: new FixedRandom(0.5) }),
        clock,
        random: new FixedRandom(0.5),
        events: hub,
        settings: { firstAttemptJitter: 0, connectTimeout: 10_000 },
        connectGate: gate,
      });
    const slow = new FakeTransport({ clock, connectLatencyMs: 8000 });
    const queued = new FakeTransport({ clock, connectLatencyMs: 8000 });
    const a = make('a', slow);
    const b = make('b', queued);
    a.start();
    b.start();
    await clock.tickAsync(0);
    assert.equal(slow.connectCalls, 1);
    assert.equal(queued.connectCalls, 0, 'b waits for the one slot');
    assert.equal(b.state, 'connecting');
    await clock.tickAsync(8000);
    assert.equal(a.state, 'connected');
    assert.equal(queued.connectCalls, 1, 'b connects once a is through');
    await clock.tickAsync(8000); // 16 s after start: b took 8 s of its own 10 s deadline, not 16
    assert.equal(b.state, 'connected');
    assert.deepEqual(rec.eventsOf('attempt').map((e) => [e.target, e.outcome]), [['a', 'success'], ['b', 'success']]);
    await Promise.all([a.stop(), b.stop()]);
    assert.equal(gate.inUse, 0);
  });

  it('a stop while waiting for a slot ends at once and leaves the slot to others', async () => {
    const gate = new Semaphore(1);
    const release = await gate.acquire();
    const { clock, monitor, transport } = setup({ connectGate: gate });
    monitor.start();
    await clock.flush();
    assert.equal(transport.connectCalls, 0);
    await monitor.stop();
    assert.equal(monitor.state, 'stopped');
    assert.equal(gate.pending, 0);
    release();
    assert.equal(gate.inUse, 0);
  });
});

describe('ConnectionMonitor: what an operator reads describes the present', () => {
  it('while an attempt is in flight the backoff gauge is 0 and no next attempt is scheduled', async (t) => {
    const { clock, monitor, transport, rec } = setup();
    t.after(() => monitor.stop());
    transport.failAllConnects(new TransportError(ErrorCode.REFUSED, 'refused'));
    monitor.start();
    await to(clock, 0);
    assert.equal(rec.value(Metrics.backoffDelay, target), 1); // waiting 1 s
    transport.hangConnects(true);
    await to(clock, 1000); // the retry is in flight
    assert.equal(monitor.state, 'connecting');
    assert.equal(rec.value(Metrics.backoffDelay, target), 0);
    assert.equal(rec.eventsOf('state-changed').at(-1)!.to, 'connecting');
  });

  it('probes are counted by result and failed probes are in the latency histogram too', async (t) => {
    const { clock, monitor, transport, rec } = setup({ options: { probeInterval: 5000, probeTimeout: 3000 } });
    t.after(() => monitor.stop());
    monitor.start();
    await to(clock, 5000);
    transport.hangProbes(true);
    transport.hangConnects(true);
    await to(clock, 13_000);
    assert.equal(rec.value(Metrics.probes, { target: T, result: 'ok' }), 1);
    assert.equal(rec.value(Metrics.probes, { target: T, result: 'timeout' }), 1);
    const h = rec.histogram(Metrics.probeDuration, target);
    assert.equal(h.count, 2);
    assert.ok(h.values.includes(3), 'the timed-out probe counts its full 3 s wait');
  });
});
