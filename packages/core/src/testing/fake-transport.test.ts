import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../errors/codes.js';
import { TransportError } from '../errors/transport-error.js';
import { FakeClock } from './fake-clock.js';
import { isTelemetrySource } from '../transport/telemetry-source.js';
import { FakeTransport } from './fake-transport.js';
import { transportContract } from './transport-contract.js';

// The FakeTransport must pass the suite every transport passes.
transportContract('FakeTransport', () => {
  const transport = new FakeTransport();
  return {
    transport,
    breakConnection: () => transport.reportLoss(),
    hangPeer: () => transport.hangProbes(true),
    openSessions: () => transport.openSessions,
  };
});

const signal = () => new AbortController().signal;

describe('FakeTransport scripting', () => {
  it('fails the next n connects once, then succeeds (MockClient SetError)', async () => {
    const t = new FakeTransport();
    t.failNextConnects(2, new TransportError(ErrorCode.REFUSED, 'nope'));
    await assert.rejects(t.connect(signal()), { code: ErrorCode.REFUSED });
    await assert.rejects(t.connect(signal()), { code: ErrorCode.REFUSED });
    await t.connect(signal());
    assert.equal(t.isConnected, true);
    assert.equal(t.connectCalls, 3);
  });

  it('fails every connect until cleared (MockClient SetPersistentError / ClearError)', async () => {
    const t = new FakeTransport();
    t.failAllConnects();
    for (let i = 0; i < 3; i++) await assert.rejects(t.connect(signal()), { code: ErrorCode.NETWORK });
    t.clearFailures();
    await t.connect(signal());
    assert.equal(t.isConnected, true);
  });

  it('a hung connect settles only when its signal aborts, or on close()', async () => {
    const t = new FakeTransport();
    t.hangConnects(true);
    const controller = new AbortController();
    const hung = t.connect(controller.signal);
    controller.abort(new TransportError(ErrorCode.TIMEOUT, 'deadline'));
    await assert.rejects(hung, { code: ErrorCode.TIMEOUT });
    const second = t.connect(signal());
    await t.close();
    await assert.rejects(second, { code: ErrorCode.ABORTED });
    assert.equal(t.isConnected, false);
  });

  it('hangNextConnect hangs one connect only', async () => {
    const t = new FakeTransport();
    t.hangNextConnect();
    const controller = new AbortController();
    const hung = t.connect(controller.signal);
    controller.abort();
    await assert.rejects(hung, TransportError);
    await t.connect(signal());
    assert.equal(t.isConnected, true);
  });

  it('setConnected(false) is a silent loss: no onLost, probe fails, session stays open until close()', async () => {
    const t = new FakeTransport();
    await t.connect(signal());
    let lost = 0;
    t.onLost(() => (lost += 1));
    t.setConnected(false);
    assert.equal(lost, 0);
    await assert.rejects(t.probe(signal()), { code: ErrorCode.NOT_CONNECTED });
    assert.equal(t.openSessions, 1);
    await t.connect(signal());
    assert.equal(t.connectsWithoutClose, 1, 'connecting over an unclosed session is counted');
    assert.equal(t.maxOpenSessions, 1);
  });

  it('reportLoss fires onLost once per connection', async () => {
    const t = new FakeTransport();
    const seen: TransportError[] = [];
    t.onLost((err) => seen.push(err));
    t.reportLoss(); // not connected: nothing
    await t.connect(signal());
    t.reportLoss(new TransportError(ErrorCode.NETWORK, 'reset'));
    t.reportLoss();
    assert.deepEqual(
      seen.map((e) => e.message),
      ['reset'],
    );
  });

  it('failProbes / hangProbes script the probe; null clears', async () => {
    const t = new FakeTransport();
    await t.connect(signal());
    t.failProbes();
    await assert.rejects(t.probe(signal()), { code: ErrorCode.UNHEALTHY });
    t.failProbes(null);
    assert.deepEqual(await t.probe(signal()), { latencyMs: 0, mode: 'fake' });
    t.hangProbes(true);
    const controller = new AbortController();
    const p = t.probe(controller.signal);
    controller.abort();
    await assert.rejects(p, TransportError);
    assert.deepEqual(t.calls, ['connect', 'probe', 'probe', 'probe']);
  });

  it('takes connect and probe latency from an injected clock', async () => {
    const clock = new FakeClock();
    const t = new FakeTransport({ clock, connectLatencyMs: 200, probeLatencyMs: 15, probeMode: 'command' });
    let done = false;
    const connecting = t.connect(signal()).then(() => (done = true));
    await clock.tickAsync(199);
    assert.equal(done, false);
    await clock.tickAsync(1);
    await connecting;
    const probing = t.probe(signal());
    await clock.tickAsync(15);
    assert.deepEqual(await probing, { latencyMs: 15, mode: 'command' });
  });

  it('runs commands with scripted results, and fails when not connected', async () => {
    const t = new FakeTransport();
    await assert.rejects(t.run('/system/resource/print'), { code: ErrorCode.NOT_CONNECTED });
    await t.connect(signal());
    t.setCommandResult('/system/resource/print', 'uptime: 1d');
    t.setCommandResult('/disk/add', new TransportError(ErrorCode.COMMAND, 'failure: not enough space'));
    t.setDefaultCommandResult((cmd) => `echo ${cmd}`);
    assert.equal(await t.run('/system/resource/print'), 'uptime: 1d');
    await assert.rejects(t.run('/disk/add'), { code: ErrorCode.COMMAND });
    assert.equal(await t.run('/x'), 'echo /x');
    assert.equal(t.runCalls, 4);
    assert.deepEqual(t.calls.slice(-3), ['run:/system/resource/print', 'run:/disk/add', 'run:/x']);
  });

  it('describes itself with settable labels', () => {
    const t = new FakeTransport({ labels: { probe_mode: 'command' } });
    assert.deepEqual(t.describe(), { probe_mode: 'command' });
    t.setLabels({ probe_mode: 'keepalive' });
    assert.deepEqual(t.describe(), { probe_mode: 'keepalive' });
  });
  it('is a TelemetrySource: scripted samples, errors or a function of the signal; fails when not connected', async () => {
    const t = new FakeTransport();
    assert.equal(isTelemetrySource(t), true);
    await assert.rejects(t.collect(signal()), { code: ErrorCode.NOT_CONNECTED });
    await t.connect(signal());
    assert.deepEqual(await t.collect(signal()), [], 'nothing scripted: no samples');
    const samples = [{ metric: 'systemCpuLoad', value: 0.5 }] as const;
    t.setTelemetry(samples);
    assert.deepEqual(await t.collect(signal()), samples);
    t.setTelemetry(new TransportError(ErrorCode.COMMAND, 'no such command'));
    await assert.rejects(t.collect(signal()), { code: ErrorCode.COMMAND });
    const seen: AbortSignal[] = [];
    t.setTelemetry(async (s) => {
      seen.push(s);
      return [{ metric: 'systemUptime', value: 9 }];
    });
    const own = signal();
    assert.deepEqual(await t.collect(own), [{ metric: 'systemUptime', value: 9 }]);
    assert.equal(seen[0], own, 'the function gets the collection signal');
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(t.collect(aborted.signal), { code: ErrorCode.ABORTED });
    assert.equal(t.collectCalls, 6);
    assert.equal(t.calls.filter((c) => c === 'collect').length, 6);
  });
});
