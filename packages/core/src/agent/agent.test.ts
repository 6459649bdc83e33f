import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateAgentConfig } from '../config/compose-config.js';
import { AgentError } from '../errors/agent-error.js';
import { ErrorCode } from '../errors/codes.js';
import { silentLogger } from '../logging/logger.js';
import { Metrics } from '../metrics/catalog.js';
import type { MetricsExporter } from '../metrics/exporter.js';
import { ComponentRegistry } from '../plugin/component-registry.js';
import type { TelemetrySample } from '../transport/telemetry-source.js';
import { FakeClock, FakeTransport, RecordingExporter, FixedRandom } from '../testing/index.js';
import type { Transport } from '../transport/transport.js';
import { Agent, type AgentOptions } from './agent.js';
import { corePlugin } from './core-plugin.js';

interface Rig {
  agent: Agent;
  clock: FakeClock;
  order: string[];
  transports: Map<string, FakeTransport>;
  recorder: () => RecordingExporter;
  registry: ComponentRegistry;
  config: (raw: Record<string, unknown>) => ReturnType<typeof validateAgentConfig>;
}

const target = (name: string, extra: Record<string, unknown> = {}) => ({ name, transport: 'fake', options: { id: name, ...extra } });
const FAST = { monitor: { firstAttemptJitter: 0, probeInterval: '5s' }, backoff: { randomizationFactor: 0 } };

async function rig(raw: Record<string, unknown>, opts: { customTransport?: (id: string) => Transport | undefined; build?: AgentOptions['build']; transportComponents?: Record<string, string | undefined>; exporterComponents?: Record<string, string | undefined> } = {}): Promise<Rig> {
  const clock = new FakeClock(1_700_000_000_000);
  const order: string[] = [];
  const transports = new Map<string, FakeTransport>();
  let recorder: RecordingExporter | undefined;
  const registry = new ComponentRegistry();
  await corePlugin.register(registry.hostFor(corePlugin.name, silentLogger()), {});
  const host = registry.hostFor('test', silentLogger());
  host.addTransport('fake', {
    ...(opts.transportComponents ? { componentVersions: opts.transportComponents } : {}),
    schema: { id: { doc: 'id', format: String, default: '' }, version: { doc: 'changes the config', format: 'nat', default: 0 } },
    create: (cfg: Record<string, unknown>) => {
      const id = cfg['id'] as string;
      const custom = opts.customTransport?.(id);
      if (custom) return custom;
      if (id.startsWith('broken')) throw new Error(`cannot build transport ${id}`);
      const t = new FakeTransport();
      const connect = t.connect.bind(t);
      t.connect = (signal) => {
        order.push(`connect:${id}`);
        return connect(signal);
      };
      transports.set(id, t);
      return t;
    },
  });
  host.addExporter('rec', {
    ...(opts.exporterComponents ? { componentVersions: opts.exporterComponents } : {}),
    enabledByDefault: true,
    schema: { failStart: { doc: 'fail', format: 'strict-boolean', default: false } },
    create: (cfg: Record<string, unknown>, ctx): MetricsExporter => {
      const rec = new RecordingExporter(ctx.metrics, 'rec');
      recorder = rec;
      return {
        start: async (signal) => {
          order.push('exporter:start');
          if (cfg['failStart']) throw new AgentError(ErrorCode.EXPORTER_START, 'exporters.rec.port: address already in use');
          await rec.start(signal);
        },
        forceFlush: async () => void order.push('exporter:flush'),
        shutdown: async () => {
          order.push('exporter:shutdown');
          await rec.shutdown();
        },
      };
    },
  });
  const config = (r: Record<string, unknown>) => validateAgentConfig({ ...FAST, ...r }, registry, { env: {} });
  const agent = new Agent({ config: config(raw), registry, logger: silentLogger(), version: '9.9.9', clock, random: new FixedRandom(0.5), ...(opts.build ? { build: opts.build } : {}) });
  return { agent, clock, order, transports, recorder: () => recorder!, registry, config };
}

describe('Agent lifecycle', () => {
  it('starts exporters before monitors and reports each target', async () => {
    const r = await rig({ targets: [target('a'), target('b')] });
    await r.agent.start();
    await r.clock.tickAsync(0);
    assert.equal(r.order[0], 'exporter:start');
    assert.deepEqual(r.order.slice(1).sort(), ['connect:a', 'connect:b']);
    assert.equal(r.recorder().value(Metrics.connectionState, { target: 'a' }), 1);
    assert.deepEqual(r.recorder().series(Metrics.buildInfo).map((s) => [s.labels['version'], s.labels['revision'], s.value]), [['9.9.9', 'unknown', 1]]);
    assert.deepEqual(r.agent.status.list().map((s) => [s.target, s.state]), [['a', 'connected'], ['b', 'connected']]);
    await r.agent.stop();
  });

  it('publishes its revision, the components its transports and exporters declare, and its start time on its clock; a reload changes neither', async () => {
    const r = await rig({ targets: [target('a')] }, { build: { revision: '0123abc' }, transportComponents: { 'fake-ssh-lib': '1.17.0' }, exporterComponents: { '@scope/exporter-sdk': undefined } });
    await r.clock.tickAsync(5_000); // the start time is when start() runs, not when the agent was made
    await r.agent.start();
    const expected = { version: '9.9.9', revision: '0123abc', nodejs_version: process.versions.node, fake_ssh_lib_version: '1.17.0', scope_exporter_sdk_version: 'unknown' };
    assert.deepEqual(r.recorder().series(Metrics.buildInfo), [{ labels: expected, value: 1 }]);
    assert.equal(r.recorder().value(Metrics.startTime, {}), 1_700_000_005);
    await r.clock.tickAsync(60_000);
    await r.agent.reload(r.config({ targets: [target('b')] }));
    assert.equal(r.recorder().value(Metrics.startTime, {}), 1_700_000_005);
    assert.deepEqual(r.recorder().series(Metrics.buildInfo), [{ labels: expected, value: 1 }]);
    await r.agent.stop();
  });

  it('stops monitors (closing sessions), then flushes and shuts down exporters; safe twice', async () => {
    const r = await rig({ targets: [target('a')] });
    await r.agent.start();
    await r.clock.tickAsync(0);
    const first = r.agent.stop();
    const second = r.agent.stop();
    assert.equal(first, second);
    assert.deepEqual(await first, { timedOut: false });
    const t = r.transports.get('a')!;
    assert.equal(t.openSessions, 0);
    assert.deepEqual(r.order.slice(-1), ['exporter:shutdown']);
    assert.ok(!r.order.includes('exporter:flush'), 'shutdown() flushes; no unbounded forceFlush before it');
    assert.equal(r.agent.status.get('a')!.state, 'stopped');
  });

  it('stop before start is safe', async () => {
    const r = await rig({ targets: [target('a')] });
    assert.deepEqual(await r.agent.stop(), { timedOut: false });
    assert.equal(r.transports.size, 0);
  });

  it('an exporter that cannot start fails the start and nothing is left running', async () => {
    const r = await rig({ targets: [target('a')], exporters: { rec: { failStart: true } } });
    await assert.rejects(r.agent.start(), (err: unknown) => err instanceof AgentError && err.code === ErrorCode.EXPORTER_START && /exporters\.rec\.port/.test(err.message));
    await r.clock.tickAsync(10_000);
    assert.equal(r.transports.size, 0, 'no transport was built');
    assert.ok(r.order.includes('exporter:shutdown'));
  });

  it('contains a target whose transport cannot be built; the others run', async () => {
    const r = await rig({ targets: [target('broken-1'), target('ok')] });
    await r.agent.start();
    await r.clock.tickAsync(0);
    assert.equal(r.agent.status.get('broken-1')!.state, 'failed');
    assert.equal(r.agent.status.get('broken-1')!.reason, 'transport-error');
    assert.equal(r.agent.status.get('ok')!.state, 'connected');
    await r.agent.stop();
  });

  it('reload keeps unchanged targets connected, starts added, stops removed, restarts changed', async () => {
    const r = await rig({ targets: [target('keep'), target('drop'), target('change')] });
    await r.agent.start();
    await r.clock.tickAsync(0);
    const keep = r.transports.get('keep')!;
    const drop = r.transports.get('drop')!;
    const summary = await r.agent.reload(r.config({ targets: [target('keep'), target('change', { version: 2 }), target('add')] }));
    await r.clock.tickAsync(0);
    assert.deepEqual(summary.unchanged, ['keep']);
    assert.deepEqual(summary.removed, ['drop']);
    assert.deepEqual(summary.changed, ['change']);
    assert.deepEqual(summary.added, ['add']);
    assert.equal(keep.connectCalls, 1, 'the unchanged target kept its connection');
    assert.equal(drop.openSessions, 0, 'the removed target was closed');
    assert.equal(r.agent.status.get('drop'), undefined);
    assert.equal(r.recorder().value(Metrics.connectionState, { target: 'drop' }), undefined, 'its series are gone');
    assert.equal(r.agent.status.get('add')!.state, 'connected');
    assert.equal(r.agent.status.get('change')!.state, 'connected');
    assert.deepEqual(summary.exportersRestarted, []);
    await r.agent.stop();
  });

  it('gives up waiting at shutdownTimeout when a transport will not close', async () => {
    const stuck: Transport = {
      connect: async () => undefined,
      probe: async () => ({}),
      close: () => new Promise<void>(() => undefined),
      onLost: () => () => undefined,
    };
    const r = await rig({ shutdownTimeout: '3s', targets: [target('stuck')] }, { customTransport: (id) => (id === 'stuck' ? stuck : undefined) });
    await r.agent.start();
    await r.clock.tickAsync(0);
    let result: { timedOut: boolean } | undefined;
    void r.agent.stop().then((x) => (result = x));
    await r.clock.tickAsync(2999);
    assert.equal(result, undefined);
    await r.clock.tickAsync(1);
    assert.deepEqual(result, { timedOut: true });
  });
});

describe('Agent telemetry', () => {
  const cpu = (value: number): TelemetrySample[] => [{ metric: 'systemCpuLoad', value }];
  /** A rig whose fake transports report telemetry; `made` holds every transport built, by id, newest last. */
  async function teleRig(raw: Record<string, unknown>) {
    const made = new Map<string, FakeTransport[]>();
    const r = await rig(raw, {
      customTransport: (id) => {
        const t = new FakeTransport();
        t.setTelemetry(cpu(0.25));
        made.set(id, [...(made.get(id) ?? []), t]);
        return t;
      },
    });
    return { ...r, made: (id: string) => made.get(id) ?? [] };
  }
  const monitor = (extra: Record<string, unknown>) => ({ monitor: { ...FAST.monitor, ...extra } });

  it('collects from a transport that can, every telemetryInterval while connected, and stops it with the target', async () => {
    const r = await teleRig({ ...monitor({ telemetryInterval: '30s' }), targets: [target('a')] });
    await r.agent.start();
    await r.clock.tickAsync(0);
    const t = r.made('a')[0]!;
    assert.equal(t.collectCalls, 1, 'first collection once connected');
    assert.equal(r.recorder().value(Metrics.systemCpuLoad, { target: 'a' }), 0.25);
    await r.clock.tickAsync(30_000);
    assert.equal(t.collectCalls, 2);
    await r.agent.stop();
    assert.equal(t.calls.at(-1), 'close', 'the collector stopped before the session was closed');
    await r.clock.tickAsync(120_000);
    assert.equal(t.collectCalls, 2, 'no collection after stop');
  });

  it('telemetryInterval 0 builds no collector; a per-target override turns it on for that target only', async () => {
    const r = await teleRig({
      ...monitor({ telemetryInterval: 0 }),
      targets: [target('off'), { ...target('on'), monitor: { telemetryInterval: '10s' } }],
    });
    await r.agent.start();
    await r.clock.tickAsync(60_000);
    assert.equal(r.made('off')[0]!.collectCalls, 0);
    assert.equal(r.made('on')[0]!.collectCalls, 7);
    await r.agent.stop();
  });

  it('a failed collection is counted, the connection stays up', async () => {
    const r = await teleRig({ ...monitor({ telemetryTimeout: '2s' }), targets: [target('a')] });
    await r.agent.start();
    await r.clock.tickAsync(0);
    const t = r.made('a')[0]!;
    t.setTelemetry((signal) => r.clock.sleep(5000, signal).then(() => cpu(0.9)));
    await r.clock.tickAsync(60_000 + 1999);
    assert.equal(r.recorder().value(Metrics.telemetryErrors, { target: 'a', input: 'collect', reason: 'timeout' }), undefined);
    await r.clock.tickAsync(1);
    assert.equal(r.recorder().value(Metrics.telemetryErrors, { target: 'a', input: 'collect', reason: 'timeout' }), 1);
    assert.equal(r.recorder().value(Metrics.systemCpuLoad, { target: 'a' }), undefined, 'no stale reading: the series is absent until the device answers again');
    assert.equal(r.agent.status.get('a')!.state, 'connected');
    await r.agent.stop();
  });

  it('reload keeps an unchanged target collecting, restarts a changed one with its new interval, and stops a removed one', async () => {
    const r = await teleRig({ ...monitor({ telemetryInterval: '60s' }), targets: [target('keep'), target('change'), target('drop')] });
    await r.agent.start();
    await r.clock.tickAsync(0);
    const summary = await r.agent.reload(
      r.config({ ...monitor({ telemetryInterval: '60s' }), targets: [target('keep'), { ...target('change'), monitor: { telemetryInterval: '20s' } }] }),
    );
    assert.deepEqual([summary.unchanged, summary.changed, summary.removed], [['keep'], ['change'], ['drop']]);
    await r.clock.tickAsync(60_000);
    assert.equal(r.made('keep').length, 1);
    assert.equal(r.made('keep')[0]!.collectCalls, 2, 'same collector, same cadence');
    assert.equal(r.made('change').length, 2);
    assert.equal(r.made('change')[0]!.collectCalls, 1, 'the old collector stopped');
    assert.equal(r.made('change')[1]!.collectCalls, 4, 'the new one runs at 20 s: t = 0, 20, 40, 60 s');
    assert.equal(r.made('drop')[0]!.collectCalls, 1);
    assert.equal(r.recorder().value(Metrics.systemCpuLoad, { target: 'drop' }), undefined, 'the removed target\'s telemetry series are gone');
    await r.agent.stop();
  });
});
