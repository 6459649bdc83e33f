import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { container as tsyringeRoot } from 'tsyringe';
import { exponentialBackoff } from '../backoff/exponential.js';
import type { BackoffDefinition } from '../backoff/backoff.js';
import type { TargetConfig } from '../config/agent-config.js';
import { silentLogger } from '../logging/logger.js';
import { MetricsHub } from '../metrics/metrics-hub.js';
import { ConnectionMonitor } from '../monitor/connection-monitor.js';
import { DEFAULT_MONITOR_SETTINGS } from '../monitor/monitor-settings.js';
import { ComponentRegistry } from '../plugin/component-registry.js';
import { TelemetryCollector } from '../telemetry/telemetry-collector.js';
import { FakeClock } from '../testing/fake-clock.js';
import { FakeTransport } from '../testing/fake-transport.js';
import { FixedRandom } from '../testing/fixed-random.js';
import { AgentScope, TargetScope } from '../tokens.js';
import type { TransportDefinition } from '../transport/transport-definition.js';
import { assembleTarget } from './target-assembly.js';

function agentRoot(clock = new FakeClock()) {
  const root = tsyringeRoot.createChildContainer();
  const hub = new MetricsHub(silentLogger(), 'test', clock);
  root.register(AgentScope.Clock, { useValue: clock });
  root.register(AgentScope.Random, { useValue: new FixedRandom(0.5) });
  root.register(AgentScope.Logger, { useValue: silentLogger() });
  root.register(AgentScope.EventSink, { useValue: hub });
  root.register(AgentScope.Registry, { useValue: new ComponentRegistry() });
  return { root, clock, hub };
}

function targetConfig(name: string, telemetryInterval = 0): TargetConfig {
  return {
    name,
    transport: 'fake',
    options: { label: name },
    monitor: { ...DEFAULT_MONITOR_SETTINGS, firstAttemptJitter: 0, telemetryInterval },
    backoff: { strategy: 'exponential', params: { initialInterval: 1000, multiplier: 2, maxInterval: 16_000, randomizationFactor: 0, maxElapsedTime: 0 } },
  };
}

/** Definitions that count their factory calls and remember what they made. */
function countingDefinitions() {
  const made: { transports: FakeTransport[]; options: unknown[]; backoffs: number } = { transports: [], options: [], backoffs: 0 };
  const transport: TransportDefinition = {
    schema: {},
    create: (options, context) => {
      made.options.push({ options, target: context.target });
      const t = new FakeTransport();
      made.transports.push(t);
      return t;
    },
  };
  const backoff: BackoffDefinition = {
    schema: {},
    create: (params, deps) => {
      made.backoffs += 1;
      return exponentialBackoff.create(params as never, deps);
    },
  };
  return { made, definitions: { transport, backoff } };
}

describe('target assembly', () => {
  it('makes the transport and the backoff strategy once per target container, from their definitions', () => {
    const { root } = agentRoot();
    const { made, definitions } = countingDefinitions();
    const a = assembleTarget(root, targetConfig('a'), definitions).create();
    const b = assembleTarget(root, targetConfig('b'), definitions).create();
    assert.equal(made.transports.length, 2);
    assert.equal(made.backoffs, 2);
    assert.deepEqual(made.options, [
      { options: { label: 'a' }, target: 'a' },
      { options: { label: 'b' }, target: 'b' },
    ]);
    assert.equal(a.monitor!.transport, made.transports[0]);
    assert.equal(b.monitor!.transport, made.transports[1]);
    assert.notEqual(a.monitor, b.monitor);
  });

  it('scopes the monitor and the collector to the target container, never to the agent', async () => {
    const { root } = agentRoot();
    const { definitions } = countingDefinitions();
    const runtime = assembleTarget(root, targetConfig('a', 60_000), definitions).create();
    assert.ok(runtime.monitor instanceof ConnectionMonitor);
    assert.ok(runtime.collector instanceof TelemetryCollector);
    assert.equal(root.isRegistered(ConnectionMonitor, false), false, 'nothing per-target is registered in the agent container');
    assert.equal(root.isRegistered(TargetScope.Transport, false), false);
    await runtime.dispose();
  });

  it('starts the monitor then the collector, and disposes collector, monitor, transport, then the container', async () => {
    const { root, clock } = agentRoot();
    const { made, definitions } = countingDefinitions();
    const runtime = assembleTarget(root, targetConfig('a', 60_000), definitions);
    runtime.start();
    await clock.tickAsync(0);
    const transport = made.transports[0]!;
    assert.equal(runtime.monitor!.state, 'connected');
    assert.ok(transport.collectCalls >= 1, 'the collector collected once connected');

    const order: string[] = [];
    const wrap = <T extends object>(what: string, obj: T, method: keyof T): void => {
      const original = (obj[method] as () => Promise<void>).bind(obj);
      (obj as Record<string, unknown>)[method as string] = async () => {
        order.push(`${what}:begin`);
        await original();
        order.push(`${what}:end`);
      };
    };
    wrap('collector', runtime.collector!, 'stop');
    wrap('monitor', runtime.monitor!, 'stop');
    wrap('transport', transport, 'close');
    await runtime.dispose();
    assert.deepEqual(order.filter((o) => o.endsWith(':begin')), ['collector:begin', 'monitor:begin', 'transport:begin', 'transport:begin']);
    assert.equal(order.indexOf('collector:end') < order.indexOf('monitor:begin'), true, 'the collector has stopped before the monitor stops');
    assert.equal(runtime.monitor!.state, 'stopped');
    assert.throws(() => runtime.create() && (runtime as unknown as { container: { resolve(t: unknown): unknown } }).container.resolve(TargetScope.Config), /disposed/);
    await runtime.dispose(); // twice is a no-op
  });

  it('reports a transport definition that throws when the target is created, building nothing else', () => {
    const { root } = agentRoot();
    const { made, definitions } = countingDefinitions();
    const broken: TransportDefinition = {
      schema: {},
      create: () => {
        throw new Error('plugin bug');
      },
    };
    assert.throws(() => assembleTarget(root, targetConfig('a'), { ...definitions, transport: broken }).create(), /plugin bug/);
    assert.equal(made.backoffs, 0);
  });

  it('gives the monitor the target settings as configured (one object, config names)', async () => {
    const { root, clock } = agentRoot();
    const { made, definitions } = countingDefinitions();
    const config = targetConfig('a');
    const runtime = assembleTarget(root, { ...config, monitor: { ...config.monitor, probeInterval: 2000 } }, definitions);
    runtime.start();
    await clock.tickAsync(0);
    await clock.tickAsync(1999);
    assert.equal(made.transports[0]!.probeCalls, 0);
    await clock.tickAsync(1);
    assert.equal(made.transports[0]!.probeCalls, 1);
    await runtime.dispose();
  });
});
