/**
 * Real peer, real monitor: a core ConnectionMonitor driving a FakeTransport in real time feeds the
 * hub; a private Prometheus scraping the exporter sees the target connect, lose its connection
 * while reconnects fail, and recover, with the counters that tell the story.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConstantBackoff, SystemClock, SystemRandom, createConnectionMonitor, type ConnectionMonitor } from '@rds-agent/core/host';
import { FakeTransport } from '@rds-agent/core/testing';
import { startExporter, type ExporterFixture } from '../support/prometheus-exporter-fixture.js';
import { PrometheusServer } from '../support/prometheus-server.js';

describe('ConnectionMonitor -> hub -> exporter -> Prometheus', { timeout: 120_000 }, () => {
  const clock = new SystemClock();
  const random = new SystemRandom();
  let fx: ExporterFixture;
  let prom: PrometheusServer;
  let transport: FakeTransport;
  let monitor: ConnectionMonitor;

  before(async () => {
    fx = await startExporter({}, clock);
    transport = new FakeTransport({ labels: { host_key_verification: 'pinned' }, probeMode: 'command' });
    monitor = createConnectionMonitor({
      target: 'rds-monitored',
      transport,
      backoff: new ConstantBackoff({ interval: 300 }, { clock, random }),
      clock,
      random,
      events: fx.hub,
      transportType: 'fake', settings: { probeInterval: 500, probeTimeout: 400, connectTimeout: 1000, firstAttemptJitter: 0 },
    });
    monitor.start();
    prom = await PrometheusServer.start([{ target: fx.hostPort }]);
  });
  after(async () => {
    await monitor?.stop();
    await prom?.stop();
    await fx?.stop();
  });

  it('shows the monitored target connected', async () => {
    await prom.waitForValue('rds_connection_state{target="rds-monitored"}', 1);
    await prom.waitForValue('rds_target_info{target="rds-monitored",transport="fake"}', 1);
    const probes = await prom.waitForValue('rds_probe_duration_seconds_count{target="rds-monitored"} > bool 0', 1);
    assert.ok(probes);
  });

  it('shows the loss as 0 while reconnects fail, then the recovery as 1', async () => {
    transport.failAllConnects();
    transport.reportLoss();
    await prom.waitForValue('rds_connection_state{target="rds-monitored"}', 0);
    await prom.waitForValue('rds_disconnects_total{target="rds-monitored",reason="network"}', 1);
    await prom.waitForValue('rds_connect_errors_total{target="rds-monitored",reason="network"} >= bool 2', 1);
    await prom.waitForValue('rds_backoff_delay_seconds{target="rds-monitored"}', 0.3);
    assert.equal(fx.status.get('rds-monitored')?.state, 'disconnected');

    transport.clearFailures();
    await prom.waitForValue('rds_connection_state{target="rds-monitored"}', 1);
    await prom.waitForValue('rds_reconnect_duration_seconds_count{target="rds-monitored"}', 2);
    await prom.waitForValue('rds_backoff_delay_seconds{target="rds-monitored"}', 0);
    // Counters carried across the outage: the first connect plus the recovery.
    await prom.waitForValue('rds_reconnect_total{target="rds-monitored",status="success"}', 2);
    const failures = await prom.query('rds_reconnect_total{target="rds-monitored",status="failure"}');
    const errors = await prom.query('rds_connect_errors_total{target="rds-monitored",reason="network"}');
    assert.equal(failures[0]!.value[1], errors[0]!.value[1], 'every failed attempt is one connect error');
  });
});
