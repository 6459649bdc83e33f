import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, TransportError, type TelemetrySample } from '@rds-agent/core';
import { ExponentialBackoff, TelemetryCollector, createConnectionMonitor, silentLogger } from '@rds-agent/core/host';
import { FakeClock, FakeTransport, FixedRandom } from '@rds-agent/core/testing';
import { metricsOf, OtlpReceiver, pointWith, valueOf } from '../support/otlp-receiver.js';
import { otelFromRaw } from '../support/otlp-scenario.js';
import { startExporter, type ExporterFixture } from '../support/prometheus-exporter-fixture.js';

const T = 'rds1';
const INTERVAL = 60_000;

/** One sample line of a scrape, by metric name and exact label set (label order does not matter). */
function sample(scrape: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of scrape.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = (m[2] ?? '').match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? [];
    if (got.sort().join(',') === want) return Number(m[3]);
  }
  return undefined;
}

/**
 * Device telemetry end to end without a device: a FakeTransport reports scripted telemetry, a real
 * ConnectionMonitor + TelemetryCollector run on a FakeClock, and the MetricsHub feeds the real
 * Prometheus exporter (scraped over HTTP) and the OTLP exporter (received by a local receiver).
 */
describe('device telemetry through the exporters', () => {
  let fixture: ExporterFixture;
  let receiver: OtlpReceiver;
  before(async () => {
    fixture = await startExporter();
    receiver = await OtlpReceiver.start();
  });
  after(async () => {
    await fixture.stop();
    await receiver.stop();
  });

  it('exports gauges, device counters (monotonic across a device reboot), system info replacement and failed collections', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const random = new FixedRandom(0.5);
    const transport = new FakeTransport();
    let current: readonly TelemetrySample[] | Error = [];
    transport.setTelemetry(() => {
      if (current instanceof Error) throw current;
      return current;
    });
    const device = (o: { cpu: number; read: number; write: number; version: string }): TelemetrySample[] => [
      { metric: 'systemCpuLoad', value: o.cpu },
      { metric: 'systemUptime', value: 3600 },
      { metric: 'systemMemoryTotal', value: 8 * 2 ** 30 },
      { metric: 'systemInfo', labels: { version: o.version, board: 'RDS2216', architecture: 'arm64' }, value: 1 },
      { metric: 'diskReadBytes', labels: { slot: 'nvme1' }, value: o.read },
      { metric: 'diskWriteBytes', labels: { slot: 'nvme1' }, value: o.write },
    ];
    const context = { name: 'otel', logger: silentLogger(), clock, metrics: fixture.hub, status: fixture.status, version: 'test', shutdownTimeoutMs: 5000, catalog: fixture.hub.catalog };
    const otel = otelFromRaw({ endpoint: receiver.httpUrl, exportInterval: '1h' }, context);
    await otel.start(AbortSignal.timeout(10_000));
    const monitor = createConnectionMonitor({
      target: T,
      transport,
      backoff: new ExponentialBackoff({ randomizationFactor: 0 }, { clock, random }),
      clock,
      random,
      events: fixture.hub,
      transportType: 'fake', settings: { firstAttemptJitter: 0, probeInterval: 3_600_000 },
    });
    const collector = new TelemetryCollector({ target: T, source: transport, connection: monitor, clock, events: fixture.hub, logger: silentLogger(), intervalMs: INTERVAL, timeoutMs: 10_000 });
    const scrape = async (): Promise<string> => (await fetch(`${fixture.url}/metrics`)).text();
    const disk = { target: T, slot: 'nvme1' };
    try {
      current = device({ cpu: 0.25, read: 1000, write: 10, version: '7.16' });
      monitor.start();
      collector.start();
      await clock.tickAsync(0);
      let s = await scrape();
      assert.equal(sample(s, 'rds_system_cpu_load_ratio', { target: T }), 0.25);
      assert.equal(sample(s, 'rds_system_uptime_seconds', { target: T }), 3600);
      assert.equal(sample(s, 'rds_system_memory_total_bytes', { target: T }), 8 * 2 ** 30);
      assert.equal(sample(s, 'rds_disk_read_bytes_total', disk), 1000);
      assert.equal(sample(s, 'rds_disk_write_bytes_total', disk), 10);
      assert.equal(sample(s, 'rds_system_info', { target: T, version: '7.16', board: 'RDS2216', architecture: 'arm64' }), 1);

      current = device({ cpu: 0.5, read: 1500, write: 30, version: '7.16' });
      await clock.tickAsync(INTERVAL);
      s = await scrape();
      assert.equal(sample(s, 'rds_system_cpu_load_ratio', { target: T }), 0.5);
      assert.equal(sample(s, 'rds_disk_read_bytes_total', disk), 1500);
      assert.equal(sample(s, 'rds_disk_write_bytes_total', disk), 30);

      // The device rebooted into a new RouterOS: its totals restarted, its facts changed.
      current = device({ cpu: 0.1, read: 200, write: 5, version: '7.17' });
      await clock.tickAsync(INTERVAL);
      s = await scrape();
      assert.equal(sample(s, 'rds_disk_read_bytes_total', disk), 1700, 'the exported counter never goes down');
      assert.equal(sample(s, 'rds_disk_write_bytes_total', disk), 35);
      assert.equal(sample(s, 'rds_system_info', { target: T, version: '7.16', board: 'RDS2216', architecture: 'arm64' }), undefined, 'old facts gone');
      assert.equal(sample(s, 'rds_system_info', { target: T, version: '7.17', board: 'RDS2216', architecture: 'arm64' }), 1);

      current = new TransportError(ErrorCode.COMMAND, 'bad command name');
      await clock.tickAsync(INTERVAL);
      s = await scrape();
      assert.equal(sample(s, 'rds_telemetry_errors_total', { target: T, input: 'collect', reason: 'command' }), 1);
      assert.equal(sample(s, 'rds_connection_state', { target: T }), 1, 'a failed collection is not a lost connection');
      assert.equal(sample(s, 'rds_disk_read_bytes_total', disk), 1700, 'counters keep their total');
      assert.equal(sample(s, 'rds_system_cpu_load_ratio', { target: T }), undefined, 'a gauge does not freeze at its last reading while the device refuses');

      await otel.forceFlush();
      const m = metricsOf(await receiver.waitFor(() => true));
      assert.equal(valueOf(pointWith(m.get('rds.disk.read')!.sum?.dataPoints, disk)!), 1700, 'OTLP agrees');
      assert.equal(m.get('rds.disk.read')!.sum?.isMonotonic, true);
      assert.equal(pointWith(m.get('rds.system.cpu.load')?.gauge?.dataPoints ?? [], { target: T }), undefined, 'OTLP has no stale reading either');
      const infos = m.get('rds.system.info')!.gauge?.dataPoints ?? [];
      assert.ok(pointWith(infos, { target: T, version: '7.17' }));
      assert.equal(pointWith(infos, { target: T, version: '7.16' }), undefined, 'OTLP drops the replaced info series too');
    } finally {
      await collector.stop();
      await monitor.stop();
      await otel.shutdown();
    }
  });
});
