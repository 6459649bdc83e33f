import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExponentialBackoff } from '../backoff/exponential.js';
import { AgentError } from '../errors/agent-error.js';
import { ErrorCode } from '../errors/codes.js';
import { TransportError } from '../errors/transport-error.js';
import { silentLogger } from '../logging/logger.js';
import { Metrics } from '../metrics/catalog.js';
import { MetricsHub } from '../metrics/metrics-hub.js';
import { createConnectionMonitor } from '../monitor/create-connection-monitor.js';
import type { TelemetryEvent } from '../monitor/events.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeTransport } from '../testing/fake-transport.js';
import { FixedRandom } from '../testing/fixed-random.js';
import { RecordingExporter } from '../testing/recording-exporter.js';
import { Semaphore } from '../signals/semaphore.js';
import { HERD_SPREAD_MS, TelemetryCollector } from './telemetry-collector.js';
import type { TelemetrySample } from '../transport/telemetry-source.js';

const T = 'rds1';
const INTERVAL = 60_000;
const TIMEOUT = 10_000;
const SAMPLES: TelemetrySample[] = [
  { metric: 'systemCpuLoad', value: 0.25 },
  { metric: 'diskReadBytes', labels: { slot: 'nvme1' }, value: 4096 },
];

/** A started monitor + collector on a FakeClock at t = 0, FakeTransport, hub + recorder; probes kept out of the way. */
function setup(o: { intervalMs?: number; timeoutMs?: number; start?: boolean; connectGate?: Semaphore } = {}) {
  const clock = new FakeClock();
  const transport = new FakeTransport();
  transport.setTelemetry(SAMPLES);
  const hub = new MetricsHub(silentLogger(), 'test', clock);
  const rec = new RecordingExporter();
  rec.attach(hub);
  const random = new FixedRandom(0.5);
  const monitor = createConnectionMonitor({
    target: T,
    transport,
    backoff: new ExponentialBackoff({ randomizationFactor: 0 }, { clock, random }),
    clock,
    random,
    events: hub,
    transportType: 'fake', settings: { firstAttemptJitter: 0, probeInterval: 3_600_000 },
  });
  const collector = new TelemetryCollector({
    target: T,
    source: transport,
    connection: monitor,
    clock,
    events: hub,
    logger: silentLogger(),
    intervalMs: o.intervalMs ?? INTERVAL,
    timeoutMs: o.timeoutMs ?? TIMEOUT,
    ...(o.connectGate ? { connectGate: o.connectGate } : {}),
    random,
  });
  if (o.start !== false) {
    monitor.start();
    collector.start();
  }
  const telemetry = (): TelemetryEvent[] => rec.events.filter((e): e is TelemetryEvent => e.type === 'telemetry');
  return { clock, transport, hub, rec, monitor, collector, telemetry };
}

/** A collect that never answers: settles only when its signal aborts; counts the aborts. */
function hungCollect() {
  const state = { aborted: 0, reason: undefined as unknown };
  const fn = (signal: AbortSignal): Promise<readonly TelemetrySample[]> =>
    new Promise((_, reject) => {
      signal.addEventListener(
        'abort',
        () => {
          state.aborted += 1;
          state.reason = signal.reason;
          reject(TransportError.from(signal.reason));
        },
        { once: true },
      );
    });
  return { state, fn };
}

describe('TelemetryCollector', () => {
  it('collects right after the target connects, then every interval (start to start)', async () => {
    const r = setup();
    await r.clock.tickAsync(0);
    assert.equal(r.monitor.isConnected(), true);
    assert.equal(r.transport.collectCalls, 1, 'first collection at connect');
    await r.clock.tickAsync(INTERVAL - 1);
    assert.equal(r.transport.collectCalls, 1);
    await r.clock.tickAsync(1);
    assert.equal(r.transport.collectCalls, 2);
    await r.clock.tickAsync(INTERVAL);
    assert.equal(r.transport.collectCalls, 3);
    assert.deepEqual(
      r.telemetry().map((e) => [e.at, e.outcome, e.samples.length]),
      [
        [0, 'ok', 2],
        [INTERVAL, 'ok', 2],
        [2 * INTERVAL, 'ok', 2],
      ],
    );
    assert.equal(r.rec.value(Metrics.systemCpuLoad, { target: T }), 0.25);
    assert.equal(r.rec.value(Metrics.diskReadBytes, { target: T, slot: 'nvme1' }), 4096, 'the same total three times counts once');
    await r.collector.stop();
    await r.monitor.stop();
  });

  it('keeps the cadence when a collection takes time', async () => {
    const r = setup();
    r.transport.setTelemetry((signal) => r.clock.sleep(3000, signal).then(() => SAMPLES));
    await r.clock.tickAsync(INTERVAL + 3000);
    assert.deepEqual(
      r.telemetry().map((e) => [e.at, e.durationMs]),
      [
        [0, 3000],
        [INTERVAL, 3000],
      ],
    );
    await r.collector.stop();
    await r.monitor.stop();
  });

  it('collects only while connected, and at once when the target is back', async () => {
    const r = setup();
    await r.clock.tickAsync(0);
    assert.equal(r.transport.collectCalls, 1);
    await r.clock.tickAsync(10_000);
    r.transport.failAllConnects();
    r.transport.reportLoss();
    await r.clock.tickAsync(0);
    assert.equal(r.monitor.state, 'disconnected');
    await r.clock.tickAsync(100_000); // t = 110 s: two intervals passed while down
    assert.equal(r.transport.collectCalls, 1, 'no collection while down');
    r.transport.clearFailures();
    await r.clock.tickAsync(40_000);
    assert.equal(r.monitor.isConnected(), true);
    assert.equal(r.transport.collectCalls, 2);
    const connectedAt = r.rec.events.filter((e) => e.type === 'state-changed' && e.to === 'connected').at(-1)!.at;
    assert.ok(connectedAt > 110_000);
    assert.equal(r.telemetry().at(-1)!.at, connectedAt, 'collected in the instant it reconnected');
    assert.deepEqual(r.transport.calls.slice(-2), ['connect', 'collect']);
    await r.clock.tickAsync(INTERVAL);
    assert.equal(r.transport.collectCalls, 3, 'then every interval again');
    await r.collector.stop();
    await r.monitor.stop();
  });

  it('aborts a collection at its deadline: a failed collection (timeout), not a loss', async () => {
    const r = setup();
    const hung = hungCollect();
    r.transport.setTelemetry(hung.fn);
    await r.clock.tickAsync(TIMEOUT - 1);
    assert.equal(hung.state.aborted, 0);
    assert.equal(r.telemetry().length, 0);
    await r.clock.tickAsync(1);
    assert.equal(hung.state.aborted, 1, 'the collection signal was aborted at the deadline');
    assert.equal((hung.state.reason as TransportError).code, ErrorCode.TIMEOUT);
    assert.deepEqual(
      r.telemetry().map((e) => [e.at, e.outcome, e.reason, e.durationMs]),
      [[0, 'failed', 'timeout', TIMEOUT]],
    );
    assert.equal(r.rec.value(Metrics.telemetryErrors, { target: T, input: 'collect', reason: 'timeout' }), 1);
    assert.equal(r.monitor.isConnected(), true, 'a slow device is not a dead connection');
    assert.equal(r.rec.events.filter((e) => e.type === 'disconnected').length, 0);
    await r.clock.tickAsync(INTERVAL - TIMEOUT);
    assert.equal(r.transport.collectCalls, 2, 'the next collection keeps the cadence');
    await r.collector.stop();
    await r.monitor.stop();
  });

  it('a device error fails the collection (counted by reason); the connection stays up', async () => {
    const r = setup();
    r.transport.setTelemetry(new TransportError(ErrorCode.COMMAND, 'bad command name'));
    await r.clock.tickAsync(0);
    assert.deepEqual(
      r.telemetry().map((e) => [e.outcome, e.reason, e.samples]),
      [['failed', 'command', []]],
    );
    r.transport.setTelemetry(new Error('a sloppy plugin threw this'));
    await r.clock.tickAsync(INTERVAL);
    assert.equal(r.rec.value(Metrics.telemetryErrors, { target: T, input: 'collect', reason: 'command' }), 1);
    assert.equal(r.rec.value(Metrics.telemetryErrors, { target: T, input: 'collect', reason: 'unknown' }), 1);
    assert.equal(r.monitor.isConnected(), true);
    r.transport.setTelemetry(SAMPLES);
    await r.clock.tickAsync(INTERVAL);
    assert.equal(r.telemetry().at(-1)!.outcome, 'ok');
    await r.collector.stop();
    await r.monitor.stop();
  });

  it('a connection error is reported to the monitor as a loss (detected by command)', async () => {
    const r = setup();
    r.transport.setTelemetry(new TransportError(ErrorCode.NETWORK, 'channel closed'));
    await r.clock.tickAsync(0);
    const lost = r.rec.events.filter((e) => e.type === 'disconnected');
    assert.deepEqual(
      lost.map((e) => e.type === 'disconnected' && [e.reason, e.detectedBy]),
      [['network', 'command']],
    );
    assert.equal(r.rec.value(Metrics.telemetryErrors, { target: T, input: 'collect', reason: 'network' }), 1);
    assert.equal(r.rec.value(Metrics.disconnects, { target: T, reason: 'network' }), 1);
    await r.collector.stop();
    await r.monitor.stop();
  });

  it('gives way while handshakes queue at the connect gate, then starts at a random point of the spread', async () => {
    const gate = new Semaphore(1);
    const release = await gate.acquire();
    const queued = gate.acquire(); // a handshake waiting for its turn
    const r = setup({ connectGate: gate });
    await r.clock.tickAsync(10_000);
    assert.equal(r.monitor.isConnected(), true);
    assert.equal(r.transport.collectCalls, 0, 'no run while a handshake queues');
    release();
    (await queued)();
    const spread = 0.5 * Math.min(INTERVAL, HERD_SPREAD_MS); // FixedRandom(0.5)
    await r.clock.tickAsync(spread - 1);
    assert.equal(r.transport.collectCalls, 0, 'the fleet is spread out after the queue clears');
    await r.clock.tickAsync(1);
    assert.equal(r.transport.collectCalls, 1);
    await r.clock.tickAsync(INTERVAL);
    assert.equal(r.transport.collectCalls, 2, 'then every interval, as before');
    assert.deepEqual(
      r.telemetry().map((e) => e.at),
      [10_000 + spread, 10_000 + spread + INTERVAL],
    );
    await r.collector.stop();
    await r.monitor.stop();
  });

  it('waits for a handshake queue at most one interval; no queue, no wait; stops promptly while waiting', async () => {
    const gate = new Semaphore(1);
    const release = await gate.acquire();
    const queued = gate.acquire().catch(() => undefined);
    const r = setup({ connectGate: gate });
    await r.clock.tickAsync(INTERVAL + 0.5 * Math.min(INTERVAL, HERD_SPREAD_MS));
    assert.equal(r.transport.collectCalls, 1, 'a queue that never clears delays a run by one interval and the spread, no more');
    await r.collector.stop();
    await r.monitor.stop();
    gate.drain(new Error('test over'));
    await queued;
    release();

    const idle = setup({ connectGate: new Semaphore(4) });
    await idle.clock.tickAsync(0);
    assert.equal(idle.transport.collectCalls, 1, 'nobody queues: the first run at connect, as without a gate');
    await idle.collector.stop();
    await idle.monitor.stop();

    const busy = new Semaphore(1);
    const held = await busy.acquire();
    const waiting = busy.acquire().catch(() => undefined);
    const s = setup({ connectGate: busy });
    await s.clock.tickAsync(1000);
    await s.collector.stop(); // resolves although the queue is still there
    assert.equal(s.transport.collectCalls, 0);
    await s.monitor.stop();
    busy.drain(new Error('test over'));
    await waiting;
    held();
  });

  it('rejects an interval that is not > 0 (0 means: build no collector)', () => {
    const r = setup({ start: false });
    for (const intervalMs of [0, -1, Number.NaN]) {
      assert.throws(
        () => new TelemetryCollector({ target: T, source: r.transport, connection: r.monitor, clock: r.clock, events: r.hub, logger: silentLogger(), intervalMs, timeoutMs: 1 }),
        (err: unknown) => err instanceof AgentError && err.code === ErrorCode.CONFIG,
      );
    }
  });

  describe('stop() ends promptly in every phase and is safe twice', () => {
    it('before start', async () => {
      const r = setup({ start: false });
      const first = r.collector.stop();
      assert.equal(r.collector.stop(), first);
      await first;
      r.collector.start();
      r.monitor.start();
      await r.clock.tickAsync(INTERVAL);
      assert.equal(r.transport.collectCalls, 0, 'a stopped collector does not start');
      await r.monitor.stop();
    });

    it('while waiting for the target to connect', async () => {
      const r = setup({ start: false });
      r.transport.failAllConnects();
      r.monitor.start();
      r.collector.start();
      await r.clock.tickAsync(5000);
      assert.equal(r.monitor.isConnected(), false);
      await r.collector.stop();
      r.transport.clearFailures();
      await r.clock.tickAsync(INTERVAL);
      assert.equal(r.monitor.isConnected(), true);
      assert.equal(r.transport.collectCalls, 0);
      await r.monitor.stop();
    });

    it('mid-collection: the collection is aborted and not reported as a failure', async () => {
      const r = setup();
      const hung = hungCollect();
      r.transport.setTelemetry(hung.fn);
      await r.clock.tickAsync(1000);
      const first = r.collector.stop();
      assert.equal(r.collector.stop(), first);
      await first;
      assert.equal(hung.state.aborted, 1);
      assert.equal((hung.state.reason as TransportError).code, ErrorCode.ABORTED);
      await r.clock.tickAsync(2 * INTERVAL);
      assert.equal(r.telemetry().length, 0, 'no failed event for our own stop');
      assert.equal(r.transport.collectCalls, 1);
      assert.equal(r.monitor.isConnected(), true);
      await r.monitor.stop();
    });

    it('between collections; and the loop ends when the monitor stops first', async () => {
      const r = setup();
      await r.clock.tickAsync(1000);
      await r.collector.stop();
      await r.clock.tickAsync(2 * INTERVAL);
      assert.equal(r.transport.collectCalls, 1);
      await r.monitor.stop();

      const s = setup();
      await s.clock.tickAsync(0);
      s.transport.failAllConnects();
      s.transport.reportLoss();
      await s.clock.tickAsync(INTERVAL); // the collector now waits for 'connected'
      await s.monitor.stop();
      await s.collector.stop();
      assert.equal(s.transport.collectCalls, 1);
      assert.equal(s.clock.pendingTimers(), 0, 'nothing left scheduled');
    });
  });
});
