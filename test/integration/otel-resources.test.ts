import 'reflect-metadata';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { MonitorEvent } from '@rds-agent/core/host';
import { METER_NAME } from '@rds-agent/exporter-otel';
import { attributesOf, OtlpReceiver, pointsOf, pointWith, resourcesOf, valueOf, type OtlpTransport, type ReceivedExport } from '../support/otlp-receiver.js';
import { AGENT_VERSION, agentCore, otelFromRaw } from '../support/otlp-scenario.js';

// A real, short export interval: this test is about what each periodic export carries.
const INTERVAL_MS = 250;
const EXPORTS = 3;

/** Three targets: two whose transport describes host and port, one whose transport does not. */
function fleet(t0: number): MonitorEvent[] {
  const info = (target: string, labels: Record<string, string>): MonitorEvent => ({ type: 'target-info', target, at: t0, transport: 'rds-ssh', labels });
  const system = (target: string, version: string, board: string, architecture: string): MonitorEvent => ({
    type: 'telemetry', input: 'system',
    target,
    at: t0 + 2_000,
    outcome: 'ok',
    durationMs: 3,
    samples: [
      { metric: 'systemInfo', labels: { version, board, architecture }, value: 1 },
      { metric: 'systemCpuLoad', value: 0.25 },
    ],
  });
  const up = (target: string): MonitorEvent => ({ type: 'state-changed', target, at: t0 + 1_000, from: 'connecting', to: 'connected', reason: 'connected' });
  return [
    info('rds-a', { host: '10.0.0.11', port: '22', host_key_verification: 'pinned', probe_mode: 'command' }),
    info('rds-b', { host: 'rds-b.example', port: '2222', host_key_verification: 'known-hosts', probe_mode: 'keepalive' }),
    // A transport that describes neither host nor port (the labels are "" on rds_target_info).
    { type: 'target-info', target: 'rds-c', at: t0, transport: 'tcp-check', labels: {} },
    up('rds-a'),
    up('rds-b'),
    { type: 'state-changed', target: 'rds-c', at: t0 + 1_000, from: 'connecting', to: 'disconnected', reason: 'refused' },
    system('rds-a', '7.19.4 (stable)', 'RDS2216-2XG-4S+4XS-2XQ', 'arm64'),
    system('rds-b', '7.16', 'CHR QEMU Standard PC (i440FX + PIIX, 1996)', 'x86_64'),
  ];
}

/**
 * The device is the resource: every periodic export is ONE request holding the agent's resource and
 * one resource per target describing that device, decoded from the wire for each protocol.
 */
describe('otel exporter: one resource per target, one request per interval', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await OtlpReceiver.start();
  });
  after(async () => {
    await receiver.stop();
  });

  for (const protocol of ['http/protobuf', 'http/json', 'grpc'] as const satisfies readonly OtlpTransport[]) {
    it(`${protocol}: each interval's request holds the agent resource and one resource per device`, async () => {
      receiver.clear();
      const { hub, context } = agentCore(undefined, { targetInfoLabels: ['host', 'port', 'host_key_verification', 'probe_mode'] });
      for (const e of fleet(1_700_000_000_000)) hub.emit(e);
      const exporter = otelFromRaw(
        { endpoint: receiver.urlFor(protocol), protocol, exportInterval: INTERVAL_MS, exportTimeout: INTERVAL_MS - 50, resourceAttributes: { 'deployment.environment': 'test' } },
        context,
      );
      await exporter.start(new AbortController().signal);
      try {
        const mine = (): ReceivedExport[] => receiver.received.filter((e) => e.transport === protocol);
        await receiver.waitFor(() => mine().length >= EXPORTS, 10_000);
        assert.deepEqual(receiver.decodeErrors, []);
        const exports = mine();
        for (const [i, got] of exports.entries()) {
          const resources = resourcesOf(got);
          assert.deepEqual(
            resources.map((r) => r.attributes['host.name']),
            [hostname(), 'rds-a', 'rds-b', 'rds-c'],
            `request ${i}: every target in the one request of its interval, after the agent`,
          );
          for (const r of resources) assert.deepEqual(r.scopes, [METER_NAME]);
        }

        const [agent, a, b, c] = resourcesOf(exports.at(-1)!);
        const instanceId = agent!.attributes['service.instance.id'];
        assert.match(String(instanceId), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        const service = { 'service.name': 'rds-agent', 'service.version': AGENT_VERSION, 'service.instance.id': instanceId, 'deployment.environment': 'test' };
        assert.deepEqual(agent!.attributes, { ...service, 'host.name': hostname() });
        assert.deepEqual(a!.attributes, {
          ...service,
          'host.name': 'rds-a',
          'rds.transport': 'rds-ssh',
          'server.address': '10.0.0.11',
          'server.port': 22,
          'os.name': 'RouterOS',
          'os.version': '7.19.4',
          'os.description': 'RouterOS 7.19.4 (stable)',
          'device.model.identifier': 'RDS2216-2XG-4S+4XS-2XQ',
          'host.arch': 'arm64',
        });
        assert.deepEqual(b!.attributes, {
          ...service,
          'host.name': 'rds-b',
          'rds.transport': 'rds-ssh',
          'server.address': 'rds-b.example',
          'server.port': 2222,
          'os.name': 'RouterOS',
          'os.version': '7.16',
          'os.description': 'RouterOS 7.16',
          'device.model.identifier': 'CHR QEMU Standard PC (i440FX + PIIX, 1996)',
          'host.arch': 'amd64',
        });
        assert.deepEqual(c!.attributes, { ...service, 'host.name': 'rds-c', 'rds.transport': 'tcp-check' }, 'nothing undescribed is invented');
        assert.equal(typeof a!.attributes['server.port'], 'number', 'server.port is an int attribute on the wire');

        // The agent's own metrics stay on the agent resource; a device's on its own, with `target` kept.
        assert.deepEqual([...agent!.metrics.keys()].sort(), ['rds.agent.build_info', 'rds.exporter.errors']);
        for (const [name, device] of [['rds-a', a], ['rds-b', b], ['rds-c', c]] as const) {
          assert.ok(device!.metrics.size > 0);
          for (const [metric, m] of device!.metrics) {
            for (const p of pointsOf(m)) assert.equal(attributesOf(p.attributes)['target'], name, `${metric} on ${name}'s resource is ${name}'s`);
          }
        }
        assert.equal(valueOf(pointWith(a!.metrics.get('rds.connection.state')!.gauge?.dataPoints, { target: 'rds-a' })!), 1);
        assert.equal(valueOf(pointWith(c!.metrics.get('rds.connection.state')!.gauge?.dataPoints, { target: 'rds-c' })!), 0);
        assert.equal(valueOf(pointWith(b!.metrics.get('rds.system.cpu.load')!.gauge?.dataPoints, { target: 'rds-b' })!), 0.25);
        assert.deepEqual(attributesOf(pointWith(a!.metrics.get('rds.target.info')!.gauge?.dataPoints, { target: 'rds-a' })!.attributes), {
          target: 'rds-a',
          transport: 'rds-ssh',
          host: '10.0.0.11',
          port: '22',
          host_key_verification: 'pinned',
          probe_mode: 'command',
        });

        // A removed target leaves the next request: its resource and every series of it.
        hub.emit({ type: 'target-removed', target: 'rds-b', at: 1_700_000_100_000 });
        // The first request after the removal may have been collected before it: take the second.
        const seen = mine().length;
        const next = await receiver.waitFor((e) => e.transport === protocol && mine().indexOf(e) >= seen + 1, 5_000);
        assert.deepEqual(
          resourcesOf(next).map((r) => r.attributes['host.name']),
          [hostname(), 'rds-a', 'rds-c'],
        );
      } finally {
        await exporter.shutdown();
      }
    });
  }
});
